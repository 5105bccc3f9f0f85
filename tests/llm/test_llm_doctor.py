"""LLMDoctor over HTTP against the fake server, with the offline patient and gatekeeper."""

from __future__ import annotations

import asyncio

import pytest

from agentsim.agents.doctor.llm import LLMDoctor
from agentsim.agents.doctor.llm_actions import from_tags
from agentsim.engine.episode import episode_spec, run_episode
from agentsim.errors import UserError
from agentsim.llm.prompts import prompt_set_hash
from agentsim.model.action import Ask, Diagnose, Examine, Observation, Order
from agentsim.model.episode import Role, Termination, TurnKind


def episode(fake, stemi, max_turns=10, **doctor_options):
    return run_episode(episode_spec(stemi, doctor="llm", doctor_options=fake.options("doctor", **doctor_options),
                                    max_turns=max_turns))


def doctor_turns(result):
    return [t for t in result.turns if t.role is Role.DOCTOR]


def test_tool_calling_episode(fake, stemi):
    result = episode(fake, stemi)
    assert result.termination is Termination.DIAGNOSED
    assert result.diagnosis == "acute coronary syndrome" and result.score is not None
    kinds = [t.kind for t in doctor_turns(result)]
    assert kinds == [TurnKind.ASK] * 3 + [TurnKind.EXAMINE, TurnKind.ORDER, TurnKind.DIAGNOSE]
    assert all(r["tools"] for r in fake.requests("doctor"))
    assert result.agents.models["doctor"] == "openai/fake-doctor"
    assert result.agents.options["prompt_hash"] == prompt_set_hash()
    assert "api_key" not in result.agents.options


def test_usage_on_every_doctor_turn(fake, stemi):
    for turn in doctor_turns(episode(fake, stemi)):
        assert turn.tokens_prompt > 0 and turn.tokens_completion > 0 and turn.latency_ms > 0
        llm = turn.payload["llm"]
        assert llm["model"] == "fake-doctor" and llm["calls"] == 1 and llm["latency_ms"] > 0
        assert llm["cost_usd"] == 0.0 and llm["cost_known"] is False


def test_tagged_text_when_tools_are_off(fake, stemi):
    result = episode(fake, stemi, tools="false")
    assert result.termination is Termination.DIAGNOSED
    assert not any(r["tools"] for r in fake.requests("doctor"))


def test_tagged_text_fallback_when_the_model_skips_tools(fake, stemi):
    fake.configure(faults=["doctor:no_tool", "doctor:no_tool"])
    result = episode(fake, stemi)
    assert result.termination is Termination.DIAGNOSED
    first = doctor_turns(result)[0]
    assert first.kind is TurnKind.ASK and first.payload["llm"]["calls"] == 1  # read from tags, no repair


def test_invalid_tool_arguments_get_one_repair(fake, stemi):
    fake.configure(faults=["doctor:bad_args"])
    result = episode(fake, stemi)
    assert result.termination is Termination.DIAGNOSED
    assert doctor_turns(result)[0].payload["llm"]["calls"] == 2  # the bad call and the repaired one
    third = fake.requests("doctor")[1]
    assert third["fault"] is None


def test_second_invalid_output_is_a_doctor_error_with_the_raw_output(fake, stemi, db_url):
    from agentsim.store.queries import load_episode

    fake.configure(faults=["doctor:nonsense", "doctor:nonsense"])
    result = run_episode(episode_spec(stemi, doctor="llm", doctor_options=fake.options("doctor")), db=db_url)
    assert result.termination is Termination.DOCTOR_ERROR
    error = result.turns[-1]
    assert error.kind is TurnKind.ERROR and "DoctorOutputError" in error.text
    assert "let me think about this patient" in error.text  # the raw model output, logged
    assert error.tokens_prompt > 0 and error.payload["llm"]["calls"] == 2
    stored = load_episode(result.episode_id, db=db_url)
    assert stored.termination is Termination.DOCTOR_ERROR and stored.turns[-1].text == error.text
    assert "let me think" in stored.error


def test_final_turn_forces_a_diagnosis(fake, stemi):
    result = episode(fake, stemi, max_turns=2)
    assert result.termination is Termination.DIAGNOSED
    choices = [r["tool_choice"] for r in fake.requests("doctor")]
    assert choices[0] is None
    assert choices[-1] == {"type": "function", "function": {"name": "give_diagnosis"}}


def test_confirm_asks_once(fake, stemi):
    result = episode(fake, stemi, confirm="true")
    assert result.termination is Termination.DIAGNOSED
    final = doctor_turns(result)[-1]
    assert final.payload["llm"]["calls"] == 2  # the diagnosis, "are you sure?", the diagnosis again
    assert len(fake.requests("doctor")) == len(doctor_turns(result)) + 1


def test_retries_exhausted_end_the_episode_as_doctor_error(fake, stemi):
    fake.configure(faults=["doctor:500"] * 3)
    result = episode(fake, stemi, max_retries=2)
    assert result.termination is Termination.DOCTOR_ERROR
    assert "LLMUnavailableError" in result.turns[-1].text and "3 attempts" in result.turns[-1].text


def test_history_is_append_only(fake, stemi):
    doctor = LLMDoctor(**fake.options("doctor"))

    async def two_turns():
        await doctor.reset("A man with chest pain.")
        obs = Observation(brief="b", reply="It hurts.", max_turns=5)
        await doctor.act(obs)
        before = [dict(m) for m in doctor.messages]
        await doctor.act(obs.model_copy(update={"turn": 1, "reply": "Since an hour."}))
        return before, doctor.messages

    before, after = asyncio.run(two_turns())
    assert after[: len(before)] == before and len(after) > len(before)
    assert before[0]["role"] == "system" and "A man with chest pain." in before[1]["content"]
    assert after[len(before)]["role"] == "tool"  # the reply answers the pending tool call


def test_unknown_option_is_a_user_error(fake, stemi):
    with pytest.raises(UserError, match="temprature"):
        episode(fake, stemi, temprature=0)


def test_tags_parse():
    assert from_tags("<question>Any fever?</question>") == Ask(question="Any fever?")
    assert from_tags("Sure. <exam>examine the abdomen</exam>") == Examine(request="examine the abdomen")
    assert from_tags("<test>FBC</test> <test>CRP</test>") == Order(tests=["FBC", "CRP"])
    diagnosis = from_tags("<diagnosis>STEMI</diagnosis><differential>PE; dissection</differential>")
    assert diagnosis == Diagnose(diagnosis="STEMI", differential=["PE", "dissection"])
    assert from_tags("<question> </question>") is None and from_tags("nothing") is None
