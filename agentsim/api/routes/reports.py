"""/runs/{id}/report: the run's report, built by agentsim.report (imported only when asked for)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from agentsim.api.deps import DbDep
from agentsim.api.errors import NOT_FOUND, not_found
from agentsim.store import browse

router = APIRouter(tags=["runs"])


@router.get("/runs/{run_id}/report", response_model=dict[str, Any],
            responses={**NOT_FOUND},
            summary="A run's report: accuracy, cost and turns per doctor")
def get_report(run_id: str, db: DbDep) -> dict[str, Any]:
    if browse.find_run(run_id, db=db) is None:
        raise not_found(f"no run {run_id!r}")
    from agentsim.report import build_report  # lazily: a report pulls in its statistics only when asked

    return build_report(run_id, db=db).model_dump(mode="json")
