"""/runs: start a batch in the background, follow its progress, cancel it, list its episodes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool

from agentsim.api import crud
from agentsim.api.deps import DbDep, PageDep, RunsDep, SettingsDep
from agentsim.api.errors import BUSY, INVALID, NOT_FOUND, TOO_LARGE, invalid, not_found
from agentsim.api.manager import RunLimitError, RunManager
from agentsim.api.models import Cancelled, EpisodePublic, ErrorBody, Page, RunAccepted, RunDetail, RunPublic
from agentsim.api.specs import RunCreate
from agentsim.batch.spec import BatchSpec
from agentsim.errors import UserError
from agentsim.model.episode import RunStatus
from agentsim.store import browse
from agentsim.store import runs as run_store

router = APIRouter(prefix="/runs", tags=["runs"])


@router.post("", status_code=202, response_model=RunAccepted, responses={**INVALID, **TOO_LARGE, **BUSY},
             summary="Start a batch run in the background")
async def create_run(body: RunCreate, request: Request, response: Response, db: DbDep, runs: RunsDep,
                     settings: SettingsDep) -> RunAccepted:
    """Validates the spec, records the run and returns at once; poll `status_url` (or stream an episode)."""
    _reserve(runs, settings.max_active_runs)  # every run shares this process's loop and database
    try:
        spec = body.to_batch_spec()
        planned = await _checked_size(spec, limit=settings.max_run_episodes)
        run_id = uuid.uuid4().hex
        await run_in_threadpool(run_store.create_run, run_id=run_id, name=spec.name,
                                spec=spec.model_dump(mode="json"), db=db)
    except BaseException:
        runs.unreserve()
        raise
    runs.start(run_id, spec)
    status_url = str(request.url_for("get_run", run_id=run_id))
    response.headers["Location"] = status_url
    return RunAccepted(run_id=run_id, status=RunStatus.RUNNING, planned=planned, status_url=status_url)


@router.post("/{run_id}/resume", status_code=202, response_model=RunAccepted,
             responses={**NOT_FOUND, **INVALID, **BUSY, 409: {"model": ErrorBody, "description":
                        "the run is executing (here or elsewhere) or already completed"}},
             summary="Resume an interrupted or incomplete run: only its unfinished episodes run again")
async def resume_run(run_id: str, request: Request, response: Response, db: DbDep, runs: RunsDep,
                     settings: SettingsDep) -> RunAccepted:
    """The same as `agentsim batch resume RUN_ID`. Refused (409) while any executor holds the run's lease.
    Credentials are never stored with a run: the agents take them from the server's environment."""
    from pydantic import ValidationError

    from agentsim.batch.lease import lease_seconds
    from agentsim.store.leases import LeaseHeldError, acquire, release

    row = await run_in_threadpool(browse.find_run, run_id, db=db)
    if row is None:
        raise not_found(f"no run {run_id!r}")
    if runs.get(run_id) is not None:
        raise HTTPException(409, detail=f"run {run_id!r} is already running in this server")
    if row.status == RunStatus.COMPLETED:
        raise HTTPException(409, detail=f"run {run_id!r} is completed: there is nothing to resume")
    try:  # a run written from the CLI may name plug-in files or hosts, which the API never loads
        stored, _dropped = BatchSpec.model_validate(row.spec or {}).without_redacted()  # keys: the server's env
        spec = RunCreate.model_validate(stored.model_dump(mode="json")).to_batch_spec()
    except ValidationError as exc:
        raise invalid(("path", "run_id"), f"this run's spec names agents or options the API does not accept "
                                          f"({exc.errors()[0]['msg']}); resume it with `agentsim batch resume "
                                          f"{run_id[:12]}`") from None
    _reserve(runs, settings.max_active_runs)
    try:
        planned = await _checked_size(spec, limit=settings.max_run_episodes)
        lease = await run_in_threadpool(acquire, run_id, db=db, ttl_seconds=lease_seconds())
    except LeaseHeldError as exc:
        runs.unreserve()
        raise HTTPException(409, detail=str(exc)) from None
    except BaseException:
        runs.unreserve()
        raise
    try:
        runs.start(run_id, spec, lease=lease)
    except BaseException:
        await run_in_threadpool(release, lease, db=db)
        raise
    status_url = str(request.url_for("get_run", run_id=run_id))
    response.headers["Location"] = status_url
    return RunAccepted(run_id=run_id, status="running", planned=planned, status_url=status_url)


def _reserve(runs: RunManager, limit: int) -> None:
    try:
        runs.reserve(limit=limit)
    except RunLimitError as exc:
        raise HTTPException(429, detail=str(exc)) from None


async def _checked_size(spec: BatchSpec, *, limit: int) -> int:
    """The spec's episode count from its list lengths, refused (422) past `limit` before any plan is built
    (50 doctors x 34 personas x 1000 repeats once built 59.5 million plans and took the server down)."""
    from agentsim.cases.library import load_all_cases

    try:
        # the first load parses the case library (seconds): keep it off the event loop
        planned = spec.episode_count(await run_in_threadpool(load_all_cases))
    except UserError as exc:
        raise invalid(("body", "cases"), str(exc)) from None
    if planned > limit:
        raise invalid(("body",), f"the spec expands to {planned} episodes; this server runs at most {limit} per run")
    return planned


@router.get("", response_model=Page[RunPublic], summary="List runs, newest first")
def list_runs(db: DbDep, runs: RunsDep, page: PageDep) -> Page[RunPublic]:
    rows = run_store.list_runs(db=db, limit=page.limit, offset=page.offset)
    return Page[RunPublic](items=[crud.run_public(r, active=runs.get(r.id) is not None) for r in rows],
                           total=browse.count_runs(db=db), limit=page.limit, offset=page.offset)


@router.get("/{run_id}", response_model=RunDetail, responses=NOT_FOUND,
            summary="A run's status, progress counts and cost so far")
def get_run(run_id: str, db: DbDep, runs: RunsDep) -> RunDetail:
    row = browse.find_run(run_id, db=db)
    if row is None:
        raise not_found(f"no run {run_id!r}")
    return crud.run_detail(row, db=db, active=runs.get(run_id) is not None)


@router.post("/{run_id}/cancel", status_code=202, response_model=Cancelled,
             responses={**NOT_FOUND, 409: {"model": ErrorBody, "description": "the run is not running here"}},
             summary="Stop a running run (episodes in flight are recorded as aborted)")
async def cancel_run(run_id: str, db: DbDep, runs: RunsDep) -> Cancelled:
    """The run ends with status `interrupted`; `POST /runs/{id}/resume` (or `agentsim batch resume RUN_ID`)
    can finish it later."""
    if runs.cancel(run_id):
        return Cancelled(run_id=run_id)
    row = await run_in_threadpool(browse.find_run, run_id, db=db)
    if row is None:
        raise not_found(f"no run {run_id!r}")
    raise HTTPException(409, detail=f"run {run_id!r} is not running in this server (status: {row.status})")


@router.get("/{run_id}/episodes", response_model=Page[EpisodePublic], responses=NOT_FOUND,
            summary="A run's episodes, newest first")
def list_run_episodes(run_id: str, db: DbDep, page: PageDep) -> Page[EpisodePublic]:
    if browse.find_run(run_id, db=db) is None:
        raise not_found(f"no run {run_id!r}")
    rows, total = browse.episode_page(db=db, run_id=run_id, limit=page.limit, offset=page.offset)
    return Page[EpisodePublic](items=[crud.episode_public(r) for r in rows], total=total, limit=page.limit,
                               offset=page.offset)
