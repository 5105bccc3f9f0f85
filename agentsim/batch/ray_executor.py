"""Episodes as Ray tasks (optional extra `agentsim[ray]`): many machines, one shared database.

Each task runs one episode with the ordinary engine and writes its turns to the database itself, so the
database must be reachable from every node (PostgreSQL for a real cluster; a SQLite file only works on
one machine). The driver keeps the run's concurrency, retries and resume exactly as the local executor.
"""

from __future__ import annotations

import asyncio
from typing import Any

from agentsim.errors import UserError

_REMOTE: Any = None


def _episode_task(spec: dict[str, Any], db: str) -> dict[str, Any]:
    """Runs inside a Ray worker: a plain synchronous episode from its spec, logged to the shared database."""
    from agentsim.engine.episode import run_episode
    from agentsim.model.spec import EpisodeSpec

    result = run_episode(EpisodeSpec.model_validate(spec), db=db)
    return {"termination": result.termination.value, "cost": result.score.cost.total if result.score else 0.0,
            "episode_id": result.episode_id}


def start(address: str | None) -> None:
    global _REMOTE
    try:
        import ray
    except ModuleNotFoundError:
        raise UserError("the ray executor needs Ray: pip install 'agentsim[ray]'") from None
    if not ray.is_initialized():
        # a local Ray instance when no address is given (Ray no longer has a single-process local mode)
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    _REMOTE = ray.remote(max_retries=0)(_episode_task)


async def run_remote(spec: dict[str, Any], db: str) -> dict[str, Any]:
    import ray

    ref = _REMOTE.remote(spec, db)
    try:
        outcome: dict[str, Any] = await ref
        return outcome
    except asyncio.CancelledError:
        ray.cancel(ref, force=True)  # the episode in flight is lost; resume re-runs its key
        raise


def stop() -> None:
    import ray

    if ray.is_initialized():
        ray.shutdown()
