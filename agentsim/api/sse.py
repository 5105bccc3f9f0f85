"""Server-sent events for one episode's turns: poll the turns table, send each new row, then `end`.

Polling the database (rather than hooking the engine's on_turn) means a stream works the same for an
episode run by this server, by a CLI batch on the same database, or one that finished long ago.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from fastapi.concurrency import run_in_threadpool

from agentsim.model.episode import EpisodeStatus
from agentsim.store.browse import turns_after

KEEPALIVE_SECONDS = 15.0  # a comment line now and then keeps proxies from closing a quiet stream


def event(data: str, *, name: str | None = None, event_id: int | None = None) -> str:
    head = (f"id: {event_id}\n" if event_id is not None else "") + (f"event: {name}\n" if name else "")
    return f"{head}data: {data}\n\n"


async def turn_events(episode_id: str, *, db: str, after_index: int = -1, poll_seconds: float = 0.1,
                      idle_seconds: float = 900.0) -> AsyncIterator[str]:
    """Each turn as a default (`message`) event with its index as the event id, so a reconnecting
    EventSource resumes after the last turn it saw; `event: end` once the episode is not running."""
    last, last_turn_at, last_sent_at = after_index, time.monotonic(), time.monotonic()
    while True:
        status, turns = await run_in_threadpool(turns_after, episode_id, db=db, after_index=last)
        now = time.monotonic()
        for turn in turns:
            last = turn.index
            yield event(turn.model_dump_json(), event_id=turn.index)
        if turns:
            last_turn_at = last_sent_at = now
        if status != EpisodeStatus.RUNNING:
            yield event(json.dumps({"episode_id": episode_id, "status": status or "deleted", "turns": last + 1}),
                        name="end")
            return
        if now - last_turn_at >= idle_seconds:
            yield event(json.dumps({"episode_id": episode_id, "status": status, "turns": last + 1,
                                    "reason": f"no new turn for {idle_seconds:.0f} s"}), name="end")
            return
        if now - last_sent_at >= KEEPALIVE_SECONDS:
            last_sent_at = now
            yield ": keep-alive\n\n"
        await asyncio.sleep(poll_seconds)
