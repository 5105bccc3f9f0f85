"""/doctors: the registered doctors a run may name (plug-ins are for the command line only)."""

from __future__ import annotations

from fastapi import APIRouter

from agentsim.api.models import DoctorPublic

router = APIRouter(prefix="/doctors", tags=["library"])


@router.get("", response_model=list[DoctorPublic], summary="List the doctors a run may use")
def list_doctors() -> list[DoctorPublic]:
    from agentsim.agents.registry import DOCTOR_HELP, DOCTORS

    return [DoctorPublic(name=name, description=DOCTOR_HELP.get(name, "")) for name in sorted(DOCTORS)]
