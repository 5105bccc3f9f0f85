"""The offline patient answers from its facts only, in the persona's voice, with logged noise."""

from __future__ import annotations

import asyncio

import pytest

from agentsim.agents.patient.retrieval import RetrievalPatient
from agentsim.cases.library import load_persona
from agentsim.model.persona import NoiseKind, Persona


def ask(patient, question):
    return asyncio.run(patient.answer(question))


@pytest.fixture
def patient(stemi):
    return RetrievalPatient(stemi.patient_view(), persona=None, seed=0)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("When did the pain start?", "onset_hour_ago"),
        ("Does it go anywhere else?", "radiation_left_arm_jaw"),
        ("Do you smoke?", "sh_smoking"),
        ("Any heart trouble in the family?", "fh_father_mi"),
        ("What tablets are you on?", "meds_amlodipine"),
        ("Are you allergic to anything?", "allergies_nkda"),
        ("How bad is it, out of ten?", "severity_nine"),
        ("Any fever?", "neg_trauma_fever"),
        ("What do you do for a living?", "sh_occupation"),
        ("Any SOB?", "assoc_breathless"),
    ],
)
def test_answers_with_the_right_fact(patient, question, fact):
    reply = ask(patient, question)
    assert fact in reply.payload["facts"]
    assert patient.view.script.facts[[f.id for f in patient.view.script.facts].index(fact)].text in reply.text


def test_several_questions_in_one_turn_get_several_answers(patient):
    reply = ask(patient, "Do you smoke? And how much do you drink? Any allergies?")
    assert {"sh_smoking", "sh_alcohol", "allergies_nkda"} <= set(reply.payload["facts"])


def test_unknown_things_get_no_never_an_invented_finding(patient):
    reply = ask(patient, "Have you noticed any rash on your skin?")
    assert reply.payload["facts"] == []
    assert reply.text in ("No.", "Not that I know of.", "No, nothing like that.")


def test_opening_statement_and_volunteered_facts_come_first(stemi, patient):
    opening = asyncio.run(patient.opening())
    assert opening.text.startswith(stemi.patient.opening_statement)
    assert opening.payload["facts"] == [f.id for f in stemi.patient.facts if f.volunteered]


def test_persona_changes_the_voice_not_the_facts(stemi):
    plain = RetrievalPatient(stemi.patient_view(), persona=load_persona("neutral"), seed=1)
    terse = RetrievalPatient(stemi.patient_view(), persona=load_persona("terse-stoic"), seed=1)
    a, b = ask(plain, "Where does the pain spread to?"), ask(terse, "Where does the pain spread to?")
    assert a.payload["facts"] == b.payload["facts"] == ["radiation_left_arm_jaw"]
    assert len(b.text) < len(a.text)  # the stoic tells only the first clause


def test_noise_is_seeded_and_logged(stemi):
    noisy = load_persona("anxious-catastrophiser").model_copy(
        update={"noise": {NoiseKind.SEVERITY_CHANGE: 1.0}})
    replies = [ask(RetrievalPatient(stemi.patient_view(), persona=noisy, seed=3), "How bad is it out of ten?")
               for _ in range(2)]
    assert replies[0].text == replies[1].text
    logged = replies[0].noise
    assert logged and logged[0]["kind"] == "severity_change"
    assert logged[0]["before"] != logged[0]["after"] and logged[0]["after"][1:] in replies[0].text


def test_omission_is_logged_and_the_fact_not_counted_as_told(stemi):
    persona = Persona(id="forgetful", name="f", description="d", communication_style="plain", verbosity="medium",
                      health_literacy="medium", emotional_state="calm", trust="medium",
                      noise={NoiseKind.OMISSION: 1.0})
    reply = ask(RetrievalPatient(stemi.patient_view(), persona=persona, seed=0), "Do you smoke?")
    assert reply.payload["facts"] == []
    assert reply.noise[0]["kind"] == "omission" and reply.noise[0]["fact"] == "sh_smoking"
