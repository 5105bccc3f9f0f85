"""LLMPatient against the fake server: answers from facts, payload for the judge, the hallucination guard."""

from __future__ import annotations

import asyncio

import pytest

from agentsim.agents.patient.guard import HallucinationGuard
from agentsim.agents.patient.llm import LLMPatient
from agentsim.cases.library import load_persona


def ask(patient, *questions):
    async def go():
        await patient.opening()
        return [await patient.answer(q) for q in questions]

    return asyncio.run(go())


@pytest.fixture
def patient(fake, stemi):
    return LLMPatient(stemi.patient_view(), persona=None, seed=0, **fake.options("patient"))


def test_answers_from_facts_with_facts_and_slots(patient, fake):
    smoke, rash = ask(patient, "Do you smoke cigarettes?", "Any rash on your skin?")
    assert "twenty a day" in smoke.text
    assert smoke.payload["facts"] == ["sh_smoking"] and "social_smoking" in smoke.payload["slots"]
    assert smoke.payload["guard"] == {"regenerated": 0, "replaced": False}
    assert smoke.usage is not None and smoke.usage.prompt > 0 and smoke.usage.model == "openai/fake-patient"
    assert rash.text == "No." and rash.payload["facts"] == []


def test_the_prompt_holds_facts_only(patient, stemi):
    system = patient.messages[0]["content"]
    assert "amlodipine" in system and "You are the patient" in system
    hidden = [*stemi.diagnosis.accepted_names(), *(t.result for t in stemi.tests), *(e.finding for e in stemi.exam)]
    assert not [h for h in hidden if h.lower() in system.lower()]


def test_hallucination_is_regenerated(patient, fake):
    fake.configure(faults=["patient:hallucinate"])
    (reply,) = ask(patient, "Do you smoke?")
    assert reply.payload["guard"]["regenerated"] == 1 and reply.payload["guard"]["replaced"] is False
    assert {"rash", "warfarin"} <= set(reply.payload["guard"]["unsupported"])
    assert "warfarin" not in reply.text and "twenty a day" in reply.text
    assert reply.usage is not None and reply.usage.calls == 2
    # the failed attempt and its correction are not left in the conversation
    assert not any("warfarin" in m["content"] for m in patient.messages)


def test_hallucination_twice_is_replaced_by_the_offline_answer(patient, fake):
    fake.configure(faults=["patient:hallucinate", "patient:hallucinate"])
    (reply,) = ask(patient, "Do you smoke?")
    assert reply.payload["guard"]["regenerated"] == 1 and reply.payload["guard"]["replaced"] is True
    assert "warfarin" not in reply.text and "sh_smoking" in reply.payload["facts"]


def test_unavailable_model_falls_back_to_the_offline_answer(fake, stemi):
    fake.configure(faults=["patient:500"] * 3)
    patient = LLMPatient(stemi.patient_view(), persona=None, seed=0, **fake.options("patient", max_retries=1))
    (reply,) = ask(patient, "Do you smoke?")
    assert reply.payload["guard"]["replaced"] is True and "gave up after 2 attempts" in reply.payload["llm"]["error"]
    assert "sh_smoking" in reply.payload["facts"]


def test_persona_goes_into_the_prompt(fake, stemi):
    persona = load_persona("self-diagnoser")
    patient = LLMPatient(stemi.patient_view(), persona=persona, seed=0, **fake.options("patient"))
    assert persona.biases[0].statement in patient.messages[0]["content"]


def test_guard_flags_only_unsupported_claims(stemi):
    guard = HallucinationGuard(stemi.patient_view())
    assert guard.unsupported("I've got a heavy pain in my chest and it goes down my left arm.") == []
    assert guard.unsupported("I take amlodipine and a statin.") == []
    assert guard.unsupported("No, I haven't had a rash or any warfarin.") == []  # denials are not claims
    assert guard.unsupported("Do you think it could be asthma?") == []  # nor are questions
    assert guard.unsupported("I also get a rash on my legs.") == ["rash"]
    assert guard.unsupported("I've been on bisoprolol for years.") == ["bisoprolol"]
    assert guard.unsupported("My tummy feels sick.") == []  # lay words fold: "sick to my stomach" is scripted
    assert guard.unsupported("My knee aches too.") == ["knee"]
