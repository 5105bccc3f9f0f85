"""Names -> agents, for every role: the one resolver the build layer calls.

A role's reference is, in the order tried: an ``http(s)://`` URL (doctors only: a doctor served over
HTTP), a built-in name (the tables below), ``path/file.py:Class`` or ``package.module:attr``, and, for
doctors, an entry point of the ``agentsim.doctors`` group (see agentsim.agents.loading). Built-ins go
through the same option conversion as plug-ins, so `--doctor-opt` strings get the same types everywhere.
Built-in agents are imported only when chosen: LLM agents pull in litellm (seconds to import)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel

from agentsim.agents import loading
from agentsim.agents.base import Doctor, GatekeeperAgent, PatientAgent
from agentsim.errors import UserError
from agentsim.model.case import GatekeeperView, PatientView
from agentsim.model.catalogue import Catalogue
from agentsim.model.persona import Persona

FORMS = loading.FORMS
ENTRY_POINT_GROUP = loading.ENTRY_POINT_GROUP


def _lazy(module: str, attr: str) -> Callable[..., Any]:
    """A factory that imports its agent only when used."""

    def factory(*args: Any, **options: Any) -> Any:
        return getattr(importlib.import_module(module), attr)(*args, **options)

    factory.__qualname__ = f"{module}.{attr}"
    return factory


def _scripted(*, script: str | None = None) -> Doctor:
    from agentsim.agents.doctor.scripted import ScriptedDoctor

    if not script:
        raise UserError("the scripted doctor needs a script: --doctor-opt script=PATH.yaml")
    return ScriptedDoctor.from_file(script)


def _checklist(**options: Any) -> Doctor:
    from agentsim.agents.doctor.checklist import ChecklistDoctor

    return ChecklistDoctor(**options)


def _retrieval(view: PatientView, *, persona: Persona | None, seed: int, **_: Any) -> PatientAgent:
    from agentsim.agents.patient.retrieval import RetrievalPatient

    return RetrievalPatient(view, persona=persona, seed=seed)


def _rules(view: GatekeeperView, *, catalogue: Catalogue, **_: Any) -> GatekeeperAgent:
    from agentsim.agents.gatekeeper.rules import RulesGatekeeper

    return RulesGatekeeper(view, catalogue=catalogue)


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
PATIENTS: dict[str, Callable[..., PatientAgent]] = {
    "retrieval": _retrieval,
    "llm": _lazy("agentsim.agents.patient.llm", "LLMPatient"),
}
GATEKEEPERS: dict[str, Callable[..., GatekeeperAgent]] = {
    "rules": _rules,
    "llm": _lazy("agentsim.agents.gatekeeper.llm", "LLMGatekeeper"),
}


def make_doctor(ref: str, **options: Any) -> Doctor:
    return resolve_doctor(ref, options)


def resolve_doctor(ref: str, options: Mapping[str, Any] | None = None) -> Doctor:
    opts = dict(options or {})
    ref = ref.strip()
    if not ref:
        raise UserError(f"no doctor given; use a built-in name or {FORMS}")
    if ref.startswith(("http://", "https://")):
        from agentsim.agents.doctor.http import HTTPDoctor

        return loading.build_doctor(HTTPDoctor, opts, ref, args=(ref,))
    if ref in DOCTORS:
        return loading.build_doctor(DOCTORS[ref], opts, ref)
    target = _reference(ref, "doctor")
    if target is not None:
        return loading.instantiate_doctor(target, opts, ref)
    entry = loading.entry_points().get(ref)
    if entry is not None:
        return loading.instantiate_doctor(loading.load_entry_point(entry), opts, ref)
    installed = sorted(loading.entry_points())
    raise UserError(
        f"unknown doctor {ref!r}; built-in doctors: {', '.join(sorted(DOCTORS))}"
        + (f"; installed plug-ins: {', '.join(installed)}" if installed else "") + f"; or {FORMS}"
    )


def make_patient(ref: str, view: PatientView, *, persona: Persona | None = None, seed: int = 0,
                 **options: Any) -> PatientAgent:
    factory = PATIENTS.get(ref) or _factory(ref, "patient", PATIENTS)
    agent: PatientAgent = _checked(factory(view, persona=persona, seed=seed, **options), PatientAgent, ref, "patient",
                                   "opening() and answer(question)")
    return agent


def make_gatekeeper(ref: str, view: GatekeeperView, *, catalogue: Catalogue, **options: Any) -> GatekeeperAgent:
    factory = GATEKEEPERS.get(ref) or _factory(ref, "gatekeeper", GATEKEEPERS)
    agent: GatekeeperAgent = _checked(factory(view, catalogue=catalogue, **options), GatekeeperAgent, ref,
                                      "gatekeeper", "examine(request) and order(tests)")
    return agent


def _reference(ref: str, role: str) -> Any | None:
    """The target of a file or module reference, or None when `ref` is neither form."""
    head, colon, attr = ref.rpartition(":")
    if colon and head and attr:
        return loading.load_file(head, attr) if loading.looks_like_path(head) else loading.load_attr(head, attr)
    if ref.endswith(".py") or "/" in ref:
        raise UserError(f"name the {role} class in the file too: {ref}:ClassName")
    return None


def _factory(ref: str, role: str, builtins: Mapping[str, Callable[..., Any]]) -> Callable[..., Any]:
    target = _reference(ref, role)
    if target is None or not callable(target):
        raise UserError(f"unknown {role} {ref!r}; available: {', '.join(sorted(builtins))}, "
                        "or path/to/file.py:Class, package.module:attr")
    return target  # type: ignore[no-any-return]


def _checked(agent: Any, protocol: type, ref: str, role: str, needs: str) -> Any:
    if not isinstance(agent, protocol):
        raise UserError(f"{ref} is not a {role}: a {type(agent).__name__} needs name, model, prompt_hash, {needs}")
    return agent


class DoctorInfo(BaseModel):
    """One line of `agentsim doctors list`."""

    name: str
    source: Literal["built-in", "entry point"]
    description: str
    target: str | None = None  # module:attr of an entry point
    package: str | None = None  # the distribution that installed it
    shadowed: bool = False  # a built-in of the same name wins


def list_doctors() -> list[DoctorInfo]:
    rows = [DoctorInfo(name=name, source="built-in", description=DOCTOR_HELP.get(name, "")) for name in DOCTORS]
    for name, entry in sorted(loading.entry_points().items()):
        dist = entry.dist
        rows.append(DoctorInfo(
            name=name, source="entry point", description=f"plug-in {entry.value}", target=entry.value,
            package=dist.name if dist is not None else None, shadowed=name in DOCTORS,
        ))
    return rows
