"""The deterministic rubric judge: scores a stored episode from its turns alone.

``score_turns`` grades every axis and combines the deterministic ones into ``overall``:

* history: must-ask coverage (0..1);
* diagnosis: ``(likert - 1) / 4`` for the last doctor DIAGNOSE turn's ``payload["diagnosis"]``
  (no diagnosis: Likert 1);
* cost: ``1 - min(total / cost_reference_usd, 1)``;
* efficiency: ``1 - min(doctor turns / efficiency_reference_turns, 1)``;
* safety: share of the case's expected tests that were resulted (1.0 when none are expected).

``overall`` is the weighted mean of these with the rubric's axis weights, normalised by the sum of
the included weights. Axes judged by an LLM (and communication, which has no deterministic measure)
are left out. If every included weight is zero, the five deterministic axes are averaged equally.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentsim.judge.cost import grade_cost, grade_efficiency, grade_safety
from agentsim.judge.diagnosis import grade_diagnosis
from agentsim.judge.history import grade_history
from agentsim.judge.version import RUBRIC_JUDGE, rubric_judge_version
from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import Termination, Turn, final_diagnosis
from agentsim.model.rubric import Axis, JudgeKind, RubricConfig
from agentsim.model.score import (
    CostScore,
    DiagnosisScore,
    EfficiencyScore,
    HistoryScore,
    SafetyScore,
    Score,
)

DETERMINISTIC_AXES = (Axis.HISTORY, Axis.DIAGNOSIS, Axis.COST, Axis.EFFICIENCY, Axis.SAFETY)


def axis_values(
    *,
    history: HistoryScore,
    diagnosis: DiagnosisScore,
    cost: CostScore,
    efficiency: EfficiencyScore,
    safety: SafetyScore,
    rubric: RubricConfig,
) -> dict[Axis, float]:
    """Each deterministic axis as a number in [0, 1]."""
    expected = len(safety.expected_tests_ordered) + len(safety.expected_tests_missed)
    return {
        Axis.HISTORY: history.coverage,
        Axis.DIAGNOSIS: (diagnosis.likert - 1) / 4,
        Axis.COST: 1.0 - min(cost.total / rubric.cost_reference_usd, 1.0),
        Axis.EFFICIENCY: 1.0 - min(efficiency.turns / rubric.efficiency_reference_turns, 1.0),
        Axis.SAFETY: len(safety.expected_tests_ordered) / expected if expected else 1.0,
    }


def combine(values: dict[Axis, float], rubric: RubricConfig) -> float:
    """Weighted mean over the deterministic axes the rubric includes (LLM-judged axes excluded)."""
    weights: dict[Axis, float] = {}
    for config in rubric.axes:
        if config.judged_by is JudgeKind.LLM or config.axis not in values:
            continue
        weights[config.axis] = config.weight
    total_weight = sum(weights.values())
    if total_weight <= 0:
        overall = sum(values.values()) / len(values)
    else:
        overall = sum(values[a] * w for a, w in weights.items()) / total_weight
    return min(1.0, max(0.0, overall))


def score_turns(
    case: Case,
    turns: Sequence[Turn],
    *,
    rubric: RubricConfig,
    catalogue: Catalogue,
    judge_name: str = RUBRIC_JUDGE,
    termination: Termination | None = None,
) -> Score:
    """`termination` of doctor_error voids the episode: overall 0, with the reason, whatever was said before
    the doctor failed (reports count these apart from wrong diagnoses)."""
    answer = final_diagnosis(turns)
    if answer is None:
        diagnosis = DiagnosisScore(likert=1, correct=False, matched=None, explanation="no diagnosis given")
    else:
        diagnosis = grade_diagnosis(answer, case.diagnosis, threshold=rubric.correct_threshold)
    history = grade_history(case, turns)
    cost = grade_cost(turns, catalogue=catalogue, visit_fee=rubric.visit_fee_usd)
    efficiency = grade_efficiency(turns)
    safety = grade_safety(case, turns)
    values = axis_values(
        history=history, diagnosis=diagnosis, cost=cost, efficiency=efficiency, safety=safety, rubric=rubric
    )
    return Score(
        judge=judge_name,
        judge_version=rubric_judge_version(),
        diagnosis=diagnosis,
        history=history,
        cost=cost,
        efficiency=efficiency,
        safety=safety,
        overall=0.0 if termination is Termination.DOCTOR_ERROR else combine(values, rubric),
        voided="the doctor failed (doctor_error): the episode scores 0" if termination is Termination.DOCTOR_ERROR
        else None,
    )
