"""Bring-your-own doctor: every way to name one, and every way it can go wrong, as the user sees it."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from agentsim import run_episode
from agentsim.agents import loading
from agentsim.agents.loading import coerce_literal
from agentsim.agents.registry import list_doctors, make_doctor, resolve_doctor
from agentsim.errors import UserError
from agentsim.model.episode import Role, Termination, TurnKind

PLUGINS = Path(__file__).parents[1] / "fixtures" / "plugins"
GOOD = f"{PLUGINS / 'good_doctor.py'}:GoodDoctor"


@pytest.fixture
def on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))


@pytest.fixture
def fake_entry_points(monkeypatch, on_path):
    """Pretend a package installed `good = good_doctor:GoodDoctor` (and a broken one) as plug-ins."""
    entries = [
        importlib.metadata.EntryPoint(name="good", value="good_doctor:GoodDoctor", group=loading.ENTRY_POINT_GROUP),
        importlib.metadata.EntryPoint(name="broken", value="broken_doctor:BrokenDoctor",
                                      group=loading.ENTRY_POINT_GROUP),
        importlib.metadata.EntryPoint(name="checklist", value="good_doctor:GoodDoctor",
                                      group=loading.ENTRY_POINT_GROUP),
    ]

    def entry_points(**params):
        return [e for e in entries if e.group == params.get("group")]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


# ------------------------------------------------------------------------------------------ loading


def test_a_file_path_with_a_class_loads_and_plays_a_whole_episode(stemi):
    doctor = resolve_doctor(GOOD, {})
    assert type(doctor).__name__ == "GoodDoctor"
    result = run_episode(stemi, doctor=GOOD)
    assert result.termination is Termination.DIAGNOSED and result.score.diagnosis.correct
    assert result.agents.doctor == GOOD


def test_loading_the_same_file_twice_reuses_the_module():
    assert type(resolve_doctor(GOOD, {})) is type(resolve_doctor(GOOD, {}))


def test_a_relative_file_path_works_from_the_project_root(monkeypatch):
    monkeypatch.chdir(PLUGINS.parents[2])
    assert type(make_doctor("tests/fixtures/plugins/good_doctor.py:GoodDoctor")).__name__ == "GoodDoctor"


def test_module_attr_takes_a_class_a_factory_or_an_instance(on_path):
    assert type(resolve_doctor("good_doctor:GoodDoctor", {})).__name__ == "GoodDoctor"
    made = resolve_doctor("good_doctor:make_good", {"verbose": "true", "n": "3", "p": "0.5", "tag": "x1"})
    assert made.options == {"verbose": True, "n": 3, "p": 0.5, "tag": "x1"}  # untyped: best-effort conversion
    instance = resolve_doctor("good_doctor:INSTANCE", {})
    assert instance.diagnosis == "acute myocardial infarction"


def test_options_are_converted_to_the_constructor_annotations():
    doctor = resolve_doctor(GOOD, {"tests": "3", "examine": "false", "weight": "2", "diagnosis": "123"})
    assert (doctor.tests, doctor.examine, doctor.weight, doctor.diagnosis) == (3, False, 2.0, "123")
    # options from Python are passed through as they are
    assert resolve_doctor(GOOD, {"tests": 1}).tests == 1


def test_an_entry_point_name_loads_the_installed_plugin(fake_entry_points, stemi):
    assert type(make_doctor("good", tests="1")).__name__ == "GoodDoctor"
    assert run_episode(stemi, doctor="good").termination is Termination.DIAGNOSED
    # a built-in name wins over a plug-in of the same name
    assert type(make_doctor("checklist")).__name__ == "ChecklistDoctor"


def test_a_registered_name_still_resolves_with_options():
    doctor = resolve_doctor("checklist", {"extra_tests": "2"})
    assert type(doctor).__name__ == "ChecklistDoctor" and doctor.extra_tests == 2


def test_doctors_list_shows_built_ins_and_entry_points(fake_entry_points):
    rows = {(r.name, r.source): r for r in list_doctors()}
    assert {("checklist", "built-in"), ("scripted", "built-in"), ("good", "entry point")} <= set(rows)
    assert rows[("good", "entry point")].target == "good_doctor:GoodDoctor"
    assert rows[("checklist", "entry point")].shadowed


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("False", False), ("12", 12), ("-3", -3), ("0.5", 0.5), ("1e-3", 0.001), ("gpt-4o", "gpt-4o"),
     ("nan", "nan"), ("", "")],
)
def test_untyped_option_conversion(text, value):
    assert coerce_literal(text) == value and type(coerce_literal(text)) is type(value)


# ------------------------------------------------------------------------------------------ load-time errors


@pytest.mark.parametrize(
    ("spec", "options", "message"),
    [
        ("tests/fixtures/plugins/nope.py:Doctor", {}, "doctor plug-in file not found: tests/fixtures/plugins/nope.py"),
        (f"{PLUGINS / 'good_doctor.py'}:NoSuchClass", {}, "has no attribute 'NoSuchClass'; classes defined there: "),
        (f"{PLUGINS / 'broken_doctor.py'}:BrokenDoctor", {},
         "failed: ModuleNotFoundError: No module named 'agentsim_no_such_dependency'"),
        ("broken_doctor:BrokenDoctor", {}, "importing doctor plug-in broken_doctor failed: ModuleNotFoundError"),
        ("no_such_plugin_module:Doctor", {}, "no module named 'no_such_plugin_module'"),
        ("good_doctor:NOT_A_DOCTOR", {}, "is not a Doctor: a int has no act(obs) method"),
        ("good_doctor:NoAct", {}, "is not a Doctor: class NoAct has no act(obs) method"),
        ("good_doctor:make_nothing", {}, "is not a Doctor: it gave a str"),
        ("good_doctor:Unfinished", {}, "does not implement act(obs)"),
        ("good_doctor:GoodDoctor", {"temperature": "0.2"},
         "rejected its options ['temperature']: got an unexpected keyword argument 'temperature'; it takes: "
         "diagnosis, tests, examine, weight"),
        ("good_doctor:GoodDoctor", {"tests": "many"}, "--doctor-opt tests='many': Input should be a valid integer"),
        ("good_doctor:INSTANCE", {"tests": "1"}, "is an already-built doctor; it takes no options"),
        ("nobody", {}, "unknown doctor 'nobody'; built-in doctors: "),
        (str(PLUGINS / "good_doctor.py"), {}, "name the doctor class in the file too"),
        ("checklist", {"nope": "1"}, "doctor 'checklist' rejected its options ['nope']"),
        ("http://", {}, "bad doctor URL"),
        ("http://127.0.0.1:9/act", {"retries": "-1"}, "retries >= 0"),
    ],
)
def test_load_errors_are_one_line_user_errors(on_path, spec, options, message):
    with pytest.raises(UserError) as caught:
        resolve_doctor(spec, options)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and "Traceback" not in text


def test_a_broken_entry_point_is_a_user_error(fake_entry_points):
    with pytest.raises(UserError, match=r"doctor plug-in 'broken' \(broken_doctor:BrokenDoctor\) failed to load: "
                                        r"ModuleNotFoundError"):
        make_doctor("broken")


def test_unknown_doctor_lists_installed_plugins(fake_entry_points):
    with pytest.raises(UserError, match="installed plug-ins: broken, checklist, good"):
        make_doctor("nobody")


def test_a_load_error_happens_before_anything_is_stored(stemi, db_url):
    from agentsim.store.queries import list_episodes

    with pytest.raises(UserError):
        run_episode(stemi, doctor=f"{PLUGINS / 'good_doctor.py'}:Missing", db=db_url)
    assert list_episodes(db=db_url) == []


# ------------------------------------------------------------------------------------------ run-time errors


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        ("RaisesDoctor", "doctor raised ValueError: could not parse the observation"),
        ("WordsDoctor", "doctor returned str, not an action: act must return Ask, Examine, Order or Diagnose"),
        ("GreedyDoctor", "invalid action: ordered 5 tests at once; the limit is 3 per order"),
        ("ResetFails", "doctor reset raised ConnectionError: model server is down"),
    ],
)
def test_run_time_errors_end_the_episode_as_doctor_error_and_keep_the_log(stemi, db_url, cls, message):
    from agentsim.store.queries import load_episode

    result = run_episode(stemi, doctor=f"{PLUGINS / 'good_doctor.py'}:{cls}", db=db_url)
    assert result.termination is Termination.DOCTOR_ERROR
    assert result.error == message
    stored = load_episode(result.episode_id, db=db_url)
    assert stored.termination is Termination.DOCTOR_ERROR and stored.error == message
    assert stored.turns[0].kind is TurnKind.OPENING  # the opening is logged before the failure
    last = stored.turns[-1]
    assert (last.role, last.kind, last.text) == (Role.SYSTEM, TurnKind.ERROR, message)
    assert last.payload["reason"] == "doctor_error"
    assert stored.score is not None and stored.score.diagnosis.likert == 1  # still scored: no diagnosis


def test_a_dict_that_is_not_an_action_says_what_is_wrong(stemi):
    class Teleports:
        def act(self, obs):
            return {"action": "order", "tests": []}

    result = run_episode(stemi, doctor=Teleports())
    assert result.termination is Termination.DOCTOR_ERROR
    assert result.error.startswith("doctor returned a dict that is not an action (order.tests: ")
