"""Patient audits stored like a run: one `runs` row whose spec holds the audit (kind "patient_audit"), so
`agentsim` lists them beside batches and two patients' audits can be compared from the database."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from agentsim.model.episode import RunStatus
from agentsim.store.db import session
from agentsim.store.runs import create_run, set_run_status
from agentsim.store.tables import RunRow

KIND = "patient_audit"


def save_audit(audit: Any, *, db: str | Path | None) -> str:
    """`audit` is an agentsim.audit.patient.PatientAudit; returns the run id."""
    run_id = f"audit-{uuid.uuid4().hex[:12]}"
    spec = {"kind": KIND, "summary": audit.summary(), "audit": audit.model_dump(mode="json")}
    create_run(run_id=run_id, name=f"audit patient {audit.patient}", spec=spec, db=db)
    set_run_status(run_id, RunStatus.COMPLETED, db=db)
    return run_id


def list_audits(*, db: str | Path | None) -> list[dict[str, Any]]:
    """Stored patient audits, newest first: run id, created_at and the summary."""
    with session(db) as s:
        rows = s.exec(select(RunRow).order_by(col(RunRow.created_at).desc()))
        return [{"run_id": r.id, "created_at": r.created_at.isoformat(), **r.spec.get("summary", {})}
                for r in rows if r.spec.get("kind") == KIND]
