"""What the viewer's pages show, built from the store and agentsim.report: typed models, no HTML.

The templates only lay these out; every figure comes from the same code as `agentsim report`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from agentsim.model.case import Case, MustAskStatement
from agentsim.model.episode import Role, Turn, TurnKind
from agentsim.model.score import Score
from agentsim.report.model import EpisodeRecord, GroupStats


class RunSummary(BaseModel):
    id: str
    name: str
    status: str
    created_at: datetime
    spec: str
    planned: int | None
    done: int
    failed: int
    running: int
    overall: GroupStats | None
    doctors: list[str]
    cases: list[str]


def spec_summary(spec: dict[str, Any]) -> str:
    """"4 cases x 2 doctors x 2 personas x 2 repeats": what a run was asked to do, in one line."""
    cases = spec.get("cases") or ["*"]
    doctors = spec.get("doctors") or ["checklist"]
    personas = spec.get("personas") or [None]
    parts = [", ".join(cases) if len(cases) <= 2 else f"{len(cases)} case patterns",
             f"{len(doctors)} doctor{'s' if len(doctors) != 1 else ''}"]
    if len(personas) > 1 or personas[0]:
        parts.append(f"{len(personas)} persona{'s' if len(personas) != 1 else ''}")
    if int(spec.get("repeats") or 1) > 1:
        parts.append(f"{spec['repeats']} repeats")
    if spec.get("specialty"):
        parts.append(f"specialty {', '.join(spec['specialty'])}")
    return " × ".join(parts)


def run_summary(row: Any, records: list[EpisodeRecord], planned: int | None) -> RunSummary:
    from agentsim.report.build import summarise

    finished = [r for r in records if r.status != "running"]
    return RunSummary(
        id=row.id, name=row.name, status=row.status, created_at=row.created_at, spec=spec_summary(row.spec or {}),
        planned=planned, done=sum(r.status == "completed" for r in records),
        failed=sum(r.status == "failed" for r in records), running=len(records) - len(finished),
        overall=summarise("all", finished) if finished else None,
        doctors=sorted({r.doctor for r in records}), cases=sorted({r.case_id for r in records}),
    )


# ------------------------------------------------------------------------------------------- episode

class TestLine(BaseModel):
    requested: str
    name: str
    status: str
    price: float
    synthetic: bool


class Entry(BaseModel):
    """One turn as the transcript shows it."""

    turn: Turn
    who: str
    spent: float
    tests: list[TestLine] = []
    facts: list[str] = []
    fact_texts: list[str] = []
    must_ask: list[str] = []
    slots: list[str] = []
    differential: list[str] = []
    rationale: str = ""
    provenance: dict[str, Any] | None = None
    source: str | None = Field(default=None, description="examiner results: case, synthesised or mixed")


WHO = {Role.DOCTOR: "Doctor", Role.PATIENT: "Patient", Role.GATEKEEPER: "Examiner", Role.SYSTEM: "System"}


def transcript(turns: list[Turn], case: Case | None, *, reveal: bool) -> list[Entry]:
    """Each turn with its running cost and what the payload says about it. Fact texts come from the case
    file, so they are shown only to those who may see full cases; fact ids are in the payload anyway."""
    facts = {f.id: f.text for f in case.patient.facts} if case else {}
    spent, out = 0.0, []
    for t in turns:
        spent += t.cost
        entry = Entry(turn=t, who=WHO[t.role], spent=spent)
        p = t.payload
        if t.kind is TurnKind.EXAM_RESULT:
            entry.source = "synthesised" if t.synthetic else "case"
        if t.kind is TurnKind.TEST_RESULT:
            entry.tests = [TestLine(requested=str(r.get("requested", "")), name=str(r.get("name") or ""),
                                    status=str(r.get("status", "")), price=float(r.get("price_usd") or 0),
                                    synthetic=bool(r.get("synthetic"))) for r in p.get("results", [])]
            made_up = [x.synthetic for x in entry.tests if x.status == "resulted"] or [t.synthetic]
            entry.source = "synthesised" if all(made_up) else "mixed" if any(made_up) else "case"
        if t.role is Role.PATIENT:
            entry.facts = [str(f) for f in p.get("facts", [])]
            entry.slots = [str(s) for s in p.get("slots", [])]
            entry.fact_texts = [facts[f] for f in entry.facts if f in facts] if reveal else []
            if case is not None and t.kind is TurnKind.ANSWER:
                entry.must_ask = covered_must_ask(case, entry.facts, entry.slots)
        if t.kind is TurnKind.DIAGNOSE:
            entry.differential = [str(d) for d in p.get("differential", [])]
            entry.rationale = str(p.get("rationale") or "")
        provenance = p.get("provenance")
        entry.provenance = provenance if isinstance(provenance, dict) and provenance else None
        out.append(entry)
    return out


def covered_must_ask(case: Case, facts: list[str], slots: list[str]) -> list[str]:
    """The must-ask items this answer covered, by the judge's own rule (agentsim.judge.history)."""
    from agentsim.judge.history import must_ask_label

    return [must_ask_label(item) for item in case.rubric.must_ask
            if (item.slot.value in slots if isinstance(item, MustAskStatement) else item in facts)]


class MarkerSheet(BaseModel):
    diagnosis: str
    icd10: str | None
    differential: list[str]
    must_ask: list[str]
    expected_tests: list[str]
    key_findings: list[str]


def marker_sheet(case: Case) -> MarkerSheet:
    from agentsim.judge.history import must_ask_label

    d = case.diagnosis
    return MarkerSheet(diagnosis=d.primary, icd10=d.icd10,
                       differential=[f"{i.diagnosis}: {i.why_less_likely}" for i in d.differential],
                       must_ask=[must_ask_label(m) for m in case.rubric.must_ask],
                       expected_tests=list(case.rubric.expected_tests), key_findings=list(d.key_findings))


def final_diagnosis(entries: list[Entry]) -> Entry | None:
    return next((e for e in reversed(entries) if e.turn.kind is TurnKind.DIAGNOSE), None)


def score_rows(score: Score) -> list[tuple[str, str]]:
    """The score card: each axis with the judge's own reason."""
    d, h, c, e, s = score.diagnosis, score.history, score.cost, score.efficiency, score.safety
    items = ", ".join(f"{i.name} ${i.usd:,.0f}" for i in c.items)
    return [
        ("Diagnosis", f"{d.likert}/5 {'correct' if d.correct else 'incorrect'}: {d.explanation}"),
        ("History", f"{h.coverage:.0%} covered. {h.explanation}"),
        ("Tests", s.explanation or f"expected ordered: {', '.join(s.expected_tests_ordered) or 'none'}"),
        ("Cost", f"${c.total:,.0f}: {c.explanation}" + (f" ({items})" if items else "")),
        ("Efficiency", e.explanation),
        ("Overall", f"{score.overall:.2f} (judge: {score.judge})"),
    ]


# ------------------------------------------------------------------------------------------- compare

class Side(BaseModel):
    run_id: str
    doctor: str | None = None

    @property
    def title(self) -> str:
        return f"{self.doctor or 'all doctors'} · run {self.run_id[:8]}"


class CompareRow(BaseModel):
    task: str
    case_id: str
    persona: str | None
    seed: int
    a: EpisodeRecord | None
    b: EpisodeRecord | None

    @property
    def disagree(self) -> bool:
        return self.a is not None and self.b is not None and bool(self.a.correct) != bool(self.b.correct)


class Comparison(BaseModel):
    a: Side
    b: Side
    rows: list[CompareRow]

    def means(self, side: str) -> dict[str, float | None]:
        """Mean cost and doctor turns over the paired episodes only: the same cases for both sides."""
        from agentsim.report.stats import mean

        records = [getattr(r, side) for r in self.rows if r.a and r.b]
        return {"cost": mean([x.cost for x in records]), "turns": mean([x.turns for x in records]),
                "accuracy": mean([1.0 if x.correct else 0.0 for x in records])}

    def tally(self) -> dict[str, int]:
        both = [r for r in self.rows if r.a and r.b]
        return {"paired": len(both), "both": sum(bool(r.a.correct and r.b.correct) for r in both if r.a and r.b),
                "only_a": sum(bool(r.a.correct and not r.b.correct) for r in both if r.a and r.b),
                "only_b": sum(bool(r.b.correct and not r.a.correct) for r in both if r.a and r.b),
                "neither": sum(not r.a.correct and not r.b.correct for r in both if r.a and r.b)}


def compare(a: Side, b: Side, a_records: list[EpisodeRecord], b_records: list[EpisodeRecord]) -> Comparison:
    """Episodes paired on (case, persona, seed): the same consultation, two doctors."""
    def index(side: Side, records: list[EpisodeRecord]) -> dict[tuple[str, str | None, int], EpisodeRecord]:
        return {(r.case_id, r.persona, r.seed): r for r in records
                if r.status != "running" and (side.doctor is None or r.doctor == side.doctor)}

    left, right = index(a, a_records), index(b, b_records)
    rows = [CompareRow(task=f"{c}" + (f" · {p}" if p else "") + f" · seed {s}", case_id=c, persona=p, seed=s,
                       a=left.get((c, p, s)), b=right.get((c, p, s)))
            for c, p, s in sorted(set(left) | set(right), key=lambda k: (k[0], k[1] or "", k[2]))]
    return Comparison(a=a, b=b, rows=rows)
