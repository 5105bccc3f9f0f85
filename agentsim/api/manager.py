"""Runs executing inside the server: one asyncio task each, on the server's event loop.

The engine is async and a SQLite turn commit takes well under a millisecond, so the loop stays free for
requests between agent steps. The manager only knows runs started by this process; a run another process
(or an earlier server) is executing shows `active: false` and cannot be cancelled from here.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from agentsim.batch.spec import BatchSpec
from agentsim.model.episode import RunStatus

log = logging.getLogger("agentsim.api")


@dataclass
class ActiveRun:
    run_id: str
    stop: asyncio.Event
    task: asyncio.Task | None = None


_warmed = False


def warm_up() -> None:
    """Everything a first episode would otherwise load on the event loop (seconds: the case library and
    test catalogue are pure-Python YAML, the engine imports langgraph, the patient loads its matcher).
    Called in a thread at startup so the first run does not stall every other request."""
    global _warmed
    if _warmed:  # the caches it fills are per process: a second app in the same process needs none of it
        return
    from agentsim.api.crud import library_cases
    from agentsim.cases.library import load_catalogue, load_rubric
    from agentsim.engine import episode  # noqa: F401 - the import is the warm-up
    from agentsim.judge import rubric  # noqa: F401
    from agentsim.match.semantic import embed

    library_cases()
    load_catalogue()
    load_rubric()
    embed(["warm up"])
    _warmed = True


class RunManager:
    def __init__(self, db_url: str):
        self.db_url = db_url
        self._active: dict[str, ActiveRun] = {}

    def start(self, run_id: str, spec: BatchSpec) -> ActiveRun:
        """The run row must exist already: the runner treats it as a run to resume, and an empty run
        resumes as a fresh one."""
        active = ActiveRun(run_id=run_id, stop=asyncio.Event())
        self._active[run_id] = active
        active.task = asyncio.create_task(self._execute(active, spec), name=f"run-{run_id}")
        return active

    def get(self, run_id: str) -> ActiveRun | None:
        return self._active.get(run_id)

    def cancel(self, run_id: str) -> bool:
        active = self._active.get(run_id)
        if active is None:
            return False
        active.stop.set()  # the runner cancels episodes in flight, records them aborted, marks the run
        return True

    @property
    def count(self) -> int:
        return len(self._active)

    async def shutdown(self, grace_seconds: float) -> None:
        """Stop every run so each is marked interrupted (resumable with `agentsim batch resume`)."""
        tasks = [a.task for a in self._active.values() if a.task is not None]
        for active in self._active.values():
            active.stop.set()
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace_seconds or None)
            for task in pending:
                task.cancel()

    async def _execute(self, active: ActiveRun, spec: BatchSpec) -> None:
        from agentsim.batch.runner import run_batch
        from agentsim.store.runs import set_run_status

        try:
            # progress is read back from the episode rows, which the runner writes as it goes
            outcome = await run_batch(spec, db=self.db_url, run_id=active.run_id, stop=active.stop)
            log.info("run %s %s: %d done, %d failed", active.run_id, outcome.status, outcome.progress.done,
                     outcome.progress.failed)
        except asyncio.CancelledError:
            set_run_status(active.run_id, RunStatus.INTERRUPTED, db=self.db_url)
            raise
        except Exception as exc:  # the run must not stay "running" forever after a crash of the runner
            log.exception("run %s failed: %s", active.run_id, exc)
            set_run_status(active.run_id, RunStatus.FAILED, db=self.db_url)
        finally:
            self._active.pop(active.run_id, None)
