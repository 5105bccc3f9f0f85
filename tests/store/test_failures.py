"""When the database fails (locked, read-only, disk full): one clear error, and a database that is still sound."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from agentsim import run_episode
from agentsim.errors import UserError


def integrity(path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("pragma integrity_check").fetchone()[0]


def test_a_locked_database_gives_a_clear_error(stemi, tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTSIM_DB_BUSY_MS", "200")
    path = tmp_path / "locked.db"
    run_episode(stemi, db=f"sqlite:///{path}")  # create the schema
    from agentsim.store.db import get_engine

    get_engine.cache_clear()  # pick up the short busy timeout
    holder = sqlite3.connect(path)
    holder.execute("begin exclusive")
    try:
        with pytest.raises(UserError, match="database is locked"):
            run_episode(stemi, db=f"sqlite:///{path}")
    finally:
        holder.rollback()
        holder.close()
        get_engine.cache_clear()
    assert integrity(path) == "ok"


def test_a_read_only_database_gives_a_clear_error(stemi, tmp_path):
    path = tmp_path / "ro.db"
    run_episode(stemi, db=f"sqlite:///{path}")
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    with pytest.raises(UserError, match="readonly|read-only|read only"):
        run_episode(stemi, db=url)
    assert integrity(path) == "ok"


def test_a_full_disk_stops_the_episode_cleanly_and_keeps_what_was_written(stemi, tmp_path):
    path = tmp_path / "full.db"
    first = run_episode(stemi, db=f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        pages = conn.execute("pragma page_count").fetchone()[0]
    from agentsim.store.db import get_engine

    engine = get_engine(f"sqlite:///{path}")

    from sqlalchemy import event

    def cap(dbapi_conn, _record):  # SQLite's own "database or disk is full", as a full disk would give
        dbapi_conn.execute(f"pragma max_page_count={pages + 1}")

    event.listen(engine, "connect", cap)
    engine.dispose()
    try:
        with pytest.raises(UserError, match="full"):
            for seed in range(50):
                run_episode(stemi, db=f"sqlite:///{path}", seed=seed)
    finally:
        event.remove(engine, "connect", cap)
        engine.dispose()
    assert integrity(path) == "ok"
    from agentsim.store.queries import load_episode

    assert len(load_episode(first.episode_id, db=f"sqlite:///{path}").turns) == len(first.turns)


def test_the_cli_reports_a_database_failure_in_one_line(tmp_path):
    path = tmp_path / "ro.db"
    run_episode("chest-pain-stemi", db=f"sqlite:///{path}")
    result = subprocess.run([sys.executable, "-m", "agentsim.cli.app", "run", "chest-pain-stemi", "--quiet",
                             "--db", f"sqlite:///file:{path}?mode=ro&uri=true"], capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("agentsim: error: cannot write to")
