"""LLMGatekeeper: the rules decide (same payload as offline), the fake model phrases, a guard checks values."""

from __future__ import annotations

import asyncio

import pytest

from agentsim.agents.gatekeeper.llm import LLMGatekeeper
from agentsim.agents.gatekeeper.rules import RulesGatekeeper
from agentsim.model.episode import TurnKind


@pytest.fixture
def pair(fake, stemi, catalogue):
    view = stemi.gatekeeper_view()
    return (LLMGatekeeper(view, catalogue=catalogue, **fake.options("gatekeeper")),
            RulesGatekeeper(view, catalogue=catalogue))


def both(pair, method, arg):
    llm, rules = pair

    async def go():
        return await getattr(llm, method)(arg), await getattr(rules, method)(arg)

    return asyncio.run(go())


def without_llm(payload):
    return {k: v for k, v in payload.items() if k != "llm"}


@pytest.mark.parametrize("tests", [["ECG", "troponin"], ["FBC", "D-dimer"], ["bloods"], ["electrocardio"]])
def test_orders_keep_the_offline_payload_cost_and_synthetic_flags(pair, tests):
    llm, offline = both(pair, "order", tests)
    assert without_llm(llm.payload) == offline.payload
    assert (llm.kind, llm.cost, llm.synthetic) == (offline.kind, offline.cost, offline.synthetic)


def test_results_are_phrased_by_the_model(pair, fake):
    llm, offline = both(pair, "order", ["troponin"])
    assert llm.text.startswith("Here is what was found.") and "1850" in llm.text.replace(",", "")
    assert llm.usage is not None and llm.usage.calls == 1 and llm.usage.prompt > 0
    request = fake.requests("gatekeeper")[-1]
    assert request["role"] == "gatekeeper"


def test_vague_and_refused_need_no_model(pair, fake):
    refusal, _ = both(pair, "examine", "examine him")
    vague, _ = both(pair, "order", ["bloods"])
    assert refusal.kind is TurnKind.REFUSAL and "llm" not in refusal.payload and "llm" not in vague.payload
    assert fake.requests("gatekeeper") == []


def test_pathognomonic_only_for_the_exact_test(pair):
    fuzzy, _ = both(pair, "order", ["electrocardio"])
    assert fuzzy.payload["results"][0]["status"] == "refused" and "ST elevation" not in fuzzy.text


def test_exam_findings(pair):
    llm, offline = both(pair, "examine", "vital signs")
    assert without_llm(llm.payload) == offline.payload and "152/94" in llm.text


def test_changed_values_fall_back_to_the_offline_text(pair, fake):
    fake.configure(faults=["gatekeeper:hallucinate"])
    llm, offline = both(pair, "order", ["troponin"])
    assert llm.text == offline.text and llm.payload["llm"]["fallback"] == "unfaithful"
    assert "bleed" not in llm.text


def test_unavailable_model_falls_back_to_the_offline_text(fake, stemi, catalogue):
    fake.configure(faults=["gatekeeper:500"] * 2)
    gatekeeper = LLMGatekeeper(stemi.gatekeeper_view(), catalogue=catalogue,
                               **fake.options("gatekeeper", max_retries=1))
    reply = asyncio.run(gatekeeper.examine("vital signs"))
    assert reply.payload["llm"]["fallback"] == "unavailable" and "152/94" in reply.text
