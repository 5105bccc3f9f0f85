"""/runs: start a batch in the background, follow its progress, cancel it, list its episodes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool

from agentsim.api import crud
from agentsim.api.deps import DbDep, PageDep, RunsDep, SettingsDep
from agentsim.api.errors import BUSY, INVALID, NOT_FOUND, TOO_LARGE, invalid, not_found
from agentsim.api.models import Cancelled, EpisodePublic, ErrorBody, Page, RunAccepted, RunDetail, RunPublic
from agentsim.api.specs import RunCreate
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
    from agentsim.batch.runner import plan

    if runs.count >= settings.max_active_runs:  # every run shares this process's loop and database
        raise HTTPException(429, detail=f"{runs.count} runs are already running here (the limit is "
                                        f"{settings.max_active_runs}); wait for one, or cancel one")
    spec = body.to_batch_spec()
    try:
        # the first plan parses the case library (seconds): keep it off the event loop
        planned = len(await run_in_threadpool(plan, spec))
    except UserError as exc:
        raise invalid(("body", "cases"), str(exc)) from None
    if planned > settings.max_run_episodes:
        raise invalid(("body",), f"the spec expands to {planned} episodes; this server runs at most "
                                 f"{settings.max_run_episodes} per run")
    run_id = uuid.uuid4().hex
    await run_in_threadpool(run_store.create_run, run_id=run_id, name=spec.name,
                            spec=spec.model_dump(mode="json"), db=db)
    runs.start(run_id, spec)
    status_url = str(request.url_for("get_run", run_id=run_id))
    response.headers["Location"] = status_url
    return RunAccepted(run_id=run_id, status=RunStatus.RUNNING, planned=planned, status_url=status_url)


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
    """The run ends with status `interrupted`; `agentsim batch resume RUN_ID` can finish it later."""
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
