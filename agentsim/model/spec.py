"""EpisodeSpec: everything one consultation depends on, as data. Every caller (CLI run and play, batch,
the API, the RL environment, the Ray executor) builds one; `agentsim.engine` builds agents from it, runs
it, scores it and records it.

A role is named by reference (a built-in name, `path/file.py:Class`, `module:attr`, an entry point or an
http(s) URL) with options; a caller holding an object already (a Python doctor, a human at the keyboard)
passes it as `instance`, which is never serialised: a stored spec always names its agents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, field_validator
from pydantic.json_schema import SkipJsonSchema

from agentsim.model.action import DEFAULT_MAX_TESTS_PER_ORDER
from agentsim.model.case import Case
from agentsim.model.persona import Persona
from agentsim.model.rubric import RubricConfig

SEED_MAX = 2**31 - 1  # seeds feed random.Random and numpy; larger ones gain nothing and overflow some stores
MAX_TURNS_LIMIT = 500


class RoleSpec(BaseModel):
    """One role's agent: a reference with options, or an object the caller built."""

    model_config = ConfigDict(frozen=True)

    ref: str = Field(min_length=1, description="built-in name, file.py:Class, module:attr, entry point or URL")
    options: dict[str, Any] = Field(default_factory=dict, description="keyword options for the agent")
    instance: SkipJsonSchema[SkipValidation[object | None]] = Field(None, exclude=True, repr=False)


class JudgeSpec(BaseModel):
    """How the finished episode is scored: always the rubric judge; the LLM judge too when a model is set."""

    model_config = ConfigDict(frozen=True)

    rubric: str = "default"
    model: str | None = Field(None, description="litellm model of the LLM judge, scored beside the rubric")
    options: dict[str, Any] = Field(default_factory=dict)


class EpisodeSpec(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    case: Case | str = Field(description="a case, a case id, or a path to a case file")
    doctor: RoleSpec = RoleSpec(ref="checklist")
    patient: RoleSpec = RoleSpec(ref="retrieval")
    gatekeeper: RoleSpec = RoleSpec(ref="rules")
    persona: Persona | str | None = None
    seed: int = Field(0, ge=0, le=SEED_MAX)
    max_turns: int = Field(20, ge=1, le=MAX_TURNS_LIMIT)
    budget: float | None = Field(None, ge=0)
    max_tests_per_order: int = Field(DEFAULT_MAX_TESTS_PER_ORDER, ge=1, le=50)
    rubric: RubricConfig | str = "default"
    judge: JudgeSpec = JudgeSpec()
    # where the episode is filed: a run and its key within the run (batch), and a fixed id when the caller
    # must know it before the episode ends (the API's live stream)
    run_id: str | None = None
    key: str | None = None
    episode_id: str | None = None

    @field_validator("case", mode="before")
    @classmethod
    def _path_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, Path) else value

    @property
    def case_label(self) -> str:
        return self.case.id if isinstance(self.case, Case) else self.case
