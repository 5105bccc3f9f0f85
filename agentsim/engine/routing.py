"""Routers: pure functions of the state, named after the node they follow."""

from __future__ import annotations

from typing import Literal

from agentsim.engine.state import ConsultationState


def route_after_doctor(state: ConsultationState) -> Literal["patient", "gatekeeper", "judge"]:
    if state.get("termination") is not None:
        return "judge"
    action = (state.get("pending") or {}).get("action")
    return "patient" if action == "ask" else "gatekeeper"
