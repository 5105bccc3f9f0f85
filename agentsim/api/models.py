"""Response models. Built from store rows by crud.py; storage-only fields (resume keys, raw agent
config, credentials in a CLI-written spec) never reach a response."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from agentsim.model.case import DoctorBrief, Setting, Specialty
from agentsim.model.episode import Turn

T = TypeVar("T")
_WHEN = "2026-01-01T12:00:00Z"


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="rows matching, across all pages")
    limit: int
    offset: int


class ErrorBody(BaseModel):
    """Every error response: a stable code and a message (a list of field errors for a 422)."""

    model_config = _examples({"error": "not_found", "detail": "no run 'abc123'"},
                             {"error": "validation_error",
                              "detail": [{"loc": ["body", "doctors", 0, "name"], "msg": "...", "type": "value_error"}]})

    error: str
    detail: str | list[dict[str, Any]]


class Health(BaseModel):
    model_config = _examples({"status": "ok", "version": "0.1.0", "auth": True})

    status: Literal["ok"] = "ok"
    version: str
    auth: bool = Field(description="whether the other routes need a bearer token")


class RunAccepted(BaseModel):
    model_config = _examples({"run_id": "5f0c9d2e8b1a4c7d9e3f2a1b0c9d8e7f", "status": "running", "planned": 4,
                              "status_url": "http://127.0.0.1:8000/runs/5f0c9d2e8b1a4c7d9e3f2a1b0c9d8e7f"})

    run_id: str
    status: str
    planned: int = Field(description="episodes the spec expands to")
    status_url: str


class RunProgress(BaseModel):
    planned: int | None = Field(description="episodes the spec expands to (null if it no longer selects any)")
    done: int = Field(description="episodes completed")
    failed: int
    running: int
    cost_usd: float = Field(description="work-up cost of the stored episodes so far")


class RunPublic(BaseModel):
    model_config = _examples({"id": "5f0c9d2e8b1a4c7d9e3f2a1b0c9d8e7f", "name": "smoke", "status": "completed",
                              "active": False, "created_at": _WHEN, "finished_at": _WHEN})

    id: str
    name: str
    status: str = Field(description="running, completed, incomplete, interrupted or failed")
    active: bool = Field(description="executing in this server process now (cancellable)")
    created_at: datetime
    finished_at: datetime | None


class RunDetail(RunPublic):
    model_config = _examples({
        "id": "5f0c9d2e8b1a4c7d9e3f2a1b0c9d8e7f", "name": "smoke", "status": "running", "active": True,
        "created_at": _WHEN, "finished_at": None,
        "progress": {"planned": 4, "done": 1, "failed": 0, "running": 2, "cost_usd": 1180.0},
        "spec": {"cases": ["chest-pain-stemi"], "doctors": [{"name": "checklist"}]}})

    progress: RunProgress
    spec: dict[str, Any] = Field(description="the batch spec, credentials redacted")


class Cancelled(BaseModel):
    run_id: str
    status: Literal["cancelling"] = "cancelling"


class EpisodePublic(BaseModel):
    model_config = _examples({
        "id": "0b7e4c1d2a3f4e5d6c7b8a9f0e1d2c3b", "run_id": "5f0c9d2e8b1a4c7d9e3f2a1b0c9d8e7f",
        "case_id": "chest-pain-stemi", "persona": None, "doctor": "checklist", "patient": "retrieval",
        "gatekeeper": "rules", "models": {}, "seed": 0, "max_turns": 20, "budget": None, "status": "completed",
        "termination": "diagnosed", "error": None, "diagnosis": "STEMI", "total_cost": 1185.0, "n_turns": 19,
        "started_at": _WHEN, "finished_at": _WHEN, "duration_ms": 412.5})

    id: str
    run_id: str | None
    case_id: str
    persona: str | None
    doctor: str
    patient: str
    gatekeeper: str
    models: dict[str, str] = Field(description="LLM model per role, if any")
    seed: int
    max_turns: int
    budget: float | None
    status: str = Field(description="running, completed or failed")
    termination: str | None
    error: str | None
    diagnosis: str | None = Field(description="the doctor's final diagnosis")
    total_cost: float
    n_turns: int
    started_at: datetime
    finished_at: datetime | None
    duration_ms: float | None


class TurnPublic(Turn):
    model_config = _examples({
        "index": 1, "role": "doctor", "kind": "ask", "text": "When did the pain start?",
        "payload": {"question": "When did the pain start?"}, "cost": 0.0, "tokens_prompt": 0,
        "tokens_completion": 0, "latency_ms": 0.4, "synthetic": False, "noise": [], "created_at": _WHEN})


class CaseSummary(BaseModel):
    model_config = _examples({"id": "chest-pain-stemi", "title": "Crushing chest pain in a smoker",
                              "specialty": "cardiology", "setting": "ED", "difficulty": 1,
                              "tags": ["chest-pain", "cant-miss"]})

    id: str
    title: str
    specialty: Specialty
    setting: Setting
    difficulty: int
    tags: list[str]


class CaseBrief(CaseSummary):
    """What a doctor is handed at the door: never the diagnosis, the patient's facts or the results."""

    model_config = _examples({
        "id": "chest-pain-stemi", "title": "Crushing chest pain in a smoker", "specialty": "cardiology",
        "setting": "ED", "difficulty": 1, "tags": ["chest-pain"],
        "doctor_brief": {"demographics": {"age_years": 58, "sex": "male"}, "chief_complaint": "chest pain",
                         "summary": "A 58-year-old man arrives by ambulance with chest pain."},
        "brief": "A 58-year-old man arrives by ambulance with chest pain. Setting: ED. Chief complaint: chest pain."})

    doctor_brief: DoctorBrief
    brief: str = Field(description="the brief exactly as the doctor agent receives it")


class PersonaPublic(BaseModel):
    model_config = _examples({"id": "anxious-catastrophiser", "name": "Anxious catastrophiser",
                              "description": "Worried, fears the worst.", "communication_style": "anxious",
                              "verbosity": "high", "health_literacy": "medium", "emotional_state": "anxious",
                              "trust": "medium", "biases": ["recency"], "noise": {"vague_answer": 0.2}})

    id: str
    name: str
    description: str
    communication_style: str
    verbosity: str
    health_literacy: str
    emotional_state: str
    trust: str
    biases: list[str]
    noise: dict[str, float] = Field(description="probability per answer of each noise kind")


class DoctorPublic(BaseModel):
    model_config = _examples({"name": "checklist", "description": "deterministic baseline"})

    name: str
    description: str

