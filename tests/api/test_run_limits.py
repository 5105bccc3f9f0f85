"""POST /runs checks before it builds; the active-run limit holds under concurrency; a restarted server
reconciles orphaned runs, which POST /runs/{id}/resume finishes."""

from __future__ import annotations

import asyncio
import time

import pytest

from agentsim.api import ApiSettings
from agentsim.batch.spec import BatchSpec
from agentsim.store import leases, runs
from tests.api.conftest import api, wait_for_run

pytestmark = pytest.mark.anyio


@pytest.mark.timeout(60)
async def test_a_huge_spec_is_refused_from_its_list_lengths(db_url):
    body = {"doctors": [{"name": "checklist", "label": f"d{i}"} for i in range(50)],
            "personas": [None] * 34, "repeats": 1000}
    async with api(ApiSettings(db=db_url)) as client:
        await client.get("/cases")  # the library is loaded once, as any server's first request would
        started = time.monotonic()
        response = await client.post("/runs", json=body)
        assert time.monotonic() - started < 5  # it once built 59.5 million plans first
        assert response.status_code == 422 and "at most 10000" in response.text
        assert (await client.get("/runs")).json()["total"] == 0


async def test_concurrent_posts_respect_the_active_run_limit(db_url):
    big = {"cases": ["*"], "repeats": 2, "concurrency": 1}
    async with api(ApiSettings(db=db_url, max_active_runs=4)) as client:
        answers = await asyncio.gather(*(client.post("/runs", json=big) for _ in range(20)))
        codes = sorted(a.status_code for a in answers)
        assert codes == [202] * 4 + [429] * 16
        for answer in answers:
            if answer.status_code == 202:
                await client.post(f"/runs/{answer.json()['run_id']}/cancel")
    assert len(runs.list_runs(db=db_url)) == 4


async def test_a_restarted_server_marks_orphans_interrupted_and_resumes_them(db_url):
    spec = BatchSpec(cases=["renal-colic", "chest-pain-stemi"]).model_dump(mode="json")
    runs.create_run(run_id="orphan" + "0" * 26, name="left running", spec=spec, db=db_url)
    runs.create_run(run_id="leased" + "0" * 26, name="a live CLI batch", spec=spec, db=db_url)
    held = leases.acquire("leased" + "0" * 26, db=db_url, ttl_seconds=300, owner="elsewhere:1:cli")
    async with api(ApiSettings(db=db_url)) as client:
        orphan = (await client.get("/runs/" + "orphan" + "0" * 26)).json()
        assert orphan["status"] == "interrupted" and orphan["active"] is False
        assert (await client.get("/runs/" + "leased" + "0" * 26)).json()["status"] == "running"

        refused = await client.post("/runs/" + "leased" + "0" * 26 + "/resume")
        assert refused.status_code == 409 and "is being executed by elsewhere:1:cli" in refused.text

        resumed = await client.post("/runs/" + "orphan" + "0" * 26 + "/resume")
        assert resumed.status_code == 202, resumed.text
        assert resumed.json()["planned"] == 2
        again = await client.post("/runs/" + "orphan" + "0" * 26 + "/resume")
        assert again.status_code == 409
        done = await wait_for_run(client, "orphan" + "0" * 26)
        assert done["status"] == "completed" and done["progress"]["done"] == 2
        assert (await client.post("/runs/" + "orphan" + "0" * 26 + "/resume")).status_code == 409  # completed
        assert (await client.post("/runs/nope/resume")).status_code == 404
    leases.release(held, db=db_url)


async def test_a_cli_spec_with_a_plugin_doctor_is_not_resumed_over_http(db_url):
    spec = BatchSpec(cases=["renal-colic"], doctors=["./my_doctor.py:Mine"]).model_dump(mode="json")
    runs.create_run(run_id="plugin" + "0" * 26, name="", spec=spec, db=db_url)
    async with api(ApiSettings(db=db_url)) as client:
        refused = await client.post("/runs/" + "plugin" + "0" * 26 + "/resume")
    assert refused.status_code == 422 and "agentsim batch resume" in refused.text


@pytest.mark.parametrize(("seed", "repeats"), [(10**23, 1), (2**63 - 1, 2), (2**31 - 1, 2), (-1, 1)])
async def test_seeds_out_of_range_are_422_not_a_silent_incomplete_run(db_url, seed, repeats):
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.post("/runs", json={"cases": ["renal-colic"], "seed": seed, "repeats": repeats})
        assert response.status_code == 422 and "seed" in response.text
        assert (await client.get("/runs")).json()["total"] == 0
