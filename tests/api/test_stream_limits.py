"""SSE bounds: a Last-Event-ID the server never sent is ignored (it was an empty 500), and the number of
open streams is capped (503 with Retry-After beyond it)."""

from __future__ import annotations

import httpx
import pytest

from agentsim.api import ApiSettings, create_app
from tests.api.conftest import api, parse_sse

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("header", ["99999999999999999999999", "-99999999999999999999", "abc", "1e9", "",
                                    str(2**63), "12345678"])
async def test_an_out_of_range_last_event_id_streams_from_the_start(seeded, header):
    async with api(ApiSettings(db=seeded.url)) as client:
        response = await client.get(f"/episodes/{seeded.episode_id}/stream", headers={"Last-Event-ID": header})
    assert response.status_code == 200
    events = parse_sse(response.text)
    assert events[0]["data"]["index"] == 0 and events[-1]["event"] == "end"


async def test_streams_beyond_the_cap_get_503_and_slots_come_back(seeded):
    app = create_app(ApiSettings(db=seeded.url, max_open_streams=2))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            ok = await client.get(f"/episodes/{seeded.episode_id}/stream")
            assert ok.status_code == 200 and app.state.streams.open == 0  # released when the stream ended
            assert app.state.streams.claim() and app.state.streams.claim()  # two streams held elsewhere
            busy = await client.get(f"/episodes/{seeded.episode_id}/stream")
            assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
            assert busy.json()["error"] == "service_unavailable" and "2 streams" in busy.json()["detail"]
            app.state.streams.release()
            assert (await client.get(f"/episodes/{seeded.episode_id}/stream")).status_code == 200
