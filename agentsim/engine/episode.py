"""run_episode: one consultation, start to score. No console; the database only when `db` is given."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentsim.agents.base import Doctor, GatekeeperAgent, PatientAgent, call_reset
from agentsim.agents.registry import make_doctor, make_gatekeeper, make_patient
from agentsim.cases.library import load_case, load_catalogue, load_persona, load_rubric
from agentsim.engine.graph import consultation_graph
from agentsim.engine.state import EpisodeContext
from agentsim.errors import UserError
from agentsim.match.leak import redact
from agentsim.model.action import DEFAULT_MAX_TESTS_PER_ORDER, TranscriptEntry
from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import AgentConfig, EpisodeResult, Role, Termination, Turn, TurnKind, utcnow
from agentsim.model.persona import Persona
from agentsim.model.rubric import RubricConfig


def _agent_name(agent: object, fallback: str) -> str:
    return agent if isinstance(agent, str) else getattr(agent, "name", None) or type(agent).__name__ or fallback


async def arun_episode(
    case: Case | str | Path,
    *,
    doctor: Doctor | str = "checklist",
    patient: PatientAgent | str = "retrieval",
    gatekeeper: GatekeeperAgent | str = "rules",
    persona: Persona | str | None = None,
    max_turns: int = 20,
    budget: float | None = None,
    seed: int = 0,
    db: str | Path | None = None,
    rubric: RubricConfig | str = "default",
    catalogue: Catalogue | None = None,
    max_tests_per_order: int = DEFAULT_MAX_TESTS_PER_ORDER,
    doctor_options: dict[str, Any] | None = None,
    patient_options: dict[str, Any] | None = None,
    gatekeeper_options: dict[str, Any] | None = None,
    judge_options: dict[str, Any] | None = None,
    on_turn: Callable[[Turn], None] | None = None,
    run_id: str | None = None,
    episode_key: str | None = None,
    judge: Callable[[Case, list[Turn]], Any] | None = None,
    episode_id: str | None = None,
) -> EpisodeResult:
    """`episode_id` (default: a fresh uuid) lets a caller know the id before the episode ends.
    `judge_options` is only recorded for now (its "model" goes in the episode's agent config)."""
    if max_turns < 1:
        raise ValueError("max_turns must be at least 1")
    case = case if isinstance(case, Case) else load_case(case)
    persona = load_persona(persona) if isinstance(persona, str | Path) else persona
    rubric = rubric if isinstance(rubric, RubricConfig) else load_rubric(rubric)
    catalogue = catalogue or load_catalogue()
    agents = AgentConfig(
        doctor=_agent_name(doctor, "doctor"), patient=_agent_name(patient, "patient"),
        gatekeeper=_agent_name(gatekeeper, "gatekeeper"),
        options={k: v for k, v in (doctor_options or {}).items() if k != "api_key"},  # keys never reach the log
        models={role: str(opts["model"]) for role, opts in (("doctor", doctor_options), ("patient", patient_options),
                                                             ("gatekeeper", gatekeeper_options),
                                                             ("judge", judge_options)) if opts and opts.get("model")},
    )
    doctor = make_doctor(doctor, **(doctor_options or {})) if isinstance(doctor, str) else doctor
    if isinstance(patient, str):
        patient = make_patient(patient, case.patient_view(), persona=persona, seed=seed, **(patient_options or {}))
    if isinstance(gatekeeper, str):
        gatekeeper = make_gatekeeper(gatekeeper, case.gatekeeper_view(), catalogue=catalogue,
                                     **(gatekeeper_options or {}))
    _note_llm(agents, doctor=doctor, patient=patient, gatekeeper=gatekeeper)
    if judge is None:
        from agentsim.judge.rubric import score_turns

        def judge(c: Case, turns: list[Turn]) -> Any:
            return score_turns(c, turns, rubric=rubric, catalogue=catalogue)

    recorder = None
    if db is not None:
        from agentsim.store.recorder import EpisodeRecorder

        recorder = EpisodeRecorder(db)

    ctx = EpisodeContext(
        episode_id=episode_id or uuid.uuid4().hex, case=case, doctor=doctor, patient=patient, gatekeeper=gatekeeper,
        catalogue=catalogue, rubric=rubric, max_turns=max_turns, budget=budget,
        max_tests_per_order=max_tests_per_order, recorder=recorder, on_turn=on_turn, judge=judge,
        started_at=utcnow(),
    )
    if recorder is not None:
        recorder.start(
            episode_id=ctx.episode_id, case_id=case.id, persona=persona.id if persona else None,
            doctor=agents.doctor, patient=agents.patient, gatekeeper=agents.gatekeeper,
            agent_config=agents.model_dump(mode="json"), seed=seed, max_turns=max_turns, budget=budget,
            run_id=run_id, key=episode_key, started_at=ctx.started_at,
        )
    termination, error = Termination.ABORTED, None
    try:
        final = await _consult(ctx)
        termination, error = final.get("termination") or Termination.ABORTED, final.get("error")
    except (asyncio.CancelledError, KeyboardInterrupt):
        error = "aborted"
        _log_if_possible(ctx, TurnKind.NOTICE, "The episode was aborted.")
        raise
    except Exception as exc:  # e.g. a patient's LLM rejected the API key: the run stops, the log says why
        error = " ".join(f"{type(exc).__name__}: {exc}".split())
        _log_if_possible(ctx, TurnKind.ERROR, error)
        raise
    finally:
        if recorder is not None:
            try:
                recorder.finish(
                    ctx.episode_id, termination=termination, error=error, diagnosis=_diagnosis(ctx.turns),
                    total_cost=ctx.score.cost.total if ctx.score else sum(t.cost for t in ctx.turns),
                    n_turns=len(ctx.turns), started_at=ctx.started_at,
                )
                if ctx.score is not None:
                    recorder.add_score(ctx.episode_id, ctx.score)
            except UserError:
                if error is None:  # the database failed on its own: that is the error to report
                    raise
                # otherwise the first failure is the one to report; this one is its echo (disk full...)
            finally:
                recorder.close()
    return EpisodeResult(
        episode_id=ctx.episode_id, case_id=case.id, persona=persona.id if persona else None, seed=seed,
        agents=agents, termination=termination, turns=ctx.turns, score=ctx.score, error=error,
        started_at=ctx.started_at, finished_at=utcnow(),
    )


async def _consult(ctx: EpisodeContext) -> dict[str, Any]:
    reset_error = None
    try:
        await call_reset(ctx.doctor, ctx.case.doctor_view().brief)
    except Exception as exc:  # a plug-in's broken reset ends its episode (in the doctor node), not the run
        detail = " ".join(str(exc).split())
        reset_error = f"doctor reset raised {type(exc).__name__}" + (f": {detail}" if detail else "")
    opening = await ctx.patient.opening()
    text, hits = redact(opening.text, ctx.case.diagnosis.accepted_names())
    ctx.log(Role.PATIENT, TurnKind.OPENING, text, payload={**opening.payload, **({"redacted": hits} if hits else {})},
            noise=opening.noise)
    state = {
        "turn": 0, "spent": 0.0, "visit_open": False, "reply": text, "pending": None, "termination": None,
        "transcript": [TranscriptEntry(role="patient", text=text)], "error": reset_error,
    }
    # each doctor turn is up to three graph steps (doctor, reply, back): leave room for max_turns of them
    limit = 3 * ctx.max_turns + 10
    return await consultation_graph().ainvoke(state, context=ctx, config={"recursion_limit": limit})


def _note_llm(config: AgentConfig, **agents: object) -> None:
    """LLM-backed agents expose `model` (resolved from options, env or config file) and `prompt_hash`:
    both are stored with the episode so a score can be traced to the model and the exact prompts."""
    for role, agent in agents.items():
        model = getattr(agent, "model", None)
        if isinstance(model, str) and model:
            config.models.setdefault(role, model)
    hashes = sorted({h for a in agents.values() if isinstance(h := getattr(a, "prompt_hash", None), str)})
    if hashes:
        config.options["prompt_hash"] = hashes[0] if len(hashes) == 1 else hashes


def _log_if_possible(ctx: EpisodeContext, kind: TurnKind, text: str) -> None:
    """Record why the episode stopped, unless the database itself is what failed."""
    try:
        ctx.log(Role.SYSTEM, kind, text, payload={"reason": "aborted"})
    except UserError:
        pass


def _diagnosis(turns: list[Turn]) -> str | None:
    final = next((t for t in reversed(turns) if t.kind is TurnKind.DIAGNOSE), None)
    return final.payload.get("diagnosis") if final else None


def run_episode(case: Case | str | Path, **kwargs: Any) -> EpisodeResult:
    """Synchronous form of `arun_episode` (same keyword arguments). Inside a running event loop,
    await `arun_episode` instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(arun_episode(case, **kwargs))
    raise RuntimeError("run_episode() was called inside a running event loop: use `await arun_episode(...)`")
