"""/health: liveness, always open (the auth middleware lets it through)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from agentsim.api.deps import SettingsDep
from agentsim.api.models import Health

router = APIRouter(tags=["meta"])


@router.get("/health", response_model=Health, summary="Liveness check (no token needed)")
def health(request: Request, settings: SettingsDep) -> Health:
    # nothing about runs or the database: this route answers anyone
    return Health(version=request.app.version, auth=settings.auth_enabled)
