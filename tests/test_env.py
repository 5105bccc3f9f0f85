"""ConsultationEnv: the engine as a Gym-style environment, sync and async."""

from __future__ import annotations

import asyncio

import pytest

from agentsim import Ask, ConsultationEnv, Diagnose, Examine, Observation, Order, RewardConfig
from agentsim.model.episode import Role, Termination, TurnKind
from agentsim.model.score import Score
from agentsim.store.queries import list_episodes, load_episode

CASE = "chest-pain-stemi"
GOOD = [Ask(question="When did it start?"), Ask(question="Do you smoke?"), Examine(request="heart"),
        Order(tests=["ECG", "troponin"]), Diagnose(diagnosis="STEMI", differential=["aortic dissection"])]


def test_a_full_rl_loop(db_url):
    shaping = RewardConfig(cost_per_usd=1e-4, coverage_bonus=0.5)
    with ConsultationEnv(CASE, reward=shaping, db=db_url) as env:
        obs = env.reset()
        assert isinstance(obs, Observation) and obs.turn == 0 and obs.reply and "58-year-old" in obs.brief
        rewards, infos = [], []
        for action in GOOD:
            obs, reward, done, info = env.step(action)
            rewards.append(reward)
            infos.append(info)
        assert done and [i.get("termination") for i in infos[:-1]] == [None] * 4
    first = infos[0]
    assert first["reply"].startswith("It came on about an hour ago") and first["cost"] == 300
    assert first["reward_terms"]["cost"] == pytest.approx(-0.03)  # the visit fee opens the first question
    assert first["reward_terms"]["coverage"] > 0 and rewards[2] == 0  # an exam in an open visit is free
    assert infos[3]["cost"] == 110 and infos[3]["spent"] == 410 and "ST elevation" in infos[3]["reply"]
    last = infos[-1]
    assert last["termination"] is Termination.DIAGNOSED and isinstance(last["score"], Score)
    assert last["score"].diagnosis.correct and last["reward_terms"]["final"] == pytest.approx(last["score"].overall)
    assert 0.5 < rewards[-1] <= 1 and 0.5 < sum(rewards) <= 1.5
    assert sum(i["reward_terms"]["coverage"] for i in infos) == pytest.approx(0.5 * last["score"].history.coverage)
    assert obs.turn == 5 and obs.spent == 410 and obs.transcript[-1].text == "[diagnosis] STEMI"
    assert {i["episode_id"] for i in infos} == {env.episode_id} and last["result"].episode_id == env.episode_id


@pytest.mark.parametrize(("final", "expected"), [("correct", 1.0), ("likert", 1.0), (lambda s: 7.0, 7.0)])
def test_final_reward_choices(final, expected):
    with ConsultationEnv(CASE, reward=RewardConfig(final=final)) as env:
        env.reset()
        _, reward, done, _ = env.step(Diagnose(diagnosis="STEMI"))
    assert done and reward == expected


def test_an_unknown_final_reward_is_refused():
    with pytest.raises(ValueError, match="RewardConfig.final"):
        RewardConfig(final="vibes")  # type: ignore[arg-type]


def test_max_turns_ends_with_turn_limit():
    with ConsultationEnv(CASE, max_turns=3, reward=RewardConfig(final="correct")) as env:
        obs = env.reset()
        finals = [obs.final_turn]
        for _ in range(3):
            obs, reward, done, info = env.step(Ask(question="Any allergies?"))
            finals.append(obs.final_turn)
    assert finals[:3] == [False, False, True] and done
    assert info["termination"] is Termination.TURN_LIMIT and reward == 0.0
    assert info["turns"][-1].kind is TurnKind.NOTICE and info["reply"] is None


def test_step_before_reset_and_after_done_raise_clearly():
    with ConsultationEnv(CASE) as env:
        with pytest.raises(RuntimeError, match="reset"):
            env.step(Ask(question="Hello?"))
        env.reset()
        env.step(Diagnose(diagnosis="STEMI"))
        with pytest.raises(RuntimeError, match=r"episode is over \(diagnosed\).*reset"):
            env.step(Ask(question="One more thing?"))
        assert env.reset().turn == 0  # and a new episode starts cleanly


def test_a_bad_action_raises_and_the_episode_goes_on():
    with ConsultationEnv(CASE) as env:
        env.reset()
        with pytest.raises(ValueError):
            env.step({"action": "teleport"})
        obs, _, done, info = env.step({"action": "ask", "question": "Where is the pain?"})
    assert not done and obs.turn == 1 and "centre" in info["reply"]


def test_the_async_form_inside_asyncio_run(db_url):
    async def main():
        async with ConsultationEnv(CASE, db=db_url) as env:
            obs = await env.areset()
            for action in GOOD:
                obs, reward, done, info = await env.astep(action)
            with pytest.raises(RuntimeError, match="episode is over"):
                await env.astep(Ask(question="Hello?"))
            return obs, reward, done, info

    obs, reward, done, info = asyncio.run(main())
    assert done and info["score"].diagnosis.correct and 0 < reward <= 1
    assert list_episodes(db=db_url)[0].termination == "diagnosed"


def test_the_sync_form_works_inside_a_running_loop():
    async def main():  # e.g. a notebook: the engine runs on the env's own thread, not this loop
        with ConsultationEnv(CASE) as env:
            env.reset()
            return env.step(Diagnose(diagnosis="STEMI"))

    assert asyncio.run(main())[2] is True


def _rollout(seed: int, reset_seed: int | None = None) -> list[Observation]:
    with ConsultationEnv(CASE, persona="verbose-tangential", seed=seed) as env:  # a persona with seeded noise
        return [env.reset(seed=reset_seed), *(env.step(action)[0] for action in GOOD)]


def test_same_seed_and_actions_give_the_same_observations():
    assert _rollout(seed=3) == _rollout(seed=3)
    assert _rollout(seed=3) != _rollout(seed=4)  # the seed really reaches the patient's noise
    assert _rollout(seed=0, reset_seed=4) == _rollout(seed=4)  # reset(seed=) overrides for one episode


def test_episodes_are_logged_when_db_is_given(db_url):
    with ConsultationEnv(CASE, db=db_url, doctor_name="my-policy") as env:
        env.reset()
        for action in GOOD:
            *_, info = env.step(action)
    stored = load_episode(env.episode_id, db=db_url)
    assert stored.agents.doctor == "my-policy" and stored.termination is Termination.DIAGNOSED
    assert [t.model_dump(exclude={"created_at"}) for t in stored.turns] == \
        [t.model_dump(exclude={"created_at"}) for t in info["result"].turns]
    assert stored.score == info["score"]


def test_close_mid_episode_stores_aborted_and_keeps_the_turns(db_url):
    env = ConsultationEnv(CASE, db=db_url)
    env.reset()
    env.step(Ask(question="When did it start?"))
    env.close()
    stored = load_episode(env.episode_id, db=db_url)
    assert stored.termination is Termination.ABORTED
    assert [t.kind for t in stored.turns] == [TurnKind.OPENING, TurnKind.ASK, TurnKind.ANSWER, TurnKind.NOTICE]
    assert stored.turns[-1].role is Role.SYSTEM
    with pytest.raises(RuntimeError, match="episode is over"):
        env.step(Ask(question="Still there?"))


def test_reset_mid_episode_aborts_the_old_one(db_url):
    with ConsultationEnv(CASE, db=db_url) as env:
        env.reset()
        first = env.episode_id
        env.step(Ask(question="When did it start?"))
        env.reset()
        env.step(Diagnose(diagnosis="STEMI"))
    assert load_episode(first, db=db_url).termination is Termination.ABORTED
    assert load_episode(env.episode_id, db=db_url).termination is Termination.DIAGNOSED


def test_mixing_sync_and_async_on_one_episode_is_refused():
    async def main():
        env = ConsultationEnv(CASE)
        await env.areset()
        with pytest.raises(RuntimeError, match="areset"):
            env.step(Ask(question="Hello?"))
        await env.aclose()

    asyncio.run(main())
