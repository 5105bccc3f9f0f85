"""Inputs that used to end in a traceback with exit 1: each is now a short message and exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from agentsim.batch.spec import BatchSpec
from agentsim.model.bounds import SEED_MAX


def agentsim(*args: str, cwd=None) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def assert_refused(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and message in done.stderr, done.stderr


@pytest.mark.parametrize("args", [["episodes", "list"], ["run", "renal-colic", "--quiet"], ["report", "latest"],
                                  ["export", "latest"]])
def test_a_file_that_is_not_sqlite_is_refused_and_left_unchanged(tmp_path, args):
    db = tmp_path / "notes.db"
    db.write_text("my notes, not a database\n")
    done = agentsim(*args, "--db", str(db))
    assert_refused(done, "file is not a database")
    assert len(done.stderr.strip().splitlines()) == 1
    assert db.read_text() == "my notes, not a database\n"


@pytest.mark.parametrize("seed", [str(10**23), str(2**63 - 1), "9" * 5000, "-1"])
def test_run_refuses_a_seed_out_of_range(tmp_path, seed):
    done = agentsim("run", "renal-colic", "--quiet", "--seed", seed, "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "--seed" in done.stderr


@pytest.mark.parametrize(("seed", "repeats"), [(10**23, 1), (2**63 - 1, 2), (SEED_MAX, 2), (-1, 1)])
def test_a_batch_seed_out_of_range_is_refused_before_the_run(tmp_path, seed, repeats):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"cases: [renal-colic]\nseed: {seed}\nrepeats: {repeats}\n")
    done = agentsim("batch", str(spec), "--db", str(tmp_path / "x.db"), "--quiet")
    assert_refused(done, "seed")


def test_the_largest_seed_is_accepted():
    assert BatchSpec(seed=SEED_MAX - 1, repeats=2).seed == SEED_MAX - 1
