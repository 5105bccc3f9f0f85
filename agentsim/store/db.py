"""Engine and session: SQLite by default (WAL, so readers never block the writer), any SQLAlchemy URL."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DatabaseError
from sqlmodel import Session, SQLModel, create_engine

from agentsim.errors import UserError
from agentsim.secrets import redact_text

if TYPE_CHECKING:
    from agentsim.store.tables import EpisodeRow, RunRow

# the tables with a string id that users type (or abbreviate)
IdRowT = TypeVar("IdRowT", "EpisodeRow", "RunRow")

DEFAULT_DB = "sqlite:///agentsim.db"
MIN_PREFIX = 4  # an id prefix shorter than this names nothing: too many ids would share it


def resolve_url(db: str | Path | None) -> str:
    """`--db` wins, then AGENTSIM_DB, then ./agentsim.db. A bare path means a SQLite file."""
    value = str(db) if db else os.environ.get("AGENTSIM_DB") or DEFAULT_DB
    if "://" not in value:
        value = f"sqlite:///{value}"
    return value


_READ_ONLY_MARKS = ("mode=ro", "immutable=1")


def reading_url(db: str | Path | None) -> str:
    """The URL a command that only reads opens: a SQLite file must exist already (a reader never creates
    one) and is opened read-only, so listing, exporting, replaying or reporting works on a file the user
    cannot write. Other databases are opened as they are."""
    url = resolve_url(db)
    if not url.startswith("sqlite") or any(mark in url for mark in _READ_ONLY_MARKS):
        return url
    path_text = url.split(":///", 1)[1] if ":///" in url else ""
    if not path_text or path_text == ":memory:" or path_text.startswith("file:") or "?" in path_text:
        return url
    path = Path(path_text).resolve()
    if not path.is_file():
        raise UserError(f"no database at {path} (nothing has been recorded there yet; give --db or AGENTSIM_DB)")
    # a file nobody here may write cannot change under us: immutable skips the locking (and the -shm file
    # otherwise need to create beside it, which a read-only directory refuses); not when a WAL
    # file holds pages yet to be checkpointed, which an immutable reader would not see
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    mode = "mode=ro" if writable or pending else "immutable=1"
    return f"sqlite:///file:{path}?{mode}&uri=true"


def _read_only(url: str) -> bool:
    return url.startswith("sqlite") and any(mark in url for mark in _READ_ONLY_MARKS)


@cache
def get_engine(url: str) -> Engine:
    try:
        read_only = _read_only(url)
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _sqlite_reader_pragmas if read_only else _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        from agentsim.store import tables  # noqa: F401 - registers the tables

        if read_only:
            _check_tables(engine, url)
        else:
            SQLModel.metadata.create_all(engine)
            _add_late_indexes(engine)
    except ArgumentError as exc:
        raise UserError(redact_text(f"bad database URL {url!r}: {exc}")) from None
    except DatabaseError as exc:  # OperationalError, or "file is not a database": the file is left as it is
        raise UserError(redact_text(f"cannot open database {url!r}: {exc.orig}")) from None
    except ModuleNotFoundError as exc:
        raise UserError(redact_text(f"database driver missing for {url!r}: {exc.name} is not installed")) from None
    return engine


def _check_tables(engine: Engine, url: str) -> None:
    from sqlalchemy import inspect

    if "episodes" not in inspect(engine).get_table_names():
        raise UserError(redact_text(f"{url}: not an agentsim database (it has no episodes table)"))


def _sqlite_reader_pragmas(dbapi_conn: Any, _record: Any) -> None:  # a DB-API connection: untyped by nature
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(os.environ.get('AGENTSIM_DB_BUSY_MS', '5000'))}")
    cursor.close()


def _add_late_indexes(engine: Engine) -> None:
    """create_all makes indexes only with a new table: a database written by an older agentsim gets the
    unique completed-key index here. One that already holds duplicates keeps working, with a warning."""
    import logging

    from sqlalchemy.exc import IntegrityError

    from agentsim.store.tables import UNIQUE_COMPLETED_KEY

    try:
        UNIQUE_COMPLETED_KEY.create(engine, checkfirst=True)
    except IntegrityError:
        logging.getLogger("agentsim.store").warning(
            "this database holds a key completed twice within a run (written before agentsim refused that); "
            "the unique index on completed (run, key) is not in place")


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


_SHOWN_CANDIDATES = 5


def by_id_or_prefix(s: Session, table: type[IdRowT], key: str, *, noun: str) -> IdRowT | None:
    """A row by its full id, or by a prefix (MIN_PREFIX+ characters) that only one row's id starts with.
    The prefix is matched literally (`_` and `%` are not wildcards); None when nothing matches, an error
    naming the candidates when several do, and one saying so when the prefix is too short."""
    from sqlmodel import col, select

    from agentsim.errors import NotFoundError

    row = s.get(table, key)
    if row is not None:
        return row
    if len(key) < MIN_PREFIX:
        raise NotFoundError(f"no {noun} {key!r}: give its full id or at least {MIN_PREFIX} of its first characters")
    column = col(table.id)
    rows = list(s.exec(select(table).where(column.startswith(key, autoescape=True))
                       .order_by(column).limit(_SHOWN_CANDIDATES + 1)))
    if len(rows) > 1:
        shown = ", ".join(r.id for r in rows[:_SHOWN_CANDIDATES]) + (", ..." if len(rows) > _SHOWN_CANDIDATES else "")
        raise UserError(f"{key!r} is the start of more than one {noun} id ({shown}): give more of it")
    return rows[0] if rows else None
