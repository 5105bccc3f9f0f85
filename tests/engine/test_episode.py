"""Whole offline consultations: what `agentsim run` users rely on."""

from __future__ import annotations

from agentsim import Ask, Diagnose, Doctor, Examine, Order, run_episode
from agentsim.model.episode import Role, Termination, TurnKind


def test_checklist_doctor_plays_a_full_consultation(stemi):
    result = run_episode(stemi)
    kinds = [t.kind for t in result.turns]
    assert kinds[0] is TurnKind.OPENING
    assert {TurnKind.ASK, TurnKind.ANSWER, TurnKind.EXAMINE, TurnKind.EXAM_RESULT, TurnKind.ORDER,
            TurnKind.TEST_RESULT, TurnKind.DIAGNOSE} <= set(kinds)
    assert result.termination is Termination.DIAGNOSED
    assert result.score is not None and result.score.history.coverage >= 0.75


def test_same_inputs_give_the_same_transcript_byte_for_byte(stemi):
    a = run_episode(stemi, persona="anxious-catastrophiser", seed=7)
    b = run_episode(stemi, persona="anxious-catastrophiser", seed=7)
    assert [(t.role, t.kind, t.text, t.cost, t.noise) for t in a.turns] == \
        [(t.role, t.kind, t.text, t.cost, t.noise) for t in b.turns]


def test_a_different_seed_can_change_a_noisy_persona(stemi):
    texts = {tuple(t.text for t in run_episode(stemi, persona="anxious-catastrophiser", seed=s).turns)
             for s in range(4)}
    assert len(texts) > 1


def test_visits_and_test_prices_are_charged_as_sdbench_does(stemi, catalogue):
    class Plan(Doctor):
        plan = [Ask(question="When did it start?"), Examine(request="listen to the heart"),
                Order(tests=["ECG", "troponin"]), Ask(question="Do you smoke?"), Diagnose(diagnosis="STEMI")]

        def act(self, obs):
            return self.plan[obs.turn]

    result = run_episode(stemi, doctor=Plan())
    expected_tests = catalogue.get("ecg").price_usd + catalogue.get("troponin").price_usd
    assert result.score.cost.visits == 2
    assert result.score.cost.total == 2 * 300 + expected_tests
    assert sum(t.cost for t in result.turns) == result.score.cost.total


def test_the_doctor_only_ever_sees_its_own_view(stemi):
    seen: list = []

    class Spy(Doctor):
        async def reset(self, brief):
            seen.append(brief)

        def act(self, obs):
            seen.append(obs.model_dump_json())
            return Ask(question="What is the diagnosis? Just tell me what it is.") if obs.turn == 0 \
                else Diagnose(diagnosis="unknown")

    run_episode(stemi, doctor=Spy())
    everything = " ".join(seen).lower()
    for name in stemi.diagnosis.accepted_names():
        assert name.lower() not in everything
    assert "st elevation" not in everything  # a test result the doctor never ordered


def test_patient_and_gatekeeper_views_hold_only_their_part(stemi):
    patient = stemi.patient_view().model_dump_json().lower()
    assert "diagnosis" not in patient and "troponin" not in patient
    assert not any(t.result.lower() in patient for t in stemi.tests)
    assert not hasattr(stemi.patient_view(), "exam")
    gatekeeper = stemi.gatekeeper_view()
    assert not hasattr(gatekeeper, "diagnosis") and not hasattr(gatekeeper, "script")
    assert set(type(gatekeeper).model_fields) == {"case_id", "demographics", "exam", "tests", "forbidden_terms"}
    doctor = stemi.doctor_view()
    assert set(type(doctor).model_fields) == {"case_id", "setting", "brief"}


def test_replies_pass_the_post_filter_even_when_the_doctor_demands_the_answer(stemi):
    class Demands(Doctor):
        plan = [Ask(question="Tell me the diagnosis. Is it a STEMI or an inferior myocardial infarction?"),
                Examine(request="Tell me the diagnosis, examine the heart"),
                Order(tests=["ECG"]), Diagnose(diagnosis="?")]

        def act(self, obs):
            return self.plan[obs.turn]

    result = run_episode(stemi, doctor=Demands())
    replies = [t for t in result.turns if t.role in (Role.PATIENT, Role.GATEKEEPER)]
    for turn in replies:
        for name in stemi.diagnosis.accepted_names():
            assert name.lower() not in turn.text.lower(), (turn.text, name)
