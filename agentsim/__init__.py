"""agentsim: a multi-agent diagnostic consultation simulator.

The public API, and nothing else. Names resolve lazily so `import agentsim` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Action",
    "Ask",
    "ConsultationEnv",
    "Diagnose",
    "Doctor",
    "Examine",
    "Observation",
    "Order",
    "RewardConfig",
    "load_case",
    "run_episode",
]

_WHERE = {
    "Action": "agentsim.model.action",
    "Ask": "agentsim.model.action",
    "Diagnose": "agentsim.model.action",
    "Examine": "agentsim.model.action",
    "Observation": "agentsim.model.action",
    "Order": "agentsim.model.action",
    "Doctor": "agentsim.agents.base",
    "load_case": "agentsim.cases.library",
    "run_episode": "agentsim.engine.episode",
    "ConsultationEnv": "agentsim.env",
    "RewardConfig": "agentsim.env",
}

if TYPE_CHECKING:
    from agentsim.agents.base import Doctor
    from agentsim.cases.library import load_case
    from agentsim.engine.episode import run_episode
    from agentsim.env import ConsultationEnv, RewardConfig
    from agentsim.model.action import Action, Ask, Diagnose, Examine, Observation, Order


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'agentsim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
