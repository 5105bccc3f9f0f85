"""The one Action union: typed objects, JSON tagged by "action", a one-line form for the log."""

import pytest
from pydantic import ValidationError

from agentsim.model.action import ACTION_ADAPTER, Action, Ask, Diagnose, DoctorTurn, Examine, Order, describe_action


def test_json_picks_the_member_by_its_tag():
    assert ACTION_ADAPTER.validate_python({"action": "order", "tests": ["ECG"]}) == Order(tests=["ECG"])
    with pytest.raises(ValidationError):
        ACTION_ADAPTER.validate_python({"action": "operate", "site": "heart"})


def test_isinstance_works_on_the_union():
    for action in (Ask(question="q"), Examine(request="chest"), Order(tests=["ECG"]), Diagnose(diagnosis="x")):
        assert isinstance(action, Action)
    assert not isinstance("ask", Action)


def test_the_log_line_of_each_action():
    assert describe_action(Ask(question="Any pain?")) == "Any pain?"
    assert describe_action(Examine(request="chest")) == "[examine] chest"
    assert describe_action(Order(tests=["ECG", "troponin"])) == "[order] ECG, troponin"
    assert describe_action(Diagnose(diagnosis="STEMI")) == "[diagnosis] STEMI"


def test_a_doctor_turn_carries_an_action_from_json():
    turn = DoctorTurn.model_validate({"action": {"action": "ask", "question": "Where?"}})
    assert turn.action == Ask(question="Where?") and turn.usage is None
