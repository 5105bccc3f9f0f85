"""The batch spec: which cases, doctors, personas and seeds to run. Also the body of POST /runs."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agentsim.errors import CaseFileError, UserError
from agentsim.model.case import Case


class DoctorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="a registered doctor name (plug-in paths only from the CLI)")
    label: str | None = Field(default=None, description="how reports name it; defaults to name[@model]")
    model: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)

    @property
    def display(self) -> str:
        return self.label or (f"{self.name}@{self.model}" if self.model else self.name)

    def doctor_options(self) -> dict[str, Any]:
        return {**self.options, **({"model": self.model} if self.model else {})}


class BatchSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    cases: list[str] = Field(default_factory=lambda: ["*"], description="case ids or globs")
    specialty: list[str] | None = None
    difficulty: list[int] | None = None
    doctors: list[DoctorSpec] = Field(default_factory=lambda: [DoctorSpec(name="checklist")], min_length=1)
    personas: list[str | None] = Field(default_factory=lambda: [None], min_length=1)
    patient: str = "retrieval"
    gatekeeper: str = "rules"
    patient_model: str | None = None
    gatekeeper_model: str | None = None
    judge_model: str | None = Field(default=None, description="an LLM judge scoring each episode beside the rubric")
    repeats: int = Field(default=1, ge=1, le=1000)
    seed: int = 0
    max_turns: int = Field(default=20, ge=1, le=200)
    budget: float | None = Field(default=None, ge=0)
    concurrency: int = Field(default=4, ge=1, le=512)
    retries: int = Field(default=1, ge=0, le=10, description="re-runs of an episode that crashed (not doctor_error)")

    @field_validator("doctors", mode="before")
    @classmethod
    def _names_as_doctors(cls, value: Any) -> Any:
        return [{"name": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else value

    @field_validator("cases")
    @classmethod
    def _safe_patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if "/" in pattern or "\\" in pattern or ".." in pattern:
                raise ValueError(f"case pattern {pattern!r} must be an id or a glob, not a path")
        return value

    @model_validator(mode="after")
    def _unique_doctor_labels(self) -> BatchSpec:
        labels = [d.display for d in self.doctors]
        if len(set(labels)) != len(labels):
            raise ValueError("doctors must have distinct labels (set `label:` to tell two apart)")
        return self

    def select_cases(self, cases: list[Case]) -> list[Case]:
        chosen = [
            c for c in cases
            if any(fnmatch.fnmatchcase(c.id, p) for p in self.cases)
            and (self.specialty is None or c.specialty.value in self.specialty)
            and (self.difficulty is None or c.difficulty in self.difficulty)
        ]
        if not chosen:
            raise UserError(f"the batch spec selects no case (cases={self.cases}, specialty={self.specialty}, "
                            f"difficulty={self.difficulty})")
        return chosen


def load_spec(path: Path) -> BatchSpec:
    """A YAML or JSON file; errors name the file and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"batch spec {path} not found") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise CaseFileError(path, [f"cannot parse: {exc}"]) from None
    if not isinstance(data, dict):
        raise CaseFileError(path, ["expected a mapping at the top level"])
    try:
        return BatchSpec.model_validate(data)
    except ValidationError as exc:
        raise CaseFileError(path, [f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}"
                                   for e in exc.errors()]) from None


def episode_key(*, case_id: str, doctor: str, persona: str | None, seed: int) -> str:
    """What makes an episode unique within a run: resume skips keys already completed."""
    return f"{case_id}|{doctor}|{persona or '-'}|{seed}"


