"""Holding a run's lease while the batch runs: acquire before touching the run, renew on a timer off the
event loop, release at the end. Losing the lease (it expired while this process was stalled and another
executor took the run over) stops this run's episodes, so two executors never write the same run."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from agentsim.store import leases

log = logging.getLogger("agentsim.batch")

DEFAULT_LEASE_SECONDS = 30.0
LEASE_SECONDS_RANGE = (2.0, 3600.0)


def lease_seconds() -> float:
    """AGENTSIM_LEASE_SECONDS (2..3600, default 30): how long a silent executor keeps its run."""
    from agentsim.errors import UserError

    raw = os.environ.get("AGENTSIM_LEASE_SECONDS")
    if not raw:
        return DEFAULT_LEASE_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"AGENTSIM_LEASE_SECONDS must be a number of seconds, not {raw!r}") from None
    low, high = LEASE_SECONDS_RANGE
    if not low <= value <= high:
        raise UserError(f"AGENTSIM_LEASE_SECONDS must be between {low:g} and {high:g} seconds, not {raw}")
    return value


@asynccontextmanager
async def held(run_id: str, *, db: str | Path, lost: asyncio.Event | None = None,
               lease: leases.Lease | None = None) -> AsyncIterator[leases.Lease]:
    """The run's lease for the duration of the block (`lease`: one the caller took already). `lost` is
    set if a renewal finds the lease gone."""
    if lease is None:
        lease = await asyncio.to_thread(leases.acquire, run_id, db=db, ttl_seconds=lease_seconds())
    beat = asyncio.create_task(_heartbeat(lease, db=db, lost=lost))
    try:
        yield lease
    finally:
        beat.cancel()
        await asyncio.gather(beat, return_exceptions=True)
        await asyncio.to_thread(leases.release, lease, db=db)


async def _heartbeat(lease: leases.Lease, *, db: str | Path, lost: asyncio.Event | None) -> None:
    while True:
        await asyncio.sleep(lease.ttl_seconds / 3)
        try:
            ours = await asyncio.to_thread(leases.renew, lease, db=db)
        except Exception as exc:  # a busy database: try again next beat, the lease has two more to spare
            log.warning("lease heartbeat for run %s failed: %s", lease.run_id, exc)
            continue
        if not ours:
            log.error("run %s: lease lost to another executor; stopping this one", lease.run_id)
            if lost is not None:
                lost.set()
            return
