"""Contracts every agent honours, declared here so the engine reads nothing else off an agent.

The doctor contract is public: subclass `Doctor`, implement `act(obs)` returning an Action (or a
`DoctorTurn` carrying its LLM usage). Patient and gatekeeper are protocols so the engine can swap offline
agents for LLM ones; each reply is an `AgentReply`. A doctor's failure is one of three declared kinds:
`EpisodeAborted` (a deliberate stop), `agentsim.errors.FatalError` (stops the whole run) and anything
else (ends this episode as doctor_error); `DoctorFailed` wraps the last kind when the failing turn has
already spent on LLM calls, so the log keeps what it cost.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from agentsim.model.action import Action, DoctorTurn, Observation
from agentsim.model.episode import TurnKind
from agentsim.model.usage import Usage


class EpisodeAborted(Exception):
    """Raise from `act` to stop the consultation on purpose (a human typing /quit, an environment being
    closed). The engine logs a notice and ends the episode as `aborted`, keeping and scoring every turn so
    far, and returns normally: unlike cancelling the task, the caller still gets an EpisodeResult."""


class DoctorFailed(Exception):
    """A doctor turn that failed after spending: `cause` is what went wrong, `usage` what the turn spent."""

    def __init__(self, cause: Exception, *, usage: Usage):
        super().__init__(str(cause))
        self.cause = cause
        self.usage = usage


class Doctor:
    """Subclass and implement `act`. `async def act` and a plain `def act` both work.

    `model` and `prompt_hash` are stored with the episode when set (LLM-backed doctors set them), so a
    score can be traced to the model and the exact prompts."""

    name: str = "custom"
    model: str | None = None
    prompt_hash: str | None = None

    async def reset(self, brief: str) -> None:  # noqa: B027 - optional hook
        """Called once before the first turn with the doctor-visible brief."""

    def act(self, obs: Observation) -> Action | DoctorTurn | Awaitable[Action | DoctorTurn]:  # pragma: no cover
        raise NotImplementedError("a Doctor must implement act(obs) -> Ask | Examine | Order | Diagnose")


async def call_act(doctor: Doctor, obs: Observation) -> object:
    """What `act` returned, awaited if it is a coroutine; the engine validates it."""
    result: object = doctor.act(obs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def call_reset(doctor: Doctor, brief: str) -> None:
    result: object = doctor.reset(brief)
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
    usage: Usage | None = Field(None, description="LLM spend of this reply; tokens go in the turn's columns")


@runtime_checkable
class PatientAgent(Protocol):
    name: str
    model: str | None
    prompt_hash: str | None

    async def opening(self) -> AgentReply: ...

    async def answer(self, question: str) -> AgentReply: ...


@runtime_checkable
class GatekeeperAgent(Protocol):
    name: str
    model: str | None
    prompt_hash: str | None

    async def examine(self, request: str) -> AgentReply: ...

    async def order(self, tests: list[str]) -> AgentReply: ...
