"""Crash and race trials for batch runs: kill -9 mid-batch then resume, and two resumes at once.

    python bench/reliability_trials.py --trials 10

Each trial prints the planned keys, the completed rows and the distinct completed keys; a good trial has
all three equal. Uses the offline agents and a fresh SQLite file per trial.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEC = "cases: ['*']\nrepeats: 2\nconcurrency: 4\n"


def agentsim(*args: str) -> list[str]:
    return [sys.executable, "-m", "agentsim.cli.app", *args]


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*), count(distinct key) from episodes where status='completed'").fetchone()


def kill_trial(folder: Path, planned: int) -> tuple[int, int, int]:
    db, spec = folder / "kill.db", folder / "spec.yaml"
    spec.write_text(SPEC)
    proc = subprocess.Popen(agentsim("batch", str(spec), "--db", str(db), "--quiet"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            if db.exists() and counts(db)[0] >= 10:
                break
        except sqlite3.OperationalError:
            continue
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        run_id = conn.execute("select id from runs").fetchone()[0]
    done = subprocess.run(agentsim("batch", "resume", run_id, "--db", str(db), "--quiet"), capture_output=True)
    return (planned, *counts(db)) if done.returncode == 0 else (planned, -1, -1)


def race_trial(folder: Path, planned: int) -> tuple[int, int, int, list[int]]:
    from agentsim.batch.spec import load_spec
    from agentsim.store import runs

    db, spec = folder / "race.db", folder / "spec.yaml"
    spec.write_text(SPEC)
    run_id = "race" + os.urandom(14).hex()
    runs.create_run(run_id=run_id, name="race", spec=load_spec(spec).model_dump(mode="json"), db=str(db))
    cmd = agentsim("batch", "resume", run_id, "--db", str(db), "--quiet")
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    codes = sorted(p.wait() for p in procs)
    return (planned, *counts(db), codes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()
    from agentsim.batch.runner import plan
    from agentsim.batch.spec import BatchSpec

    planned = len(plan(BatchSpec(cases=["*"], repeats=2)))
    for name, trial in (("kill -9 then resume", kill_trial), ("two resumes at once", race_trial)):
        good = 0
        for i in range(args.trials):
            with tempfile.TemporaryDirectory() as folder:
                result = trial(Path(folder), planned)
            ok = result[0] == result[1] == result[2]
            good += ok
            print(f"{name} trial {i + 1}: planned {result[0]}, completed rows {result[1]}, distinct keys {result[2]}"
                  + (f", exit codes {result[3]}" if len(result) > 3 else "") + ("" if ok else "  <-- BAD"), flush=True)
        print(f"{name}: {good}/{args.trials} trials with each key completed exactly once", flush=True)


if __name__ == "__main__":
    main()
