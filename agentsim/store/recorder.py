"""Writes an episode as it happens: one commit per turn, so a crash loses at most the turn in flight.

A recorder holds no database connection between writes: each write checks one out of the engine's pool
and returns it at once. An episode spends most of its life awaiting an LLM; holding a connection across
that made a batch wider than the pool (SQLAlchemy's default: 5 + 10 overflow) block its event loop on
checkout, which is a deadlock, since the episodes holding the connections need that loop to finish."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, update
from sqlalchemy.exc import OperationalError

from agentsim.errors import UserError
from agentsim.model.episode import EpisodeStatus, Termination, Turn
from agentsim.model.score import Score
from agentsim.store.db import get_engine, resolve_url
from agentsim.store.tables import EpisodeRow, ScoreRow, TurnRow, utcnow

_TURNS = TurnRow.__table__
_EPISODES = EpisodeRow.__table__
_SCORES = ScoreRow.__table__
_INSERT_TURN = insert(_TURNS)


class EpisodeRecorder:
    def __init__(self, db: str | Path | None):
        self.url = resolve_url(db)
        self.engine = get_engine(self.url)

    def start(self, *, episode_id: str, case_id: str, persona: str | None, doctor: str, patient: str,
              gatekeeper: str, agent_config: dict, seed: int, max_turns: int, budget: float | None,
              run_id: str | None = None, key: str | None = None, started_at: datetime | None = None) -> None:
        self._write(insert(_EPISODES).values(
            id=episode_id, run_id=run_id, key=key, case_id=case_id, persona=persona, doctor=doctor,
            patient=patient, gatekeeper=gatekeeper, agent_config=agent_config, seed=seed, max_turns=max_turns,
            budget=budget, status=EpisodeStatus.RUNNING.value, started_at=started_at or utcnow(),
        ))

    def add_turn(self, episode_id: str, turn: Turn) -> None:
        # one prepared INSERT with parameters: the hot path of every episode
        self._write(_INSERT_TURN, dict(
            episode_id=episode_id, index=turn.index, role=turn.role.value, kind=turn.kind.value, text=turn.text,
            payload=turn.payload, cost=turn.cost, tokens_prompt=turn.tokens_prompt,
            tokens_completion=turn.tokens_completion, latency_ms=turn.latency_ms, synthetic=turn.synthetic,
            noise=turn.noise, created_at=turn.created_at or utcnow(),
        ))

    def finish(self, episode_id: str, *, termination: Termination, error: str | None, diagnosis: str | None,
               total_cost: float, n_turns: int, started_at: datetime) -> None:
        finished = utcnow()
        status = EpisodeStatus.FAILED if termination in {Termination.DOCTOR_ERROR, Termination.ABORTED} \
            else EpisodeStatus.COMPLETED
        self._write(update(_EPISODES).where(_EPISODES.c.id == episode_id).values(
            status=status.value, termination=termination.value, error=error, diagnosis=diagnosis,
            total_cost=total_cost, n_turns=n_turns, finished_at=finished,
            duration_ms=(finished - started_at).total_seconds() * 1000,
        ))

    def add_score(self, episode_id: str, score: Score) -> None:
        write_score(self._write, episode_id, score)

    def close(self) -> None:
        """Nothing to release (no connection is held between writes); kept for callers that close."""

    def _write(self, statement, params: dict | None = None) -> None:  # noqa: ANN001 - a SQLAlchemy statement
        try:
            with self.engine.begin() as conn:  # commits on success, rolls back on error, then back to the pool
                conn.execute(statement, params)
        except OperationalError as exc:
            raise UserError(f"cannot write to {self.url}: {exc.orig}") from None


def write_score(execute, episode_id: str, score: Score, extra: dict | None = None) -> None:  # noqa: ANN001
    """`extra` adds keys to the detail beside the Score's own (the LLM judge's verdict under "llm"), so the
    detail still validates as a Score for every reader."""
    execute(insert(_SCORES).values(
        episode_id=episode_id, judge=score.judge, diagnosis_likert=score.diagnosis.likert,
        diagnosis_correct=score.diagnosis.correct, history_coverage=score.history.coverage,
        total_cost=score.cost.total, overall=score.overall, detail={**score.model_dump(mode="json"), **(extra or {})},
    ))
