"""agentsim.llm.gateway through litellm against the fake server: parsing, usage, retries, failures."""

from __future__ import annotations

import asyncio
import time

import pytest

from agentsim.errors import FatalError, UserError
from agentsim.llm.gateway import LLMConfigError, LLMError, LLMSettings, LLMUnavailableError, complete

DOCTOR = [{"role": "system", "content": "You are the doctor."}, {"role": "user", "content": "A patient."}]
TOOLS = [{"type": "function", "function": {"name": "ask_patient", "parameters": {
    "type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}}}]


def run(coro):
    return asyncio.run(coro)


def test_tool_call_text_and_usage(fake):
    done = run(complete(DOCTOR, settings=fake.settings(), tools=TOOLS))
    assert done.tool_calls[0].name == "ask_patient"
    assert done.tool_calls[0].valid and "question" in done.tool_calls[0].arguments
    assert done.prompt_tokens > 0 and done.completion_tokens > 0
    assert done.latency_ms > 0 and done.attempts == 1
    assert done.cost_known is False and done.cost_usd == 0.0  # litellm has no price for fake-doctor
    text = run(complete(DOCTOR, settings=fake.settings()))  # no tools offered: tagged text
    assert text.text.startswith("<question>") and not text.tool_calls


def test_cost_from_litellm_price_map(fake):
    # a model litellm knows, served by the fake server: the local cost map prices it
    done = run(complete(DOCTOR, settings=fake.settings(model="openai/gpt-4o-mini")))
    assert done.cost_known and done.cost_usd > 0


@pytest.mark.parametrize("fault", ["429", "500", "timeout", "malformed"])
def test_transient_faults_are_retried(fake, fault):
    fake.configure(faults=[fault, fault])
    done = run(complete(DOCTOR, settings=fake.settings(timeout=1.0), tools=TOOLS))
    assert done.attempts == 3 and done.tool_calls
    assert [r["fault"] for r in fake.requests()] == [fault, fault, None]


def test_retry_after_is_honoured(fake):
    fake.configure(faults=["429"], retry_after=0.3)
    started = time.perf_counter()
    done = run(complete(DOCTOR, settings=fake.settings(retry_base_delay=0.001)))
    assert done.attempts == 2
    assert time.perf_counter() - started >= 0.3


def test_retries_are_bounded(fake):
    fake.configure(faults=["500"] * 5)
    with pytest.raises(LLMUnavailableError, match="gave up after 3 attempts"):
        run(complete(DOCTOR, settings=fake.settings(max_retries=2)))
    assert len(fake.requests()) == 3


@pytest.mark.parametrize(("fault", "words"), [("401", "authentication failed"), ("404", "unknown model")])
def test_auth_and_unknown_model_fail_at_once(fake, fault, words):
    fake.configure(faults=[fault] * 3)
    with pytest.raises(LLMConfigError, match=words) as info:
        run(complete(DOCTOR, settings=fake.settings(max_retries=3)))
    assert len(fake.requests()) == 1  # no retry
    assert isinstance(info.value, FatalError)
    assert "fake-doctor" in str(info.value)


def test_wrong_api_key_is_a_401(fake):
    fake.configure(api_key="sk-right")
    with pytest.raises(LLMConfigError, match="API key"):
        run(complete(DOCTOR, settings=fake.settings(api_key="sk-wrong")))
    assert run(complete(DOCTOR, settings=fake.settings(api_key="sk-right"))).text


def test_max_concurrency_is_per_model(fake):
    fake.configure(latency_ms=250)

    async def four(settings_a, settings_b):
        return await asyncio.gather(*(complete(DOCTOR, settings=s) for s in (settings_a, settings_a, settings_b,
                                                                            settings_b)))

    run(four(fake.settings(model="openai/fake-one", max_concurrency=1),
             fake.settings(model="openai/fake-two", max_concurrency=1)))
    seen = [r["in_flight"] for r in fake.requests()]  # what the server was answering as each call arrived
    assert len(seen) == 4
    assert max(flight.get("fake-one", 0) for flight in seen) == 1  # each model's calls one after the other
    assert max(flight.get("fake-two", 0) for flight in seen) == 1
    assert max(sum(flight.values()) for flight in seen) == 2  # the two models in parallel


def test_unreachable_server_is_unavailable(fake):
    # port 9 (discard) on loopback: nothing listens; a connection error is transient, so it is retried
    settings = fake.settings(api_base="http://127.0.0.1:9/v1", max_retries=1)
    with pytest.raises(LLMUnavailableError, match="2 attempts"):
        run(complete(DOCTOR, settings=settings))


def test_llm_errors_are_user_errors():
    assert issubclass(LLMError, UserError) and issubclass(LLMConfigError, FatalError)
    assert not issubclass(LLMUnavailableError, FatalError)


def test_settings_precedence(tmp_path, monkeypatch):
    config = tmp_path / "agentsim.toml"
    config.write_text('[llm]\ntimeout = 11\napi_base = "http://file/v1"\n[llm.doctor]\nmodel = "openai/from-file"\n'
                      'max_retries = 7\n')
    monkeypatch.chdir(tmp_path)  # ./agentsim.toml is read by default
    from_file = LLMSettings.resolve("doctor", {}, env={})
    assert (from_file.model, from_file.timeout, from_file.max_retries) == ("openai/from-file", 11, 7)
    env = {"AGENTSIM_DOCTOR_MODEL": "openai/from-env", "AGENTSIM_API_BASE": "http://env/v1",
           "AGENTSIM_LLM_TIMEOUT": "5"}
    from_env = LLMSettings.resolve("doctor", {}, env=env)
    assert (from_env.model, from_env.api_base, from_env.timeout) == ("openai/from-env", "http://env/v1", 5)
    from_flags = LLMSettings.resolve("doctor", {"model": "openai/from-flag", "max_retries": "1"}, env=env)
    assert (from_flags.model, from_flags.api_base, from_flags.max_retries) == ("openai/from-flag", "http://env/v1", 1)
    keyed = LLMSettings.resolve("patient", {"model": "m", "api_key": "sk-secret"}, env={})
    assert keyed.api_key.get_secret_value() == "sk-secret"
    assert "api_key" not in keyed.public() and "sk-secret" not in repr(keyed)  # never logged, never printed


def test_settings_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LLMConfigError, match="--gatekeeper-model"):
        LLMSettings.resolve("gatekeeper", {}, env={})
    with pytest.raises(LLMConfigError, match="timeout"):
        LLMSettings.resolve("doctor", {"model": "m", "timeout": "soon"}, env={})
    with pytest.raises(LLMConfigError, match="not found"):
        LLMSettings.resolve("doctor", {"config": str(tmp_path / "missing.toml")}, env={})
