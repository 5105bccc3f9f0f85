"""Build: an EpisodeSpec -> the case, persona, rubric, catalogue and the three agents, resolved by name
through the one registry. Nothing here runs an episode; every user mistake is a UserError before it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentsim.agents import loading, registry
from agentsim.agents.base import Doctor, GatekeeperAgent, PatientAgent
from agentsim.cases.library import load_case, load_catalogue, load_persona, load_rubric
from agentsim.errors import UserError
from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import AgentConfig
from agentsim.model.persona import Persona
from agentsim.model.rubric import RubricConfig
from agentsim.model.spec import EpisodeSpec, RoleSpec

SECRET_OPTIONS = frozenset({"api_key"})  # never stored with the episode


@dataclass(frozen=True)
class BuiltEpisode:
    spec: EpisodeSpec
    case: Case
    persona: Persona | None
    rubric: RubricConfig
    catalogue: Catalogue
    doctor: Doctor
    patient: PatientAgent
    gatekeeper: GatekeeperAgent
    agents: AgentConfig  # what the log records: names, models, options, prompt hash


def build(spec: EpisodeSpec, *, catalogue: Catalogue | None = None) -> BuiltEpisode:
    """`catalogue` lets a batch share one parsed catalogue (it is also cached per file version)."""
    case = spec.case if isinstance(spec.case, Case) else load_case(spec.case)
    persona = load_persona(spec.persona) if isinstance(spec.persona, str) else spec.persona
    rubric = spec.rubric if isinstance(spec.rubric, RubricConfig) else load_rubric(spec.rubric)
    catalogue = catalogue or load_catalogue()
    doctor = (loading.instantiate_doctor(spec.doctor.instance, {}, spec.doctor.ref) if spec.doctor.instance is not None
              else registry.resolve_doctor(spec.doctor.ref, spec.doctor.options))
    patient = _instance(spec.patient, PatientAgent, "patient") or registry.make_patient(
        spec.patient.ref, case.patient_view(), persona=persona, seed=spec.seed, **spec.patient.options)
    gatekeeper = _instance(spec.gatekeeper, GatekeeperAgent, "gatekeeper") or registry.make_gatekeeper(
        spec.gatekeeper.ref, case.gatekeeper_view(), catalogue=catalogue, **spec.gatekeeper.options)
    agents = agent_config(spec, doctor=doctor, patient=patient, gatekeeper=gatekeeper)
    return BuiltEpisode(spec=spec, case=case, persona=persona, rubric=rubric, catalogue=catalogue, doctor=doctor,
                        patient=patient, gatekeeper=gatekeeper, agents=agents)


def _instance(role: RoleSpec, kind: type, label: str) -> Any:
    """The object a caller built for this role, checked against the role's protocol."""
    if role.instance is None:
        return None
    if not isinstance(role.instance, kind):
        raise UserError(f"the {label} given is a {type(role.instance).__name__}, not a {kind.__name__}")
    return role.instance


def agent_config(spec: EpisodeSpec, *, doctor: Doctor, patient: PatientAgent,
                 gatekeeper: GatekeeperAgent) -> AgentConfig:
    """Names as referenced (a built object by its own name); models as the agents resolved them (from
    options, environment or config file); the doctor's options without secrets; the prompt set's hash."""
    roles = (("doctor", spec.doctor, doctor), ("patient", spec.patient, patient),
             ("gatekeeper", spec.gatekeeper, gatekeeper))
    names = {role: (agent.name if rs.instance is not None else rs.ref) for role, rs, agent in roles}
    models = {role: agent.model for role, _, agent in roles if agent.model}
    for role, rs, _ in roles:
        if role not in models and isinstance(rs.options.get("model"), str) and rs.options["model"]:
            models[role] = rs.options["model"]
    if spec.judge.model:
        models["judge"] = spec.judge.model
    options = {k: v for k, v in spec.doctor.options.items() if k not in SECRET_OPTIONS}
    hashes = sorted({agent.prompt_hash for _, _, agent in roles if agent.prompt_hash})
    if hashes:
        options["prompt_hash"] = hashes[0] if len(hashes) == 1 else hashes
    return AgentConfig(doctor=names["doctor"], patient=names["patient"], gatekeeper=names["gatekeeper"],
                       models=models, options=options)
