"""How many LLM requests may be in flight: the one place that decides it.

Three limits compose; a request waits for every one that applies:

- the run's width (the default): a batch of concurrency N lets N requests per model be in flight, so the
  batch's `concurrency` is what governs. `run_batch` (and each pool worker, for its share) sets it with
  `run_width`; outside a batch the width is `DEFAULT_WIDTH`.
- a per-model limit (`max_concurrency`: option, AGENTSIM_LLM_MAX_CONCURRENCY or the config file) replaces
  the run's width for that model string;
- a per-endpoint limit (`endpoint_concurrency`, AGENTSIM_LLM_ENDPOINT_CONCURRENCY) caps every model behind
  one api_base together (one local server serving two models, say).

Semaphores belong to an event loop (tests and `run_episode` start fresh loops), so there is one per (loop,
model) and per (loop, endpoint); the first caller's size sizes it. With `--workers N` each worker process
has its own loop, so a user's limit is split between the workers (`worker_share`) and the sum holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import math
import weakref
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from agentsim.llm.settings import LLMSettings

DEFAULT_WIDTH = 4  # one episode makes its calls one after another; 4 leaves room for a judge alongside


@dataclass(frozen=True)
class _Width:
    width: int = DEFAULT_WIDTH
    workers: int = 1  # processes sharing a user's limit


_WIDTH: contextvars.ContextVar[_Width | None] = contextvars.ContextVar("agentsim_llm_width", default=None)
_SEMAPHORES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]] = (
    weakref.WeakKeyDictionary()
)


@contextlib.contextmanager
def run_width(width: int, *, workers: int = 1) -> Iterator[None]:
    """Within this block (and tasks created in it) the default in-flight limit per model is `width`."""
    token = _WIDTH.set(_Width(width=max(1, width), workers=max(1, workers)))
    try:
        yield
    finally:
        _WIDTH.reset(token)


def worker_share(limit: int, workers: int) -> int:
    """One worker's part of a limit set for the whole batch (never below 1)."""
    return max(1, math.ceil(limit / max(1, workers)))


def _current() -> _Width:
    return _WIDTH.get() or _Width()


def model_limit(settings: LLMSettings) -> int:
    current = _current()
    if settings.max_concurrency is not None:
        return worker_share(settings.max_concurrency, current.workers)
    return current.width


def endpoint_limit(settings: LLMSettings) -> int | None:
    if settings.endpoint_concurrency is None:
        return None
    return worker_share(settings.endpoint_concurrency, _current().workers)


def _semaphore(key: str, size: int) -> asyncio.Semaphore:
    per_loop = _SEMAPHORES.setdefault(asyncio.get_running_loop(), {})
    if key not in per_loop:
        per_loop[key] = asyncio.Semaphore(size)
    return per_loop[key]


@contextlib.asynccontextmanager
async def in_flight(settings: LLMSettings) -> AsyncIterator[None]:
    """Hold a slot for one request: the model's, and the endpoint's when it has a limit."""
    async with contextlib.AsyncExitStack() as stack:
        endpoint = endpoint_limit(settings)
        if endpoint is not None:
            await stack.enter_async_context(_semaphore(f"endpoint:{settings.api_base or '-'}", endpoint))
        await stack.enter_async_context(_semaphore(f"model:{settings.model}", model_limit(settings)))
        yield
