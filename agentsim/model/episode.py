"""An episode as stored: the contract between runner, judge, replay, API and reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentsim.model.score import Score


def utcnow() -> datetime:
    """Every timestamp agentsim writes: timezone-aware UTC."""
    return datetime.now(UTC)


class Role(StrEnum):
    DOCTOR = "doctor"
    PATIENT = "patient"
    GATEKEEPER = "gatekeeper"
    SYSTEM = "system"


class TurnKind(StrEnum):
    OPENING = "opening"
    ASK = "ask"
    EXAMINE = "examine"
    ORDER = "order"
    DIAGNOSE = "diagnose"
    ANSWER = "answer"
    EXAM_RESULT = "exam_result"
    TEST_RESULT = "test_result"
    REFUSAL = "refusal"
    NOTICE = "notice"
    ERROR = "error"


class Termination(StrEnum):
    DIAGNOSED = "diagnosed"
    TURN_LIMIT = "turn_limit"
    BUDGET_EXHAUSTED = "budget_exhausted"
    DOCTOR_ERROR = "doctor_error"
    ABORTED = "aborted"


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"  # every planned episode has a completed row
    INCOMPLETE = "incomplete"  # it ended with episodes that failed every retry
    INTERRUPTED = "interrupted"  # stopped (Ctrl-C, cancel, a server that died): resumable
    FAILED = "failed"  # the runner itself crashed


class EpisodeStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class Turn(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    role: Role
    kind: TurnKind
    text: str
    payload: dict[str, Any] = Field(default_factory=dict, description="structured detail: action, matches")
    cost: float = 0.0
    tokens_prompt: int = 0
    tokens_completion: int = 0
    latency_ms: float = 0.0
    synthetic: bool = False
    noise: list[dict[str, Any]] = Field(default_factory=list)
    created_at: datetime | None = None


class AgentConfig(BaseModel):
    doctor: str
    patient: str
    gatekeeper: str
    judge: str = "rubric"
    models: dict[str, str] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)


class EpisodeResult(BaseModel):
    episode_id: str
    case_id: str
    persona: str | None
    seed: int
    agents: AgentConfig
    termination: Termination
    turns: list[Turn]
    score: Score | None = None  # the rubric judge's
    judged: list[Score] = Field(default_factory=list, description="further judges' scores (--judge-model)")
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def diagnosis(self) -> str | None:
        return final_diagnosis(self.turns)


def final_diagnosis(turns: Sequence[Turn]) -> str | None:
    """The diagnosis an episode ended with: the last doctor DIAGNOSE turn's ``payload["diagnosis"]``."""
    for turn in reversed(turns):
        if turn.role is Role.DOCTOR and turn.kind is TurnKind.DIAGNOSE:
            value = turn.payload.get("diagnosis")
            return None if value is None else str(value)
    return None
