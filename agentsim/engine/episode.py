"""One episode, end to end: spec -> build -> run -> score -> record. No console; a database only when a
recorder (or `db`) is given.

Scoring runs after the graph, on the finished turns, through the judge package: the same call that
re-scores a stored episode (`agentsim score`), so a fresh score and a re-score cannot drift apart."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from agentsim.agents.base import Doctor
from agentsim.engine.build import BuiltEpisode, build
from agentsim.engine.recording import Recorder
from agentsim.engine.run import new_context, simulate
from agentsim.engine.state import EpisodeContext
from agentsim.errors import UserError
from agentsim.judge.rubric import score_turns
from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.episode import EpisodeResult, Role, Termination, Turn, TurnKind, final_diagnosis, utcnow
from agentsim.model.persona import Persona
from agentsim.model.record import EpisodeEnd, EpisodeStart
from agentsim.model.score import Score
from agentsim.model.spec import EpisodeSpec, JudgeSpec, RoleSpec


async def arun_episode(spec: EpisodeSpec, *, recorder: Recorder | None = None, db: str | Path | None = None,
                       on_turn: Callable[[Turn], None] | None = None,
                       catalogue: Catalogue | None = None) -> EpisodeResult:
    """`db` is shorthand for the SQL recorder on that database; `on_turn` sees each turn once it is logged."""
    if recorder is None and db is not None:
        from agentsim.store.recorder import EpisodeRecorder

        recorder = EpisodeRecorder(db)
    episode = build(spec, catalogue=catalogue)
    episode_id = spec.episode_id or uuid.uuid4().hex
    started = utcnow()
    log = _TurnLog(recorder, episode_id, on_turn)
    context = new_context(episode, episode_id=episode_id, sink=log)
    if recorder is not None:
        await recorder.start(EpisodeStart(
            episode_id=episode_id, case_id=episode.case.id, persona=episode.persona.id if episode.persona else None,
            agents=episode.agents, seed=spec.seed, max_turns=spec.max_turns, budget=spec.budget, run_id=spec.run_id,
            key=spec.key, started_at=started,
        ))
    try:
        outcome = await simulate(episode, context=context)
    except (asyncio.CancelledError, KeyboardInterrupt):
        await _end_unfinished(context, log, recorder, started, "aborted", TurnKind.NOTICE, "The episode was aborted.")
        raise
    except Exception as exc:  # e.g. a patient's LLM rejected the API key: the run stops, the log says why
        error = " ".join(f"{type(exc).__name__}: {exc}".split())
        await _end_unfinished(context, log, recorder, started, error, TurnKind.ERROR, error)
        raise
    await log.flush()
    score = score_episode(episode, outcome.turns, outcome.termination)
    scores: list[Score] = [score]
    extras: list[dict[str, Any]] = [{}]
    if spec.judge.model:
        from agentsim.judge.inline import llm_judged

        judged = await llm_judged(episode.case, outcome.turns, score, judge=spec.judge, rubric=episode.rubric)
        scores.append(judged.score)
        extras.append(judged.detail)
    finished = utcnow()
    if recorder is not None:
        await recorder.complete(EpisodeEnd(
            episode_id=episode_id, termination=outcome.termination, error=outcome.error,
            diagnosis=final_diagnosis(outcome.turns), total_cost=score.cost.total, n_turns=len(outcome.turns),
            started_at=started, finished_at=finished, scores=scores, score_extras=extras,
        ))
    return EpisodeResult(
        episode_id=episode_id, case_id=episode.case.id, persona=episode.persona.id if episode.persona else None,
        seed=spec.seed, agents=episode.agents, termination=outcome.termination, turns=outcome.turns, score=score,
        judged=scores[1:], error=outcome.error, started_at=started, finished_at=finished,
    )


def score_episode(episode: BuiltEpisode, turns: list[Turn], termination: Termination) -> Score:
    return score_turns(episode.case, turns, rubric=episode.rubric, catalogue=episode.catalogue,
                       termination=termination)


class _TurnLog:
    """The TurnSink of an episode: each turn goes to the recorder at once (queued, in order) and is shown
    once it is durable; a reply and the doctor action after it can share one commit."""

    def __init__(self, recorder: Recorder | None, episode_id: str, on_turn: Callable[[Turn], None] | None):
        self.recorder, self.episode_id, self.on_turn = recorder, episode_id, on_turn
        self.cost = 0.0
        self.pending: list[tuple[Turn, Awaitable[None] | None]] = []

    def take(self, turn: Turn) -> None:
        self.cost += turn.cost
        write = self.recorder.add_turn(self.episode_id, turn) if self.recorder is not None else None
        self.pending.append((turn, write))

    async def flush(self) -> None:
        pending, self.pending = self.pending, []
        for turn, write in pending:
            if write is not None:
                await write
            if self.on_turn is not None:
                self.on_turn(turn)


async def _end_unfinished(context: EpisodeContext, log: _TurnLog, recorder: Recorder | None, started: datetime,
                          error: str, kind: TurnKind, text: str) -> None:
    """Record why the episode stopped, unless the database itself is what failed; no score is written."""
    try:
        context.new_turn(Role.SYSTEM, kind, text, payload={"reason": "aborted"})
        await log.flush()
        if recorder is not None:
            await recorder.complete(EpisodeEnd(
                episode_id=context.episode_id, termination=Termination.ABORTED, error=error, diagnosis=None,
                total_cost=log.cost, n_turns=context.logged, started_at=started, finished_at=utcnow(),
            ))
    except UserError:
        pass  # the first failure is the one to report; this one is its echo (disk full...)


def episode_spec(case: Case | str | Path, *, doctor: Doctor | str = "checklist",
                 doctor_options: dict[str, Any] | None = None, patient: str = "retrieval",
                 patient_options: dict[str, Any] | None = None, gatekeeper: str = "rules",
                 gatekeeper_options: dict[str, Any] | None = None, persona: Persona | str | None = None,
                 seed: int = 0, max_turns: int = 20, budget: float | None = None,
                 judge_model: str | None = None) -> EpisodeSpec:
    """The README's short form: a case and a doctor (a name or an object), the rest defaulted."""
    role = (RoleSpec(ref=doctor, options=doctor_options or {}) if isinstance(doctor, str)
            else RoleSpec(ref=_label(doctor), instance=doctor))
    return EpisodeSpec(case=case if isinstance(case, Case) else str(case), doctor=role,
                       patient=RoleSpec(ref=patient, options=patient_options or {}),
                       gatekeeper=RoleSpec(ref=gatekeeper, options=gatekeeper_options or {}), persona=persona,
                       seed=seed, max_turns=max_turns, budget=budget, judge=JudgeSpec(model=judge_model))


def _label(doctor: object) -> str:
    return doctor.name if isinstance(doctor, Doctor) else type(doctor).__name__


def run_episode(spec: EpisodeSpec | Case | str | Path, *, doctor: Doctor | str = "checklist",
                doctor_options: dict[str, Any] | None = None, patient: str = "retrieval",
                patient_options: dict[str, Any] | None = None, gatekeeper: str = "rules",
                gatekeeper_options: dict[str, Any] | None = None, persona: Persona | str | None = None,
                seed: int = 0, max_turns: int = 20, budget: float | None = None, judge_model: str | None = None,
                db: str | Path | None = None, on_turn: Callable[[Turn], None] | None = None) -> EpisodeResult:
    """Synchronous form of `arun_episode`. Give an EpisodeSpec, or a case with the short-form options of
    `episode_spec`. Inside a running event loop, await `arun_episode` instead."""
    if not isinstance(spec, EpisodeSpec):
        spec = episode_spec(spec, doctor=doctor, doctor_options=doctor_options, patient=patient,
                            patient_options=patient_options, gatekeeper=gatekeeper,
                            gatekeeper_options=gatekeeper_options, persona=persona, seed=seed, max_turns=max_turns,
                            budget=budget, judge_model=judge_model)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(arun_episode(spec, db=db, on_turn=on_turn))
    raise RuntimeError("run_episode() was called inside a running event loop: use `await arun_episode(...)`")
