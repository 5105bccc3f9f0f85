"""Token, cost and latency bookkeeping for one agent turn (which may take several LLM calls)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agentsim.llm.gateway import Completion


class Usage(BaseModel):
    prompt: int = 0
    completion: int = 0
    cost: float = 0.0  # USD, LLM spend: kept apart from the consultation's medical cost
    cost_known: bool = True
    latency_ms: float = 0.0
    calls: int = 0
    attempts: int = 0  # HTTP attempts, retries included
    model: str | None = None

    def add(self, completion: Completion) -> None:
        self.prompt += completion.prompt_tokens
        self.completion += completion.completion_tokens
        self.cost += completion.cost_usd
        self.cost_known = self.cost_known and completion.cost_known
        self.latency_ms += completion.latency_ms
        self.calls += 1
        self.attempts += completion.attempts
        self.model = self.model or completion.model

    def as_dict(self) -> dict[str, Any]:
        """The shape engine/nodes.py reads from a doctor's `last_usage`."""
        return {**self.model_dump(), "cost": round(self.cost, 8), "latency_ms": round(self.latency_ms, 1)}

    def payload(self, model: str) -> dict[str, Any]:
        """What a turn's payload carries under "llm" (tokens go in the turn's own columns)."""
        return {"model": model, "cost_usd": round(self.cost, 8), "cost_known": self.cost_known,
                "latency_ms": round(self.latency_ms, 1), "calls": self.calls, "attempts": self.attempts}


def as_flag(value: bool | str | int | None) -> bool:
    """Options from `--doctor-opt tools=false` arrive as strings."""
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)
