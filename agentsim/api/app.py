"""The FastAPI app factory. `agentsim serve` runs it under uvicorn; tests call create_app directly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from agentsim.api import errors, web
from agentsim.api.deps import bearer_scheme
from agentsim.api.manager import RunManager
from agentsim.api.middleware import BearerAuthMiddleware, BodyLimitMiddleware
from agentsim.api.routes import cases, doctors, episodes, health, personas, reports, runs
from agentsim.api.settings import ApiSettings

log = logging.getLogger("agentsim.api")

DESCRIPTION = """\
Run batches of simulated diagnostic consultations and read back every logged turn and score.

When the server has `AGENTSIM_API_TOKEN`, every route but `/health` needs `Authorization: Bearer <token>`.
Errors are `{"error": code, "detail": message}`; a 422's `detail` lists the fields at fault.
"""


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    manager = RunManager(settings.db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from agentsim.api.manager import warm_up
        from agentsim.store.db import get_engine

        await asyncio.to_thread(get_engine, settings.db_url)  # creates the tables; a bad URL fails startup
        warm = asyncio.create_task(asyncio.to_thread(warm_up))  # in the background: startup stays instant
        yield
        warm.cancel()  # a thread cannot be stopped; this only drops our interest in it
        await manager.shutdown(settings.shutdown_grace_seconds)

    from fastapi_offline import FastAPIOffline  # /docs from assets shipped in the package: works offline

    app: FastAPI = FastAPIOffline(title="agentsim", version=_version(), description=DESCRIPTION, lifespan=lifespan,
                                  redoc_url=None)
    app.state.settings = settings
    app.state.runs = manager
    errors.install(app)

    app.include_router(health.router)
    # the dependency only documents the scheme in OpenAPI; BearerAuthMiddleware enforces it
    protected = [Depends(bearer_scheme)] if settings.auth_enabled else []
    responses = {**errors.INVALID, **(errors.UNAUTHORIZED if settings.auth_enabled else {})}
    for module in (runs, reports, episodes, cases, personas, doctors):
        app.include_router(module.router, dependencies=protected, responses=responses)
    web.install(app)  # the viewer's pages under / and /view/: the same token, from a login form's cookie

    # added last = runs first: auth before the body is read, so a stranger's large body costs nothing
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.api_token is not None:
        app.add_middleware(BearerAuthMiddleware, token=settings.api_token.get_secret_value(),
                           admin_token=settings.admin_token.get_secret_value() if settings.admin_token else None)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("agentsim")
    except PackageNotFoundError:
        return "0.0.0"
