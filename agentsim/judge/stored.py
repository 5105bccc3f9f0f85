"""Judging stored episodes with both judges: what `agentsim score --judge llm` and `agentsim judge compare`
share. Reads the log, never re-runs an agent; writes one score row per judge asked."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agentsim.judge.llm import LLMJudgement, ajudge_episode, llm_score
from agentsim.llm.settings import LLMSettings
from agentsim.model.episode import EpisodeResult
from agentsim.model.score import Score

Db = str | Path | None


class BothJudges(BaseModel):
    """One stored episode as both judges see it."""

    episode: EpisodeResult
    rubric: Score
    llm: Score  # the rubric's figures with the LLM's diagnosis grade (judge="llm:<model>")
    judgement: LLMJudgement


def judge_settings(model: str | None, api_base: str | None = None, options: Mapping[str, Any] | None = None,
                   *, recorded: str | None = None, env: Mapping[str, str] | None = None) -> LLMSettings:
    """Settings for the judge: --judge-model (or AGENTSIM_JUDGE_MODEL) first, then the judge model recorded
    with the episode (`agentsim run --judge-model`), then the config file."""
    merged = {"model": model or recorded, "api_base": api_base, **(options or {})}
    return LLMSettings.resolve("judge", {k: v for k, v in merged.items() if v is not None}, env=env)


async def ajudge_stored(episodes: Sequence[str], *, db: Db, settings: LLMSettings | None = None,
                        model: str | None = None, api_base: str | None = None,
                        options: Mapping[str, Any] | None = None, samples: int = 1, rubric: str = "default",
                        save: bool = True) -> list[BothJudges]:
    """Grade each stored episode with the rubric and the LLM judge (episodes concurrently; the gateway bounds
    requests per model). With `save`, the LLM's verdict is stored beside the rubric's score; the rubric's own
    re-score is not stored again (the episode already has it)."""
    from agentsim.cases.library import load_case, load_catalogue, load_rubric
    from agentsim.judge.rubric import score_turns
    from agentsim.store.queries import load_episode, save_score

    config, catalogue = load_rubric(rubric), load_catalogue()
    results = [load_episode(e, db=db) for e in episodes]

    async def one(result: EpisodeResult) -> BothJudges:
        case = load_case(result.case_id)
        chosen = settings or judge_settings(model, api_base, options, recorded=result.agents.models.get("judge"))
        base = score_turns(case, result.turns, rubric=config, catalogue=catalogue, termination=result.termination)
        judgement = await ajudge_episode(case, result.turns, settings=chosen, samples=samples,
                                         threshold=config.correct_threshold)
        both = BothJudges(episode=result, rubric=base, llm=llm_score(base, judgement, rubric=config),
                          judgement=judgement)
        if save:  # as each verdict arrives: judge calls cost money, a later failure must not lose them
            save_score(result.episode_id, both.llm, db=db, extra={"llm": judgement.model_dump(mode="json")})
        return both

    return list(await asyncio.gather(*(one(r) for r in results)))


def judge_stored(episodes: Sequence[str], **kwargs: Any) -> list[BothJudges]:
    return asyncio.run(ajudge_stored(episodes, **kwargs))
