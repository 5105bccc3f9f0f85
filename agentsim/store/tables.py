"""SQLModel tables: runs, episodes, turns, scores. The same code serves SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from agentsim.model.episode import utcnow


class RunRow(SQLModel, table=True):
    __tablename__ = "runs"

    id: str = Field(primary_key=True)
    name: str = ""
    status: str = "running"
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class RunLeaseRow(SQLModel, table=True):
    """Who executes a run: at most one row per run. The owner renews `expires_at` while it works; another
    executor may take the run over only once that time has passed (see agentsim/store/leases.py)."""

    __tablename__ = "run_leases"

    run_id: str = Field(primary_key=True, foreign_key="runs.id")
    owner: str
    acquired_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


# a key completes at most once per run, whoever executes it: the database refuses a second completed row
UNIQUE_COMPLETED_KEY = Index("uq_episodes_run_key_completed", "run_id", "key", unique=True,
                             sqlite_where=text("status = 'completed'"),
                             postgresql_where=text("status = 'completed'"))


class EpisodeRow(SQLModel, table=True):
    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_run_key", "run_id", "key"), UNIQUE_COMPLETED_KEY)

    id: str = Field(primary_key=True)
    run_id: str | None = Field(default=None, foreign_key="runs.id", index=True)
    key: str | None = Field(default=None, description="run/case/doctor/persona/seed: resume idempotency")
    case_id: str = Field(index=True)
    persona: str | None = None
    doctor: str
    patient: str
    gatekeeper: str
    agent_config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    seed: int = 0
    max_turns: int = 20
    budget: float | None = None
    status: str = Field(default="running", index=True)
    termination: str | None = None
    error: str | None = None
    diagnosis: str | None = None
    total_cost: float = 0.0
    n_turns: int = 0
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    duration_ms: float | None = None


class TurnRow(SQLModel, table=True):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("episode_id", "index", name="uq_turn_episode_index"),)

    id: int | None = Field(default=None, primary_key=True)
    episode_id: str = Field(foreign_key="episodes.id", index=True)
    index: int
    role: str
    kind: str
    text: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    cost: float = 0.0
    tokens_prompt: int = 0
    tokens_completion: int = 0
    latency_ms: float = 0.0
    synthetic: bool = False
    noise: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)


class ScoreRow(SQLModel, table=True):
    __tablename__ = "scores"

    id: int | None = Field(default=None, primary_key=True)
    episode_id: str = Field(foreign_key="episodes.id", index=True)
    judge: str
    diagnosis_likert: int
    diagnosis_correct: bool
    history_coverage: float
    total_cost: float
    overall: float
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
