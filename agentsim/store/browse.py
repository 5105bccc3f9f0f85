"""Paged reads with totals, by exact id: what the REST API serves. Keyword-only, like the rest of store/.

The CLI's lookups (queries.get_episode_row, runs.get_run) also accept id prefixes and 'latest'; an HTTP
resource is named by its exact id, so these return None for anything else and the caller answers 404.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import desc, func
from sqlmodel import col, select

from agentsim.model.episode import Turn
from agentsim.store.db import session
from agentsim.store.queries import turn_from_row
from agentsim.store.tables import EpisodeRow, RunRow, TurnRow


def find_run(run_id: str, *, db: str | Path) -> RunRow | None:
    with session(db) as s:
        return s.get(RunRow, run_id)


def count_runs(*, db: str | Path) -> int:
    with session(db) as s:
        return s.exec(select(func.count()).select_from(RunRow)).one()


def find_episode(episode_id: str, *, db: str | Path) -> EpisodeRow | None:
    with session(db) as s:
        return s.get(EpisodeRow, episode_id)


def episode_page(*, db: str | Path, run_id: str, limit: int, offset: int) -> tuple[list[EpisodeRow], int]:
    with session(db) as s:
        where = col(EpisodeRow.run_id) == run_id
        total = s.exec(select(func.count()).select_from(EpisodeRow).where(where)).one()
        # id breaks ties so that pages neither repeat nor skip rows started in the same microsecond
        query = select(EpisodeRow).where(where).order_by(desc(col(EpisodeRow.started_at)), desc(col(EpisodeRow.id)))
        return list(s.exec(query.offset(offset).limit(limit))), total


def turn_page(episode_id: str, *, db: str | Path, limit: int, offset: int) -> tuple[list[Turn], int]:
    with session(db) as s:
        where = col(TurnRow.episode_id) == episode_id
        total = s.exec(select(func.count()).select_from(TurnRow).where(where)).one()
        rows = s.exec(select(TurnRow).where(where).order_by(col(TurnRow.index)).offset(offset).limit(limit))
        return [turn_from_row(r) for r in rows], total


def turns_after(episode_id: str, *, db: str | Path, after_index: int) -> tuple[str | None, list[Turn]]:
    """The episode's status, then its turns past `after_index`, read in that order: an episode is marked
    finished only after its last turn is written, so a finished status here means no turn is missing."""
    with session(db) as s:
        status = s.exec(select(EpisodeRow.status).where(EpisodeRow.id == episode_id)).first()
        rows = s.exec(select(TurnRow).where(col(TurnRow.episode_id) == episode_id, col(TurnRow.index) > after_index)
                      .order_by(col(TurnRow.index)))
        return status, [turn_from_row(r) for r in rows]


def standalone_episodes(*, db: str | Path, limit: int) -> list[EpisodeRow]:
    """Episodes not in any run (`agentsim run`, `agentsim play`), newest first: the viewer lists them."""
    with session(db) as s:
        query = select(EpisodeRow).where(col(EpisodeRow.run_id).is_(None))
        return list(s.exec(query.order_by(desc(col(EpisodeRow.started_at)), desc(col(EpisodeRow.id))).limit(limit)))


def filtered_episodes(*, db: str | Path, limit: int, run_id: str | None = None, doctor: str | None = None,
                      case_id: str | None = None) -> list[EpisodeRow]:
    """Newest first. `doctor` matches the registered name or the batch label (the key's middle part)."""
    from sqlalchemy import or_

    with session(db) as s:
        query = select(EpisodeRow)
        if run_id:
            query = query.where(EpisodeRow.run_id == run_id)
        if case_id:
            query = query.where(EpisodeRow.case_id == case_id)
        if doctor:
            query = query.where(or_(col(EpisodeRow.doctor) == doctor,
                                    col(EpisodeRow.key).contains(f"|{doctor}|", autoescape=True)))
        return list(s.exec(query.order_by(desc(col(EpisodeRow.started_at)), desc(col(EpisodeRow.id))).limit(limit)))
