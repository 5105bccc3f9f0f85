"""Pure ASGI middleware: bearer-token auth and a request-body bound.

Both run before routing, so they also cover unknown paths (no route discovery without a token) and an
unauthenticated client never gets its body read. Pure ASGI rather than BaseHTTPMiddleware so the SSE
stream is passed through untouched.
"""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

OPEN_PATHS = frozenset({"/health"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


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
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if not token_matches(bearer_token(scope), self.token, self.admin_token):
            await send_error(send, 401, "unauthorized", "missing or wrong bearer token",
                             headers=[(b"www-authenticate", b"Bearer")])
            return
        await self.app(scope, receive, send)


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
