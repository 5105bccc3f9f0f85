"""Contracts every agent honours. The doctor contract is public; patient and gatekeeper are internal
protocols so the engine can swap offline agents for LLM ones."""

from __future__ import annotations

import inspect
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from agentsim.model.action import Ask, Diagnose, Examine, Observation, Order
from agentsim.model.episode import TurnKind
from agentsim.model.provenance import AnswerProvenance

Action = Ask | Examine | Order | Diagnose


class EpisodeAborted(Exception):
    """Raise from `act` to stop the consultation on purpose (a human typing /quit, an environment being
    closed). The engine logs a notice and ends the episode as `aborted`, keeping and scoring every turn so
    far, and returns normally: unlike cancelling the task, the caller still gets an EpisodeResult."""


class Doctor:
    """Subclass and implement `act`. `async def act` and a plain `def act` both work."""

    name: str = "custom"

    async def reset(self, brief: str) -> None:  # noqa: B027 - optional hook
        """Called once before the first turn with the doctor-visible brief."""

    def act(self, obs: Observation) -> Action:  # pragma: no cover - contract
        raise NotImplementedError("a Doctor must implement act(obs) -> Ask | Examine | Order | Diagnose")


async def call_act(doctor: Doctor, obs: Observation) -> Any:
    result = doctor.act(obs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def call_reset(doctor: Doctor, brief: str) -> None:
    reset = getattr(doctor, "reset", None)
    if reset is None:
        return
    result = reset(brief)
    if inspect.isawaitable(result):
        await result


class AgentReply(BaseModel):
    """What a patient or gatekeeper says, with what the log needs to know about it."""

    text: str
    kind: TurnKind
    payload: dict[str, Any] = Field(default_factory=dict)
    synthetic: bool = False
    noise: list[dict[str, Any]] = Field(default_factory=list)
    cost: float = 0.0
    tokens_prompt: int = 0
    tokens_completion: int = 0
    provenance: AnswerProvenance | None = None  # a patient's answer: why it said what it said


@runtime_checkable
class PatientAgent(Protocol):
    name: str

    async def opening(self) -> AgentReply: ...

    async def answer(self, question: str) -> AgentReply: ...


@runtime_checkable
class GatekeeperAgent(Protocol):
    name: str

    async def examine(self, request: str) -> AgentReply: ...

    async def order(self, tests: list[str]) -> AgentReply: ...
