"""Names -> agent factories. Built-ins register here; plug-ins resolve through agentsim.agents.plugins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentsim.agents.base import Doctor, GatekeeperAgent, PatientAgent
from agentsim.errors import UserError
from agentsim.model.case import GatekeeperView, PatientView
from agentsim.model.catalogue import Catalogue
from agentsim.model.persona import Persona


def _checklist(**options: Any) -> Doctor:
    from agentsim.agents.doctor.checklist import ChecklistDoctor

    return ChecklistDoctor(**options)


def _scripted(*, script: str | None = None, **options: Any) -> Doctor:
    from agentsim.agents.doctor.scripted import ScriptedDoctor

    if not script:
        raise UserError("the scripted doctor needs a script: --doctor-opt script=PATH.yaml")
    return ScriptedDoctor.from_file(script)


def _lazy(module: str, attr: str) -> Callable[..., Any]:
    """A factory that imports its agent only when used: LLM agents pull in litellm (seconds to import)."""

    def factory(*args: Any, **options: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), attr)(*args, **options)

    return factory


DOCTORS: dict[str, Callable[..., Doctor]] = {
    "checklist": _checklist,
    "scripted": _scripted,
    "llm": _lazy("agentsim.agents.doctor.llm", "LLMDoctor"),
    "panel": _lazy("agentsim.agents.doctor.panel", "PanelDoctor"),
}
DOCTOR_HELP = {
    "checklist": "deterministic baseline: structured history, focused exam, tests, knowledge-base ranking",
    "scripted": "replays actions from a YAML file (--doctor-opt script=PATH)",
    "llm": "an LLM through litellm: tool calls, tagged-text fallback (--doctor-model MODEL)",
    "panel": "MAI-DxO-style virtual panel of LLM doctors reaching a consensus action",
}


def _retrieval(view: PatientView, *, persona: Persona | None, seed: int, **_: Any) -> PatientAgent:
    from agentsim.agents.patient.retrieval import RetrievalPatient

    return RetrievalPatient(view, persona=persona, seed=seed)


def _rules(view: GatekeeperView, *, catalogue: Catalogue, **_: Any) -> GatekeeperAgent:
    from agentsim.agents.gatekeeper.rules import RulesGatekeeper

    return RulesGatekeeper(view, catalogue=catalogue)


PATIENTS: dict[str, Callable[..., PatientAgent]] = {
    "retrieval": _retrieval,
    "llm": _lazy("agentsim.agents.patient.llm", "LLMPatient"),
}
GATEKEEPERS: dict[str, Callable[..., GatekeeperAgent]] = {
    "rules": _rules,
    "llm": _lazy("agentsim.agents.gatekeeper.llm", "LLMGatekeeper"),
}


def make_doctor(name: str, **options: Any) -> Doctor:
    """A built-in by name, or a plug-in: path/file.py:Class, module:attr, entry point, http(s) URL.
    Built-ins go through the same resolver so their --doctor-opt strings get the same type conversion."""
    from agentsim.agents.plugins import resolve_doctor

    return resolve_doctor(name, options)


def make_patient(name: str, view: PatientView, **kwargs: Any) -> PatientAgent:
    factory = PATIENTS.get(name)
    if factory is None:
        raise UserError(f"unknown patient {name!r}; available: {', '.join(sorted(PATIENTS))}")
    return factory(view, **kwargs)


def make_gatekeeper(name: str, view: GatekeeperView, **kwargs: Any) -> GatekeeperAgent:
    factory = GATEKEEPERS.get(name)
    if factory is None:
        raise UserError(f"unknown gatekeeper {name!r}; available: {', '.join(sorted(GATEKEEPERS))}")
    return factory(view, **kwargs)
