"""Report and export models. RunReport is also the body of GET /runs/{id}/report."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from agentsim.report import stats

Grouping = Literal["doctor", "specialty", "persona"]


class EpisodeRecord(BaseModel):
    """One episode of a run with its latest score, flattened: the unit reports count and exports write."""

    run_id: str | None
    episode_id: str
    key: str | None
    case_id: str
    specialty: str | None = Field(description="from the case library; None if the case file is gone")
    difficulty: int | None
    doctor: str = Field(description="the doctor's label in the batch spec (from the episode key)")
    doctor_name: str = Field(description="the registered doctor the label ran")
    doctor_model: str | None
    persona: str | None
    seed: int
    status: str = Field(description="completed, failed or running")
    termination: str | None
    error: str | None
    diagnosis: str | None
    likert: int | None = Field(description="latest score's diagnosis grade; None if never scored")
    correct: bool | None = Field(description=f"likert >= {stats.CORRECT_LIKERT}; None if never scored")
    coverage: float | None = Field(description="share of must-ask items covered")
    cost: float = Field(description="USD: the latest score's total, else the episode's logged spend")
    turns: int | None = Field(description="doctor turns, from the score")
    n_turns: int = Field(description="every logged turn: doctor, patient, examiner, system")
    duration_ms: float | None
    started_at: datetime
    finished_at: datetime | None


class TurnRecord(BaseModel):
    """One logged turn with enough of its episode to group on without a join."""

    run_id: str | None
    episode_id: str
    key: str | None
    case_id: str
    doctor: str
    persona: str | None
    seed: int
    index: int
    role: str
    kind: str
    text: str
    cost: float
    tokens_prompt: int
    tokens_completion: int
    latency_ms: float
    synthetic: bool
    payload: dict = Field(default_factory=dict, description="structured detail (JSON text in csv/parquet)")
    created_at: datetime | None


class GroupStats(BaseModel):
    name: str = Field(description="the doctor label, specialty or persona ('none' when no persona)")
    n: int = Field(description="finished episodes (completed or failed; running ones are not counted)")
    scored: int
    correct: int
    accuracy: float | None = Field(description="correct / n: an unscored episode counts as incorrect")
    ci_low: float | None = Field(description="95% percentile-bootstrap interval of accuracy")
    ci_high: float | None
    mean_likert: float | None = Field(description="over scored episodes")
    mean_coverage: float | None = Field(description="must-ask coverage, over scored episodes")
    mean_cost: float | None = Field(description="USD per episode, over all n")
    mean_turns: float | None = Field(description="doctor turns, over scored episodes")
    failures: int = Field(description="episodes that did not complete: doctor_error or aborted")
    on_frontier: bool | None = Field(default=None, description="doctors only: on the cost/accuracy Pareto front")
    k: int | None = Field(default=None, description="doctors of a run with repeats > 1: the repeats per task")
    tasks: int | None = Field(default=None, description="tasks (case x persona) with all k repeats finished")
    pass_all_k: float | None = Field(default=None, description="pass^k: share of tasks correct in all k repeats")
    pass_any_k: float | None = Field(default=None, description="pass@k: share of tasks correct in any of k repeats")


class CISettings(BaseModel):
    method: Literal["percentile-bootstrap"] = "percentile-bootstrap"
    level: float = stats.CI_LEVEL
    resamples: int = stats.CI_RESAMPLES
    seed: int = stats.CI_SEED


class UnpricedTest(BaseModel):
    test_id: str | None
    name: str
    basis: str = Field(description="estimate, generic or default (never cms)")
    orders: int = Field(description="times it was resulted in the run")
    usd: float = Field(description="what those orders were charged in all")


class PriceSources(BaseModel):
    resulted: int = Field(description="tests resulted in the run")
    by_basis: dict[str, int] = Field(description="resulted tests per price basis")
    unpriced: list[UnpricedTest] = Field(description="tests without a fee-schedule price, most ordered first")


class RunReport(BaseModel):
    run_id: str
    name: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    episodes: int = Field(description="every episode row of the run, running ones included")
    completed: int
    failed: int
    running: int
    total_cost: float = Field(description="USD over finished episodes")
    ci: CISettings = Field(default_factory=CISettings)
    by_doctor: list[GroupStats]
    by_specialty: list[GroupStats]
    by_persona: list[GroupStats]
    frontier: list[str] = Field(description="doctor labels on the Pareto front, cheapest first")
    prices: PriceSources | None = Field(default=None, description="which resulted tests had no fee-schedule price")

    def groups(self, by: Grouping) -> list[GroupStats]:
        return {"doctor": self.by_doctor, "specialty": self.by_specialty, "persona": self.by_persona}[by]
