"""LLMGatekeeper: the offline RulesGatekeeper decides, an LLM phrases.

Everything that must not vary with a model stays in code: resolving orders to tests, refusing vague
requests, synthetic normal results (marked synthetic), pathognomonic results only for the exact test,
prices. The model sees only the resolved data for each request (never the case sheet, so it cannot
volunteer other results) and reads it out in natural language under SDBench's rules. Refusals keep the
rules' wording: there is nothing to phrase. A reply whose numbers differ from the resolved data (a value
dropped, changed or invented) is discarded for the offline text. The payload keeps the offline shape
exactly, plus `llm` {model, cost_usd, cost_known, latency_ms, calls, attempts, [fallback]}.
"""

from __future__ import annotations

import re
from typing import Any

from agentsim.agents.base import AgentReply
from agentsim.agents.gatekeeper.rules import RulesGatekeeper, with_image_lines
from agentsim.errors import FatalError, UserError
from agentsim.llm.errors import LLMError
from agentsim.llm.gateway import LLMSettings, complete
from agentsim.llm.prompts import prompt_set_hash, render
from agentsim.model.case import GatekeeperView
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import TurnKind
from agentsim.model.usage import Usage

SETTING_KEYS = frozenset(LLMSettings.model_fields) | {"config"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


class LLMGatekeeper:
    name = "llm"

    def __init__(self, view: GatekeeperView, *, catalogue: Catalogue, **options: Any):
        unknown = sorted(set(options) - SETTING_KEYS)
        if unknown:
            raise UserError(f"unknown gatekeeper option(s) {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(SETTING_KEYS))}")
        self.settings = LLMSettings.resolve("gatekeeper", options)
        self.model = self.settings.model
        self.prompt_hash = prompt_set_hash()
        self.rules = RulesGatekeeper(view, catalogue=catalogue)
        self.messages: list[dict[str, Any]] = [
            {"role": "system", "content": render("gatekeeper", "system", who=view.demographics.describe())}
        ]

    async def examine(self, request: str) -> AgentReply:
        return await self._phrase(request, await self.rules.examine(request))

    async def order(self, tests: list[str]) -> AgentReply:
        return await self._phrase(", ".join(tests), await self.rules.order(tests))

    async def _phrase(self, request: str, resolved: AgentReply) -> AgentReply:
        results = resolved.payload.get("results")
        if resolved.kind is TurnKind.REFUSAL or (
            results is not None and not any(r["status"] in ("resulted", "examined") for r in results)
        ):
            return resolved  # nothing resolved: the rules' own words say what to ask instead
        usage = Usage(model=self.model)
        llm: dict[str, Any] = {}
        self.messages.append({"role": "user", "content": render("gatekeeper", "request", request=request,
                                                                 data=resolved.text)})
        try:
            completion = await complete(self.messages, settings=self.settings)
            usage.add(completion.usage())
            text = completion.text
            if not text or not _same_numbers(text, resolved.text, request):
                llm["fallback"] = "unfaithful" if text else "empty"
                text = resolved.text
        except LLMError as exc:  # retries ran out, or the provider refused this request
            if isinstance(exc, FatalError):  # a bad key or model: every reply would fail, so the run stops
                raise
            llm.update(fallback="unavailable", error=str(exc))  # the resolved text is a complete answer
            text = resolved.text
        self.messages.append({"role": "assistant", "content": text})
        text = with_image_lines(text, resolved.payload.get("images") or [])  # the phrasing may drop them
        return resolved.model_copy(update={
            "text": text, "payload": {**resolved.payload, **({"llm": llm} if llm else {})}, "usage": usage,
        })


def _numbers(text: str) -> set[str]:
    # "1,850" and "1850" are the same value; "36.80" is not worth telling from "36.8" here
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(text.replace(",", ""))}


def _same_numbers(reply: str, data: str, request: str) -> bool:
    """Every value in the data is in the reply, and the reply has no value the data (or request) lacks."""
    expected = _numbers(data)
    said = _numbers(reply)
    return expected <= said and said <= expected | _numbers(request)
