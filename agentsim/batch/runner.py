"""The batch runner: owns concurrency, retries, persistence and resume. run_episode stays free of them.

Each planned episode has a key (case, doctor, persona, seed) within its run. A resume runs only the keys
that have no completed episode; unfinished ones (failed, aborted, cut off by a killed process) are
discarded first, so a run ends with each key exactly once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agentsim.batch.lease import held
from agentsim.batch.spec import BatchSpec, DoctorSpec, episode_key
from agentsim.cases.library import load_all_cases, load_catalogue, load_rubric
from agentsim.errors import UserError
from agentsim.llm import limits
from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import EpisodeResult, RunStatus, Termination
from agentsim.model.rubric import RubricConfig
from agentsim.model.spec import EpisodeSpec, JudgeSpec, RoleSpec
from agentsim.secrets import redact_text
from agentsim.store import runs
from agentsim.store.leases import Lease


@dataclass(frozen=True)
class PlannedEpisode:
    key: str
    case: Case
    doctor: DoctorSpec
    persona: str | None
    seed: int


@dataclass
class Progress:
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    cost_usd: float = 0.0
    errors: list[str] = field(default_factory=list)


@dataclass
class BatchOutcome:
    run_id: str
    progress: Progress
    status: RunStatus


def plan(spec: BatchSpec) -> list[PlannedEpisode]:
    cases = spec.select_cases(load_all_cases())
    episodes = []
    for case in cases:
        for doctor in spec.doctors:
            for persona in spec.personas:
                for repeat in range(spec.repeats):
                    seed = spec.seed + repeat
                    key = episode_key(case_id=case.id, doctor=doctor.display, persona=persona, seed=seed)
                    episodes.append(PlannedEpisode(key, case, doctor, persona, seed))
    return episodes


async def run_batch(spec: BatchSpec, *, db: str | Path, run_id: str | None = None,
                    on_progress: Callable[[Progress], None] | None = None,
                    stop: asyncio.Event | None = None, executor: str = "local",
                    ray_address: str | None = None, lease: Lease | None = None, workers: int = 1) -> BatchOutcome:
    """Start a new run (run_id None) or resume one. Returns when every planned episode is done, or after
    `stop` is set (episodes in flight are cancelled and recorded as aborted). `executor` is "local"
    (asyncio in this process, or `workers` processes of this machine: see pool.py) or "ray" (Ray tasks, see
    ray_executor.py). The run's lease is taken first (or `lease`, one the caller holds): a run another
    executor holds is refused with LeaseHeldError."""
    if executor not in {"local", "ray"}:
        raise UserError(f"unknown executor {executor!r}: use local or ray")
    if executor == "ray":
        from agentsim.batch import ray_executor

        ray_executor.start(ray_address)
    if run_id is None:
        run_id = uuid.uuid4().hex
        runs.create_run(run_id=run_id, name=spec.name, spec=spec.model_dump(mode="json"), db=db)
    stop = stop or asyncio.Event()
    lost = asyncio.Event()  # set if another executor took the run over: stop, and leave its rows alone
    async with held(run_id, db=db, lost=lost, lease=lease):
        return await _execute(spec, db=db, run_id=run_id, on_progress=on_progress, stop=stop, lost=lost,
                              executor=executor, workers=workers)


async def _execute(spec: BatchSpec, *, db: str | Path, run_id: str, on_progress: Callable[[Progress], None] | None,
                   stop: asyncio.Event, lost: asyncio.Event, executor: str, workers: int) -> BatchOutcome:
    """The run's work, under its lease: nobody else deletes or adds its episodes meanwhile."""
    runs.discard_unfinished(run_id, db=db)
    runs.set_run_status(run_id, RunStatus.RUNNING, db=db)
    todo = plan(spec)
    finished = runs.completed_keys(run_id, db=db)
    progress = Progress(total=len(todo), skipped=sum(p.key in finished for p in todo))
    todo = [p for p in todo if p.key not in finished]
    if executor == "local" and workers > 1 and len(todo) > 1:  # the pool's processes run the episodes
        from agentsim.batch import pool

        try:
            await pool.run_shares(todo, spec, db=db, run_id=run_id, workers=workers, progress=progress,
                                  on_progress=on_progress, stop=stop)
        finally:
            status = _final_status(progress, len(todo), stop, lost)
            if not lost.is_set():  # the run is another executor's now: its status is theirs to write
                runs.set_run_status(run_id, status, db=db)
        return BatchOutcome(run_id=run_id, progress=progress, status=status)
    rubric, catalogue = load_rubric(), load_catalogue()
    limit = asyncio.Semaphore(spec.concurrency)

    async def one(item: PlannedEpisode) -> None:
        async with limit:
            if stop.is_set() or lost.is_set():
                return
            result = await _attempt(item, spec, run_id=run_id, db=db, rubric=rubric, catalogue=catalogue,
                                    progress=progress, remote=executor == "ray")
            if result is None or Termination(result.termination) is Termination.ABORTED:
                progress.failed += 1
            else:
                progress.done += 1
                progress.cost_usd += result.cost if isinstance(result, _RemoteResult) else (
                    result.score.cost.total if result.score else 0.0)
            if on_progress:
                on_progress(progress)

    width = limits.run_width(spec.concurrency)  # the batch's width governs the LLM in-flight limit
    with width:
        tasks = [asyncio.create_task(one(item)) for item in todo]
    watcher = asyncio.create_task(_cancel_on(stop, lost, tasks))
    status = RunStatus.COMPLETED
    try:
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        watcher.cancel()
        status = _final_status(progress, len(todo), stop, lost)
        if not lost.is_set():  # the run is another executor's now: its status is theirs to write
            runs.set_run_status(run_id, status, db=db)
    return BatchOutcome(run_id=run_id, progress=progress, status=status)


def _final_status(progress: Progress, planned: int, stop: asyncio.Event, lost: asyncio.Event) -> RunStatus:
    if stop.is_set() or lost.is_set():
        return RunStatus.INTERRUPTED
    return RunStatus.COMPLETED if planned - progress.done == 0 else RunStatus.INCOMPLETE


def episode_spec(item: PlannedEpisode, spec: BatchSpec, *, run_id: str, rubric: RubricConfig | str = "default",
                 case: Case | str | None = None) -> EpisodeSpec:
    """The planned episode as an EpisodeSpec; `case` overrides the planned case (a remote worker loads it by id)."""
    return EpisodeSpec(
        case=case if case is not None else item.case,
        doctor=RoleSpec(ref=item.doctor.name, options=item.doctor.doctor_options()),
        patient=RoleSpec(ref=spec.patient, options={**spec.patient_options,
                                                    **({"model": spec.patient_model} if spec.patient_model else {})}),
        gatekeeper=RoleSpec(ref=spec.gatekeeper, options={
            **spec.gatekeeper_options, **({"model": spec.gatekeeper_model} if spec.gatekeeper_model else {})}),
        persona=item.persona, max_turns=spec.max_turns, budget=spec.budget, seed=item.seed, rubric=rubric,
        judge=JudgeSpec(model=spec.judge_model), run_id=run_id, key=item.key,
    )


async def _attempt(item: PlannedEpisode, spec: BatchSpec, *, run_id: str, db: str | Path, rubric: RubricConfig,
                   catalogue: Catalogue, progress: Progress,
                   remote: bool = False) -> EpisodeResult | _RemoteResult | None:
    from agentsim.engine.episode import arun_episode

    for attempt in range(spec.retries + 1):
        try:
            if remote:
                from agentsim.batch import ray_executor

                wire = episode_spec(item, spec, run_id=run_id, case=item.case.id).model_dump(mode="json")
                return _RemoteResult(**await ray_executor.run_remote(wire, str(db)))
            return await arun_episode(episode_spec(item, spec, run_id=run_id, rubric=rubric), db=db,
                                      catalogue=catalogue)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a crash of the episode itself (not a doctor_error): retry, bounded
            message = redact_text(f"{item.key}: attempt {attempt + 1}: {type(exc).__name__}: {exc}")
            progress.errors.append(message)
            if attempt < spec.retries:
                runs.discard_unfinished(run_id, db=db, key=item.key)  # the retry replaces the crashed row
                await asyncio.sleep(min(2.0, 0.1 * 2**attempt))
    return None


@dataclass(frozen=True)
class _RemoteResult:
    """What a Ray task sends back: the episode itself is in the database already."""

    termination: str
    cost: float
    episode_id: str

    @property
    def score(self) -> None:
        return None


async def _cancel_on(stop: asyncio.Event, lost: asyncio.Event, tasks: list[asyncio.Task]) -> None:
    waits = [asyncio.create_task(stop.wait()), asyncio.create_task(lost.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    for task in tasks:
        task.cancel()
