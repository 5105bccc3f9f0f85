"""A doctor served over HTTP, in any language: `--doctor http://HOST:PORT/PATH`.

Protocol (agentsim.doctor-io/v2, schemas from `agentsim schema doctor-io`), everything POSTed as JSON to
the one URL given, so a server needs a single route:

* once per episode, before the first turn: ``{"schema": ..., "session": ID, "reset": {"brief": ...}}``.
  The answer is ignored, errors included, so a server that knows nothing about resets still works;
* every turn: ``{"schema": ..., "session": ID, "observation": {...}}``, answered with one action
  tagged by ``action``, e.g. ``{"action": "ask", "question": "..."}``.

Failures raise `HTTPDoctorError` with the status and the start of the body; the engine ends the
episode as doctor_error with that message. Connection failures and 5xx answers are retried with
exponential backoff; a server that accepts the connection but does not answer in time is not, since
a slow model would only be slow again (and a retry could make a stateful server act twice).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import httpx
from pydantic import ValidationError

from agentsim.agents.base import Action, Doctor
from agentsim.errors import UserError
from agentsim.model.action import ACTION_ADAPTER, Observation
from agentsim.model.doctor_io import ActRequest, ResetBody, ResetRequest

BODY_SNIPPET = 200
# wordllama (the patient's matcher) runs logging.basicConfig(level=INFO) on import, which would make httpx
# print a line per turn over the live transcript; quieten it unless someone chose a level on purpose
if logging.getLogger("httpx").level == logging.NOTSET:
    logging.getLogger("httpx").setLevel(logging.WARNING)
# the request reached no server, or the server hung up without answering: safe to send again
_RETRYABLE = (httpx.NetworkError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


class HTTPDoctorError(RuntimeError):
    """The doctor server could not be reached or gave an unusable answer. `status` is the HTTP status
    when the server answered with an error one."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


def snippet(text: str, limit: int = BODY_SNIPPET) -> str:
    """The start of a body, on one line, so the stored error stays readable."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


class HTTPDoctor(Doctor):
    """Options (`--doctor-opt`): timeout (s, default 30), retries (default 2), backoff (s, default 0.5,
    doubled each retry), reset (default true: send the reset request)."""

    name = "http"

    def __init__(self, url: str, *, timeout: float = 30.0, retries: int = 2, backoff: float = 0.5,
                 reset: bool = True):
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise UserError(f"bad doctor URL {url!r}: {exc}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise UserError(f"bad doctor URL {url!r}: expected http(s)://HOST[:PORT]/PATH")
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise UserError("the http doctor needs timeout > 0, retries >= 0 and backoff >= 0")
        self.url, self.timeout, self.retries, self.backoff, self.send_reset = url, timeout, retries, backoff, reset
        self.session = uuid.uuid4().hex
        self._reset_failure: HTTPDoctorError | None = None

    async def reset(self, brief: str) -> None:
        self.session = uuid.uuid4().hex
        self._reset_failure = None
        if not self.send_reset:
            return
        body = ResetRequest(session=self.session, reset=ResetBody(brief=brief))
        try:
            await self._post(body.model_dump(mode="json", by_alias=True), what=" (reset)")
        except HTTPDoctorError as exc:
            if exc.status is None:
                # unreachable: report it as the first turn's failure, inside the episode, rather than
                # wait out the same timeouts again
                self._reset_failure = exc
            # else the server does not do resets (404, 422, even 500): that is allowed

    async def act(self, obs: Observation) -> Action:
        if self._reset_failure is not None:
            failure, self._reset_failure = self._reset_failure, None
            raise failure
        body = ActRequest(session=self.session, observation=obs).model_dump(mode="json", by_alias=True)
        response = await self._post(body, what="")
        return self._parse(response)

    def _parse(self, response: httpx.Response) -> Action:
        where = f"POST {self.url} answered {response.status_code}"
        try:
            data = response.json()
        except ValueError:
            raise HTTPDoctorError(f"{where} with a body that is not JSON: {snippet(response.text)!r}") from None
        try:
            return ACTION_ADAPTER.validate_python(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(part) for part in first["loc"])
            raise HTTPDoctorError(f"{where} with JSON that is not an action ({loc + ': ' if loc else ''}"
                                  f"{first['msg']}): {snippet(response.text)!r}") from None

    async def _post(self, body: dict[str, Any], *, what: str) -> httpx.Response:
        attempts, where = self.retries + 1, f"POST {self.url}{what}"
        failure, status = "", None
        # a client per call: run_episode gives each episode its own event loop and there is no end-of-
        # episode hook to close a pooled client, so a long-lived one would outlive its loop
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for attempt in range(attempts):
                if attempt:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                try:
                    # httpx's timeout is per read; this bounds the whole exchange
                    async with asyncio.timeout(self.timeout):
                        response = await client.post(self.url, json=body)
                except _RETRYABLE as exc:
                    failure = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                    status = None
                    continue
                except (TimeoutError, httpx.TimeoutException):
                    raise HTTPDoctorError(f"{where}: no answer within {self.timeout:g} s "
                                          f"(--doctor-opt timeout=SECONDS)") from None
                except httpx.HTTPError as exc:
                    raise HTTPDoctorError(f"{where} failed: {type(exc).__name__}: {exc}") from None
                if response.is_success:
                    return response
                status = response.status_code
                failure = f"answered {status} {response.reason_phrase}: {snippet(response.text)!r}"
                if status < 500:  # the request itself is wrong: sending it again will not help
                    raise HTTPDoctorError(f"{where} {failure}", status=status)
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        if status is not None:
            raise HTTPDoctorError(f"{where} {failure}{tries}", status=status)
        raise HTTPDoctorError(f"{where} could not connect{tries}: {failure}")
