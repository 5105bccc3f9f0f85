"""/personas: the patient personas a run may name."""

from __future__ import annotations

from fastapi import APIRouter

from agentsim.api import crud
from agentsim.api.models import PersonaPublic

router = APIRouter(prefix="/personas", tags=["library"])


@router.get("", response_model=list[PersonaPublic], summary="List the patient personas")
def list_personas() -> list[PersonaPublic]:
    return crud.library_personas()
