import pytest

from agentsim.cases.library import load_case
from agentsim.judge.rubric import final_diagnosis, score_turns
from agentsim.model.episode import Role, TurnKind
from agentsim.model.rubric import Axis

from .builders import TurnList, make_catalogue, make_rubric, result

STEMI = load_case("chest-pain-stemi")
CATALOGUE = make_catalogue(ecg=50.0, troponin=80.0, cbc=30.0)
ONLY = {Axis.HISTORY: 0.0, Axis.DIAGNOSIS: 0.0, Axis.COST: 0.0, Axis.EFFICIENCY: 0.0, Axis.SAFETY: 0.0}


def good_episode(diagnosis: str | None = "Inferior STEMI") -> list:
    turns = TurnList().opening("pc_chest_pain")
    for fact_id in STEMI.rubric.must_ask:
        turns.ask().answer(facts=[fact_id])
    turns.order("ECG", "troponin").results(result("ecg", 50.0), result("troponin", 80.0))
    if diagnosis is not None:
        turns.diagnose(diagnosis)
    return turns.turns


def only(axis: Axis, weight: float = 1.0) -> dict[Axis, float]:
    return {**ONLY, axis: weight}


def test_good_episode_scores() -> None:
    score = score_turns(STEMI, good_episode(), rubric=make_rubric(), catalogue=CATALOGUE)
    assert score.judge == "rubric"
    assert score.diagnosis.likert == 5 and score.diagnosis.correct
    assert score.history.coverage == 1.0
    assert score.cost.visits == 1 and score.cost.total == 300 + 50 + 80
    assert score.efficiency.turns == len(STEMI.rubric.must_ask) + 2
    assert score.safety.expected_tests_missed == []
    assert 0.0 <= score.overall <= 1.0
    cost_axis = 1 - 430 / 3000
    eff_axis = 1 - score.efficiency.turns / 20
    expected = (0.2 * 1 + 0.4 * 1 + 0.1 * cost_axis + 0.1 * eff_axis + 0.2 * 1) / 1.0
    assert score.overall == pytest.approx(expected)
    assert score.summary()["diagnosis_likert"] == 5


@pytest.mark.parametrize(
    ("axis", "value"),
    [
        (Axis.HISTORY, 1.0),
        (Axis.DIAGNOSIS, (4 - 1) / 4),  # "anterior STEMI" -> 4
        (Axis.COST, 1 - 430 / 3000),
        (Axis.SAFETY, 1.0),
    ],
)
def test_single_axis_weight(axis: Axis, value: float) -> None:
    score = score_turns(
        STEMI, good_episode("Anterior STEMI"), rubric=make_rubric(only(axis, 0.7)), catalogue=CATALOGUE
    )
    assert score.overall == pytest.approx(value)


def test_weights_are_normalised_and_respected() -> None:
    turns = good_episode("Costochondritis")  # diagnosis axis 0, history axis 1
    history_heavy = score_turns(
        STEMI,
        turns,
        rubric=make_rubric({**ONLY, Axis.HISTORY: 3.0, Axis.DIAGNOSIS: 1.0}),
        catalogue=CATALOGUE,
    )
    diagnosis_heavy = score_turns(
        STEMI,
        turns,
        rubric=make_rubric({**ONLY, Axis.HISTORY: 1.0, Axis.DIAGNOSIS: 3.0}),
        catalogue=CATALOGUE,
    )
    assert history_heavy.overall == pytest.approx(0.75)
    assert diagnosis_heavy.overall == pytest.approx(0.25)


def test_llm_axes_are_excluded() -> None:
    turns = good_episode("Costochondritis")
    weights = {**ONLY, Axis.HISTORY: 1.0, Axis.DIAGNOSIS: 1.0, Axis.COMMUNICATION: 5.0}
    score = score_turns(STEMI, turns, rubric=make_rubric(weights), catalogue=CATALOGUE)
    assert score.overall == pytest.approx(0.5)
    # an axis marked as LLM-judged drops out even if it has a deterministic measure
    llm_diagnosis = score_turns(
        STEMI,
        turns,
        rubric=make_rubric(weights, llm=(Axis.COMMUNICATION, Axis.DIAGNOSIS)),
        catalogue=CATALOGUE,
    )
    assert llm_diagnosis.overall == pytest.approx(1.0)


def test_all_zero_weights_fall_back_to_equal_mean() -> None:
    score = score_turns(STEMI, good_episode(), rubric=make_rubric(dict(ONLY)), catalogue=CATALOGUE)
    assert 0.0 <= score.overall <= 1.0


def test_no_diagnosis() -> None:
    score = score_turns(STEMI, good_episode(None), rubric=make_rubric(), catalogue=CATALOGUE)
    assert score.diagnosis.likert == 1
    assert not score.diagnosis.correct
    assert score.diagnosis.explanation == "no diagnosis given"


def test_last_doctor_diagnose_turn_counts() -> None:
    turns = TurnList().diagnose("Pericarditis").ask().answer().diagnose("Inferior STEMI").turns
    turns += TurnList().add(Role.SYSTEM, TurnKind.NOTICE, "done", diagnosis="Costochondritis").turns
    assert final_diagnosis(turns) == "Inferior STEMI"
    score = score_turns(STEMI, turns, rubric=make_rubric(), catalogue=CATALOGUE)
    assert score.diagnosis.likert == 5


def test_threshold_and_fee_come_from_rubric() -> None:
    turns = good_episode("Anterior STEMI")
    strict = score_turns(STEMI, turns, rubric=make_rubric(threshold=5, visit_fee=100.0), catalogue=CATALOGUE)
    assert strict.diagnosis.likert == 4 and not strict.diagnosis.correct
    assert strict.cost.total == 100 + 50 + 80


def test_expensive_long_bad_episode_is_bounded() -> None:
    turns = TurnList()
    for _ in range(30):
        turns.ask().answer().order("ECG").results(result("ecg", 500.0))
    score = score_turns(
        STEMI, turns.turns, rubric=make_rubric(cost_reference=1000.0, reference_turns=10), catalogue=CATALOGUE
    )
    assert score.overall == pytest.approx(0.2 * 0 + 0.4 * 0 + 0.1 * 0 + 0.1 * 0 + 0.2 * 0.5)
    assert 0.0 <= score.overall <= 1.0


def test_custom_judge_name() -> None:
    score = score_turns(
        STEMI, good_episode(), rubric=make_rubric(), catalogue=CATALOGUE, judge_name="rubric-v2"
    )
    assert score.judge == "rubric-v2"


def test_rescoring_is_deterministic() -> None:
    turns = good_episode("Anterior STEMI")
    a = score_turns(STEMI, turns, rubric=make_rubric(), catalogue=CATALOGUE)
    b = score_turns(STEMI, turns, rubric=make_rubric(), catalogue=CATALOGUE)
    assert a.model_dump() == b.model_dump()


def test_score_carries_the_judge_and_its_version() -> None:
    from agentsim.judge.version import rubric_judge_version
    from agentsim.model.score import Score

    score = score_turns(STEMI, good_episode(), rubric=make_rubric(), catalogue=CATALOGUE)
    assert score.judge == "rubric"
    assert score.judge_version == rubric_judge_version()
    assert score.summary()["judge_version"] == score.judge_version
    # a score stored before judges were versioned still reads back, marked as such
    old = score.model_dump(mode="json")
    del old["judge_version"]
    assert Score.model_validate(old).judge_version == "unversioned"
