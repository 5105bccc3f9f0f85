"""Run leases: one executor per run at a time, so two resumes (or a CLI resume of a run the server is
executing) cannot both run, and the second cannot delete the first one's episodes in flight.

A lease is a row (run, owner, heartbeat, expiry). Taking it is one atomic statement: an INSERT that the
primary key refuses when someone holds the run, or an UPDATE whose WHERE only matches an expired lease.
The owner renews the expiry while it works (agentsim/batch/lease.py); an executor killed with -9 stops
renewing, and once its lease expires anyone may take the run over (at once, when the owner ran on this
host and its process is gone).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from agentsim.errors import UserError
from agentsim.store.db import get_engine, resolve_url
from agentsim.store.tables import RunLeaseRow, utcnow

_LEASES: Table = RunLeaseRow.__table__  # type: ignore[attr-defined]  # SQLModel sets it at class creation


class LeaseHeldError(UserError):
    """Another executor holds the run's lease: refused rather than run twice."""


@dataclass(frozen=True)
class Lease:
    run_id: str
    owner: str
    ttl_seconds: float


@dataclass(frozen=True)
class LeaseInfo:
    owner: str
    heartbeat_at: datetime
    expires_at: datetime

    def live(self, now: datetime | None = None) -> bool:
        return _aware(self.expires_at) > (now or utcnow())


def new_owner() -> str:
    """host:pid:random, so a reader of the row can tell which process holds it."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(run_id: str, *, db: str | Path | None, ttl_seconds: float, owner: str | None = None) -> Lease:
    """The run's lease for `owner`, or LeaseHeldError naming who holds a live one."""
    owner = owner or new_owner()
    engine = get_engine(resolve_url(db))
    now = utcnow()
    expires = now + timedelta(seconds=ttl_seconds)
    try:
        with engine.begin() as conn:
            conn.execute(insert(_LEASES).values(run_id=run_id, owner=owner, acquired_at=now, heartbeat_at=now,
                                                expires_at=expires))
        return Lease(run_id, owner, ttl_seconds)
    except IntegrityError:
        pass  # held, perhaps expired: take it over only if it has
    with engine.begin() as conn:
        taken = conn.execute(update(_LEASES).where(_LEASES.c.run_id == run_id, _LEASES.c.expires_at < now)
                             .values(owner=owner, acquired_at=now, heartbeat_at=now, expires_at=expires))
    if taken.rowcount == 1:
        return Lease(run_id, owner, ttl_seconds)
    held = holder(run_id, db=db)
    if held is None:  # released between our two statements: try once more from the start
        return acquire(run_id, db=db, ttl_seconds=ttl_seconds, owner=owner)
    if _owner_is_dead(held.owner):  # killed (-9) on this host: no need to wait out its lease
        with engine.begin() as conn:
            taken = conn.execute(update(_LEASES).where(_LEASES.c.run_id == run_id, _LEASES.c.owner == held.owner)
                                 .values(owner=owner, acquired_at=now, heartbeat_at=now, expires_at=expires))
        if taken.rowcount == 1:
            return Lease(run_id, owner, ttl_seconds)
    left = (_aware(held.expires_at) - now).total_seconds()
    raise LeaseHeldError(f"run {run_id[:12]} is being executed by {held.owner} (last heartbeat "
                         f"{(now - _aware(held.heartbeat_at)).total_seconds():.0f} s ago); refusing to run it twice: "
                         f"wait for it to finish or stop it (its lease expires {left:.0f} s after its last heartbeat)")


def renew(lease: Lease, *, db: str | Path | None) -> bool:
    """Push the expiry on; False when the lease is no longer ours (it expired and was taken over)."""
    now = utcnow()
    with get_engine(resolve_url(db)).begin() as conn:
        done = conn.execute(update(_LEASES).where(_LEASES.c.run_id == lease.run_id, _LEASES.c.owner == lease.owner)
                            .values(heartbeat_at=now, expires_at=now + timedelta(seconds=lease.ttl_seconds)))
    return done.rowcount == 1


def release(lease: Lease, *, db: str | Path | None) -> None:
    with get_engine(resolve_url(db)).begin() as conn:
        conn.execute(delete(_LEASES).where(_LEASES.c.run_id == lease.run_id, _LEASES.c.owner == lease.owner))


def holder(run_id: str, *, db: str | Path | None) -> LeaseInfo | None:
    with get_engine(resolve_url(db)).connect() as conn:
        row = conn.execute(select(_LEASES.c.owner, _LEASES.c.heartbeat_at, _LEASES.c.expires_at)
                           .where(_LEASES.c.run_id == run_id)).first()
    return LeaseInfo(owner=row[0], heartbeat_at=row[1], expires_at=row[2]) if row else None


def _owner_is_dead(owner: str) -> bool:
    """True only when the owner ran on this host and its process is gone; another host's owner is judged
    by its lease's expiry alone."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # this process: a live executor here (the server, or another task) holds it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def _aware(value: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; every one agentsim writes is UTC."""
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
