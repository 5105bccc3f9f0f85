"""Dependencies as Annotated aliases: routes declare what they need by type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPBearer

from agentsim.api.manager import RunManager
from agentsim.api.settings import ApiSettings
from agentsim.api.sse import StreamSlots

# documents the bearer scheme in OpenAPI (the "Authorize" button); the check itself is BearerAuthMiddleware,
# which runs before routing so that unknown paths and bad bodies get the same 401
bearer_scheme = HTTPBearer(auto_error=False, description="AGENTSIM_API_TOKEN (or the admin token)")


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


def get_db(request: Request) -> str:
    settings: ApiSettings = request.app.state.settings
    return settings.db_url


def get_runs(request: Request) -> RunManager:
    runs: RunManager = request.app.state.runs
    return runs


def get_streams(request: Request) -> StreamSlots:
    streams: StreamSlots = request.app.state.streams
    return streams


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
StreamsDep = Annotated[StreamSlots, Depends(get_streams)]
DbDep = Annotated[str, Depends(get_db)]
RunsDep = Annotated[RunManager, Depends(get_runs)]


MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, description="page size (default and maximum: server settings)")]
    = None,
    # bounded: a larger OFFSET overflows the database's 64-bit integer (a 500 from SQLite, found by fuzzing)
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")] = 0,
) -> PageParams:
    # the maximum is a setting, so it cannot be a static Query(le=...); the error has the same shape
    if limit is not None and limit > settings.max_page_size:
        raise RequestValidationError([{
            "type": "less_than_equal", "loc": ("query", "limit"), "input": limit,
            "msg": f"Input should be less than or equal to {settings.max_page_size}",
        }])
    return PageParams(limit=limit or settings.page_size, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]
