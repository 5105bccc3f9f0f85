"""`agentsim audit patient`: ask every fact of each case back in generated phrasings and score the answers.

Outcomes per probe: right (the fact was told; for absent items nothing was; for demographics the value was said),
false "no" (nothing told though the case holds it), unrelated (other facts told instead), and a leak flag
(the reply names the diagnosis). Works for any patient agent: the facts an answer revealed are read from its
reply payload, as the judge reads them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from agentsim.agents.base import PatientAgent
from agentsim.agents.patient.policy import symptoms_to_volunteer
from agentsim.audit.probes import Probe, ProbeStyle, case_probes
from agentsim.match.leak import leaks
from agentsim.model.case import Case, PatientView

PatientFactory = Callable[[PatientView], PatientAgent]


class Outcome(StrEnum):
    RIGHT = "right"
    FALSE_NO = "false_no"
    UNRELATED = "unrelated"


class ProbeResult(BaseModel):
    case_id: str
    probe: Probe
    answer: str
    facts: list[str]
    outcome: Outcome
    leak: bool = False


class Tally(BaseModel):
    n: int = 0
    right: int = 0
    false_no: int = 0
    unrelated: int = 0
    leaks: int = 0

    def add(self, result: ProbeResult) -> None:
        self.n += 1
        self.right += result.outcome is Outcome.RIGHT
        self.false_no += result.outcome is Outcome.FALSE_NO
        self.unrelated += result.outcome is Outcome.UNRELATED
        self.leaks += result.leak

    def rate(self, field: str) -> float:
        value: int = getattr(self, field) if field in ("right", "false_no", "unrelated", "leaks") else 0
        return round(value / self.n, 4) if self.n else 0.0


class CaseAudit(BaseModel):
    case_id: str
    tally: Tally
    unretrievable: list[str] = Field(default_factory=list, description="facts no phrasing reached")


class PatientAudit(BaseModel):
    patient: str
    overall: Tally
    cases: list[CaseAudit]
    by_inquiry: dict[str, Tally]
    by_style: dict[str, Tally]
    failures: list[ProbeResult]

    def summary(self) -> dict[str, Any]:
        return {
            "patient": self.patient, "cases": len(self.cases), "probes": self.overall.n,
            "right": self.overall.rate("right"), "false_no": self.overall.rate("false_no"),
            "unrelated": self.overall.rate("unrelated"), "leaks": self.overall.leaks,
            "unretrievable_facts": sum(len(c.unretrievable) for c in self.cases),
        }


def default_factory(name: str) -> PatientFactory:
    from agentsim.agents.registry import make_patient

    return lambda view: make_patient(name, view, persona=None, seed=0)


async def _call(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


def _score(case: Case, probe: Probe, text: str, facts: list[str], untold: set[str]) -> Outcome:
    told = set(facts)
    if probe.style is ProbeStyle.ABSENT:
        return Outcome.RIGHT if not told else Outcome.UNRELATED
    if probe.style is ProbeStyle.DEMOGRAPHICS:
        if probe.expect and probe.expect.lower() in text.lower():
            return Outcome.RIGHT
        return Outcome.UNRELATED if told else Outcome.FALSE_NO
    if probe.style is ProbeStyle.ANYTHING_ELSE:
        if not untold:
            return Outcome.RIGHT if not told else Outcome.UNRELATED
        if told & untold:
            return Outcome.RIGHT
        return Outcome.UNRELATED if told else Outcome.FALSE_NO
    if probe.fact_id in told:
        return Outcome.RIGHT
    return Outcome.UNRELATED if told else Outcome.FALSE_NO


async def audit_case(case: Case, factory: PatientFactory) -> list[ProbeResult]:
    view = case.patient_view()
    names = case.diagnosis.accepted_names()
    patient = factory(view)
    await _call(patient.opening())
    untold = {f.id for f in symptoms_to_volunteer(case.patient.facts) if not f.volunteered}
    probes = case_probes(case)
    # "anything else?" first, while nothing but the opening has been told
    probes.sort(key=lambda p: p.style is not ProbeStyle.ANYTHING_ELSE)
    results = []
    for probe in probes:
        reply = await _call(patient.answer(probe.question))
        facts = [str(f) for f in reply.payload.get("facts", [])]
        results.append(ProbeResult(case_id=case.id, probe=probe, answer=reply.text, facts=facts,
                                   outcome=_score(case, probe, reply.text, facts, untold),
                                   leak=bool(leaks(reply.text, names))))
    return results


async def audit_patient(cases: list[Case], *, patient: str = "retrieval", factory: PatientFactory | None = None,
                        keep_failures: int = 200) -> PatientAudit:
    factory = factory or default_factory(patient)
    overall = Tally()
    by_inquiry: dict[str, Tally] = {}
    by_style: dict[str, Tally] = {}
    case_audits: list[CaseAudit] = []
    failures: list[ProbeResult] = []
    for case in cases:
        results = await audit_case(case, factory)
        tally = Tally()
        reached: dict[str, bool] = {}
        for result in results:
            tally.add(result)
            overall.add(result)
            by_inquiry.setdefault(result.probe.inquiry.value, Tally()).add(result)
            by_style.setdefault(result.probe.style.value, Tally()).add(result)
            if result.probe.fact_id:
                reached[result.probe.fact_id] = reached.get(result.probe.fact_id, False) or (
                    result.outcome is Outcome.RIGHT)
            if (result.outcome is not Outcome.RIGHT or result.leak) and len(failures) < keep_failures:
                failures.append(result)
        case_audits.append(CaseAudit(case_id=case.id, tally=tally,
                                     unretrievable=sorted(f for f, ok in reached.items() if not ok)))
    return PatientAudit(patient=patient, overall=overall, cases=case_audits,
                        by_inquiry=dict(sorted(by_inquiry.items())),
                        by_style=dict(sorted(by_style.items())), failures=failures)
