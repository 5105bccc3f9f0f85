"""Graph state (what changes turn to turn) and context (what a run depends on, fixed for the episode)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from agentsim.agents.base import Doctor, GatekeeperAgent, PatientAgent
from agentsim.model.action import TranscriptEntry
from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import Role, Termination, Turn, TurnKind, utcnow
from agentsim.model.rubric import RubricConfig
from agentsim.model.score import Score


class ConsultationState(TypedDict, total=False):
    turn: int  # doctor actions taken so far
    spent: float
    visit_open: bool
    reply: str | None
    images: list[dict[str, Any]]  # images that came with `reply` (payload["images"] of the last reply)
    transcript: list[TranscriptEntry]
    pending: dict[str, Any] | None  # the doctor's last action, for the patient or gatekeeper node
    termination: Termination | None
    error: str | None


@dataclass
class EpisodeContext:
    episode_id: str
    case: Case
    doctor: Doctor
    patient: PatientAgent
    gatekeeper: GatekeeperAgent
    catalogue: Catalogue
    rubric: RubricConfig
    max_turns: int
    budget: float | None
    max_tests_per_order: int
    recorder: Any | None = None  # agentsim.store.recorder.EpisodeRecorder, when logging to a database
    on_turn: Any | None = None  # callback(Turn): live display
    judge: Any | None = None  # callable(case, turns) -> Score
    turns: list[Turn] = field(default_factory=list)
    score: Score | None = None
    started_at: datetime | None = None

    def log(self, role: Role, kind: TurnKind, text: str, **fields: Any) -> Turn:
        turn = Turn(index=len(self.turns), role=role, kind=kind, text=text, created_at=utcnow(), **fields)
        self.turns.append(turn)
        if self.recorder is not None:
            self.recorder.add_turn(self.episode_id, turn)
        if self.on_turn is not None:
            self.on_turn(turn)
        return turn
