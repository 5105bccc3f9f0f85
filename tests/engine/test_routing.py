from langgraph.graph import END

from agentsim.engine.routing import route_after_doctor
from agentsim.model.action import Ask, Diagnose, Examine, Order
from agentsim.model.episode import Termination


def test_questions_go_to_the_patient():
    assert route_after_doctor({"pending": Ask(question="Any pain?")}) == "patient"


def test_exams_and_orders_go_to_the_gatekeeper():
    assert route_after_doctor({"pending": Examine(request="chest")}) == "gatekeeper"
    assert route_after_doctor({"pending": Order(tests=["FBC"])}) == "gatekeeper"


def test_any_termination_ends_the_graph_scoring_happens_after_it():
    for reason in Termination:
        assert route_after_doctor({"termination": reason, "pending": Diagnose(diagnosis="x")}) == END
