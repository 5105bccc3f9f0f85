"""Writes an episode as it happens: each turn is committed before the engine moves on, so a crash loses at
most the turn in flight, and the episode's completion and its scores are one transaction.

Writes run on the store's writer thread (agentsim.store.writer), never on the event loop, and hold a
connection only while they run: an episode spends most of its life awaiting an LLM, and holding a
connection across that made a batch wider than the pool block on checkout, a deadlock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, update
from sqlmodel import SQLModel

from agentsim.model.episode import EpisodeStatus, Termination, Turn
from agentsim.model.record import EpisodeEnd, EpisodeStart
from agentsim.model.score import Score
from agentsim.secrets import redact_text
from agentsim.store.db import get_engine, resolve_url
from agentsim.store.tables import EpisodeRow, ScoreRow, TurnRow, utcnow
from agentsim.store.writer import submit, write

_TURNS = SQLModel.metadata.tables[TurnRow.__tablename__]
_EPISODES = SQLModel.metadata.tables[EpisodeRow.__tablename__]
_SCORES = SQLModel.metadata.tables[ScoreRow.__tablename__]
_INSERT_TURN = insert(_TURNS)


class EpisodeRecorder:
    """The SQL Recorder (agentsim.engine.recording.Recorder): writes go through the one writer thread."""

    def __init__(self, db: str | Path | None):
        self.url = resolve_url(db)
        self.engine = get_engine(self.url)
        self.label = redact_text(self.url)  # errors name the database, never its password

    async def start(self, header: EpisodeStart) -> None:
        agents = header.agents
        statement = insert(_EPISODES).values(
            id=header.episode_id, run_id=header.run_id, key=header.key, case_id=header.case_id,
            persona=header.persona, doctor=agents.doctor, patient=agents.patient, gatekeeper=agents.gatekeeper,
            agent_config=agents.model_dump(mode="json"), seed=header.seed, max_turns=header.max_turns,
            budget=header.budget, status=EpisodeStatus.RUNNING.value, started_at=header.started_at,
        )
        await self._write(lambda conn: conn.execute(statement))

    def add_turn(self, episode_id: str, turn: Turn) -> Awaitable[None]:
        # one prepared INSERT with parameters: the hot path of every episode
        params = dict(
            episode_id=episode_id, index=turn.index, role=turn.role.value, kind=turn.kind.value, text=turn.text,
            payload=turn.payload, cost=turn.cost, tokens_prompt=turn.tokens_prompt,
            tokens_completion=turn.tokens_completion, latency_ms=turn.latency_ms, synthetic=turn.synthetic,
            noise=turn.noise, created_at=turn.created_at or utcnow(),
        )
        return submit(self.engine, lambda conn: _discard(conn.execute(_INSERT_TURN, params)), label=self.label)

    async def complete(self, end: EpisodeEnd) -> None:
        status = EpisodeStatus.FAILED if end.termination in {Termination.DOCTOR_ERROR, Termination.ABORTED} \
            else EpisodeStatus.COMPLETED
        finish = update(_EPISODES).where(_EPISODES.c.id == end.episode_id).values(
            status=status.value, termination=end.termination.value, error=end.error, diagnosis=end.diagnosis,
            total_cost=end.total_cost, n_turns=end.n_turns, finished_at=end.finished_at,
            duration_ms=(end.finished_at - end.started_at).total_seconds() * 1000,
        )
        extras = end.score_extras or [{} for _ in end.scores]

        def both(conn: Connection) -> None:  # one transaction: never completed without its score
            conn.execute(finish)
            for score, extra in zip(end.scores, extras, strict=True):
                write_score(conn.execute, end.episode_id, score, extra)

        await self._write(both)

    async def _write(self, work: Callable[[Connection], object]) -> None:
        await write(self.engine, lambda conn: _discard(work(conn)), label=self.label)


def write_score(execute: Callable[..., Any], episode_id: str, score: Score,
                extra: dict[str, Any] | None = None) -> None:
    """`extra` adds keys to the detail beside the Score's own (the LLM judge's verdict under "llm"), so the
    detail still validates as a Score for every reader."""
    execute(insert(_SCORES).values(
        episode_id=episode_id, judge=score.judge, diagnosis_likert=score.diagnosis.likert,
        diagnosis_correct=score.diagnosis.correct, history_coverage=score.history.coverage,
        total_cost=score.cost.total, overall=score.overall, detail={**score.model_dump(mode="json"), **(extra or {})},
    ))


def _discard(_: object) -> None:
    """Statements return cursors; a write has no result to hand back."""
