"""Pure ASGI middleware: bearer-token auth and a request-body bound.

Both run before routing, so they also cover unknown paths (no route discovery without a token) and an
unauthenticated client never gets its body read. Pure ASGI rather than BaseHTTPMiddleware so the SSE
stream is passed through untouched.
"""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPEN_PATHS = frozenset({"/health", "/login"})
# public files (stylesheets, scripts, the Swagger UI bundle): nothing in them is the server's data
OPEN_PREFIXES = ("/view/static/", "/static-offline-docs/")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# the viewer's cookie authenticates reads only: a cross-site form can then never start or cancel a run
_COOKIE_METHODS = frozenset({"GET", "HEAD"})
SESSION_COOKIE = "agentsim_session"


async def send_error(send: Send, status: int, error: str, detail: str,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """The same body shape as the app's exception handlers: {"error": code, "detail": message}."""
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


def session_value(token: str) -> str:
    """The viewer's cookie: derived from the token (an HMAC), so a leaked cookie never reveals the token
    itself, and changing the token logs every browser out."""
    return hmac.new(token.encode(), b"agentsim viewer session v1", "sha256").hexdigest()


def session_cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == SESSION_COOKIE and val:
                    return str(val)
    return None


def is_page(scope: Scope) -> bool:
    """A browser page of the viewer, or /docs asked for by a browser: these redirect to the login form."""
    path = scope["path"]
    if path == "/" or path.startswith("/view/"):
        return True
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return path == "/docs" and b"text/html" in accept


def token_matches(given: str | None, *expected: str | None) -> bool:
    """Constant-time: the comparison takes as long whichever character differs first."""
    if given is None:
        return False
    ok = False
    for secret in expected:
        if secret is not None:
            ok |= hmac.compare_digest(given.encode(), secret.encode())
    return ok


class BearerAuthMiddleware:
    """401 for any path but /health unless `Authorization: Bearer` carries the API (or admin) token."""

    def __init__(self, app: ASGIApp, *, token: str, admin_token: str | None = None):
        self.app = app
        self.token = token
        self.admin_token = admin_token  # the admin may do everything a user may

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        if token_matches(bearer_token(scope), self.token, self.admin_token) or self._cookie_ok(scope):
            await self.app(scope, receive, send)
            return
        if scope["method"] in _COOKIE_METHODS and is_page(scope):
            await _redirect_to_login(send, scope)
            return
        await send_error(send, 401, "unauthorized", "missing or wrong bearer token",
                         headers=[(b"www-authenticate", b"Bearer")])

    def _cookie_ok(self, scope: Scope) -> bool:
        if scope["method"] not in _COOKIE_METHODS:
            return False
        return token_matches(session_cookie(scope), session_value(self.token),
                             session_value(self.admin_token) if self.admin_token else None)


async def _redirect_to_login(send: Send, scope: Scope) -> None:
    from urllib.parse import quote

    target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
    location = f"/login?next={quote(target, safe='')}".encode()
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


class BodyLimitMiddleware:
    """413 above `max_bytes`: at once from Content-Length, else while reading a chunked body.

    The body is read up front (it is at most `max_bytes`) and replayed to the app, so an oversized
    body is refused before any route sees a byte of it, whatever the framework does with the error.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await send_error(send, 400, "bad_request", "Content-Length is not a number")
                return
            if too_big:
                await self._refuse(send)
                return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()  # later calls wait for the disconnect, as the server would send it

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        await send_error(send, 413, "payload_too_large", f"request body larger than {self.max_bytes} bytes")
