"""Routers: pure functions of the state, named after the node they follow."""

from __future__ import annotations

from typing import Literal

from agentsim.engine.state import ConsultationState
from agentsim.model.action import Ask


def route_after_doctor(state: ConsultationState) -> Literal["patient", "gatekeeper", "__end__"]:
    if state.get("termination") is not None:
        return "__end__"  # langgraph's END
    return "patient" if isinstance(state.get("pending"), Ask) else "gatekeeper"
