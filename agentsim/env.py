"""ConsultationEnv: the real engine as a Gym-style environment, for RL and hand-written loops.

The engine (`arun_episode`) runs unchanged as a task with a queue-driven doctor: its `act()` hands the
observation to the env and waits for the next action, which `step()` supplies. So an env episode is an
ordinary episode: same patient, gatekeeper, judge, terminations and SQLite log.

    env = ConsultationEnv("chest-pain-stemi", reward=RewardConfig(cost_per_usd=1e-4))
    obs = env.reset()
    obs, reward, done, info = env.step(Ask(question="When did the pain start?"))

Sync calls (`reset`, `step`, `close`) run the engine on a private event loop in a background thread, so
they work with or without a running loop in the caller. Async calls (`areset`, `astep`, `aclose`) run it
on the caller's loop. One episode uses one style; starting the next with `reset`/`areset` may switch.

Reward for a step = shaping + (at the end) the final term, each switched on in RewardConfig:

* final (when done): the judge's Score read as `overall` (0..1, the rubric's weighted axes), `correct`
  (1.0 if the diagnosis grades correct, else 0.0), `likert` ((likert - 1) / 4), or any callable
  Score -> float; times `final_weight`. Every termination is scored, so a turn limit still gets its
  history, cost and safety credit under `overall` but a zero under `correct`.
* cost: `-cost_per_usd * USD` spent in the step (the $300 visit fee when a visit opens, test prices).
* coverage: `coverage_bonus * growth` of must-ask coverage (0..1) in the step, so the whole history
  is worth `coverage_bonus` in total however it is spread.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from agentsim.agents.base import Doctor, EpisodeAborted
from agentsim.cases.library import load_case, load_persona
from agentsim.model.action import ACTION_ADAPTER, Action, Observation, TranscriptEntry
from agentsim.model.case import Case
from agentsim.model.episode import EpisodeResult, Role, Termination, Turn
from agentsim.model.persona import Persona
from agentsim.model.score import Score

StepResult = tuple[Observation, float, bool, dict[str, Any]]
T = TypeVar("T")

_ABORT_TIMEOUT_S = 10.0  # an abort is a queue put and one engine step; past this, cancel the task instead
_FINALS: dict[str, Callable[[Score], float]] = {
    "overall": lambda s: s.overall,
    "correct": lambda s: 1.0 if s.diagnosis.correct else 0.0,
    "likert": lambda s: (s.diagnosis.likert - 1) / 4,
}


@dataclass(frozen=True)
class RewardConfig:
    """How a step's reward is made (see the module docstring). Defaults: the judge's overall score at
    the end, no shaping."""

    final: Literal["overall", "correct", "likert"] | Callable[[Score], float] = "overall"
    final_weight: float = 1.0
    cost_per_usd: float = 0.0
    coverage_bonus: float = 0.0

    def __post_init__(self) -> None:
        if not callable(self.final) and self.final not in _FINALS:
            raise ValueError(f"RewardConfig.final must be one of {sorted(_FINALS)} or a callable, "
                             f"not {self.final!r}")

    def final_value(self, score: Score | None) -> float:
        if score is None:  # only a cancelled episode goes unscored
            return 0.0
        value = self.final(score) if callable(self.final) else _FINALS[self.final](score)
        return self.final_weight * float(value)


class _QueueDoctor(Doctor):
    """The engine's doctor: publishes each observation and waits for the env to supply the action."""

    def __init__(self, name: str):
        self.name = name
        self.observations: asyncio.Queue[Observation] = asyncio.Queue()
        self.actions: asyncio.Queue[Action | None] = asyncio.Queue()  # None: stop the episode

    async def act(self, obs: Observation) -> Action:
        self.observations.put_nowait(obs)
        action = await self.actions.get()
        if action is None:
            raise EpisodeAborted("the environment was closed")
        return action


class ConsultationEnv:
    """One consultation per episode over `case` (a Case, case id or path), with the named offline or
    configured patient and gatekeeper. With `db`, every episode is logged like `agentsim run` (doctor
    name `doctor_name`). Call `close()` (or use `with`) to abort an unfinished episode and free the thread."""

    def __init__(self, case: Case | str | Path, persona: Persona | str | None = None, patient: str = "retrieval",
                 gatekeeper: str = "rules", max_turns: int = 20, budget: float | None = None, seed: int = 0,
                 db: str | Path | None = None, reward: RewardConfig = RewardConfig(), *,
                 doctor_name: str = "env"):
        if max_turns < 1:
            raise ValueError("max_turns must be at least 1")
        # load now so a bad case or persona fails at construction, not at the first reset
        self.case = case if isinstance(case, Case) else load_case(case)
        self.persona = load_persona(persona) if isinstance(persona, str | Path) else persona
        self.patient, self.gatekeeper = patient, gatekeeper
        self.max_turns, self.budget, self.seed, self.db = max_turns, budget, seed, db
        self.reward_config, self.doctor_name = reward, doctor_name
        self.episode_id: str | None = None
        self.result: EpisodeResult | None = None  # the finished episode, once done
        self._doctor: _QueueDoctor | None = None
        self._task: asyncio.Task[EpisodeResult] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # where the current episode runs
        self._obs: Observation | None = None
        self._turns: list[Turn] = []
        self._seen = 0  # turns already reported by a step
        self._coverage = 0.0
        self._done = True
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ---- async API: the engine runs on the caller's loop ----

    async def areset(self, *, seed: int | None = None) -> Observation:
        """Start a new episode (aborting an unfinished one) and return the first observation."""
        await self._abort_running()
        loop = asyncio.get_running_loop()
        self._doctor, self._loop = _QueueDoctor(self.doctor_name), loop
        self._turns, self._seen, self._coverage, self.result, self._obs = [], 0, 0.0, None, None
        self.episode_id = uuid.uuid4().hex
        from agentsim.engine.episode import arun_episode
        from agentsim.model.spec import EpisodeSpec, RoleSpec

        spec = EpisodeSpec(
            case=self.case, doctor=RoleSpec(ref=self._doctor.name, instance=self._doctor),
            patient=RoleSpec(ref=self.patient), gatekeeper=RoleSpec(ref=self.gatekeeper), persona=self.persona,
            max_turns=self.max_turns, budget=self.budget, seed=self.seed if seed is None else seed,
            episode_id=self.episode_id,
        )
        self._task = loop.create_task(arun_episode(spec, db=self.db, on_turn=self._turns.append))
        obs = await self._next_observation()
        if obs is None:  # the engine finished without asking: nothing a caller can step
            raise RuntimeError(f"the episode ended before the first action ({self.result and self.result.error})")
        self._obs, self._done, self._seen = obs, False, len(self._turns)
        return obs

    async def astep(self, action: Action | dict[str, Any]) -> StepResult:
        """Take one doctor action; returns (observation, reward, done, info)."""
        if self._obs is None or self._doctor is None:
            raise RuntimeError("call reset() before step()")
        if self._done:
            ended = self.result.termination.value if self.result else "closed"
            raise RuntimeError(f"the episode is over ({ended}): call reset() to start a new one")
        self._require_loop()
        if not isinstance(action, Action):
            action = ACTION_ADAPTER.validate_python(action)  # a ValidationError (ValueError); the episode goes on
        prev = self._obs
        self._doctor.actions.put_nowait(action)
        try:
            obs = await self._next_observation()
        except BaseException:  # the engine failed (or we were cancelled mid-step): no step can follow
            self._done = True
            raise
        turns, self._seen = self._turns[self._seen:], len(self._turns)
        self._done = obs is None
        self._obs = obs if obs is not None else _terminal_observation(prev, turns)
        return self._obs, *self._reward_and_info(turns)

    async def aclose(self) -> None:
        """Abort an unfinished episode (stored as `aborted`) and stop the private thread, if any."""
        if self._loop is asyncio.get_running_loop():
            await self._abort_running()
        self.close()

    # ---- sync API: the engine runs on a private loop in a background thread ----

    def reset(self, *, seed: int | None = None) -> Observation:
        return self._run_sync(self.areset(seed=seed))

    def step(self, action: Action | dict[str, Any]) -> StepResult:
        return self._run_sync(self.astep(action))

    def close(self) -> None:
        """Abort an unfinished episode (stored as `aborted`; its turns kept) and stop the private thread."""
        task, loop, doctor = self._task, self._loop, self._doctor
        if task is not None and not task.done() and loop is not None and not loop.is_closed() and doctor:
            if loop is self._thread_loop:
                asyncio.run_coroutine_threadsafe(self._abort_running(), loop).result()
            elif loop is _running_loop():
                doctor.actions.put_nowait(None)  # cannot block our own loop: the engine ends at its next await
            else:
                loop.call_soon_threadsafe(doctor.actions.put_nowait, None)
        self._done = True
        self._stop_thread()

    def __enter__(self) -> ConsultationEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> ConsultationEnv:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- internals ----

    async def _next_observation(self) -> Observation | None:
        """The engine's next request for an action, or None when the episode has ended (then `result`
        is set; an engine error is raised here)."""
        assert self._doctor is not None and self._task is not None
        getter = asyncio.ensure_future(self._doctor.observations.get())
        try:
            await asyncio.wait({getter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getter.done():
                getter.cancel()
        if getter.done() and not getter.cancelled():
            return getter.result()
        self.result = self._task.result()
        return None

    async def _abort_running(self) -> None:
        task, doctor = self._task, self._doctor
        if task is None or task.done() or doctor is None:
            return
        if self._loop is not None and self._loop.is_closed():
            return  # its loop is gone (asyncio.run cancelled it, which also stores `aborted`)
        if self._loop is self._thread_loop and self._loop is not _running_loop():
            # areset() after a reset() episode: stop that one where it runs, without blocking this loop
            assert self._thread_loop is not None
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._abort_running(), self._thread_loop))
            return
        self._require_loop()
        doctor.actions.put_nowait(None)
        try:
            self.result = await asyncio.wait_for(asyncio.shield(task), _ABORT_TIMEOUT_S)
        except TimeoutError:
            task.cancel()  # the engine's cancel path still stores the episode as aborted
            await asyncio.gather(task, return_exceptions=True)
        except Exception:  # noqa: BLE001 - an engine error while stopping: the episode is over either way
            pass
        self._done = True

    def _require_loop(self) -> None:
        if self._loop is not _running_loop():
            raise RuntimeError("this episode runs on another event loop: use step()/close() after reset(), "
                               "await astep()/aclose() after areset()")

    def _reward_and_info(self, turns: list[Turn]) -> tuple[float, bool, dict[str, Any]]:
        config, obs = self.reward_config, self._obs
        assert obs is not None
        cost = sum(t.cost for t in turns)
        terms: dict[str, float] = {}
        if config.cost_per_usd:
            terms["cost"] = -config.cost_per_usd * cost if cost else 0.0
        if config.coverage_bonus:
            from agentsim.judge.history import grade_history

            coverage = grade_history(self.case, self._turns).coverage
            terms["coverage"] = config.coverage_bonus * (coverage - self._coverage)
            self._coverage = coverage
        replies = [t for t in turns if t.role in (Role.PATIENT, Role.GATEKEEPER)]
        info: dict[str, Any] = {
            "episode_id": self.episode_id, "turn": obs.turn, "reply": replies[-1].text if replies else None,
            "cost": cost, "spent": obs.spent, "turns": turns,
        }
        if self._done:
            result = self.result
            terms["final"] = config.final_value(result.score if result else None)
            info.update(termination=result.termination if result else Termination.ABORTED,
                        score=result.score if result else None, error=result.error if result else None,
                        result=result)
        info["reward_terms"] = terms
        return sum(terms.values()), self._done, info

    def _run_sync(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is not None and self._loop is not self._thread_loop and self._task is not None \
                and not self._task.done() and not self._loop.is_closed():
            coro.close()
            raise RuntimeError("this episode was started with areset(): await astep()/aclose() instead")
        if self._thread_loop is None:
            loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=loop.run_forever, name="agentsim-env", daemon=True)
            self._thread.start()
            self._thread_loop = loop
        return asyncio.run_coroutine_threadsafe(coro, self._thread_loop).result()

    def _stop_thread(self) -> None:
        loop, thread = self._thread_loop, self._thread
        if loop is None or thread is None:
            return
        self._thread_loop = self._thread = None
        # tidy up on the loop's own thread: the caller's thread may be running a loop of its own
        asyncio.run_coroutine_threadsafe(loop.shutdown_asyncgens(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _terminal_observation(prev: Observation, turns: list[Turn]) -> Observation:
    """The engine asks for no action after the end, so the last observation is built from the turns
    logged in the final step, the way the engine builds its transcript (system notices excluded)."""
    seen = [t for t in turns if t.role is not Role.SYSTEM]
    replies = [t.text for t in seen if t.role is not Role.DOCTOR]
    return prev.model_copy(update={
        "reply": replies[-1] if replies else None,
        "transcript": [*prev.transcript, *(TranscriptEntry(role=t.role.value, text=t.text) for t in seen)],
        "turn": prev.turn + int(any(t.role is Role.DOCTOR for t in turns)),
        "spent": prev.spent + sum(t.cost for t in turns),
    })
