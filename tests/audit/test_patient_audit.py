"""The patient audit flags what a patient gets wrong: fixtures are fake patients with known failures."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentsim.agents.base import AgentReply
from agentsim.audit.patient import Outcome, audit_patient
from agentsim.audit.probes import ProbeStyle, case_probes
from agentsim.cases.importers.agentclinic import import_agentclinic
from agentsim.cases.library import load_case, load_catalogue
from agentsim.cli.app import app
from agentsim.model.case import PatientView
from agentsim.model.episode import TurnKind
from agentsim.store.audits import list_audits

FIXTURE = Path(__file__).parents[1] / "fixtures" / "agentclinic" / "patient" / "first_person.jsonl"


class AlwaysNo:
    """Denies everything: every fact probe is a false "no"."""

    name = "always-no"

    def __init__(self, view: PatientView):
        self.view = view

    async def opening(self) -> AgentReply:
        return AgentReply(text=self.view.script.opening_statement, kind=TurnKind.OPENING)

    async def answer(self, question: str) -> AgentReply:
        return AgentReply(text="No.", kind=TurnKind.ANSWER, payload={"facts": []})


class WrongFact(AlwaysNo):
    """Always tells the case's first fact: unrelated answers, and absent items not denied."""

    name = "wrong-fact"

    async def answer(self, question: str) -> AgentReply:
        fact = self.view.script.facts[0]
        return AgentReply(text=fact.text, kind=TurnKind.ANSWER, payload={"facts": [fact.id]})


class Leaky(AlwaysNo):
    name = "leaky"

    async def answer(self, question: str) -> AgentReply:
        return AgentReply(text="The doctor said it's a STEMI.", kind=TurnKind.ANSWER, payload={"facts": []})


def run(cases, factory=None, patient="retrieval"):
    return asyncio.run(audit_patient(cases, patient=patient, factory=factory))


@pytest.fixture(scope="module")
def stemi():
    return load_case("chest-pain-stemi")


def test_probes_cover_every_fact_and_the_extra_kinds(stemi):
    probes = case_probes(stemi)
    asked = {p.fact_id for p in probes if p.fact_id}
    assert asked == {f.id for f in stemi.patient.facts if not f.volunteered}
    styles = {p.style for p in probes}
    assert {ProbeStyle.DIRECT, ProbeStyle.LAY, ProbeStyle.ANYTHING_ELSE, ProbeStyle.DEMOGRAPHICS,
            ProbeStyle.ABSENT} <= styles


def test_absent_items_are_not_held_by_the_case(stemi):
    text = " ".join(f.text.lower() for f in stemi.patient.facts)
    for probe in case_probes(stemi):
        if probe.style is ProbeStyle.ABSENT:
            assert "rash" not in text or "rash" not in probe.question


def test_an_always_no_patient_is_flagged_with_false_nos(stemi):
    audit = run([stemi], factory=AlwaysNo, patient="always-no")
    fact_probes = [f for f in audit.failures if f.probe.fact_id]
    assert fact_probes and all(f.outcome is Outcome.FALSE_NO for f in fact_probes)
    assert audit.by_style["direct"].rate("false_no") == 1.0
    assert audit.by_style["absent"].rate("right") == 1.0  # a "no" is right for what the case does not hold
    assert len(audit.cases[0].unretrievable) == len({p.fact_id for p in case_probes(stemi) if p.fact_id})


def test_a_wrong_fact_patient_is_flagged_with_unrelated_answers(stemi):
    audit = run([stemi], factory=WrongFact, patient="wrong-fact")
    assert audit.by_style["direct"].rate("unrelated") > 0.9
    assert audit.by_style["absent"].rate("unrelated") == 1.0
    assert audit.summary()["unretrievable_facts"] > 10


def test_a_leaking_patient_is_flagged(stemi):
    audit = run([stemi], factory=Leaky, patient="leaky")
    assert audit.overall.leaks == audit.overall.n


def test_the_offline_patient_passes_its_own_audit_on_a_shipped_case(stemi):
    audit = run([stemi])
    assert audit.overall.rate("right") >= 0.95 and audit.overall.leaks == 0
    assert audit.by_inquiry["demographics"].rate("right") == 1.0


def test_cli_audits_an_imported_set_and_stores_it(tmp_path):
    out = tmp_path / "imported"
    import_agentclinic(FIXTURE, out, catalogue=load_catalogue())
    db = tmp_path / "audit.db"
    result = CliRunner().invoke(app, ["audit", "patient", str(out), "chest-pain-stemi", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [c["case_id"] for c in report["cases"]] == ["first-person-1", "chest-pain-stemi"]
    stored = list_audits(db=db)
    assert stored[0]["run_id"] == report["run_id"] and stored[0]["patient"] == "retrieval"


def test_cli_table_and_a_bad_case_is_one_line(tmp_path):
    runner = CliRunner()
    table = runner.invoke(app, ["audit", "patient", "chest-pain-stemi"])
    assert table.exit_code == 0 and "per inquiry type" in table.output and "overall:" in table.output
    bad = subprocess.run([sys.executable, "-m", "agentsim.cli.app", "audit", "patient", "no-such-case"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().count("\n") == 0 and "no-such-case" in bad.stderr
