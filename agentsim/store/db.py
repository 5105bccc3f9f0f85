"""Engine and session: SQLite by default (WAL, so readers never block the writer), any SQLAlchemy URL."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from agentsim.errors import UserError

DEFAULT_DB = "sqlite:///agentsim.db"
MIN_PREFIX = 4  # an id prefix shorter than this names nothing: too many ids would share it


def resolve_url(db: str | Path | None) -> str:
    """`--db` wins, then AGENTSIM_DB, then ./agentsim.db. A bare path means a SQLite file."""
    value = str(db) if db else os.environ.get("AGENTSIM_DB") or DEFAULT_DB
    if "://" not in value:
        value = f"sqlite:///{value}"
    return value


@cache
def get_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        from agentsim.store import tables  # noqa: F401 - registers the tables

        SQLModel.metadata.create_all(engine)
    except ArgumentError as exc:
        raise UserError(f"bad database URL {url!r}: {exc}") from None
    except OperationalError as exc:
        raise UserError(f"cannot open database {url!r}: {exc.orig}") from None
    except ModuleNotFoundError as exc:
        raise UserError(f"database driver missing for {url!r}: {exc.name} is not installed") from None
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # a DB-API connection: untyped by nature
    cursor = dbapi_conn.cursor()
    # WAL + NORMAL: each turn commit is durable against a process crash and costs well under a millisecond
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # how long a writer waits for another's lock before "database is locked" (AGENTSIM_DB_BUSY_MS)
    cursor.execute(f"PRAGMA busy_timeout={int(os.environ.get('AGENTSIM_DB_BUSY_MS', '5000'))}")
    cursor.close()


def session(db: str | Path | None = None) -> Session:
    return Session(get_engine(resolve_url(db)), expire_on_commit=False)


def by_id_or_prefix(s: Session, table: Any, key: str) -> Any:  # a row of `table`: any of the SQLModel tables
    """A row by its full id, or by a prefix (MIN_PREFIX+ characters) that only one row's id starts with."""
    row = s.get(table, key)
    if row is None and len(key) >= MIN_PREFIX:
        from sqlmodel import select

        rows = list(s.exec(select(table).where(table.id.startswith(key)).limit(2)))
        row = rows[0] if len(rows) == 1 else None
    return row
