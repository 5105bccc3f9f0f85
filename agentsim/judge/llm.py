"""The LLM judge: SDBench's 5-point diagnosis grade plus AMIE-style consultation axes, from a stored episode.

The model sees the whole case (the diagnosis, its synonyms, the reference differential, the key findings),
the doctor's final answer and the stored transcript, and answers one JSON object (a json_schema
response_format, validated with pydantic; one repair prompt on an unusable reply, then JudgeOutputError).
`samples=k` asks k times and keeps the modal Likert, reporting how many samples agreed with it and the
spread: a judge that cannot agree with itself is not one to trust on that episode.

The deterministic rubric judge stays the default everywhere; this one only runs when asked (`agentsim
score --judge llm`, `agentsim judge compare`). Its verdict is stored as a score row of its own,
judge="llm:<model>", beside the rubric's: see `llm_score`.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from agentsim.llm.errors import LLMError
from agentsim.llm.gateway import LLMSettings, complete
from agentsim.llm.prompts import prompt_set_hash, render
from agentsim.llm.structured import parse_json, response_format
from agentsim.model.case import Case
from agentsim.model.episode import Role, Turn, TurnKind
from agentsim.model.rubric import RubricConfig
from agentsim.model.score import DiagnosisScore, Score
from agentsim.model.usage import Usage

AXES = ("history_taking", "clinical_reasoning", "communication", "empathy")
JUDGE_PREFIX = "llm:"  # ScoreRow.judge of an LLM verdict: "llm:openai/gpt-4o"
_SPEAKER = {Role.DOCTOR: "Doctor", Role.PATIENT: "Patient", Role.GATEKEEPER: "Examiner", Role.SYSTEM: "System"}


class JudgeOutputError(LLMError):
    """The judge model's reply was unusable even after one repair prompt."""


class AxisScore(BaseModel):
    # justification first: a model writing its reasons before the number grades more carefully
    justification: str = Field(description="one or two sentences")
    score: int = Field(ge=1, le=5, json_schema_extra={"enum": [1, 2, 3, 4, 5]})


class JudgeAxes(BaseModel):
    history_taking: AxisScore
    clinical_reasoning: AxisScore
    communication: AxisScore
    empathy: AxisScore


class JudgeSample(BaseModel):
    """One reply of the judge model: exactly the JSON it is asked for."""

    justification: str = Field(description="why this diagnosis score")
    likert: int = Field(ge=1, le=5, json_schema_extra={"enum": [1, 2, 3, 4, 5]})
    axes: JudgeAxes


class Tokens(BaseModel):
    prompt: int = 0
    completion: int = 0


class LLMJudgement(BaseModel):
    """The judge's verdict over `samples` replies (one unless --judge-samples says more)."""

    likert: int = Field(ge=1, le=5, description="the modal Likert over the samples (ties: the lower)")
    correct: bool = Field(description="likert >= the rubric's correct_threshold")
    justification: str = Field(description="from the first sample that gave the modal Likert")
    axes: dict[str, AxisScore] = Field(description="per axis: the median (low) score over the samples")
    samples: list[JudgeSample]
    agreement: float = Field(ge=0, le=1, description="share of samples that gave the modal Likert")
    spread: int = Field(ge=0, le=4, description="highest minus lowest sampled Likert")
    model: str
    prompt_hash: str
    tokens: Tokens
    cost: float = Field(description="USD spent on the judge model")
    cost_known: bool = True
    calls: int = Field(description="completions made, repairs included")

    @property
    def judge_name(self) -> str:
        return JUDGE_PREFIX + self.model


def judge_prompt_hash() -> str:
    return prompt_set_hash(("judge",))


def llm_judge_version(*, samples: int) -> str:
    """Score.judge_version of an LLM verdict (the model is in Score.judge): prompt hash and samples."""
    return f"prompt.{judge_prompt_hash()[:12]}+samples.{samples}"


# -- the prompt --------------------------------------------------------------------------------------------
def final_answer(turns: Sequence[Turn]) -> dict[str, Any] | None:
    """The last doctor DIAGNOSE turn's payload (diagnosis, differential, rationale), or None."""
    return next((t.payload for t in reversed(turns) if t.role is Role.DOCTOR and t.kind is TurnKind.DIAGNOSE), None)


def transcript_text(turns: Sequence[Turn]) -> str:
    lines = []
    for turn in turns:
        label = _SPEAKER[turn.role] + (f" ({turn.kind.value})" if turn.role is Role.DOCTOR else "")
        lines.append(f"{turn.index}. {label}: {' '.join(turn.text.split())}")
    return "\n".join(lines) or "(no turns)"


def build_messages(case: Case, turns: Sequence[Turn], *, threshold: int = 4) -> list[dict[str, Any]]:
    d = case.diagnosis
    answer = final_answer(turns) or {}
    differential = answer.get("differential") or []
    episode = render(
        "judge", "episode", diagnosis=d.primary, synonyms="; ".join(d.synonyms) or "none",
        category=d.category or "not given",
        differential="; ".join(f"{i.diagnosis} ({i.why_less_likely})" if i.why_less_likely else i.diagnosis
                               for i in d.differential) or "none",
        key_findings="; ".join(d.key_findings) or "none", brief=case.doctor_view().brief,
        answer=answer.get("diagnosis") or "(no diagnosis given)",
        doctor_differential="; ".join(map(str, differential)) if differential else "none",
        rationale=answer.get("rationale") or "none", turns=len(turns), transcript=transcript_text(turns),
    )
    return [{"role": "system", "content": render("judge", "system", threshold=threshold)},
            {"role": "user", "content": episode}]


# -- asking ------------------------------------------------------------------------------------------------
async def _sample(messages: list[dict[str, Any]], settings: LLMSettings, usage: Usage) -> JudgeSample:
    messages = list(messages)
    fmt = response_format(JudgeSample, "diagnosis_judgement")
    problem: str | None = ""
    raw = ""
    for attempt in (1, 2):
        completion = await complete(messages, settings=settings, response_format=fmt)
        usage.add(completion.usage())
        sample, problem = parse_json(completion.text, JudgeSample)
        if sample is not None:
            return sample
        raw = completion.raw()
        if attempt == 1:
            messages += [{"role": "assistant", "content": raw},
                         {"role": "user", "content": render("judge", "repair", problem=problem)}]
    short = raw if len(raw) <= 300 else raw[:297] + "..."
    raise JudgeOutputError(f"{settings.model}: the judge's reply is unusable after one repair prompt ({problem}); "
                           f"raw output: {short!r}")


async def ajudge_episode(case: Case, turns: Sequence[Turn], *, settings: LLMSettings, samples: int = 1,
                         threshold: int = 4) -> LLMJudgement:
    """Judge one stored episode `samples` times (concurrently; the gateway bounds requests per model)."""
    if samples < 1:
        raise ValueError("samples must be at least 1")
    messages = build_messages(case, turns, threshold=threshold)
    usage = Usage()  # shared by the samples: asyncio runs one add() at a time
    # a fixed seed would make every sample the same reply on providers that honour it: vary it per sample
    per_sample = [settings if settings.seed is None else settings.model_copy(update={"seed": settings.seed + i})
                  for i in range(samples)]
    replies = await asyncio.gather(*(_sample(messages, s, usage) for s in per_sample))
    return aggregate(list(replies), usage, model=settings.model, threshold=threshold)


def judge_episode(case: Case, turns: Sequence[Turn], **kwargs: Any) -> LLMJudgement:
    """Synchronous `ajudge_episode`."""
    return asyncio.run(ajudge_episode(case, turns, **kwargs))


def aggregate(samples: list[JudgeSample], usage: Usage, *, model: str, threshold: int) -> LLMJudgement:
    likerts = [s.likert for s in samples]
    counts = Counter(likerts)
    top = max(counts.values())
    modal = min(score for score, n in counts.items() if n == top)  # a tie goes to the lower, stricter grade
    chosen = next(s for s in samples if s.likert == modal)
    axes: dict[str, AxisScore] = {}
    for name in AXES:
        scored = [getattr(s.axes, name) for s in samples]
        median = statistics.median_low([a.score for a in scored])
        axes[name] = next(a for a in scored if a.score == median)
    return LLMJudgement(
        likert=modal, correct=modal >= threshold, justification=chosen.justification, axes=axes,
        samples=samples, agreement=round(counts[modal] / len(samples), 4), spread=max(likerts) - min(likerts),
        model=model, prompt_hash=judge_prompt_hash(), tokens=Tokens(prompt=usage.prompt, completion=usage.completion),
        cost=round(usage.cost, 8), cost_known=usage.cost_known, calls=usage.calls,
    )


# -- storing -----------------------------------------------------------------------------------------------
def llm_score(base: Score, judgement: LLMJudgement, *, rubric: RubricConfig) -> Score:
    """The rubric's score with the LLM's diagnosis grade in place of the rule-based one: coverage, cost,
    efficiency and safety stay the deterministic figures, `overall` is recombined with the LLM's Likert.
    Stored with `{"llm": judgement}` added to its detail, it is still a valid Score for every reader."""
    from agentsim.judge.rubric import axis_values, combine

    diagnosis = DiagnosisScore(likert=judgement.likert, correct=judgement.correct, matched=None,
                               explanation=judgement.justification)
    values = axis_values(history=base.history, diagnosis=diagnosis, cost=base.cost, efficiency=base.efficiency,
                         safety=base.safety, rubric=rubric)
    version = llm_judge_version(samples=len(judgement.samples))
    return base.model_copy(update={"judge": judgement.judge_name, "judge_version": version, "diagnosis": diagnosis,
                                   "overall": combine(values, rubric)})
