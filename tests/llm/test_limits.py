"""How many requests are in flight: the run's width by default, a user's per-model or per-endpoint limit.

The transport is replaced by a stand-in that counts the requests inside it at once, so the figures are
exact, whatever the machine's load."""

from __future__ import annotations

import asyncio

import pytest

from agentsim.llm import openai_http
from agentsim.llm.gateway import complete
from agentsim.llm.limits import DEFAULT_WIDTH, run_width, worker_share
from agentsim.llm.settings import LLMSettings

DOCTOR = [{"role": "user", "content": "A patient."}]


@pytest.fixture
def peak(monkeypatch):
    seen = {"now": 0, "peak": 0}

    async def post(messages, *, settings, **_):
        seen["now"] += 1
        seen["peak"] = max(seen["peak"], seen["now"])
        for _ in range(50):  # let every other waiting request in, if the limits allow it
            await asyncio.sleep(0)
        seen["now"] -= 1
        return {"choices": [{"message": {"content": "ok"}}], "usage": {}, "model": settings.model}

    monkeypatch.setattr(openai_http, "post", post)
    return seen


def settings(model: str = "openai/fake-doctor", **extra) -> LLMSettings:
    return LLMSettings(model=model, api_base="http://127.0.0.1:9/v1", **extra)


def in_flight(peak, calls: list[LLMSettings], width: int | None = None) -> int:
    async def go():
        if width is None:
            await asyncio.gather(*(complete(DOCTOR, settings=s) for s in calls))
            return
        with run_width(width):
            tasks = [asyncio.create_task(complete(DOCTOR, settings=s)) for s in calls]
        await asyncio.gather(*tasks)

    peak["peak"] = 0
    asyncio.run(go())
    return peak["peak"]


def test_the_run_width_governs_by_default(peak):
    assert in_flight(peak, [settings()] * 20, width=20) == 20
    assert in_flight(peak, [settings()] * 20) == DEFAULT_WIDTH  # outside a run


def test_a_per_model_limit_wins_over_the_width(peak):
    assert in_flight(peak, [settings(max_concurrency=3)] * 20, width=20) == 3
    two_models = [settings(model=f"openai/m{i % 2}", max_concurrency=3) for i in range(20)]
    assert in_flight(peak, two_models, width=20) == 6  # per model string


def test_a_per_endpoint_limit_caps_every_model_behind_it(peak):
    mixed = [settings(model=f"openai/m{i % 2}", endpoint_concurrency=5) for i in range(20)]
    assert in_flight(peak, mixed, width=20) == 5


def test_a_limit_is_split_between_workers(peak):
    assert worker_share(8, 2) == 4 and worker_share(5, 2) == 3 and worker_share(1, 4) == 1

    async def go():
        with run_width(10, workers=2):
            tasks = [asyncio.create_task(complete(DOCTOR, settings=settings(max_concurrency=6))) for _ in range(20)]
        await asyncio.gather(*tasks)

    peak["peak"] = 0
    asyncio.run(go())
    assert peak["peak"] == 3
