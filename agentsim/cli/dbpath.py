"""The database a reading command reads: it must exist already, so a typo never leaves an empty file behind."""

from __future__ import annotations

from pathlib import Path

DB_HELP = "database URL or SQLite path [env AGENTSIM_DB; ./agentsim.db]"


def existing_db(db: str | None, *, write: bool = False) -> str:
    """The resolved URL; a SQLite file that is not there is one clear error (exit 2), not a new empty
    database. Other URLs (PostgreSQL) are servers: connecting creates nothing. Read-only unless the command
    writes to an existing database (`write`: storing a re-score)."""
    from agentsim.errors import UserError
    from agentsim.store.db import resolve_url

    url = resolve_url(db)
    if url.startswith("sqlite") and ":memory:" not in url:
        path = url.split(":///", 1)[-1].split("?", 1)[0]
        if path and not Path(path).exists():
            hint = "" if db else " (the default; pass --db or set AGENTSIM_DB to read another)"
            raise UserError(f"no database at {path}{hint}: run `agentsim run` or `agentsim batch` to create one")
    if write:
        return url
    from agentsim.store.db import reading_url

    return reading_url(url)  # read-only: a reader works on a file it cannot write, and never writes one


def check_prefix(ident: str, *, what: str = "id") -> str:
    """An id, a prefix long enough to look up, or 'latest'; a short prefix says so instead of 'no such run'."""
    from agentsim.errors import UserError
    from agentsim.store.db import MIN_PREFIX

    if ident != "latest" and len(ident) < MIN_PREFIX:
        raise UserError(f"{ident!r} is too short to name a {what}: give at least {MIN_PREFIX} characters of its id "
                        "(or 'latest')")
    return ident
