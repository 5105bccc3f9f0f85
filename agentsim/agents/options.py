"""Declared ranges of agent options that are not LLM settings, and the one check a batch spec, an API
body and an agent's constructor all apply (LLM settings' ranges live in agentsim/llm/settings.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class PanelOptions(BaseModel):
    """The panel doctor's own numeric options (the rest pass through to its members)."""

    model_config = ConfigDict(extra="ignore")

    max_rounds: int = Field(default=2, ge=1, le=10, description="debate rounds per turn while Dr Checklist objects")


AGENT_OPTION_MODELS: dict[str, type[BaseModel]] = {"panel": PanelOptions}


def check_doctor_options(doctor: str, options: Mapping[str, Any]) -> None:
    """ValueError naming the first option out of its declared range."""
    from agentsim.llm.settings import LLMSettings

    LLMSettings.check_bounds(options)
    model = AGENT_OPTION_MODELS.get(doctor)
    if model is None:
        return
    try:
        model.model_validate(options)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"option {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
