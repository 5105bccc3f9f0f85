"""What an agent's turn spent on LLM calls: tokens, USD, latency, calls. One shape for every role.

A turn's tokens go in the turn's own columns; the rest travels in the turn's payload under "llm"
(`Usage.payload`). The medical cost of the consultation (visits, tests) is never mixed in here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Usage(BaseModel):
    prompt: int = 0
    completion: int = 0
    cost: float = 0.0  # USD of LLM spend
    cost_known: bool = True  # False when the provider's price is unknown (local and fake servers)
    latency_ms: float = 0.0
    calls: int = 0
    attempts: int = 0  # HTTP attempts, retries included
    model: str | None = None
    members: dict[str, Usage] = Field(default_factory=dict, description="a panel doctor's spend, per member")

    def add(self, other: Usage, *, member: str | None = None) -> None:
        """Fold one call's (or one member's) usage into this total."""
        self.prompt += other.prompt
        self.completion += other.completion
        self.cost += other.cost
        self.cost_known = self.cost_known and other.cost_known
        self.latency_ms += other.latency_ms
        self.calls += other.calls
        self.attempts += other.attempts
        self.model = self.model or other.model
        if member is not None:
            self.members.setdefault(member, Usage()).add(other)

    def payload(self) -> dict[str, Any]:
        """The turn payload's "llm" entry."""
        out: dict[str, Any] = {"cost_usd": round(self.cost, 8), "cost_known": self.cost_known,
                               "latency_ms": round(self.latency_ms, 1), "calls": self.calls,
                               "attempts": self.attempts}
        if self.model:
            out = {"model": self.model, **out}
        if self.members:  # each member's tokens too: the turn's own columns hold only the total
            out["members"] = {name: {"prompt": u.prompt, "completion": u.completion, "cost": round(u.cost, 8),
                                     "latency_ms": round(u.latency_ms, 1), "calls": u.calls, "attempts": u.attempts,
                                     "model": u.model} for name, u in self.members.items()}
        return out
