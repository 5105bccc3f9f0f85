from agentsim.cases.library import load_case
from agentsim.judge.history import grade_history
from agentsim.model.case import CaseRubric, FactSlot, MustAskStatement
from agentsim.model.episode import Role, TurnKind

from .builders import TurnList

STEMI = load_case("chest-pain-stemi")


def with_must_ask(*items: str | MustAskStatement):
    rubric = CaseRubric(must_ask=list(items), expected_tests=[])
    return STEMI.model_copy(update={"rubric": rubric})


def test_asked_facts_cover_and_volunteered_do_not() -> None:
    case = with_must_ask("pc_chest_pain", "onset_hour_ago", "sh_smoking")
    turns = (
        TurnList()
        .opening("pc_chest_pain", "onset_hour_ago")  # volunteered: not asked
        .ask("When did it start?")
        .answer(facts=["onset_hour_ago"], slots=["onset"])
        .ask("Do you smoke?")
        .answer(facts=["sh_smoking"], slots=["social_smoking"])
        .turns
    )
    score = grade_history(case, turns)
    assert score.covered == ["onset_hour_ago", "sh_smoking"]
    assert score.missed == ["pc_chest_pain"]
    assert abs(score.coverage - 2 / 3) < 1e-9
    assert "pc_chest_pain" in score.explanation


def test_statement_items_covered_by_slot() -> None:
    allergies = MustAskStatement(statement="Ask about drug allergies", slot=FactSlot.ALLERGIES)
    travel = MustAskStatement(statement="Ask about recent travel", slot=FactSlot.TRAVEL)
    case = with_must_ask("sh_smoking", allergies, travel)
    turns = (
        TurnList()
        .opening("pc_chest_pain")
        .ask("Any allergies?")
        .answer(facts=["allergies_nkda"], slots=["allergies"])
        .ask("Been abroad?")
        .answer(facts=[], slots=[])  # asked, but mapped to no slot: not covered
        .turns
    )
    score = grade_history(case, turns)
    assert score.covered == ["Ask about drug allergies"]
    assert score.missed == ["sh_smoking", "Ask about recent travel"]
    assert abs(score.coverage - 1 / 3) < 1e-9
    assert "Ask about recent travel" in score.explanation


def test_slots_outside_patient_answers_do_not_count() -> None:
    case = with_must_ask(MustAskStatement(statement="Ask about smoking", slot=FactSlot.SMOKING))
    turns = TurnList().add(Role.DOCTOR, TurnKind.ASK, "smoke?", slots=["social_smoking"]).turns
    turns += TurnList().opening().add(Role.PATIENT, TurnKind.OPENING, "hi", slots=["social_smoking"]).turns
    assert grade_history(case, turns).coverage == 0.0


def test_no_must_ask_items_is_full_coverage() -> None:
    score = grade_history(with_must_ask(), TurnList().opening("pc_chest_pain").turns)
    assert score.coverage == 1.0
    assert score.covered == [] and score.missed == []


def test_shipped_case_all_covered() -> None:
    items = [i for i in STEMI.rubric.must_ask if isinstance(i, str)]
    turns = TurnList()
    for fact_id in items:
        turns.ask().answer(facts=[fact_id])
    score = grade_history(STEMI, turns.turns)
    assert score.coverage == 1.0
    assert score.missed == []
    assert "all" in score.explanation


def test_nothing_asked() -> None:
    score = grade_history(STEMI, TurnList().opening("pc_chest_pain").turns)
    assert score.coverage == 0.0
    assert len(score.missed) == len(STEMI.rubric.must_ask)
