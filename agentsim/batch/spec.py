"""The batch spec: which cases, doctors, personas and seeds to run. Also the body of POST /runs."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agentsim.errors import CaseFileError, UserError
from agentsim.model.bounds import SEED_MAX, Seed
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

    @model_validator(mode="after")
    def _options_in_range(self) -> DoctorSpec:
        from agentsim.agents.options import check_doctor_options

        check_doctor_options(self.name, self.doctor_options())  # a ValueError names the option and its range
        return self

    def doctor_options(self) -> dict[str, Any]:
        return {**self.options, **({"model": self.model} if self.model else {})}


class BatchSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    cases: list[str] = Field(default_factory=lambda: ["*"], description="case ids or globs")
    specialty: list[str] | None = None
    difficulty: list[int] | None = None
    doctors: list[DoctorSpec] = Field(default_factory=lambda: [DoctorSpec(name="checklist")], min_length=1)
    personas: list[str | None] = Field(default_factory=lambda: list[str | None]([None]), min_length=1)
    patient: str = "retrieval"
    gatekeeper: str = "rules"
    patient_model: str | None = None
    gatekeeper_model: str | None = None
    patient_options: dict[str, Any] = Field(default_factory=dict, description="e.g. max_concurrency, api_base")
    gatekeeper_options: dict[str, Any] = Field(default_factory=dict)
    judge_model: str | None = Field(default=None, description="an LLM judge scoring each episode beside the rubric")
    repeats: int = Field(default=1, ge=1, le=1000)
    seed: Seed = 0
    max_turns: int = Field(default=20, ge=1, le=200)
    budget: float | None = Field(default=None, ge=0)
    # episodes in flight; also the default LLM in-flight limit per model (agentsim.llm.limits)
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
    def _seeds_in_range(self) -> BatchSpec:
        if self.seed + self.repeats - 1 > SEED_MAX:  # repeat r runs seed + r
            raise ValueError(f"seed {self.seed} with {self.repeats} repeats passes the largest seed, {SEED_MAX}")
        return self

    @model_validator(mode="after")
    def _unique_doctor_labels(self) -> BatchSpec:
        labels = [d.display for d in self.doctors]
        if len(set(labels)) != len(labels):
            raise ValueError("doctors must have distinct labels (set `label:` to tell two apart)")
        return self

    def without_redacted(self) -> tuple[BatchSpec, list[str]]:
        """The spec a resume runs, from the stored one: options whose secret was redacted are dropped, so the
        agent takes them from the environment or the config file; returns the dropped fields' paths."""
        from agentsim.secrets import REDACTED

        dropped: list[str] = []
        doctors = []
        for i, doctor in enumerate(self.doctors):
            kept = {k: v for k, v in doctor.options.items() if v != REDACTED}
            dropped += [f"doctors[{i}].options.{k}" for k in doctor.options if k not in kept]
            dropped += [f"doctors[{i}].{f}" for f, v in (("name", doctor.name), ("model", doctor.model))
                        if REDACTED in (v or "")]
            dropped += [f"doctors[{i}].options.{k}" for k, v in kept.items() if isinstance(v, str) and REDACTED in v]
            doctors.append(doctor.model_copy(update={"options": kept}))
        return self.model_copy(update={"doctors": doctors}), dropped

    def episode_count(self, cases: list[Case]) -> int:
        """How many episodes plan() would make, from the list lengths alone: a caller can refuse a spec
        that expands to millions before building a single plan."""
        return len(self.select_cases(cases)) * len(self.doctors) * len(self.personas) * self.repeats

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
    from agentsim.cases.yamlio import read_document

    if not path.is_file():
        raise UserError(f"batch spec {path} not found")
    data = read_document(path)
    if not isinstance(data, dict):
        raise CaseFileError(path, ["expected a mapping at the top level"])
    try:
        return BatchSpec.model_validate(data)
    except ValidationError as exc:
        raise CaseFileError(path, [f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}"
                                   for e in exc.errors()]) from None


def with_options(spec: BatchSpec, *, doctor: dict[str, Any], patient: dict[str, Any],
                 gatekeeper: dict[str, Any]) -> BatchSpec:
    """The spec with command-line options laid over it (every doctor gets `doctor`); they win over the file."""
    doctors = [d.model_copy(update={"options": {**d.options, **doctor}}) for d in spec.doctors]
    return spec.model_copy(update={"doctors": doctors, "patient_options": {**spec.patient_options, **patient},
                                   "gatekeeper_options": {**spec.gatekeeper_options, **gatekeeper}})


def episode_key(*, case_id: str, doctor: str, persona: str | None, seed: int) -> str:
    """What makes an episode unique within a run: resume skips keys already completed. Stored, so a
    doctor URL's credentials are left out (the same text the stored, redacted spec gives back)."""
    from agentsim.secrets import redact_text

    return f"{case_id}|{redact_text(doctor)}|{persona or '-'}|{seed}"


