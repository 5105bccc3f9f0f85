"""API test helpers: an app over a tmp SQLite db, driven in-process through httpx's ASGITransport."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from agentsim.api import ApiSettings, create_app

TOKEN = "test-api-token-0123456789"
ADMIN = "test-admin-token-9876543210"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass(frozen=True)
class Seeded:
    url: str
    run_id: str
    episode_id: str
    n_turns: int


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> Seeded:
    """One finished run of one case, shared by the read-only tests (an episode takes about a second)."""
    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec
    from agentsim.store.queries import list_episodes

    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'seeded.db'}"
    outcome = asyncio.run(run_batch(BatchSpec(name="seed", cases=["renal-colic"]), db=url))
    assert outcome.status == "completed"
    (episode,) = list_episodes(db=url, run_id=outcome.run_id)
    return Seeded(url=url, run_id=outcome.run_id, episode_id=episode.id, n_turns=episode.n_turns)


@asynccontextmanager
async def api(settings: ApiSettings, headers: dict[str, str] | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (so runs still going at the end are stopped and marked interrupted)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers or {},
                                     timeout=120) as client:
            yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def wait_for_run(client: httpx.AsyncClient, run_id: str, *, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = (await client.get(f"/runs/{run_id}")).json()
        if body["status"] != "running" and not body["active"]:
            return body
        assert time.monotonic() < deadline, f"run still running after {timeout} s: {body}"
        await asyncio.sleep(0.1)


def parse_sse(text: str) -> list[dict]:
    """[{event, id, data}] from a text/event-stream body; comments are dropped."""
    events = []
    for block in text.strip().split("\n\n"):
        fields: dict = {"event": "message", "id": None, "data": None}
        for line in block.splitlines():
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            if name == "data":
                fields["data"] = json.loads(value)
            elif name in ("event", "id"):
                fields[name] = value
        if fields["data"] is not None:
            events.append(fields)
    return events


def field_paths(response: httpx.Response) -> list[list]:
    body = response.json()
    assert body["error"] == "validation_error", body
    return [e["loc"] for e in body["detail"]]
