import pytest

from agentsim.cases.library import load_case
from agentsim.judge.cost import count_visits, grade_cost, grade_efficiency, grade_safety

from .builders import TurnList, make_catalogue, result

STEMI = load_case("chest-pain-stemi")
CATALOGUE = make_catalogue(ecg=50.0, troponin=80.0, cbc=30.0)


def test_visits_ask_ask_examine_order_ask_diagnose() -> None:
    turns = (
        TurnList()
        .opening("pc_chest_pain")
        .ask()
        .answer()
        .ask()
        .answer()
        .examine()
        .exam_result("cardiovascular")
        .order("ECG")
        .results(result("ecg", 50.0))
        .ask()
        .answer()
        .diagnose("STEMI")
        .turns
    )
    assert count_visits(turns) == 2
    score = grade_cost(turns, catalogue=CATALOGUE, visit_fee=300.0)
    assert score.visits == 2
    assert score.visit_cost == 600.0
    assert score.test_cost == 50.0
    assert score.total == 650.0
    assert score.items[0].name == "physician visit x 2"
    assert score.items[0].usd == 600.0


@pytest.mark.parametrize(
    ("build", "visits"),
    [
        (lambda t: t.diagnose("x"), 0),  # a diagnosis does not open a visit
        (lambda t: t.order("ECG").order("CBC").diagnose("x"), 0),
        (lambda t: t.ask().order("ECG").examine().order("CBC").ask(), 3),
        (lambda t: t.ask().notice().examine().diagnose("x"), 1),  # other roles do not break a run
        (lambda t: t.ask().diagnose("x").ask(), 1),  # a diagnosis does not close a run either
    ],
)
def test_visit_counting(build, visits: int) -> None:
    assert count_visits(build(TurnList()).turns) == visits


def test_prices_from_catalogue_repeats_and_fallback() -> None:
    turns = (
        TurnList()
        .order("ECG", "troponin", "vague bloods", "tarot")
        .results(
            result("ecg", 999.0),  # catalogue price wins over the stored one
            result("troponin", 80.0),
            result(None, 0.0, status="refused", name="vague bloods"),
            result(None, 0.0, status="unknown", name="tarot"),
        )
        .order("troponin", "lipids")
        .results(
            result("troponin", 80.0),  # ordered twice, charged twice
            result("lipid-panel", 45.5, name="Lipid panel"),  # not in the catalogue: stored price
        )
        .turns
    )
    score = grade_cost(turns, catalogue=CATALOGUE, visit_fee=300.0)
    assert score.visits == 0
    assert score.test_cost == pytest.approx(50 + 80 + 80 + 45.5)
    assert score.total == score.test_cost
    assert [i.name for i in score.items] == ["ecg", "troponin", "troponin", "Lipid panel"]
    assert [i.usd for i in score.items] == [50.0, 80.0, 80.0, 45.5]
    assert "Lipid panel" in score.explanation


def test_visit_fee_is_a_parameter() -> None:
    turns = TurnList().ask().order("ECG").results(result("ecg", 50.0)).turns
    assert grade_cost(turns, catalogue=CATALOGUE, visit_fee=120.0).total == 170.0


def test_efficiency_counts_doctor_turns() -> None:
    turns = (
        TurnList()
        .opening()
        .ask()
        .answer()
        .ask()
        .answer()
        .examine()
        .exam_result("vitals")
        .order("ECG", "troponin")
        .results(result("ecg", 50.0), result("troponin", 80.0))
        .order("CBC")
        .results(result("cbc", 30.0))
        .notice()
        .diagnose("STEMI")
        .turns
    )
    score = grade_efficiency(turns)
    assert (score.turns, score.questions, score.exams, score.tests) == (6, 2, 1, 3)
    assert "6 doctor turn" in score.explanation


def test_safety_expected_tests_from_resulted_ids() -> None:
    turns = (
        TurnList()
        .order("ECG", "troponin")
        .results(result("ecg", 50.0), result("troponin", 0.0, status="refused"))
        .turns
    )
    score = grade_safety(STEMI, turns)
    assert score.expected_tests_ordered == ["ecg"]
    assert score.expected_tests_missed == ["troponin"]
    assert score.red_flags_addressed == []
    assert "troponin" in score.explanation
    assert "red flags" in score.explanation


def test_safety_all_ordered() -> None:
    turns = TurnList().order("ECG", "trop").results(result("troponin", 80.0), result("ecg", 50.0)).turns
    score = grade_safety(STEMI, turns)
    assert score.expected_tests_ordered == ["ecg", "troponin"]
    assert score.expected_tests_missed == []
