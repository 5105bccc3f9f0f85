"""Who the viewer is talking to: the login form that sets the session cookie, and who may see full cases.

The token is typed into a form once and never appears in a URL; the cookie holds an HMAC of it
(agentsim.api.middleware.session_value), is HttpOnly and SameSite=Strict, and authenticates reads only.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from agentsim.api.middleware import SESSION_COOKIE, bearer_token, session_cookie, session_value, token_matches
from agentsim.api.settings import ApiSettings
from agentsim.api.web.render import page

router = APIRouter(include_in_schema=False)
SESSION_SECONDS = 12 * 3600


def can_see_full_cases(request: Request) -> bool:
    """The API's rule for GET /cases/{id}?full=true: only with the admin token (here: its bearer header or
    the cookie made from it). `agentsim view` alone opens them: a local viewer of one's own database."""
    settings: ApiSettings = request.app.state.settings
    if settings.viewer_full_cases:
        return True
    if settings.admin_token is None:
        return False
    admin = settings.admin_token.get_secret_value()
    return token_matches(bearer_token(request.scope), admin) or \
        token_matches(session_cookie(request.scope), session_value(admin))


def safe_next(target: str | None) -> str:
    """Only a path on this server: never `//host` or `https://...` (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse, name="view_login")
def login_form(request: Request, next: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    settings: ApiSettings = request.app.state.settings
    if settings.api_token is None:  # nothing to log in to
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, "login.html", title="Sign in", next=safe_next(next), error=None)


@router.post("/login", name="view_login_submit")
async def login(request: Request) -> Response:
    settings: ApiSettings = request.app.state.settings
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0].strip()
    target = safe_next((form.get("next") or ["/"])[0])
    if settings.api_token is None:
        return RedirectResponse(target, status_code=303)
    secrets = [settings.api_token.get_secret_value()]
    if settings.admin_token is not None:
        secrets.append(settings.admin_token.get_secret_value())
    match = next((s for s in secrets if token_matches(token, s)), None)
    if match is None:
        response = page(request, "login.html", title="Sign in", next=target, error="That token is not right.")
        response.status_code = 401
        return response
    redirect = RedirectResponse(target, status_code=303)
    redirect.set_cookie(SESSION_COOKIE, session_value(match), max_age=SESSION_SECONDS, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")
    return redirect


@router.get("/view/logout", name="view_logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
