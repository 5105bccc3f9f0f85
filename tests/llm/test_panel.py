"""The panel doctor (MAI-DxO's virtual panel) over HTTP against the fake server: whole episodes, the
question-only and budget-tracking variants, per-member models, the checklist's extra round, junk replies."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from agentsim.agents.doctor.panel import PanelDoctor
from agentsim.engine.episode import episode_spec, run_episode
from agentsim.errors import UserError
from agentsim.llm.prompts import prompt_set_hash
from agentsim.model.action import Ask, Diagnose, Examine, Observation, Order
from agentsim.model.episode import Role, Termination, TurnKind
from agentsim.store.queries import load_episode

MEMBERS = ["hypothesis", "test_chooser", "challenger", "stewardship", "checklist", "consensus"]


def panel(fake, case, db=None, max_turns=10, budget=None, **options):
    return run_episode(episode_spec(
        case, doctor="panel", patient="llm", max_turns=max_turns, budget=budget,
        doctor_options=fake.options("doctor", model="openai/fake-panel", **options),
        patient_options=fake.options("patient"),
    ), db=db)


def doctor_turns(result):
    return [t for t in result.turns if t.role is Role.DOCTOR]


def test_full_panel_episode_is_diagnosed_scored_and_logged(fake, stemi, db_url):
    result = panel(fake, stemi, db=db_url)
    assert result.termination is Termination.DIAGNOSED and result.score is not None
    assert [t.kind for t in doctor_turns(result)] == [TurnKind.ASK, TurnKind.ASK, TurnKind.ORDER, TurnKind.DIAGNOSE]
    assert result.diagnosis == "acute coronary syndrome"  # Dr Hypothesis's leading diagnosis
    assert result.score.cost.test_cost == 110  # ECG and troponin
    stored = load_episode(result.episode_id, db=db_url)
    assert stored.agents.doctor == "panel" and stored.agents.models["doctor"] == "openai/fake-panel"
    assert stored.agents.options["prompt_hash"] == prompt_set_hash()  # one prompt set, panel.md included
    first = stored.turns[1]
    llm, deliberation = first.payload["llm"], first.payload["deliberation"]
    assert list(llm["members"]) == MEMBERS  # in the order they spoke
    assert llm["calls"] == sum(m["calls"] for m in llm["members"].values()) == 6
    assert first.tokens_prompt == sum(m["prompt"] for m in llm["members"].values()) > 0
    assert [c["diagnosis"] for c in deliberation["differential"]] == [
        "acute coronary syndrome", "aortic dissection", "pulmonary embolism"]
    assert deliberation["approved"] == ["ECG", "troponin"] and deliberation["rounds"] == 1
    # the final turn goes straight from Dr Hypothesis to the chair
    assert list(stored.turns[-1].payload["llm"]["members"]) in (MEMBERS, ["hypothesis", "consensus"])
    members = [r for r in fake.requests() if r["role"].startswith("panel_")]
    assert all(r["response_format"] == "json_schema" for r in members if r["role"] != "panel_consensus")
    assert all(r["tools"] for r in members if r["role"] == "panel_consensus")


def test_tagged_text_instead_of_tool_calls(fake, stemi):
    result = panel(fake, stemi, tools=False)
    assert result.termination is Termination.DIAGNOSED
    assert [t.kind for t in doctor_turns(result)][-2:] == [TurnKind.ORDER, TurnKind.DIAGNOSE]
    assert not any(r["tools"] for r in fake.requests("panel_consensus"))


def test_final_turn_skips_to_hypothesis_and_the_chair(fake, stemi):
    result = panel(fake, stemi, max_turns=1)
    assert result.termination is Termination.DIAGNOSED
    assert [r["role"] for r in fake.requests() if r["role"].startswith("panel_")] == [
        "panel_hypothesis", "panel_consensus"]
    assert fake.requests("panel_consensus")[0]["tool_choice"]["function"]["name"] == "give_diagnosis"


def test_question_only_never_orders_or_examines(fake, stemi):
    result = panel(fake, stemi, question_only=True)
    assert result.termination is Termination.DIAGNOSED
    kinds = [t.kind for t in doctor_turns(result)]
    assert TurnKind.ORDER not in kinds and TurnKind.EXAMINE not in kinds and kinds.count(TurnKind.ASK) == 3
    assert not fake.requests("panel_test_chooser") and not fake.requests("panel_stewardship")
    assert all(r["tool_names"] == ["ask_patient", "give_diagnosis"] for r in fake.requests("panel_consensus"))
    assert result.score.cost.test_cost == 0


def test_budget_tracking_makes_stewardship_veto_what_the_budget_cannot_pay(fake, stemi):
    # after two questions $300 is spent; $100 left pays the ECG ($50) but not the troponin ($60) after it
    tracked = panel(fake, stemi, budget=400, budget_tracking=True)
    order = next(t for t in doctor_turns(tracked) if t.kind is TurnKind.ORDER)
    assert order.payload["tests"] == ["ECG"]
    deliberation = order.payload["deliberation"]
    assert [v["test"] for v in deliberation["vetoed"]] == ["troponin"] and "over budget" in deliberation["vetoed"][0][
        "reason"]
    assert tracked.termination is Termination.DIAGNOSED
    untracked = panel(fake, stemi, budget=400)  # the same budget, not shown to the panel: nothing vetoed
    order = next(t for t in doctor_turns(untracked) if t.kind is TurnKind.ORDER)
    assert order.payload["tests"] == ["ECG", "troponin"] and order.payload["deliberation"]["vetoed"] == []


def test_per_member_models_are_used(fake, stemi, db_url):
    result = panel(fake, stemi, db=db_url, hypothesis_model="openai/fake-hypothesis",
                   consensus_model="openai/fake-chair")
    assert result.termination is Termination.DIAGNOSED
    seen = {r["role"]: set() for r in fake.requests() if r["role"].startswith("panel_")}
    for r in fake.requests():
        if r["role"] in seen:
            seen[r["role"]].add(r["model"])
    assert seen == {"panel_hypothesis": {"fake-hypothesis"}, "panel_consensus": {"fake-chair"},
                    **{f"panel_{m}": {"fake-panel"} for m in ("test_chooser", "challenger", "stewardship",
                                                              "checklist")}}
    members = result.turns[1].payload["llm"]["members"]
    assert members["hypothesis"]["model"] == "fake-hypothesis" and members["challenger"]["model"] == "fake-panel"
    assert load_episode(result.episode_id, db=db_url).agents.options["hypothesis_model"] == "openai/fake-hypothesis"


def test_checklist_sends_the_tests_back_for_another_round(fake, stemi):
    fake.configure(panel_tests=["frobnicator scan", "ECG", "troponin"])  # a name the catalogue does not know
    result = panel(fake, stemi)
    order = next(t for t in doctor_turns(result) if t.kind is TurnKind.ORDER)
    deliberation = order.payload["deliberation"]
    assert deliberation["rounds"] == 2 and any("frobnicator" in i for i in deliberation["issues"])
    assert order.payload["tests"] == ["ECG", "troponin"]
    once = panel(fake, stemi, max_rounds=1)  # no second round: the flagged test is dropped in code
    order = next(t for t in doctor_turns(once) if t.kind is TurnKind.ORDER)
    assert order.payload["tests"] == ["ECG"] and order.payload["deliberation"]["rounds"] == 1


def test_a_member_returning_junk_is_repaired_once(fake, stemi):
    fake.configure(faults=["panel_hypothesis:nonsense", "panel_consensus:nonsense"])
    result = panel(fake, stemi)
    assert result.termination is Termination.DIAGNOSED
    members = result.turns[1].payload["llm"]["members"]
    assert members["hypothesis"]["calls"] == 2 and members["consensus"]["calls"] == 2
    assert members["challenger"]["calls"] == 1


@pytest.mark.parametrize(("member", "who"), [("stewardship", "Dr Stewardship's reply is unusable"),
                                             ("consensus", "panel chair's output is not a valid action")])
def test_a_member_returning_junk_twice_is_a_doctor_error(fake, stemi, db_url, member, who):
    fake.configure(faults=[f"panel_{member}:nonsense"] * 2)
    result = panel(fake, stemi, db=db_url)
    assert result.termination is Termination.DOCTOR_ERROR and who in result.error
    error = load_episode(result.episode_id, db=db_url).turns[-1]
    assert error.kind is TurnKind.ERROR and error.payload["llm"]["members"][member]["calls"] == 2


def test_chair_actions_are_held_to_the_panel(fake):
    doctor = PanelDoctor(**fake.options("doctor", model="openai/fake-panel"))
    doctor.ordered = {"ecg": "ECG"}
    obs = Observation(brief="b", max_turns=5)
    state = {"vetoed": [{"test": "hs troponin", "reason": "dear"}]}
    action, problem = doctor._held(Order(tests=["troponin", "12-lead ECG", "chest X-ray", "CXR"]), obs, state)
    assert action == Order(tests=["chest X-ray"]) and problem is None  # vetoed and repeated tests dropped
    action, problem = doctor._held(Order(tests=["troponin", "ECG"]), obs, state)
    assert action is None and "vetoed" in problem
    final = Observation(brief="b", max_turns=5, turn=4, final_turn=True)
    assert doctor._held(Ask(question="more?"), final, {})[0] is None
    doctor.question_only = True
    assert doctor._held(Examine(request="abdomen"), obs, {})[0] is None
    assert doctor._held(Diagnose(diagnosis="x"), obs, {})[0] == Diagnose(diagnosis="x")


def test_unknown_options_and_bad_rounds_are_user_errors(fake):
    with pytest.raises(UserError, match="unknown panel doctor option.*wizard"):
        PanelDoctor(wizard=True, **fake.options("doctor"))
    with pytest.raises(UserError, match="max_rounds"):
        PanelDoctor(max_rounds=0, **fake.options("doctor"))


def test_cli_run_with_the_panel(fake, db_url, monkeypatch):
    from agentsim.cli.app import app

    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake")
    for name in ("AGENTSIM_DOCTOR_MODEL", "AGENTSIM_PATIENT_MODEL", "AGENTSIM_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    out = CliRunner().invoke(app, [
        "run", "chest-pain-stemi", "--json", "--db", db_url, "--doctor", "panel", "--doctor-model",
        "openai/fake-panel", "--api-base", fake.api_base, "--doctor-opt", "question_only=true",
        "--doctor-opt", "checklist_model=openai/fake-checker",
    ])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["agents"]["doctor"] == "panel" and data["termination"] == "diagnosed"
    assert {r["model"] for r in fake.requests("panel_checklist")} == {"fake-checker"}
    assert not any(t["kind"] == "order" for t in data["turns"])
