from agentsim.engine.routing import route_after_doctor
from agentsim.model.episode import Termination


def test_questions_go_to_the_patient():
    assert route_after_doctor({"pending": {"action": "ask", "question": "Any pain?"}}) == "patient"


def test_exams_and_orders_go_to_the_gatekeeper():
    assert route_after_doctor({"pending": {"action": "examine", "request": "chest"}}) == "gatekeeper"
    assert route_after_doctor({"pending": {"action": "order", "tests": ["FBC"]}}) == "gatekeeper"


def test_any_termination_goes_to_the_judge():
    for reason in Termination:
        assert route_after_doctor({"termination": reason, "pending": {"action": "ask"}}) == "judge"
