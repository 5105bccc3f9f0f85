"""Terminal rendering with rich: case cards, turn panels, score cards. The only place that draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from agentsim.judge.llm import LLMJudgement

from agentsim.model.case import Case
from agentsim.model.episode import Role, Turn, TurnKind
from agentsim.model.score import Score

ROLE_STYLE = {Role.DOCTOR: "cyan", Role.PATIENT: "green", Role.GATEKEEPER: "magenta", Role.SYSTEM: "yellow"}
ROLE_TITLE = {Role.DOCTOR: "Doctor", Role.PATIENT: "Patient", Role.GATEKEEPER: "Examiner", Role.SYSTEM: "System"}


def case_card(case: Case, *, reveal: bool = False, hide_identity: bool = False) -> Panel:
    """`hide_identity`: no id, title or tags (most ids name the diagnosis), for a case drawn at random."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    if not hide_identity:
        table.add_row("Case", f"{case.id}  (v{case.version}, {case.author}, {case.license})")
    table.add_row("Specialty", f"{case.specialty.value} · {case.setting.value} · difficulty {case.difficulty}")
    table.add_row("Brief", case.doctor_view().brief)
    table.add_row("Patient", case.patient.demographics.describe())
    table.add_row("Scripted", f"{len(case.patient.facts)} facts, {len(case.exam)} exam findings, "
                              f"{len(case.tests)} tests")
    if reveal:
        d = case.diagnosis
        table.add_row("Diagnosis", f"{d.primary}" + (f" ({d.icd10})" if d.icd10 else ""))
        table.add_row("Differential", "; ".join(i.diagnosis for i in d.differential))
        table.add_row("Must ask", ", ".join(m if isinstance(m, str) else m.statement for m in case.rubric.must_ask))
        table.add_row("Expected tests", ", ".join(case.rubric.expected_tests))
    return Panel(table, title="Your patient" if hide_identity else case.title, border_style="blue")


def turn_panel(turn: Turn, *, spent: float, counter: str | None = None) -> Panel:
    """`counter` ("3/28") goes in the title, for a replay."""
    style = ROLE_STYLE[turn.role]
    subtitle = f"${spent:,.0f} spent"
    if turn.cost:
        subtitle = f"+${turn.cost:,.0f} · {subtitle}"
    title = f"{ROLE_TITLE[turn.role]} · {turn.kind.value}" + (f" · turn {counter}" if counter else "")
    body = Text(turn.text)
    if turn.kind is TurnKind.DIAGNOSE:
        differential = [str(d) for d in turn.payload.get("differential", [])]
        body.append("\nDifferential: ", style="bold")
        body.append("; ".join(differential) if differential else "none given")
        if turn.payload.get("rationale"):
            body.append("\nRationale: ", style="bold")
            body.append(str(turn.payload["rationale"]))
    return Panel(body, title=title, title_align="left", subtitle=subtitle, subtitle_align="right",
                 border_style=style)


def score_card(score: Score | None, *, termination: str, episode_id: str) -> Panel:
    if score is None:
        return Panel(f"No score (termination: {termination}).", title="Score", border_style="red")
    d = score.diagnosis
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    verdict = "[green]correct[/]" if d.correct else "[red]incorrect[/]"
    table.add_row("Diagnosis", f"{d.likert}/5 {verdict}: {d.explanation}")
    h = score.history
    missed = ", ".join(h.missed) if h.missed else "none"
    table.add_row("History", f"{h.coverage:.0%} of must-ask items covered; missed: {missed}")
    s = score.safety
    table.add_row("Tests", f"expected ordered: {', '.join(s.expected_tests_ordered) or 'none'}; "
                           f"missed: {', '.join(s.expected_tests_missed) or 'none'}")
    c = score.cost
    table.add_row("Cost", f"${c.total:,.0f} ({c.visits} visit(s) ${c.visit_cost:,.0f} + tests ${c.test_cost:,.0f})")
    e = score.efficiency
    table.add_row("Efficiency", f"{e.turns} doctor turns: {e.questions} questions, {e.exams} exams, {e.tests} tests")
    table.add_row("Overall", f"{score.overall:.2f}   termination: {termination}")
    return Panel(Group(table), title=f"Score · episode {episode_id[:12]}", border_style="green" if d.correct else "red")


def running_spent(turns: list[Turn]) -> list[float]:
    total, out = 0.0, []
    for turn in turns:
        total += turn.cost
        out.append(total)
    return out



def judgement_card(judgement: LLMJudgement, *, rubric_likert: int | None = None) -> Panel:
    """The LLM judge's own view: its diagnosis grade, the consultation axes, and how far its samples agreed."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    verdict = "[green]correct[/]" if judgement.correct else "[red]incorrect[/]"
    versus = f" (rubric: {rubric_likert}/5)" if rubric_likert is not None else ""
    table.add_row("Diagnosis", f"{judgement.likert}/5 {verdict}{versus}: {judgement.justification}")
    for name, axis in judgement.axes.items():
        table.add_row(name.replace("_", " ").capitalize(), f"{axis.score}/5: {axis.justification}")
    likerts = ", ".join(str(s.likert) for s in judgement.samples)
    table.add_row("Samples", f"{len(judgement.samples)} ({likerts}): agreement {judgement.agreement:.0%}, "
                             f"spread {judgement.spread}")
    cost = f"${judgement.cost:.4f}" if judgement.cost_known else "unknown cost"
    table.add_row("Judge", f"{judgement.model} · {judgement.tokens.prompt}+{judgement.tokens.completion} tokens · "
                           f"{cost} · {judgement.calls} call(s) · prompt {judgement.prompt_hash[:12]}")
    return Panel(table, title="LLM judge", border_style="cyan")
