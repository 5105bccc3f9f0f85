"""The LLM judge inside a run: after the rubric has scored a finished episode, `--judge-model` grades it
again with the LLM judge and both scores are stored. A judge call that fails is stored as failed (the
rubric's figures with `failed` set, under the judge's name), never as an incorrect diagnosis: reports
leave failed judgements out of accuracy and count them apart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from agentsim.model.case import Case
from agentsim.model.episode import Turn
from agentsim.model.rubric import RubricConfig
from agentsim.model.score import Score
from agentsim.model.spec import JudgeSpec


class JudgedScore(BaseModel):
    score: Score
    detail: dict[str, Any]  # stored beside the score's own fields: the verdict, or why it failed


async def llm_judged(case: Case, turns: Sequence[Turn], base: Score, *, judge: JudgeSpec,
                     rubric: RubricConfig) -> JudgedScore:
    from agentsim.judge.llm import ajudge_episode, llm_judge_version, llm_score
    from agentsim.judge.stored import judge_settings
    from agentsim.llm.errors import LLMError

    options = {k: v for k, v in judge.options.items() if k != "samples"}
    settings = judge_settings(judge.model, options=options)
    samples = int(judge.options.get("samples", 1))
    try:
        judgement = await ajudge_episode(case, turns, settings=settings, samples=samples,
                                         threshold=rubric.correct_threshold)
    except LLMError as exc:  # retries ran out, or the reply stayed unusable: say so, grade nothing
        failed = " ".join(str(exc).split())
        name = f"llm:{settings.model}"
        version = llm_judge_version(samples=samples)
        return JudgedScore(score=base.model_copy(update={"judge": name, "judge_version": version, "failed": failed}),
                           detail={"llm": {"model": settings.model, "failed": failed}})
    return JudgedScore(score=llm_score(base, judgement, rubric=rubric),
                       detail={"llm": judgement.model_dump(mode="json")})
