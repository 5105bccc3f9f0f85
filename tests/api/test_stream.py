"""GET /episodes/{id}/stream: server-sent events of turns, for a finished and for a live episode."""

from __future__ import annotations

import asyncio
import time

import pytest

from agentsim import Ask, Diagnose, Doctor
from agentsim.agents import registry
from agentsim.api import ApiSettings
from agentsim.store import queries
from tests.api.conftest import api, parse_sse, wait_for_run

pytestmark = pytest.mark.anyio


async def test_a_finished_episode_streams_every_turn_then_ends(seeded):
    stored = queries.get_turns(seeded.episode_id, db=seeded.url)
    async with api(ApiSettings(db=seeded.url)) as client:
        response = await client.get(f"/episodes/{seeded.episode_id}/stream")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    events = parse_sse(response.text)
    turns, end = events[:-1], events[-1]
    assert [e["event"] for e in turns] == ["message"] * len(stored)
    assert [e["data"]["index"] for e in turns] == [t.index for t in stored]
    assert [e["id"] for e in turns] == [str(t.index) for t in stored]
    assert [e["data"]["text"] for e in turns] == [t.text for t in stored]
    assert end["event"] == "end"
    assert end["data"] == {"episode_id": seeded.episode_id, "status": "completed", "turns": len(stored)}


async def test_last_event_id_resumes_after_that_turn(seeded):
    async with api(ApiSettings(db=seeded.url)) as client:
        response = await client.get(f"/episodes/{seeded.episode_id}/stream", headers={"Last-Event-ID": "5"})
    events = parse_sse(response.text)
    assert events[0]["data"]["index"] == 6 and events[-1]["event"] == "end"
    assert len(events) - 1 == seeded.n_turns - 6


class SlowDoctor(Doctor):
    """Registered for this test only: a run started over the API can name registry entries alone."""

    async def act(self, obs):
        await asyncio.sleep(0.15)
        if obs.turn < 8:
            return Ask(question=["Where is the pain?", "When did it start?", "Any fever?"][obs.turn % 3])
        return Diagnose(diagnosis="renal colic")


async def test_a_live_episode_streams_turns_as_they_are_written(db_url, monkeypatch):
    monkeypatch.setitem(registry.DOCTORS, "slow-test", lambda **_: SlowDoctor())
    async with api(ApiSettings(db=db_url)) as client:
        run_id = (await client.post("/runs", json={"cases": ["renal-colic"],
                                                   "doctors": ["slow-test"]})).json()["run_id"]
        deadline = time.monotonic() + 30
        while True:  # wait until the episode exists and is under way
            items = (await client.get(f"/runs/{run_id}/episodes")).json()["items"]
            if items and items[0]["status"] == "running":
                break
            assert time.monotonic() < deadline, "the episode never started"
            await asyncio.sleep(0.02)
        episode_id = items[0]["id"]
        written_at_connect = len(queries.get_turns(episode_id, db=db_url))

        response = await client.get(f"/episodes/{episode_id}/stream")
        events = parse_sse(response.text)
        turns, end = events[:-1], events[-1]
        assert len(turns) >= 1
        assert len(turns) > written_at_connect  # turns written after the stream opened arrived too
        assert [e["data"]["index"] for e in turns] == list(range(len(turns)))
        assert end["event"] == "end" and end["data"]["status"] == "completed"
        assert len(turns) == len(queries.get_turns(episode_id, db=db_url))
        assert (await wait_for_run(client, run_id))["status"] == "completed"


async def test_the_stream_generator_follows_new_rows(db_url):
    """The same loop without HTTP: events arrive while the episode is still running."""
    from agentsim.api.sse import turn_events
    from agentsim.model.episode import Role, Termination, Turn, TurnKind
    from agentsim.model.record import EpisodeEnd
    from agentsim.store.recorder import EpisodeRecorder
    from agentsim.store.tables import utcnow

    recorder = EpisodeRecorder(db_url)
    started = utcnow()
    await recorder.start(header("live1", started))
    await recorder.add_turn("live1", Turn(index=0, role=Role.PATIENT, kind=TurnKind.OPENING, text="Ow."))
    stream = turn_events("live1", db=db_url, poll_seconds=0.01)
    first = await anext(stream)
    assert first.startswith("id: 0\ndata: ") and '"text":"Ow."' in first
    await recorder.add_turn("live1", Turn(index=1, role=Role.DOCTOR, kind=TurnKind.ASK, text="Where?"))
    second = await asyncio.wait_for(anext(stream), 5)
    assert second.startswith("id: 1\n")
    await recorder.complete(EpisodeEnd(episode_id="live1", termination=Termination.TURN_LIMIT, error=None,
                                       diagnosis=None, total_cost=0, n_turns=2, started_at=started,
                                       finished_at=utcnow()))
    end = await asyncio.wait_for(anext(stream), 5)
    assert end.startswith("event: end\n") and '"turns": 2' in end


async def test_a_quiet_running_episode_ends_after_the_idle_limit(db_url):
    from agentsim.api.sse import turn_events
    from agentsim.store.recorder import EpisodeRecorder
    from agentsim.store.tables import utcnow

    await EpisodeRecorder(db_url).start(header("stuck", utcnow()))
    events = [e async for e in turn_events("stuck", db=db_url, poll_seconds=0.01, idle_seconds=0.1)]
    assert len(events) == 1 and events[0].startswith("event: end\n") and "no new turn" in events[0]


def header(episode_id, started):
    from agentsim.model.episode import AgentConfig
    from agentsim.model.record import EpisodeStart

    return EpisodeStart(episode_id=episode_id, case_id="renal-colic", persona=None, seed=0, max_turns=5, budget=None,
                        agents=AgentConfig(doctor="d", patient="p", gatekeeper="g"), started_at=started)
