"""The process-pool executor for `agentsim batch --workers N`: one machine, every core.

Offline agents are synchronous CPU on the event loop, and an LLM batch spends client CPU per call, so one
process uses one core. Here the planned keys still to run are dealt round-robin into N disjoint shares;
each worker process (spawned: a fresh interpreter, never a fork of a process with threads) re-plans the
spec, keeps its share, and runs it on its own event loop through the same `_attempt` and the normal SQL
recorder as the in-process runner. Disjoint shares keep the store's writes exactly-once; SQLite in WAL mode
takes the writers in turn within its busy timeout. The batch's concurrency is split between the workers,
and so is any per-model or per-endpoint LLM limit (agentsim.llm.limits). Ray stays the engine for more
than one machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.synchronize import Event as StopFlag
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agentsim.batch.spec import BatchSpec
from agentsim.errors import UserError

if TYPE_CHECKING:
    from agentsim.batch.runner import PlannedEpisode, Progress


def default_workers() -> int:
    return os.cpu_count() or 1


class _Share(BaseModel):
    """What one worker is sent: the spec, where to write, its keys and its part of the batch's width."""

    spec: dict[str, Any]
    db: str
    run_id: str
    index: int  # which worker: its reports carry it
    keys: list[str]
    concurrency: int
    workers: int


class _Report(BaseModel):
    """One message from a worker: an episode's outcome, or `end` when the worker is finished."""

    kind: str  # "done" | "failed" | "end"
    cost: float = 0.0
    errors: list[str] = []


def shares(todo: list[PlannedEpisode], *, workers: int, concurrency: int) -> list[tuple[list[str], int]]:
    """Round-robin keys (so each worker gets a like mix of cases) and an even split of the width."""
    n = max(1, min(workers, len(todo)))
    return [([p.key for p in todo[i::n]], max(1, concurrency // n + (1 if i < concurrency % n else 0)))
            for i in range(n)]


async def run_shares(todo: list[PlannedEpisode], spec: BatchSpec, *, db: str | Path, run_id: str, workers: int,
                     progress: Progress, on_progress: Callable[[Progress], None] | None,
                     stop: asyncio.Event | None) -> None:
    """Run `todo` in worker processes; `progress` is updated as their reports arrive."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    flag = context.Event()
    parts = shares(todo, workers=workers, concurrency=spec.concurrency)
    procs = []
    for index, (keys, width) in enumerate(parts):
        share = _Share(spec=spec.model_dump(mode="json"), db=str(db), run_id=run_id, index=index, keys=keys,
                       concurrency=width, workers=len(parts))
        proc = context.Process(target=_worker_main, args=(share.model_dump(), queue, flag), daemon=True)
        proc.start()
        procs.append((proc, len(keys)))
    ended, reported = 0, [0] * len(procs)
    try:
        while ended < len(procs):
            if stop is not None and stop.is_set():
                flag.set()  # workers cancel their episodes, which are recorded as aborted
            message = await _next(queue)
            if message is None:
                if all(not p.is_alive() for p, _ in procs):
                    break  # every worker is gone; a crashed one's episodes stay unfinished (resume reruns them)
                continue
            index, report = message
            if report.kind == "end":
                ended += 1
                continue
            reported[index] += 1
            progress.errors.extend(report.errors)
            if report.kind == "done":
                progress.done += 1
                progress.cost_usd += report.cost
            else:
                progress.failed += 1
            if on_progress:
                on_progress(progress)
    finally:
        flag.set()
        for proc, _ in procs:
            await asyncio.to_thread(proc.join, 30)
    lost = sum(size - got for (_, size), got in zip(procs, reported, strict=True))
    if lost and not (stop is not None and stop.is_set()):
        progress.errors.append(f"{lost} episodes were not run: a worker process died")


async def _next(queue: Any) -> tuple[int, _Report] | None:
    import queue as stdlib_queue

    try:
        index, data = await asyncio.to_thread(queue.get, True, 0.2)
    except stdlib_queue.Empty:
        return None
    return index, _Report.model_validate(data)


def _worker_main(share_data: dict[str, Any], queue: Any, flag: StopFlag) -> None:
    share = _Share.model_validate(share_data)
    try:
        asyncio.run(_work(share, queue, flag))
    finally:
        queue.put((share.index, _Report(kind="end").model_dump()))


async def _work(share: _Share, queue: Any, flag: StopFlag) -> None:
    from agentsim.batch.runner import Progress, _attempt, _RemoteResult, plan
    from agentsim.cases.library import load_catalogue, load_rubric
    from agentsim.llm.limits import run_width
    from agentsim.model.episode import Termination

    spec = BatchSpec.model_validate(share.spec)
    wanted = set(share.keys)
    items = [p for p in plan(spec) if p.key in wanted]
    if len(items) != len(wanted):
        raise UserError("the batch plan changed under the worker: its keys are not all in the plan")
    rubric, catalogue = load_rubric(), load_catalogue()
    limit = asyncio.Semaphore(share.concurrency)

    async def one(item: PlannedEpisode) -> None:
        async with limit:
            if flag.is_set():
                return
            local = Progress(total=1)
            result = await _attempt(item, spec, run_id=share.run_id, db=share.db, rubric=rubric,
                                    catalogue=catalogue, progress=local)
            if result is None or Termination(result.termination) is Termination.ABORTED:
                report = _Report(kind="failed", errors=local.errors)
            else:
                cost = result.cost if isinstance(result, _RemoteResult) else (
                    result.score.cost.total if result.score else 0.0)
                report = _Report(kind="done", cost=cost, errors=local.errors)
            queue.put((share.index, report.model_dump()))

    with run_width(share.concurrency, workers=share.workers):
        tasks = [asyncio.create_task(one(item)) for item in items]
        watcher = asyncio.create_task(_cancel_on(flag, tasks))
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            watcher.cancel()


async def _cancel_on(flag: StopFlag, tasks: list[asyncio.Task[None]]) -> None:
    parent = os.getppid()
    while not flag.is_set():
        if os.getppid() != parent:  # the batch process was killed (kill -9): die with it, as one process would
            os._exit(1)  # its unfinished episodes are discarded by `batch resume`
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
