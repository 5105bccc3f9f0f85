"""Scoring configuration read from rubrics/*.yaml."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from agentsim.model.case import SLUG, Strict


class Axis(StrEnum):
    HISTORY = "history"
    DIAGNOSIS = "diagnosis"
    COST = "cost"
    EFFICIENCY = "efficiency"
    SAFETY = "safety"
    COMMUNICATION = "communication"


class JudgeKind(StrEnum):
    DETERMINISTIC = "deterministic"
    LLM = "llm"


class AxisConfig(Strict):
    axis: Axis
    weight: float = Field(ge=0)
    judged_by: JudgeKind = JudgeKind.DETERMINISTIC
    description: str


class LikertLevel(Strict):
    score: int = Field(ge=1, le=5)
    label: str
    description: str


class RubricConfig(Strict):
    id: str = Field(pattern=SLUG)
    description: str
    axes: list[AxisConfig]
    diagnosis_scale: list[LikertLevel] = Field(min_length=5, max_length=5)
    correct_threshold: int = Field(default=4, ge=1, le=5)
    visit_fee_usd: float = Field(default=300.0, ge=0)
    cost_reference_usd: float = Field(
        default=3000.0, gt=0, description="work-up cost at which the cost axis scores 0"
    )
    efficiency_reference_turns: int = Field(default=20, gt=0)

    @model_validator(mode="after")
    def _axes_unique(self) -> RubricConfig:
        names = [a.axis for a in self.axes]
        if len(set(names)) != len(names):
            raise ValueError("each axis may appear once")
        if sorted(level.score for level in self.diagnosis_scale) != [1, 2, 3, 4, 5]:
            raise ValueError("diagnosis_scale must define scores 1 to 5 once each")
        return self

    def weight(self, axis: Axis) -> float:
        return next((a.weight for a in self.axes if a.axis is axis), 0.0)
