"""What a Recorder is told at an episode's start and end: the stored episode's header and its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from agentsim.model.episode import AgentConfig, Termination
from agentsim.model.score import Score


class EpisodeStart(BaseModel):
    episode_id: str
    case_id: str
    persona: str | None
    agents: AgentConfig
    seed: int
    max_turns: int
    budget: float | None
    run_id: str | None = None
    key: str | None = None
    started_at: datetime


class EpisodeEnd(BaseModel):
    """Written in one transaction: the episode's status and every score, so no episode is ever marked
    completed without its score."""

    episode_id: str
    termination: Termination
    error: str | None
    diagnosis: str | None
    total_cost: float
    n_turns: int
    started_at: datetime
    finished_at: datetime
    scores: list[Score] = Field(default_factory=list)
    score_extras: list[dict[str, Any]] = Field(default_factory=list, description="per score: detail to add")
