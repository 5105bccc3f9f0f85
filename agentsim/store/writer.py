"""One writer thread for the process: every episode's SQL writes leave the event loop and queue here.

Concurrent episodes in a batch or the API would otherwise each block the loop on their commits. The
thread takes whatever is queued (up to BATCH writes), commits it in one transaction and wakes each
waiting coroutine; so a turn is still durable when `await writer.run(...)` returns, and under load many
turns share one commit. If a batched commit fails, its writes are retried one by one, so one bad write
fails only its own caller."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from agentsim.errors import UserError

Work = Callable[[Connection], None]
BATCH = 64


@dataclass
class _Job:
    engine: Engine
    label: str  # the database as the user named it, for error messages
    work: Work
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[None]


class _Writer:
    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: _Job) -> None:
        with self._lock:
            if self._thread is None:  # started on first use: importing the store starts nothing
                self._thread = threading.Thread(target=self._serve, name="agentsim-sql-writer", daemon=True)
                self._thread.start()
        self._jobs.put(job)

    def _serve(self) -> None:
        while True:
            jobs = [self._jobs.get()]
            while len(jobs) < BATCH:
                try:
                    jobs.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            for group in _by_engine(jobs):
                try:
                    _commit(group)
                    outcomes: list[BaseException | None] = [None] * len(group)
                except Exception:
                    outcomes = [_alone(job) for job in group]
                for job, outcome in zip(group, outcomes, strict=True):
                    _resolve(job, outcome)


_WRITER = _Writer()


def submit(engine: Engine, work: Work, *, label: str) -> asyncio.Future[None]:
    """Queue `work` for the writer thread at once (writes keep their order); the future is done when it is
    committed. Must be called from a running event loop."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    _WRITER.submit(_Job(engine, label, work, loop, done))
    return done


async def write(engine: Engine, work: Work, *, label: str) -> None:
    """Run `work` in a transaction on the writer thread; returns once it is committed."""
    await submit(engine, work, label=label)


def _by_engine(jobs: list[_Job]) -> list[list[_Job]]:
    groups: dict[int, list[_Job]] = {}
    for job in jobs:
        groups.setdefault(id(job.engine), []).append(job)
    return list(groups.values())


def _commit(jobs: list[_Job]) -> None:
    with jobs[0].engine.begin() as conn:  # commits on success, rolls back on error
        for job in jobs:
            job.work(conn)


def _alone(job: _Job) -> BaseException | None:
    try:
        _commit([job])
    except OperationalError as exc:
        return UserError(f"cannot write to {job.label}: {exc.orig}")
    except Exception as exc:
        return exc
    return None


def _resolve(job: _Job, outcome: BaseException | None) -> None:
    def settle() -> None:
        if job.done.done():  # the waiting episode was cancelled meanwhile
            return
        if outcome is None:
            job.done.set_result(None)
        else:
            job.done.set_exception(outcome)

    try:
        job.loop.call_soon_threadsafe(settle)
    except RuntimeError:  # that event loop has closed: nobody is waiting any more
        pass
