"""Store rows and library files -> public models. Keyword-only; SQL stays in agentsim.store."""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

from agentsim.api.models import (
    CaseBrief,
    CaseSummary,
    EpisodePublic,
    PersonaPublic,
    RunDetail,
    RunProgress,
    RunPublic,
)
from agentsim.errors import UserError
from agentsim.model.case import SLUG, Case
from agentsim.model.persona import Persona
from agentsim.secrets import redact_text
from agentsim.store.tables import EpisodeRow, RunRow

log = logging.getLogger("agentsim.api")


# ------------------------------------------------------------------------------------------------ runs

def run_public(row: RunRow, *, active: bool) -> RunPublic:
    return RunPublic(id=row.id, name=row.name, status=row.status, active=active, created_at=row.created_at,
                     finished_at=row.finished_at)


def run_detail(row: RunRow, *, db: str, active: bool) -> RunDetail:
    from agentsim.store.runs import run_counts

    counts = run_counts(row.id, db=db)
    progress = RunProgress(planned=planned_episodes(row.spec), done=counts["completed"], failed=counts["failed"],
                           running=counts["running"], cost_usd=counts["cost_usd"])
    return RunDetail(**run_public(row, active=active).model_dump(), progress=progress, spec=redact(row.spec or {}))


def planned_episodes(spec: dict[str, Any]) -> int | None:
    """How many episodes the stored spec expands to against today's library (cheap: cases are cached)."""
    from pydantic import ValidationError

    from agentsim.batch.spec import BatchSpec
    from agentsim.cases.library import load_all_cases

    try:  # from the list lengths: a stored spec may expand to more than anyone should build
        return BatchSpec.model_validate(spec).episode_count(load_all_cases())
    except (UserError, ValidationError):
        return None


def redact(value: Any) -> Any:
    """A spec written from the CLI before secrets were redacted in the store: never send one back out."""
    from agentsim.secrets import redact as redact_secrets

    return redact_secrets(value)


# -------------------------------------------------------------------------------------------- episodes

def episode_public(row: EpisodeRow) -> EpisodePublic:
    models = (row.agent_config or {}).get("models") or {}
    return EpisodePublic(
        id=row.id, run_id=row.run_id, case_id=row.case_id, persona=row.persona, doctor=row.doctor,
        patient=row.patient, gatekeeper=row.gatekeeper, models={str(k): str(v) for k, v in models.items()},
        seed=row.seed, max_turns=row.max_turns, budget=row.budget, status=row.status,
        termination=row.termination,
        error=redact_text(row.error) if row.error else None, diagnosis=row.diagnosis, total_cost=row.total_cost,
        n_turns=row.n_turns,
        started_at=row.started_at, finished_at=row.finished_at, duration_ms=row.duration_ms,
    )


# ----------------------------------------------------------------------------------------------- cases

def is_slug(value: str) -> bool:
    from agentsim.cases.library import MAX_ID_LENGTH

    return len(value) <= MAX_ID_LENGTH and re.fullmatch(SLUG, value) is not None


def library_cases() -> list[Case]:
    """Every valid case in the library. A broken file is logged and left out rather than failing the
    whole listing (`agentsim validate` names its problems)."""
    from agentsim.cases.library import load_case, scenario_paths

    cases = []
    for path in scenario_paths():
        try:
            cases.append(load_case(path.stem))  # cached per file and mtime
        except UserError as exc:
            log.warning("case file left out of the API: %s", str(exc).splitlines()[0])
    return cases


def find_case(case_id: str) -> Case | None:
    """Only a slug can name a case: nothing else (dots, slashes, encoded or not) reaches the file system."""
    from agentsim.cases.library import load_case

    if not is_slug(case_id):
        return None
    try:
        return load_case(case_id)
    except UserError:
        return None


def case_summary(case: Case) -> CaseSummary:
    return CaseSummary(id=case.id, title=case.title, specialty=case.specialty, setting=case.setting,
                       difficulty=case.difficulty, tags=list(case.tags))


def case_brief(case: Case) -> CaseBrief:
    return CaseBrief(**case_summary(case).model_dump(), doctor_brief=case.doctor_brief,
                     brief=case.doctor_view().brief)


# -------------------------------------------------------------------------------------------- personas

def library_personas() -> list[PersonaPublic]:
    from agentsim.cases.library import persona_paths

    personas = []
    for path in persona_paths():
        try:
            personas.append(_persona(path, path.stat().st_mtime_ns))
        except UserError as exc:
            log.warning("persona file left out of the API: %s", str(exc).splitlines()[0])
    return personas


@cache
def _persona(path: Path, _mtime: int) -> PersonaPublic:
    from agentsim.cases.library import load_persona

    p: Persona = load_persona(path)
    return PersonaPublic(
        id=p.id, name=p.name, description=p.description, communication_style=p.communication_style.value,
        verbosity=p.verbosity.value, health_literacy=p.health_literacy.value,
        emotional_state=p.emotional_state.value, trust=p.trust.value, biases=[b.kind.value for b in p.biases],
        noise={k.value: v for k, v in p.noise.items()},
    )
