"""Regression tests: each example a new user saw on the shipped cases and an imported AgentClinic-format case."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from agentsim.agents.patient.retrieval import RetrievalPatient
from agentsim.cases.importers.agentclinic import import_agentclinic
from agentsim.cases.library import load_all_cases, load_case, load_case_file, load_persona
from agentsim.model.case import FactSlot, PatientView
from agentsim.model.provenance import AnswerAct, InquiryType

FIXTURE = Path(__file__).parents[2] / "fixtures" / "agentclinic" / "patient" / "first_person.jsonl"
UNKNOWN_FILLERS = ("No.", "Not that I know of.", "No, nothing like that.")


def ask(patient: RetrievalPatient, question: str):
    return asyncio.run(patient.answer(question))


def patient_for(case_id: str, persona: str | None = None, seed: int = 0) -> RetrievalPatient:
    view = load_case(case_id).patient_view()
    return RetrievalPatient(view, persona=load_persona(persona) if persona else None, seed=seed)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, mini_catalogue_module):
    out = tmp_path_factory.mktemp("imported")
    report = import_agentclinic(FIXTURE, out, catalogue=mini_catalogue_module)
    assert report.converted == 1
    return load_case_file(next(out.glob("*.yaml")))


@pytest.fixture(scope="module")
def mini_catalogue_module():
    from agentsim.cases.library import load_catalogue

    return load_catalogue()


# -------------------------------------------------------------------------------------------- demographics


@pytest.mark.parametrize("case", load_all_cases(), ids=lambda c: c.id)
def test_age_and_sex_come_from_the_case(case):
    patient = RetrievalPatient(case.patient_view(), persona=None, seed=0)
    demo = case.patient.demographics
    age = ask(patient, "How old are you?")
    assert age.provenance.parts[0].act is AnswerAct.DEMOGRAPHICS
    expected = str(demo.age_years) if demo.age_years >= 2 else "month"
    assert expected in age.text and age.text not in UNKNOWN_FILLERS
    sex = ask(patient, "Are you male or female?")
    assert sex.provenance.parts[0].act is AnswerAct.DEMOGRAPHICS and not sex.text.startswith("No")


def test_name_is_told_when_the_case_has_one():
    reply = ask(patient_for("pulmonary-embolism-postop"), "What's your name?")
    assert "Margaret Okafor" in reply.text


# ------------------------------------------------------------------------------------------ anything else


def test_anything_else_tells_untold_associated_symptoms_then_everything():
    case = load_case("pulmonary-embolism-postop")
    patient = RetrievalPatient(case.patient_view(), persona=None, seed=0)
    asyncio.run(patient.opening())
    assoc = [f.id for f in case.patient.facts if f.slot is FactSlot.ASSOCIATED_SYMPTOMS]
    told: list[str] = []
    for _ in range(len(assoc) + 2):
        reply = ask(patient, "Any other symptoms?")
        assert len(reply.payload["facts"]) <= 2  # the next one or two
        told += reply.payload["facts"]
        if reply.provenance.parts[0].act is AnswerAct.NOTHING_MORE:
            break
    assert set(assoc) <= set(told)
    assert reply.text == "No, that's everything."
    assert "neg_fever_productive" not in told  # a denial is not a symptom to volunteer


def test_anything_else_never_says_no_while_symptoms_are_untold():
    patient = patient_for("subarachnoid-haemorrhage")
    reply = ask(patient, "Anything else?")
    assert reply.payload["facts"] and not reply.text.startswith("No")


# ---------------------------------------------------------------------------------- asked in other words


def test_blood_thinners_reach_the_stopped_injections_not_the_haemoptysis():
    reply = ask(patient_for("pulmonary-embolism-postop"), "Are you on any blood thinners?")
    assert reply.payload["facts"] == ["meds_stopped_injections"]
    evidence = reply.provenance.parts[0].facts[0].evidence
    assert any(e.concept == "LEX:anticoagulant" for e in evidence)


def test_last_period_is_answered_by_the_hysterectomy_with_no_stray_no():
    reply = ask(patient_for("subarachnoid-haemorrhage"), "When was your last period, and could you be pregnant?")
    assert reply.payload["facts"] == ["psh_hysterectomy"]
    assert InquiryType.OBSTETRIC_GYNAE in reply.provenance.inquiry_types()
    assert not reply.text.startswith("No")


def test_weakness_worse_through_the_day_finds_the_fatigue_fact(imported):
    patient = RetrievalPatient(imported.patient_view(), persona=None, seed=0)
    reply = ask(patient, "Do you have any weakness that gets worse through the day?")
    told = [f.text for f in imported.patient.facts if f.id in reply.payload["facts"]]
    assert any("fatigue" in t and "end of the day" in t for t in told)


# -------------------------------------------------------------------------------------------- absent items


@pytest.mark.parametrize("question", ["Have you ever had your gallbladder out?", "Have you had your appendix removed?"])
def test_an_operation_the_case_never_mentions_is_no_not_the_past_history(question):
    reply = ask(patient_for("pulmonary-embolism-postop"), question)
    assert reply.payload["facts"] == []
    assert reply.provenance.parts[0].act is AnswerAct.ABSENT


def test_no_surgical_history_at_all_is_no():
    case = load_case("chest-pain-stemi")
    script = case.patient.model_copy(update={"facts": [
        f for f in case.patient.facts if f.slot is not FactSlot.PAST_SURGICAL_HISTORY]})
    patient = RetrievalPatient(PatientView(case_id=case.id, script=script), persona=None, seed=0)
    reply = ask(patient, "Have you had any operations?")
    assert reply.payload["facts"] == [] and reply.provenance.parts[0].act is AnswerAct.ABSENT


def test_a_specific_absent_symptom_is_no():
    reply = ask(patient_for("pulmonary-embolism-postop"), "Any tummy pain?")
    assert reply.payload["facts"] == [] and reply.provenance.parts[0].act is AnswerAct.ABSENT


def test_a_lab_value_is_i_dont_know():
    reply = ask(patient_for("acute-heart-failure"), "What was your potassium level on the last blood test?")
    assert reply.payload["facts"] == [] and "know" in reply.text.lower()
    assert reply.provenance.parts[0].act is AnswerAct.UNKNOWABLE


def test_a_measurement_the_case_says_the_patient_was_told_is_answered():
    reply = ask(patient_for("acute-heart-failure"), "What was your ejection fraction on the last echo?")
    assert reply.payload["facts"] == ["pmh_mi_weak_heart"]


# ------------------------------------------------------------------------------------------------ wording


@pytest.mark.parametrize("seed", range(8))
def test_no_duplicated_fillers(seed):
    patient = patient_for("chest-pain-stemi", seed=seed)
    reply = ask(patient, "Any rash? Any joint swelling? Any blood in your urine?")
    fillers = [f for f in UNKNOWN_FILLERS if f in reply.text]
    assert reply.payload["facts"] == [] and len(fillers) == 1


@pytest.mark.parametrize("persona", ["anxious-catastrophiser", "verbose-tangential", "elderly-hard-of-hearing"])
@pytest.mark.parametrize("seed", range(6))
def test_tails_never_repeat_the_body(persona, seed):
    reply = ask(patient_for("chest-pain-stemi", persona, seed), "Any rash?")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", reply.text) if s.strip()]
    assert len(sentences) == len(set(sentences)), reply.text


@pytest.mark.parametrize("seed", range(12))
def test_link_words_are_dropped_and_no_comma_splice(seed):
    reply = ask(patient_for("pulmonary-embolism-postop", "anxious-catastrophiser", seed), "Do you take HRT?")
    assert "meds_regular" in reply.payload["facts"]
    assert not re.search(r",\s+otherwise\b", reply.text, re.I)
    assert "I keep worrying about this, I" not in reply.text


def test_imported_facts_are_first_person(imported):
    texts = [f.text for f in imported.patient.facts] + [imported.patient.opening_statement]
    for text in texts:
        assert not re.search(r"\bthe patient\b|\b(he|she) believes\b|I've had being", text, re.I), text
        assert not re.search(r"\b(she|he)\s+\w+s\b", text), text
    joined = " ".join(texts)
    assert "which I believe" in joined and "I've been treated for fungal oesophagitis" in joined
    assert "I work as a primary school teacher." in joined and "I live with my husband" in joined


# --------------------------------------------------------------------------------------------- provenance


def test_every_answer_carries_provenance_in_the_reply_and_payload():
    reply = ask(patient_for("chest-pain-stemi"), "When did it start? Do you smoke?")
    assert reply.provenance is not None
    assert [p["act"] for p in reply.payload["provenance"]["parts"]] == ["facts", "facts"]
    assert reply.provenance.fact_ids() == reply.payload["facts"]
    assert reply.payload["provenance"]["hpo_version"].startswith("hp/releases/")
