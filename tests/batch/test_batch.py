"""Batch runs: the spec, overlap, resume after a hard kill, retries."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentsim import Diagnose, Doctor, Examine
from agentsim.agents import registry
from agentsim.batch.runner import plan, run_batch
from agentsim.batch.spec import BatchSpec, load_spec
from agentsim.errors import CaseFileError, UserError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_spec_parses_yaml_and_json_and_expands_the_grid(tmp_path):
    yaml_spec = load_spec(write(tmp_path, "s.yaml", """
cases: ["chest-*", renal-colic]
doctors: [checklist, {name: checklist, label: again}]
personas: [null, neutral]
repeats: 3
seed: 10
"""))
    json_spec = load_spec(write(tmp_path, "s.json", json.dumps(yaml_spec.model_dump(mode="json"))))
    assert json_spec == yaml_spec
    episodes = plan(yaml_spec)
    assert len(episodes) == 2 * 2 * 2 * 3
    assert len({e.key for e in episodes}) == len(episodes)
    assert {e.seed for e in episodes} == {10, 11, 12}


def test_spec_filters_by_specialty_and_difficulty():
    spec = BatchSpec(specialty=["cardiology", "neurology"], difficulty=[1])
    ids = {e.case.id for e in plan(spec)}
    assert "chest-pain-stemi" in ids and "ischaemic-stroke" in ids
    assert "subarachnoid-haemorrhage" not in ids  # difficulty 2


@pytest.mark.parametrize(("text", "message"), [
    ("cases: [../../etc/passwd]", "not a path"),
    ("concurrency: 0", "concurrency"),
    ("doctors: [checklist, checklist]", "distinct labels"),
    ("wat: 1", "wat"),
    ("- not a mapping", "mapping"),
])
def test_bad_specs_name_the_field(tmp_path, text, message):
    with pytest.raises(CaseFileError) as exc:
        load_spec(write(tmp_path, "bad.yaml", text))
    assert message in str(exc.value)


def test_a_spec_selecting_nothing_is_a_clear_error():
    with pytest.raises(UserError, match="selects no case"):
        plan(BatchSpec(cases=["no-such-*"]))


class SlowDoctor(Doctor):
    live = 0
    peak = 0

    async def act(self, obs):
        SlowDoctor.live += 1
        SlowDoctor.peak = max(SlowDoctor.peak, SlowDoctor.live)
        await asyncio.sleep(0.05)
        SlowDoctor.live -= 1
        return Examine(request="vital signs") if obs.turn == 0 else Diagnose(diagnosis="STEMI")


def test_episodes_overlap_up_to_the_concurrency(db_url, monkeypatch):
    monkeypatch.setitem(registry.DOCTORS, "slow", lambda **_: SlowDoctor())
    spec = BatchSpec(cases=["chest-pain-stemi"], doctors=["slow"], repeats=8, concurrency=4)
    outcome = asyncio.run(run_batch(spec, db=db_url))
    assert outcome.status == "completed" and outcome.progress.done == 8
    assert SlowDoctor.peak == 4  # four doctors were thinking at the same moment, never more


def test_a_batch_wider_than_the_connection_pool_does_not_stall(db_url, monkeypatch):
    """Episodes awaiting their doctor hold no database connection: 32 at once used to exhaust SQLAlchemy's
    pool (5 + 10 overflow) and block the event loop on checkout, a deadlock until the pool's 30 s timeout."""
    import time

    SlowDoctor.peak = SlowDoctor.live = 0
    monkeypatch.setitem(registry.DOCTORS, "slow", lambda **_: SlowDoctor())
    spec = BatchSpec(cases=["chest-pain-stemi"], doctors=["slow"], repeats=40, concurrency=32)

    def stalled(*_):
        raise TimeoutError("the batch stalled: episodes are waiting for database connections")

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(60)  # a regression blocks the event loop itself: only a signal can end the test
    started = time.monotonic()
    try:
        outcome = asyncio.run(run_batch(spec, db=db_url))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert outcome.status == "completed" and outcome.progress.done == 40, outcome.progress.errors
    assert SlowDoctor.peak == 32 and time.monotonic() - started < 25


def test_crashing_episodes_are_retried_then_reported(db_url, monkeypatch):
    from agentsim.store.queries import list_episodes

    calls = {"n": 0}

    def flaky_patient(view, **_):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("patient backend down")
        from agentsim.agents.patient.retrieval import RetrievalPatient

        return RetrievalPatient(view)

    monkeypatch.setitem(registry.PATIENTS, "flaky", flaky_patient)
    spec = BatchSpec(cases=["chest-pain-stemi"], patient="flaky", retries=1)
    outcome = asyncio.run(run_batch(spec, db=db_url))
    assert outcome.progress.done == 1 and outcome.progress.failed == 0
    assert "patient backend down" in outcome.progress.errors[0]
    assert len(list_episodes(db=db_url, run_id=outcome.run_id)) == 1


def test_kill_9_mid_run_then_resume_completes_each_episode_exactly_once(tmp_path):
    db = tmp_path / "kill.db"
    spec = write(tmp_path, "spec.yaml", "cases: ['*']\nrepeats: 2\nconcurrency: 2\n")
    cmd = [sys.executable, "-m", "agentsim.cli.app", "batch", str(spec), "--db", str(db), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    completed = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            with sqlite3.connect(db) as conn:
                try:
                    completed = conn.execute("select count(*) from episodes where status='completed'").fetchone()[0]
                except sqlite3.OperationalError:
                    continue
            if completed >= 5:
                break
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        run_id = conn.execute("select id from runs").fetchone()[0]
        planned = len(plan(BatchSpec(cases=["*"], repeats=2)))
        assert conn.execute("select count(*) from episodes where status='completed'").fetchone()[0] < planned

    resumed = subprocess.run([sys.executable, "-m", "agentsim.cli.app", "batch", "resume", run_id[:12], "--db",
                              str(db), "--quiet"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select key, status, n_turns, id from episodes where run_id=?", (run_id,)).fetchall()
        assert len(rows) == planned and len({r[0] for r in rows}) == planned
        assert {r[1] for r in rows} == {"completed"}
        for _key, _status, n_turns, episode_id in rows:
            stored = conn.execute("select count(*) from turns where episode_id=?", (episode_id,)).fetchone()[0]
            assert stored == n_turns
        assert conn.execute("select status from runs where id=?", (run_id,)).fetchone()[0] == "completed"


def test_ray_executor_runs_episodes_as_ray_tasks(tmp_path):
    pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'agentsim[ray]'")
    from agentsim.batch import ray_executor
    from agentsim.store.queries import list_episodes

    db = f"sqlite:///{tmp_path / 'ray.db'}"
    spec = BatchSpec(cases=["chest-pain-stemi", "renal-colic"], repeats=2, concurrency=2)
    try:
        outcome = asyncio.run(run_batch(spec, db=db, executor="ray"))
    finally:
        ray_executor.stop()
    assert outcome.status == "completed" and outcome.progress.done == 4 and outcome.progress.cost_usd > 0
    rows = list_episodes(db=db, run_id=outcome.run_id)
    assert len(rows) == 4 and {r.status for r in rows} == {"completed"}
    assert len({r.key for r in rows}) == 4


def test_an_unknown_executor_is_a_user_error(db_url):
    with pytest.raises(UserError, match="unknown executor"):
        asyncio.run(run_batch(BatchSpec(cases=["chest-pain-stemi"]), db=db_url, executor="spark"))
