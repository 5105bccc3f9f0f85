"""History-taking coverage: which of the case's must-ask items the doctor actually asked about.

Only the patient's ANSWER turns count. Facts the patient volunteers in the opening statement were not
asked for, so they do not cover a must-ask item (the doctor still has to ask about them).

* a fact-id item is covered when that id is in ``payload["facts"]`` of a patient answer turn;
* a :class:`MustAskStatement` is covered when its slot is in ``payload["slots"]`` of a patient answer
  turn (the history slots the doctor's question was mapped to).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from agentsim.model.case import Case, MustAskStatement
from agentsim.model.episode import Role, Turn, TurnKind
from agentsim.model.score import HistoryScore


def _as_strings(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, Iterable):
        return {str(v) for v in value if v is not None}
    return {str(value)}


def asked_facts_and_slots(turns: Sequence[Turn]) -> tuple[set[str], set[str]]:
    """Fact ids revealed and slots asked about, over the patient's answer turns."""
    facts: set[str] = set()
    slots: set[str] = set()
    for turn in turns:
        if turn.role is Role.PATIENT and turn.kind is TurnKind.ANSWER:
            facts |= _as_strings(turn.payload.get("facts"))
            slots |= _as_strings(turn.payload.get("slots"))
    return facts, slots


def must_ask_label(item: str | MustAskStatement) -> str:
    return item if isinstance(item, str) else item.statement


def grade_history(case: Case, turns: Sequence[Turn]) -> HistoryScore:
    items = case.rubric.must_ask
    if not items:
        return HistoryScore(
            coverage=1.0, covered=[], missed=[], explanation="no must-ask items in this case: coverage 1.0"
        )
    facts, slots = asked_facts_and_slots(turns)
    covered: list[str] = []
    missed: list[str] = []
    for item in items:
        if isinstance(item, MustAskStatement):
            hit = str(item.slot.value) in slots
        else:
            hit = item in facts
        (covered if hit else missed).append(must_ask_label(item))
    coverage = len(covered) / len(items)
    if missed:
        explanation = (
            f"asked about {len(covered)} of {len(items)} must-ask items; missed: {'; '.join(missed)}"
        )
    else:
        explanation = f"asked about all {len(items)} must-ask items"
    return HistoryScore(coverage=coverage, covered=covered, missed=missed, explanation=explanation)
