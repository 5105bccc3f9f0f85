"""Whole consultations with every role LLM-backed, over HTTP to the fake server: faults, logging, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from agentsim.cli.app import app
from agentsim.engine.episode import episode_spec, run_episode
from agentsim.llm.errors import LLMConfigError
from agentsim.llm.prompts import prompt_set_hash
from agentsim.model.episode import Role, Termination, TurnKind
from agentsim.store.queries import load_episode


def all_llm(fake, case, db=None, max_turns=10, **extra):
    return run_episode(episode_spec(
        case, doctor="llm", patient="llm", gatekeeper="llm", max_turns=max_turns,
        doctor_options=fake.options("doctor", **extra),
        patient_options=fake.options("patient", **extra),
        gatekeeper_options=fake.options("gatekeeper", **extra),
    ), db=db)


def assert_logged(result, db_url):
    """Everything the run saw is in the database, turn for turn."""
    stored = load_episode(result.episode_id, db=db_url)
    assert stored.termination is result.termination
    assert [(t.index, t.role, t.kind, t.text, t.tokens_prompt) for t in stored.turns] == [
        (t.index, t.role, t.kind, t.text, t.tokens_prompt) for t in result.turns]
    assert [t.payload for t in stored.turns] == [t.payload for t in result.turns]
    return stored


def test_full_llm_episode_is_scored_and_logged(fake, stemi, db_url):
    result = all_llm(fake, stemi, db=db_url)
    assert result.termination is Termination.DIAGNOSED and result.score is not None
    assert result.score.history.covered  # the patient's payload facts reach the judge
    assert result.score.cost.total > 0  # the gatekeeper's prices reach it too
    stored = assert_logged(result, db_url)
    assert stored.agents.models == {role: f"openai/fake-{role}" for role in ("doctor", "patient", "gatekeeper")}
    assert stored.agents.options["prompt_hash"] == prompt_set_hash()
    for turn in result.turns[1:]:  # after the scripted opening, every turn came from a model
        assert turn.tokens_prompt > 0 and turn.latency_ms > 0 and "llm" in turn.payload, turn
    roles = {r["role"] for r in fake.requests()}
    assert roles == {"doctor", "patient", "gatekeeper"}


FAULTS = ["429", "500", "timeout", "malformed", "bad_args", "patient:429", "patient:timeout", "gatekeeper:500",
          "gatekeeper:malformed", "patient:hallucinate"]


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_is_survived_and_nothing_is_lost(fake, stemi, db_url, fault):
    fake.configure(faults=[fault])
    result = all_llm(fake, stemi, db=db_url, timeout=1.5)
    assert result.termination is Termination.DIAGNOSED
    assert_logged(result, db_url)
    served = [r for r in fake.requests() if r["fault"]]
    assert [r["fault"] for r in served] == [fault.split(":")[-1]]
    role = fault.split(":")[0] if ":" in fault else "doctor"
    hit = next(t for t in result.turns if t.role.value == role and "llm" in t.payload)
    if fault.endswith(("bad_args", "hallucinate")):  # handled by the agent: a repair or a regeneration
        assert hit.payload["llm"]["calls"] == 2
    else:  # handled by the gateway: a retry
        assert hit.payload["llm"]["attempts"] == 2


def test_random_faults_are_deterministic_and_bounded(fake, stemi, db_url):
    def run_once():
        fake.configure(fault_rate=0.3, seed=7, fault_kinds=["429", "500", "malformed"])
        result = all_llm(fake, stemi, db=db_url, max_retries=4)
        return result, [r["fault"] for r in fake.requests()]

    first, faults = run_once()
    second, again = run_once()
    assert faults == again and any(faults)
    assert first.termination is second.termination is Termination.DIAGNOSED
    assert [t.text for t in first.turns] == [t.text for t in second.turns]
    assert_logged(first, db_url)


def test_patient_and_gatekeeper_survive_an_outage(fake, stemi, db_url):
    fake.configure(faults=["patient:500"] * 3 + ["gatekeeper:500"] * 3)
    result = all_llm(fake, stemi, db=db_url, max_retries=1)
    assert result.termination is Termination.DIAGNOSED
    answers = [t for t in result.turns if t.kind is TurnKind.ANSWER]
    assert answers[0].payload["guard"]["replaced"] and "error" in answers[0].payload["llm"]
    assert_logged(result, db_url)


@pytest.mark.parametrize("role", ["doctor", "patient", "gatekeeper"])
def test_auth_error_stops_the_run_at_once(fake, stemi, db_url, role):
    fake.configure(faults=[f"{role}:401"] * 5)
    with pytest.raises(LLMConfigError, match="authentication failed"):
        all_llm(fake, stemi, db=db_url, max_retries=3)
    assert len([r for r in fake.requests(role) if r["fault"] == "401"]) == 1  # no retry
    from agentsim.store.queries import list_episodes

    (row,) = list_episodes(db=db_url)
    stored = load_episode(row.id, db=db_url)
    assert stored.termination is Termination.ABORTED and "authentication failed" in stored.error
    assert stored.turns[-1].role is Role.SYSTEM and "authentication failed" in stored.turns[-1].text


def test_cli_run_with_models(fake, db_url, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake")
    for name in ("AGENTSIM_DOCTOR_MODEL", "AGENTSIM_PATIENT_MODEL", "AGENTSIM_GATEKEEPER_MODEL", "AGENTSIM_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    out = CliRunner().invoke(app, [
        "run", "chest-pain-stemi", "--json", "--db", db_url, "--api-base", fake.api_base,
        "--doctor-model", "openai/fake-doctor", "--patient-model", "openai/fake-patient",
        "--gatekeeper-model", "openai/fake-gatekeeper", "--judge-model", "openai/fake-judge",
        "--doctor-opt", "retry_base_delay=0.01",
    ])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["termination"] == "diagnosed"
    assert data["agents"]["doctor"] == data["agents"]["patient"] == data["agents"]["gatekeeper"] == "llm"
    assert data["agents"]["models"]["judge"] == "openai/fake-judge"
    assert data["agents"]["options"]["retry_base_delay"] == "0.01"


def test_cli_auth_error_is_one_line_and_exit_2(fake, db_url, monkeypatch, capsys):
    from agentsim.cli.app import main

    fake.configure(api_key="sk-right")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    monkeypatch.setattr(sys, "argv", ["agentsim", "run", "chest-pain-stemi", "--quiet", "--db", db_url,
                                      "--doctor-model", "openai/fake-doctor", "--api-base", fake.api_base])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("agentsim: error: openai/fake-doctor: authentication failed") and "\n" not in err


def test_offline_default_does_not_import_litellm():
    code = ("import sys, agentsim.cli.app, agentsim.engine.episode, agentsim.agents.registry; "
            "heavy = {'litellm', 'fastapi', 'uvicorn', 'openai'} & set(sys.modules); assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_network_guard_refuses_other_hosts(network_guard):
    import socket

    from agentsim.llm.gateway import LLMSettings, LLMUnavailableError, complete

    with pytest.raises(ConnectionRefusedError, match="network guard"):
        socket.create_connection(("203.0.113.7", 443), timeout=0.2)
    settings = LLMSettings(model="openai/gpt-4o-mini", api_base="http://203.0.113.7/v1", api_key="k", max_retries=0,
                           timeout=1)
    import asyncio

    with pytest.raises(LLMUnavailableError):  # litellm's own client goes through the guard too
        asyncio.run(complete([{"role": "user", "content": "hi"}], settings=settings))
    assert network_guard.violations and all("203.0.113.7" in v for v in network_guard.violations)
    network_guard.violations.clear()  # seen and expected: do not fail this test for it
