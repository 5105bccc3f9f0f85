"""The direct path for OpenAI-compatible endpoints (`openai/<model>` with an `api_base`): one httpx POST.

litellm costs ~7-12 ms of client CPU per call (a thread hop per `acompletion`, request transforms, logging
callbacks, a cost calculation) and 5 s of import; an OpenAI-compatible server (vLLM, llama.cpp, Ollama's
/v1, the fake server) needs none of it. This path speaks the same wire format with one pooled client per
event loop, and maps failures onto the gateway's semantics: `HTTPFailure` carries the status and the
Retry-After the gateway's retry loop reads; 401/403/404 become LLMConfigError there. Every other provider
stays on litellm. Prices come from the price map litellm ships (read as JSON, litellm is not imported).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import os
import weakref
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

from agentsim.llm.settings import LLMSettings

PREFIX = "openai/"
# httpx logs one INFO line per request: at hundreds of calls a second that is CPU and noise, not news
logging.getLogger("httpx").setLevel(logging.WARNING)
_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = weakref.WeakKeyDictionary()


def applies(settings: LLMSettings) -> bool:
    """Whether a call goes the direct way: an OpenAI-compatible server named by its api_base."""
    return settings.model.startswith(PREFIX) and bool(settings.api_base)


class HTTPFailure(Exception):
    """A non-2xx answer; `retry_after` in seconds when the server sent one."""

    def __init__(self, status: int, detail: str, retry_after: float | None = None):
        super().__init__(f"HTTP {status}: {detail}")
        self.status, self.retry_after = status, retry_after


class TransportFailure(Exception):
    """No usable answer: connection refused or reset, timeout, a 200 that is not a completion."""


def _client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _CLIENTS.get(loop)
    if client is None:
        # keep-alive connections are reused across calls: no TCP (or TLS) handshake per request. An idle one
        # is dropped after 4 s, before servers close theirs (uvicorn: 5 s), so a POST never meets a dead socket
        client = httpx.AsyncClient(limits=httpx.Limits(max_connections=None, max_keepalive_connections=512,
                                                       keepalive_expiry=4.0))
        _CLIENTS[loop] = client
    return client


def _body(messages: list[dict[str, Any]], settings: LLMSettings, tools: Any, tool_choice: Any,
          response_format: Any) -> dict[str, Any]:
    if isinstance(response_format, type) and issubclass(response_format, BaseModel):
        from agentsim.llm.structured import response_format as as_format

        response_format = as_format(response_format)
    body: dict[str, Any] = {"model": settings.model.removeprefix(PREFIX), "messages": messages}
    optional = {"temperature": settings.temperature, "seed": settings.seed, "max_tokens": settings.max_tokens,
                "tools": tools or None, "tool_choice": tool_choice if tools else None,
                "response_format": response_format}
    body.update({k: v for k, v in optional.items() if v is not None})
    return body


async def post(messages: list[dict[str, Any]], *, settings: LLMSettings, tools: Any = None, tool_choice: Any = None,
               response_format: Any = None) -> dict[str, Any]:
    """One request, no retry: the parsed JSON body of a 200, else HTTPFailure or TransportFailure."""
    key = settings.api_key.get_secret_value() if settings.api_key else os.environ.get("OPENAI_API_KEY", "")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    url = f"{(settings.api_base or '').rstrip('/')}/chat/completions"
    try:
        response = await _client().post(url, json=_body(messages, settings, tools, tool_choice, response_format),
                                        headers=headers, timeout=settings.timeout)
    except httpx.TransportError as exc:  # connect, read, write, pool and timeout errors
        raise TransportFailure(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
    if response.status_code >= 400:
        raise HTTPFailure(response.status_code, _detail(response), _retry_after(response.headers))
    try:
        data = response.json()
    except ValueError as exc:
        raise TransportFailure(f"the response is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TransportFailure("the response is not a JSON object")
    return data


def _detail(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return response.text[:300]
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error or response.text[:300])


def _retry_after(headers: httpx.Headers) -> float | None:
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            continue  # an HTTP date: rare from LLM APIs; the gateway's own backoff applies
    return None


@cache
def _prices() -> dict[str, Any]:
    spec = importlib.util.find_spec("litellm")  # locates the package without importing it
    folder = Path(next(iter(spec.submodule_search_locations or []))) if spec else None
    file = folder / "model_prices_and_context_window_backup.json" if folder else None
    if file is None or not file.is_file():
        return {}
    data = json.loads(file.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def cost(model: str, prompt_tokens: int, completion_tokens: int) -> tuple[float, bool]:
    """(USD, known) from the shipped price map; unknown (local and fake models) is (0.0, False)."""
    name = model.removeprefix(PREFIX)
    entry = _prices().get(name) or _prices().get(PREFIX + name)
    if not isinstance(entry, dict) or "input_cost_per_token" not in entry:
        return 0.0, False
    price = (prompt_tokens * float(entry.get("input_cost_per_token") or 0.0)
             + completion_tokens * float(entry.get("output_cost_per_token") or 0.0))
    return price, True
