"""Runs: a batch's record, and what resume needs to know about its episodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select

from agentsim.errors import NotFoundError
from agentsim.model.episode import RunStatus
from agentsim.store.db import by_id_or_prefix, session
from agentsim.store.tables import EpisodeRow, RunRow, ScoreRow, TurnRow, utcnow


def create_run(*, run_id: str, name: str, spec: dict[str, Any], db: str | Path | None) -> RunRow:
    """The spec is stored with its credentials redacted: a resume takes them from the environment."""
    from agentsim.secrets import redact

    with session(db) as s:
        row = RunRow(id=run_id, name=name, spec=redact(spec), status=RunStatus.RUNNING)
        s.add(row)
        s.commit()
        return row


def get_run(run_id: str, *, db: str | Path | None) -> RunRow:
    with session(db) as s:
        row = by_id_or_prefix(s, RunRow, run_id, noun="run")
        if row is None:
            raise NotFoundError(f"no run {run_id!r} in this database")
        return row


def list_runs(*, db: str | Path | None, limit: int = 50, offset: int = 0) -> list[RunRow]:
    with session(db) as s:
        query = select(RunRow).order_by(col(RunRow.created_at).desc()).offset(offset).limit(limit)
        return list(s.exec(query))


def set_run_status(run_id: str, status: RunStatus, *, db: str | Path | None) -> None:
    with session(db) as s:
        row = s.get(RunRow, run_id)
        if row is None:
            raise NotFoundError(f"no run {run_id!r} in this database")
        row.status = str(status)
        row.finished_at = utcnow() if status != "running" else None
        s.add(row)
        s.commit()


def reconcile_orphans(*, db: str | Path | None) -> list[str]:
    """Runs marked running that no executor holds (no lease, or an expired one): their executor died (a
    server restart, kill -9). Marked interrupted, so they can be resumed and their status is true."""
    from agentsim.store.leases import holder

    with session(db) as s:
        running = list(s.exec(select(RunRow.id).where(RunRow.status == RunStatus.RUNNING.value)))
    orphans = []
    for run_id in running:
        lease = holder(run_id, db=db)
        if lease is None or not lease.live():
            set_run_status(run_id, RunStatus.INTERRUPTED, db=db)
            orphans.append(run_id)
    return orphans


def completed_keys(run_id: str, *, db: str | Path | None) -> set[str]:
    with session(db) as s:
        query = select(EpisodeRow.key).where(EpisodeRow.run_id == run_id, EpisodeRow.status == "completed")
        return {k for k in s.exec(query) if k}


def discard_unfinished(run_id: str, *, db: str | Path | None, key: str | None = None) -> int:
    """Episodes of the run that did not complete (failed, aborted, or cut off by a killed process): removed
    with their turns and scores, so a resume runs them again and the run holds each key exactly once."""
    with session(db) as s:
        query = select(EpisodeRow.id).where(EpisodeRow.run_id == run_id, EpisodeRow.status != "completed")
        if key is not None:
            query = query.where(EpisodeRow.key == key)
        ids = list(s.exec(query))
        if ids:
            s.exec(delete(TurnRow).where(col(TurnRow.episode_id).in_(ids)))
            s.exec(delete(ScoreRow).where(col(ScoreRow.episode_id).in_(ids)))
            s.exec(delete(EpisodeRow).where(col(EpisodeRow.id).in_(ids)))
            s.commit()
        return len(ids)


def run_counts(run_id: str, *, db: str | Path | None) -> dict[str, Any]:
    with session(db) as s:
        rows = s.exec(select(EpisodeRow.status, func.count(), func.coalesce(func.sum(EpisodeRow.total_cost), 0))
                      .where(EpisodeRow.run_id == run_id).group_by(EpisodeRow.status))
        counts = {status: (n, cost) for status, n, cost in rows}
    return {
        "completed": counts.get("completed", (0, 0))[0],
        "failed": counts.get("failed", (0, 0))[0],
        "running": counts.get("running", (0, 0))[0],
        "cost_usd": round(sum(c for _, c in counts.values()), 2),
    }
