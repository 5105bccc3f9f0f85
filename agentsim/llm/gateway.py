"""The one door to litellm. Every LLM call in agentsim goes through `complete`.

litellm is imported lazily inside functions: it takes seconds to import, and the offline path (checklist /
retrieval / rules) must never pay for it. Retries live here, not in litellm or the OpenAI SDK (both are
told `0 retries`), so the policy is one bounded, logged loop: exponential backoff with jitter on 429
(honouring Retry-After), 5xx, timeouts, connection errors and unparseable responses; at once on
authentication errors and unknown models.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from typing import Any

from pydantic import BaseModel, Field

from agentsim.llm import limits, openai_http
from agentsim.llm.errors import LLMConfigError, LLMError, LLMUnavailableError
from agentsim.llm.settings import LLMSettings
from agentsim.model.usage import Usage

__all__ = ["Completion", "LLMConfigError", "LLMError", "LLMSettings", "LLMUnavailableError", "ToolCall", "complete"]

log = logging.getLogger(__name__)
_jitter = random.Random()  # jitter only spreads retries out; it never changes what a run produces


class ToolCall(BaseModel):
    id: str = ""
    name: str
    arguments: dict[str, Any] | str = Field(description="parsed JSON object, or the raw string when it is not one")
    raw_arguments: str = ""

    @property
    def valid(self) -> bool:
        return isinstance(self.arguments, dict)


class Completion(BaseModel):
    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_known: bool = True  # False when litellm has no price for the model (local and fake servers)
    latency_ms: float = 0.0  # wall time of complete(), retries and waits included
    model: str = ""
    attempts: int = 1

    def usage(self) -> Usage:
        """This call's spend, to fold into a turn's total."""
        return Usage(prompt=self.prompt_tokens, completion=self.completion_tokens, cost=self.cost_usd,
                     cost_known=self.cost_known, latency_ms=self.latency_ms, calls=1, attempts=self.attempts,
                     model=self.model or None)

    def raw(self) -> str:
        """The model's whole output as one string, for error messages and logs."""
        calls = [f"{c.name}({c.raw_arguments or json.dumps(c.arguments)})" for c in self.tool_calls]
        return "\n".join(part for part in (self.text, *calls) if part) or "(empty output)"


def _litellm() -> Any:
    # the cost map ships with litellm; without this it is fetched from GitHub at import time
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True  # no "Give Feedback / Get Help" banners on every error
    logging.getLogger("LiteLLM").setLevel(logging.WARNING)  # one INFO line per call otherwise
    litellm.telemetry = False
    return litellm


async def complete(
    messages: list[dict[str, Any]],
    *,
    settings: LLMSettings,
    tools: list[dict[str, Any]] | None = None,
    tool_choice: str | dict[str, Any] | None = None,
    response_format: dict[str, Any] | type[BaseModel] | None = None,
) -> Completion:
    """One chat completion, retried within `settings.max_retries` on transient failures. OpenAI-compatible
    endpoints (openai/... with an api_base) go straight over httpx (openai_http); every other provider through
    litellm. Both give the same Completion and the same errors."""
    direct = openai_http.applies(settings)
    litellm: Any = None if direct else _litellm()
    kwargs = {} if direct else _request(messages, settings, tools, tool_choice, response_format)
    started = time.perf_counter()
    attempt = 0
    while True:
        attempt += 1
        try:
            async with limits.in_flight(settings):
                if direct:
                    data = await openai_http.post(messages, settings=settings, tools=tools, tool_choice=tool_choice,
                                                  response_format=response_format)
                else:
                    response = await litellm.acompletion(**kwargs)
            if direct:
                completion = _parse_wire(data, settings.model)
                completion.cost_usd, completion.cost_known = openai_http.cost(
                    completion.model, completion.prompt_tokens, completion.completion_tokens)
            else:
                completion = _parse(response, settings.model)
                completion.cost_usd, completion.cost_known = _cost(response)
        except Exception as exc:  # classified below; anything unknown is not retried
            retry_after = _classify_direct(exc, settings) if direct else _classify(exc, settings)
            if attempt > settings.max_retries:
                raise LLMUnavailableError(
                    f"{settings.model}: gave up after {attempt} attempts: {_short(exc)}"
                ) from exc
            delay = _delay(attempt, retry_after, settings)
            log.warning("%s: attempt %d failed (%s); retrying in %.2fs", settings.model, attempt, _short(exc), delay)
            await asyncio.sleep(delay)
            continue
        completion.latency_ms = (time.perf_counter() - started) * 1000
        completion.attempts = attempt
        return completion


def _request(messages: list[dict[str, Any]], settings: LLMSettings, tools: Any, tool_choice: Any,
             response_format: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "model": settings.model, "messages": messages, "timeout": settings.timeout,
        # retries are ours alone: litellm's and the OpenAI SDK's would multiply with them unseen
        "num_retries": 0, "max_retries": 0,
        # parameters a provider does not take (seed on Anthropic, say) are dropped, not fatal
        "drop_params": True,
    }
    optional = {
        "api_base": settings.api_base,
        "api_key": settings.api_key.get_secret_value() if settings.api_key else None,
        "temperature": settings.temperature, "seed": settings.seed, "max_tokens": settings.max_tokens,
        "tools": tools or None, "tool_choice": tool_choice if tools else None, "response_format": response_format,
    }
    kwargs.update({k: v for k, v in optional.items() if v is not None})
    return kwargs


class _BadResponse(Exception):
    """A 200 whose body is not a usable completion: retried like a 5xx."""


def _parse(response: Any, model: str) -> Completion:
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError) as exc:
        raise _BadResponse(f"no choices in the response: {exc}") from None
    calls: list[ToolCall] = []
    for call in getattr(message, "tool_calls", None) or []:
        raw = call.function.arguments or ""
        calls.append(ToolCall(id=call.id or "", name=call.function.name or "", arguments=_arguments(raw),
                              raw_arguments=raw))
    usage = getattr(response, "usage", None)
    return Completion(
        text=(message.content or "").strip(), tool_calls=calls,
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        model=getattr(response, "model", None) or model,
    )


def _arguments(raw: str) -> dict[str, Any] | str:
    """A tool call's arguments as an object, or the raw text when they are not one: the caller decides what
    to do with it (the doctor sends a repair prompt)."""
    try:
        parsed = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError:
        return raw
    return parsed if isinstance(parsed, dict) else raw


def _cost(response: Any) -> tuple[float, bool]:
    # litellm has priced the response already (its logging object puts it in _hidden_params): pricing it a
    # second time with completion_cost doubled the cost of the call's bookkeeping
    hidden = getattr(response, "_hidden_params", None)
    cost = hidden.get("response_cost") if isinstance(hidden, dict) else None
    if cost is None:  # litellm has no price for the model (local, fake): cost unknown, not fatal
        return 0.0, False
    return float(cost), True


def _parse_wire(data: dict[str, Any], model: str) -> Completion:
    """The direct path's JSON body (the OpenAI wire format) as a Completion."""
    try:
        message = data["choices"][0]["message"]
        if not isinstance(message, dict):
            raise TypeError("message is not an object")
    except (KeyError, IndexError, TypeError) as exc:
        raise _BadResponse(f"no choices in the response: {exc}") from None
    calls: list[ToolCall] = []
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        raw = function.get("arguments") or ""
        calls.append(ToolCall(id=call.get("id") or "", name=function.get("name") or "", arguments=_arguments(raw),
                              raw_arguments=raw))
    usage = data.get("usage") or {}
    return Completion(
        text=(message.get("content") or "").strip(), tool_calls=calls,
        prompt_tokens=int(usage.get("prompt_tokens") or 0), completion_tokens=int(usage.get("completion_tokens") or 0),
        model=str(data.get("model") or model),
    )


def _classify_direct(exc: Exception, settings: LLMSettings) -> float | None:
    """The direct path's failures, with the same outcomes as `_classify` gives litellm's."""
    if isinstance(exc, openai_http.HTTPFailure):
        if exc.status in (401, 403):
            raise LLMConfigError(
                f"{settings.model}: authentication failed ({_short(exc)}). Check the API key: the provider's "
                "variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), AGENTSIM_API_KEY, or the api_key option"
            ) from None
        if exc.status == 404:
            raise LLMConfigError(f"{settings.model}: unknown model or endpoint ({_short(exc)})") from None
        if exc.status == 429:
            return exc.retry_after
        if exc.status >= 500 or exc.status == 408:
            return None
        raise LLMError(f"{settings.model}: request failed: {_short(exc)}") from None
    if isinstance(exc, openai_http.TransportFailure | _BadResponse | json.JSONDecodeError | asyncio.TimeoutError):
        return None
    raise LLMError(f"{settings.model}: request failed: {_short(exc)}") from None


def _classify(exc: Exception, settings: LLMSettings) -> float | None:
    """Raise at once for what retrying cannot fix; else return the server's Retry-After (seconds) or None."""
    litellm = _litellm()
    if isinstance(exc, litellm.AuthenticationError | litellm.PermissionDeniedError):
        raise LLMConfigError(
            f"{settings.model}: authentication failed ({_short(exc)}). Check the API key: the provider's "
            "variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), AGENTSIM_API_KEY, or the api_key option"
        ) from None
    if isinstance(exc, litellm.NotFoundError):
        raise LLMConfigError(f"{settings.model}: unknown model or endpoint ({_short(exc)})") from None
    if isinstance(exc, litellm.RateLimitError):
        return _retry_after(exc)
    transient = (litellm.Timeout, litellm.APIConnectionError, litellm.InternalServerError,
                 litellm.ServiceUnavailableError, litellm.BadGatewayError, litellm.APIResponseValidationError,
                 _BadResponse, json.JSONDecodeError, asyncio.TimeoutError)
    if isinstance(exc, transient):
        return None
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and status >= 500:
        return None
    if isinstance(exc, litellm.BadRequestError) and "provider not provided" in str(exc).lower():
        raise LLMConfigError(f"{settings.model}: litellm cannot tell the provider: name it, e.g. "
                             f"openai/{settings.model} or ollama/{settings.model}") from None
    if isinstance(exc, litellm.APIError) and not isinstance(exc, litellm.BadRequestError):
        return None  # an unmapped provider error (often a body that is not JSON): worth another try
    raise LLMError(f"{settings.model}: request failed: {_short(exc)}") from None


def _retry_after(exc: Exception) -> float | None:
    # litellm keeps the provider's headers on `litellm_response_headers`; its `response` is a stub
    headers = (getattr(exc, "litellm_response_headers", None) or getattr(exc, "headers", None)
               or getattr(getattr(exc, "response", None), "headers", None) or {})
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name) if hasattr(headers, "get") else None
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            continue  # an HTTP date: rare from LLM APIs; fall back to our own backoff
    return None


def _delay(attempt: int, retry_after: float | None, settings: LLMSettings) -> float:
    if retry_after is not None:
        return min(retry_after, settings.retry_max_delay)
    ceiling = min(settings.retry_max_delay, settings.retry_base_delay * 2 ** (attempt - 1))
    delay: float = ceiling / 2 + _jitter.uniform(0, ceiling / 2)
    return delay  # "equal jitter": never zero, never in lockstep


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
