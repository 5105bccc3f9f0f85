"""Cost, efficiency and safety of a work-up, from the stored turns alone (SDBench's cost model).

Cost: each physician visit is charged ``visit_fee``; a visit is a maximal run of consecutive doctor
ASK/EXAMINE turns (patient and gatekeeper replies in between do not break it). A doctor ORDER turn
closes the run; a DIAGNOSE turn does not open one. Each test result with status ``resulted`` is
charged at its catalogue price (the stored ``price_usd`` when its id is not in the catalogue); a test
ordered twice is charged twice. Refused (vague) and unknown requests cost nothing.

Efficiency: counts of doctor turns, questions, examinations and test names ordered.

Safety: which of the case's expected tests were actually resulted. The case's red flags are listed in
the explanation for information; whether they were addressed is not judged deterministically.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import Role, Turn, TurnKind
from agentsim.model.score import CostItem, CostScore, EfficiencyScore, SafetyScore

RESULTED = "resulted"


def _money(value: float) -> float:
    return round(float(value), 2)


def _doctor_turns(turns: Sequence[Turn]) -> list[Turn]:
    return [t for t in turns if t.role is Role.DOCTOR]


def count_visits(turns: Sequence[Turn]) -> int:
    """Maximal runs of doctor ask/examine turns; an order closes a run."""
    visits = 0
    in_visit = False
    for turn in _doctor_turns(turns):
        if turn.kind in (TurnKind.ASK, TurnKind.EXAMINE):
            if not in_visit:
                visits += 1
                in_visit = True
        elif turn.kind is TurnKind.ORDER:
            in_visit = False
    return visits


def resulted_tests(turns: Sequence[Turn]) -> list[dict[str, Any]]:
    """Every result with status ``resulted`` from gatekeeper test_result turns, in order (repeats kept)."""
    out: list[dict[str, Any]] = []
    for turn in turns:
        if turn.role is not Role.GATEKEEPER or turn.kind is not TurnKind.TEST_RESULT:
            continue
        for result in turn.payload.get("results") or []:
            if isinstance(result, dict) and result.get("status") == RESULTED:
                out.append(result)
    return out


def _test_price(result: dict[str, Any], catalogue: Catalogue) -> tuple[float, bool]:
    """(price, from catalogue?)"""
    test_id = result.get("test_id")
    entry = catalogue.get(test_id) if test_id else None
    if entry is not None:
        return float(entry.price_usd), True
    try:
        return float(result.get("price_usd") or 0.0), False
    except (TypeError, ValueError):
        return 0.0, False


def _test_label(result: dict[str, Any]) -> str:
    return str(result.get("name") or result.get("test_id") or result.get("requested") or "unnamed test")


def grade_cost(turns: Sequence[Turn], *, catalogue: Catalogue, visit_fee: float) -> CostScore:
    visits = count_visits(turns)
    visit_cost = _money(visits * visit_fee)
    items: list[CostItem] = []
    if visits:
        items.append(CostItem(name=f"physician visit x {visits}", usd=visit_cost))
    test_cost = 0.0
    stored_prices: list[str] = []
    for result in resulted_tests(turns):
        price, from_catalogue = _test_price(result, catalogue)
        label = _test_label(result)
        if not from_catalogue:
            stored_prices.append(label)
        items.append(CostItem(name=label, usd=_money(price)))
        test_cost += price
    test_cost = _money(test_cost)
    total = _money(visit_cost + test_cost)
    n_tests = len(items) - (1 if visits else 0)
    explanation = (
        f"{visits} physician visit(s) x ${visit_fee:,.2f} = ${visit_cost:,.2f}; "
        f"{n_tests} resulted test(s) = ${test_cost:,.2f}; total ${total:,.2f}"
    )
    if stored_prices:
        explanation += f" (not in the catalogue, stored price used: {', '.join(stored_prices)})"
    return CostScore(
        visits=visits,
        visit_cost=visit_cost,
        test_cost=test_cost,
        total=total,
        items=items,
        explanation=explanation,
    )


def _ordered_names(turn: Turn) -> list[str]:
    tests = turn.payload.get("tests")
    if tests is None:
        return []
    if isinstance(tests, str):
        return [tests] if tests.strip() else []
    return [str(t) for t in tests if t is not None and str(t).strip()]


def grade_efficiency(turns: Sequence[Turn]) -> EfficiencyScore:
    doctor = _doctor_turns(turns)
    questions = sum(1 for t in doctor if t.kind is TurnKind.ASK)
    exams = sum(1 for t in doctor if t.kind is TurnKind.EXAMINE)
    orders = [t for t in doctor if t.kind is TurnKind.ORDER]
    tests = sum(len(_ordered_names(t)) for t in orders)
    return EfficiencyScore(
        turns=len(doctor),
        questions=questions,
        exams=exams,
        tests=tests,
        explanation=(
            f"{len(doctor)} doctor turn(s): {questions} question(s), {exams} examination(s), "
            f"{tests} test(s) ordered in {len(orders)} order(s)"
        ),
    )


def grade_safety(case: Case, turns: Sequence[Turn]) -> SafetyScore:
    expected = list(dict.fromkeys(case.rubric.expected_tests))
    resulted_ids = {str(r.get("test_id")) for r in resulted_tests(turns) if r.get("test_id")}
    ordered = [t for t in expected if t in resulted_ids]
    missed = [t for t in expected if t not in resulted_ids]
    if not expected:
        explanation = "no expected tests in this case"
    elif missed:
        explanation = (
            f"ordered {len(ordered)} of {len(expected)} expected test(s); missed: {', '.join(missed)}"
        )
    else:
        explanation = f"ordered all {len(expected)} expected test(s): {', '.join(ordered)}"
    if case.rubric.red_flags:
        explanation += "; red flags for information (not judged): " + "; ".join(case.rubric.red_flags)
    return SafetyScore(
        red_flags_addressed=[],
        expected_tests_ordered=ordered,
        expected_tests_missed=missed,
        explanation=explanation,
    )
