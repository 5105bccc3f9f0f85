"""/runs: start in the background, poll to completion, read the stored data back, cancel, refuse code."""

from __future__ import annotations

import asyncio
import time

import pytest

from agentsim.api import ApiSettings
from agentsim.store import queries, runs
from tests.api.conftest import api, wait_for_run

pytestmark = pytest.mark.anyio


async def test_a_run_goes_from_post_to_completed_and_its_data_is_served(db_url):
    spec = {"name": "api-smoke", "cases": ["renal-colic", "chest-pain-stemi"], "doctors": ["checklist"]}
    async with api(ApiSettings(db=db_url)) as client:
        started = time.monotonic()
        response = await client.post("/runs", json=spec)
        assert time.monotonic() - started < 10  # accepted, not run inline
        assert response.status_code == 202, response.text
        accepted = response.json()
        run_id = accepted["run_id"]
        assert accepted["planned"] == 2 and accepted["status"] == "running"
        assert accepted["status_url"] == f"http://test/runs/{run_id}" == response.headers["location"]

        detail = await wait_for_run(client, run_id)
        assert detail["status"] == "completed" and detail["active"] is False and detail["name"] == "api-smoke"
        assert detail["progress"]["planned"] == 2 and detail["progress"]["done"] == 2
        assert detail["progress"]["failed"] == 0 and detail["progress"]["running"] == 0
        assert detail["progress"]["cost_usd"] > 0 and detail["finished_at"]
        assert detail["spec"]["cases"] == spec["cases"]

        listed = (await client.get("/runs")).json()
        assert listed["total"] == 1 and listed["items"][0]["id"] == run_id

        episodes = (await client.get(f"/runs/{run_id}/episodes")).json()
        assert episodes["total"] == 2
        assert {e["case_id"] for e in episodes["items"]} == {"renal-colic", "chest-pain-stemi"}
        for episode in episodes["items"]:
            stored = queries.get_episode_row(episode["id"], db=db_url)
            one = (await client.get(f"/episodes/{episode['id']}")).json()
            assert one == episode
            assert one["run_id"] == run_id and one["n_turns"] == stored.n_turns and one["status"] == "completed"
            assert "key" not in one and "agent_config" not in one  # storage-only fields stay inside

            turns = (await client.get(f"/episodes/{episode['id']}/turns", params={"limit": 500})).json()
            stored_turns = queries.get_turns(episode["id"], db=db_url)
            assert turns["total"] == len(stored_turns) == stored.n_turns
            assert [t["text"] for t in turns["items"]] == [t.text for t in stored_turns]
            assert [t["index"] for t in turns["items"]] == list(range(len(stored_turns)))

            score = (await client.get(f"/episodes/{episode['id']}/score")).json()
            assert score == queries.latest_score(episode["id"], db=db_url).model_dump(mode="json")
        cancel = await client.post(f"/runs/{run_id}/cancel")
        assert cancel.status_code == 409 and cancel.json()["error"] == "conflict"


async def test_cancel_stops_a_running_run(db_url):
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.post("/runs", json={"cases": ["*"], "repeats": 3, "concurrency": 2})
        run_id = response.json()["run_id"]
        planned = response.json()["planned"]
        assert planned > 50
        await wait_for_episodes(client, run_id, at_least=1)
        cancel = await client.post(f"/runs/{run_id}/cancel")
        assert cancel.status_code == 202 and cancel.json() == {"run_id": run_id, "status": "cancelling"}
        detail = await wait_for_run(client, run_id, timeout=30)
        assert detail["status"] == "interrupted" and detail["active"] is False
        assert detail["progress"]["done"] < planned and detail["progress"]["running"] == 0
        again = await client.post(f"/runs/{run_id}/cancel")
        assert again.status_code == 409 and "interrupted" in again.json()["detail"]


async def test_runs_and_episodes_are_paged(db_url, seeded):
    for i in range(3):
        runs.create_run(run_id=f"run{i}", name=f"r{i}", spec={"cases": ["renal-colic"]}, db=db_url)
    async with api(ApiSettings(db=db_url)) as client:
        first = (await client.get("/runs", params={"limit": 2})).json()
        rest = (await client.get("/runs", params={"limit": 2, "offset": 2})).json()
        assert first["total"] == rest["total"] == 3 and len(first["items"]) == 2 and len(rest["items"]) == 1
        assert {r["id"] for r in first["items"] + rest["items"]} == {"run0", "run1", "run2"}
        detail = (await client.get("/runs/run0")).json()
        assert detail["progress"] == {"planned": 1, "done": 0, "failed": 0, "running": 0, "cost_usd": 0.0}
        assert detail["status"] == "running" and detail["active"] is False  # recorded, not executing here
        assert (await client.post("/runs/run0/cancel")).status_code == 409
    async with api(ApiSettings(db=seeded.url)) as client:
        page = (await client.get(f"/episodes/{seeded.episode_id}/turns", params={"limit": 5, "offset": 5})).json()
        assert page["total"] == seeded.n_turns and page["limit"] == 5 and page["offset"] == 5
        assert [t["index"] for t in page["items"]] == [5, 6, 7, 8, 9]
        episodes = (await client.get(f"/runs/{seeded.run_id}/episodes", params={"limit": 1, "offset": 1})).json()
        assert episodes["total"] == 1 and episodes["items"] == []


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/runs/nope"), ("GET", "/runs/nope/episodes"), ("POST", "/runs/nope/cancel"),
    ("GET", "/runs/nope/report"), ("GET", "/episodes/nope"), ("GET", "/episodes/nope/turns"),
    ("GET", "/episodes/nope/score"), ("GET", "/episodes/nope/stream"), ("GET", "/nowhere"),
])
async def test_unknown_ids_are_404_with_the_error_body(seeded, method, path):
    async with api(ApiSettings(db=seeded.url)) as client:
        response = await client.request(method, path)
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found" and isinstance(body["detail"], str)


async def test_a_run_id_prefix_is_not_an_id(seeded):
    async with api(ApiSettings(db=seeded.url)) as client:
        assert (await client.get(f"/runs/{seeded.run_id[:8]}")).status_code == 404
        assert (await client.get("/episodes/latest")).status_code == 404


async def test_the_report_route(seeded):
    from agentsim.report import build_report

    async with api(ApiSettings(db=seeded.url)) as client:
        response = await client.get(f"/runs/{seeded.run_id}/report")
    assert response.status_code == 200, response.text
    assert response.json() == build_report(seeded.run_id, db=seeded.url).model_dump(mode="json")


async def test_a_method_not_allowed_keeps_the_error_shape(seeded):
    async with api(ApiSettings(db=seeded.url)) as client:
        response = await client.delete("/runs")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


async def test_runs_still_going_at_shutdown_are_marked_interrupted(db_url):
    async with api(ApiSettings(db=db_url)) as client:
        run_id = (await client.post("/runs", json={"cases": ["*"], "repeats": 2, "concurrency": 1})).json()["run_id"]
        await wait_for_episodes(client, run_id, at_least=1)
    assert runs.get_run(run_id, db=db_url).status == "interrupted"  # resumable with `agentsim batch resume`


async def test_too_many_active_runs_is_429(db_url):
    big = {"cases": ["*"], "repeats": 2, "concurrency": 1}
    async with api(ApiSettings(db=db_url, max_active_runs=1)) as client:
        first = await client.post("/runs", json=big)
        assert first.status_code == 202
        second = await client.post("/runs", json=big)
        assert second.status_code == 429 and second.json()["error"] == "too_many_requests"
        await client.post(f"/runs/{first.json()['run_id']}/cancel")
        await wait_for_run(client, first.json()["run_id"], timeout=30)
        assert (await client.post("/runs", json={"cases": ["renal-colic"]})).status_code == 202


async def test_credentials_in_a_cli_written_spec_are_not_served(db_url):
    spec = {"cases": ["renal-colic"], "doctors": [{"name": "llm", "options": {"api_key": "sk-secret", "seed": 1}}]}
    runs.create_run(run_id="clirun", name="from the cli", spec=spec, db=db_url)
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.get("/runs/clirun")
    assert "sk-secret" not in response.text
    assert response.json()["spec"]["doctors"][0]["options"] == {"api_key": "***", "seed": 1}


async def wait_for_episodes(client, run_id, *, at_least, timeout=60):
    """Until the run has stored `at_least` episodes (any status): the run is under way."""
    deadline = time.monotonic() + timeout
    while len((await client.get(f"/runs/{run_id}/episodes")).json()["items"]) < at_least:
        assert time.monotonic() < deadline, f"run {run_id} stored no episode in {timeout} s"
        await asyncio.sleep(0.02)
