"""One executor per run: a lease refuses a second resume, and the store refuses a key completed twice."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from agentsim.batch.runner import plan, run_batch
from agentsim.batch.spec import BatchSpec
from agentsim.store import leases, runs
from agentsim.store.db import get_engine
from agentsim.store.tables import EpisodeRow, RunLeaseRow, utcnow


def test_a_second_executor_is_refused_while_the_first_holds_the_run(db_url):
    spec = BatchSpec(cases=["chest-pain-stemi", "renal-colic"], repeats=3, concurrency=2)

    async def both() -> list:
        first = asyncio.create_task(run_batch(spec, db=db_url))
        while not runs.list_runs(db=db_url):
            await asyncio.sleep(0.01)
        run_id = runs.list_runs(db=db_url)[0].id
        while leases.holder(run_id, db=db_url) is None:
            await asyncio.sleep(0.01)
        second = await asyncio.gather(run_batch(spec, db=db_url, run_id=run_id), return_exceptions=True)
        return [await first, *second]

    outcome, refused = asyncio.run(both())
    assert isinstance(refused, leases.LeaseHeldError)
    assert "is being executed by" in str(refused) and "\n" not in str(refused)
    assert outcome.status == "completed" and outcome.progress.done == 6
    assert len(runs.completed_keys(outcome.run_id, db=db_url)) == 6
    assert leases.holder(outcome.run_id, db=db_url) is None  # released at the end


def test_an_expired_lease_is_taken_over(db_url):
    runs.create_run(run_id="r" * 32, name="", spec={}, db=db_url)
    leases.acquire("r" * 32, db=db_url, ttl_seconds=30, owner="elsewhere:1:dead")
    with pytest.raises(leases.LeaseHeldError):
        leases.acquire("r" * 32, db=db_url, ttl_seconds=30)
    with get_engine(db_url).begin() as conn:
        conn.execute(update(RunLeaseRow.__table__).values(expires_at=utcnow() - timedelta(seconds=1)))
    taken = leases.acquire("r" * 32, db=db_url, ttl_seconds=30)
    assert leases.holder("r" * 32, db=db_url).owner == taken.owner
    assert not leases.renew(leases.Lease("r" * 32, "elsewhere:1:dead", 30), db=db_url)  # the old owner lost it


def test_the_store_refuses_a_second_completed_row_for_a_key(db_url):
    runs.create_run(run_id="run1", name="", spec={}, db=db_url)
    table = EpisodeRow.__table__
    row = dict(run_id="run1", key="k", case_id="c", doctor="d", patient="p", gatekeeper="g", agent_config={},
               status="completed", started_at=utcnow())
    with get_engine(db_url).begin() as conn:
        conn.execute(table.insert().values(id="e1", **row))
        conn.execute(table.insert().values(id="e2", **{**row, "status": "failed"}))  # unfinished ones may repeat
    with pytest.raises(IntegrityError), get_engine(db_url).begin() as conn:
        conn.execute(table.insert().values(id="e3", **row))


def test_two_cli_resumes_at_once_complete_each_key_once(tmp_path):
    db = tmp_path / "two.db"
    spec = BatchSpec(cases=["chest-pain-stemi", "renal-colic", "ischaemic-stroke"], repeats=4, concurrency=2)
    run_id = "c" * 32
    runs.create_run(run_id=run_id, name="", spec=spec.model_dump(mode="json"), db=str(db))
    cmd = [sys.executable, "-m", "agentsim.cli.app", "batch", "resume", run_id[:12], "--db", str(db), "--quiet"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    with sqlite3.connect(db) as conn:
        completed = conn.execute("select count(*), count(distinct key) from episodes where run_id=? "
                                 "and status='completed'", (run_id,)).fetchone()
    assert completed == (len(plan(spec)), len(plan(spec)))
    if codes == [0, 2]:  # the usual case: they overlapped and the second was refused, in one line
        refusal = next(err for code, err in results if code == 2)
        assert "is being executed by" in refusal and "Traceback" not in refusal
        assert len(refusal.strip().splitlines()) == 1
    else:  # the first finished before the second started: the second found nothing left to do
        assert codes == [0, 0], results
