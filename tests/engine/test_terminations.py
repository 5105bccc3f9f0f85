"""Each termination reason, as a user of run_episode sees it."""

from __future__ import annotations

import asyncio

import pytest

from agentsim import Ask, Diagnose, Doctor, Examine, Order, run_episode
from agentsim.engine.episode import arun_episode, episode_spec
from agentsim.model.episode import Role, Termination, TurnKind


class AlwaysAsks(Doctor):
    name = "always-asks"

    def act(self, obs):
        return Ask(question="Do you smoke?")


class OrdersForever(Doctor):
    def act(self, obs):
        return Order(tests=["troponin"])


class Raises(Doctor):
    def act(self, obs):
        raise RuntimeError("my model crashed")


class ReturnsJunk(Doctor):
    def act(self, obs):
        return {"action": "teleport"}


class TooManyTests(Doctor):
    def act(self, obs):
        return Order(tests=["FBC", "U&E", "CRP", "LFTs"])


class DiagnosesAtOnce(Doctor):
    async def act(self, obs):  # async act works too
        return Diagnose(diagnosis="STEMI", differential=["aortic dissection"])


def test_diagnosed(stemi):
    result = run_episode(stemi, doctor=DiagnosesAtOnce())
    assert result.termination is Termination.DIAGNOSED
    assert result.diagnosis == "STEMI"
    assert result.score.diagnosis.correct


def test_turn_limit_forces_a_final_diagnosis_turn(stemi):
    seen_final = []

    class Watcher(AlwaysAsks):
        def act(self, obs):
            seen_final.append(obs.final_turn)
            return super().act(obs)

    result = run_episode(stemi, doctor=Watcher(), max_turns=4)
    assert result.termination is Termination.TURN_LIMIT
    assert seen_final == [False, False, False, True]
    assert result.turns[-1].role is Role.SYSTEM and result.turns[-1].kind is TurnKind.NOTICE
    assert result.score.diagnosis.likert == 1  # no diagnosis given


def test_budget_exhausted(stemi):
    result = run_episode(stemi, doctor=OrdersForever(), budget=150, max_turns=10)
    assert result.termination is Termination.BUDGET_EXHAUSTED
    doctor_turns = [t for t in result.turns if t.role is Role.DOCTOR]
    assert len(doctor_turns) < 10


@pytest.mark.parametrize(
    ("doctor", "message"),
    [(Raises(), "doctor raised RuntimeError: my model crashed"), (ReturnsJunk(), "not an action"),
     (TooManyTests(), "ordered 4 tests at once; the limit is 3")],
)
def test_doctor_error_ends_the_episode_and_keeps_the_log(stemi, db_url, doctor, message):
    from agentsim.store.queries import load_episode

    result = run_episode(stemi, doctor=doctor, db=db_url)
    assert result.termination is Termination.DOCTOR_ERROR
    assert message in result.error
    stored = load_episode(result.episode_id, db=db_url)
    assert stored.termination is Termination.DOCTOR_ERROR
    assert stored.turns[0].kind is TurnKind.OPENING  # nothing already logged is lost
    assert message in stored.turns[-1].text


def test_aborted_is_recorded_when_cancelled(stemi, db_url):
    from agentsim.store.queries import get_episode_row, list_episodes

    class Stuck(Doctor):
        def __init__(self):
            self.waiting = asyncio.Event()

        async def act(self, obs):
            if obs.turn == 2:
                self.waiting.set()
                await asyncio.Event().wait()  # never set: the doctor hangs until the task is cancelled
            return Examine(request="check the vital signs")

    async def main():
        doctor = Stuck()
        task = asyncio.create_task(arun_episode(episode_spec(stemi, doctor=doctor), db=db_url))
        await asyncio.wait_for(doctor.waiting.wait(), 60)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    row = get_episode_row(list_episodes(db=db_url)[0].id, db=db_url)
    assert row.termination == Termination.ABORTED.value
    assert row.status == "failed"
    assert row.n_turns >= 5  # opening + two exam exchanges + the abort notice
