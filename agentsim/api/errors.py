"""One error body everywhere: {"error": code, "detail": message-or-field-list}."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from agentsim.api.models import ErrorBody
from agentsim.errors import NotFoundError, UserError

log = logging.getLogger("agentsim.api")

# for the OpenAPI `responses=` of routes, typed as FastAPI takes them
Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": ErrorBody, "description": "no such id"}}
INVALID: Responses = {422: {"model": ErrorBody,
                             "description": "the body or a parameter is invalid; `detail` names the field"}}
TOO_LARGE: Responses = {413: {"model": ErrorBody, "description": "the request body is over the server's limit"}}
BUSY: Responses = {429: {"model": ErrorBody, "description": "too many runs are running on this server"}}
STREAMS_BUSY: Responses = {503: {"model": ErrorBody,
                                  "description": "too many streams are open; retry after Retry-After"}}
UNAUTHORIZED: Responses = {401: {"model": ErrorBody, "description": "missing or wrong bearer token"}}


def error_code(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def not_found(message: str) -> HTTPException:
    return HTTPException(404, detail=message)


def invalid(loc: tuple[str | int, ...], message: str) -> RequestValidationError:
    """A 422 raised by a route after validation, shaped like pydantic's (e.g. a spec selecting no case)."""
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": message}])


def _body(status: int, detail: Any) -> dict[str, Any]:
    return {"error": "validation_error" if status == 422 else error_code(status), "detail": detail}


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    detail = exc.detail if isinstance(exc.detail, str | list) else str(exc.detail)
    if _wants_page(request):  # a browser on a viewer page gets a page, with a way back
        from agentsim.api.web.render import error_page

        return error_page(request, exc.status_code, str(detail))
    return JSONResponse(_body(exc.status_code, detail), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    # loc, msg and type only: echoing `input` back could repeat a large or sensitive body
    fields = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in exc.errors()]
    return JSONResponse(jsonable_encoder(_body(422, fields)), status_code=422)


async def _user_error(_request: Request, exc: UserError) -> JSONResponse:
    status = 404 if isinstance(exc, NotFoundError) else 422
    return JSONResponse(_body(status, str(exc)), status_code=status)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error: %s", exc)
    return JSONResponse(_body(500, "internal server error (see the server log)"), status_code=500)


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return (path == "/" or path.startswith("/view/")) and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    # Starlette's stub types every handler as taking Exception: it cannot tie a handler's parameter to the class
    # it is registered for, though it only ever calls each one with an instance of that class
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(UserError, _user_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
