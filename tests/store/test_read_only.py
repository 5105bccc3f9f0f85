"""Reading commands work on a database the user cannot write and never create one; writers refuse."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentsim.cli.app import app


def agentsim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ro")
    done = agentsim("batch", "--quiet", "--db", "r.db", str(_spec(folder)), cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder


def _spec(folder: Path) -> Path:
    spec = folder / "spec.yaml"
    spec.write_text("cases: [renal-colic]\n")
    return spec


READERS = [["episodes", "list"], ["export", "latest", "--format", "md"], ["replay", "latest", "--speed", "0"],
           ["report", "latest"]]


@pytest.mark.parametrize("args", READERS)
def test_readers_never_create_a_missing_database(tmp_path, args):
    done = agentsim(*args, "--db", "missing.db", cwd=tmp_path)
    assert done.returncode == 2 and "no database at" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("args", READERS)
def test_readers_work_on_a_read_only_file_and_leave_it_unchanged(recorded, args):
    db = recorded / "r.db"
    before = db.read_bytes()
    db.chmod(stat.S_IRUSR | stat.S_IRGRP)
    recorded.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        done = agentsim(*args, "--db", "r.db", cwd=recorded)
    finally:
        recorded.chmod(stat.S_IRWXU)
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert done.returncode == 0, done.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("args", READERS)
def test_readers_open_an_unwritable_file_immutable(recorded, args, monkeypatch):
    """What a user without write access gets (root may write anything, so it is simulated here)."""
    from agentsim.store import db as store_db

    real_access = os.access
    monkeypatch.setattr(store_db.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    monkeypatch.chdir(recorded)
    result = CliRunner().invoke(app, [*args, "--db", "r.db"])
    assert result.exit_code == 0, result.output
    wal = recorded / "r.db-wal"
    if not wal.exists() or wal.stat().st_size == 0:  # pages still in a WAL need the ordinary read-only mode
        assert store_db.reading_url("r.db").endswith("?immutable=1&uri=true")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_writer_refuses_a_read_only_file_in_one_line(recorded):
    db = recorded / "r.db"
    db.chmod(stat.S_IRUSR)
    try:
        done = agentsim("run", "renal-colic", "--quiet", "--db", "r.db", cwd=recorded)
    finally:
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "readonly" in done.stderr


def test_an_unknown_episode_in_an_existing_database_is_one_line(recorded):
    done = agentsim("replay", "ffffffffffff", "--db", "r.db", cwd=recorded)
    assert done.returncode == 2 and "no episode 'ffffffffffff'" in done.stderr and "Traceback" not in done.stderr
