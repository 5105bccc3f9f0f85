"""How far two judges agree on the same episodes: exact Likert agreement, correct/incorrect agreement and
Cohen's kappa on correct. Pure functions over pairs; `agentsim judge compare` prints them."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field


class JudgePair(BaseModel):
    """One episode as graded by the rubric (a) and by the LLM (b)."""

    episode_id: str
    case_id: str
    diagnosis: str | None = None
    rubric_likert: int
    rubric_correct: bool
    llm_likert: int
    llm_correct: bool
    llm_agreement: float = Field(1.0, description="the LLM judge's agreement with itself over its samples")


class Agreement(BaseModel):
    n: int
    likert_exact: float | None = Field(description="share of episodes given the same Likert by both judges")
    likert_within_one: float | None
    correct_agreement: float | None = Field(description="share given the same correct/incorrect verdict")
    kappa: float | None = Field(description="Cohen's kappa on correct; None when undefined (chance agreement 1)")
    rubric_correct: int
    llm_correct: int


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Cohen's kappa for two binary raters. None when it is undefined: both raters gave one and the same
    verdict to every item, so chance alone explains the agreement and (po - pe) / (1 - pe) is 0/0."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def agreement(pairs: Sequence[JudgePair]) -> Agreement:
    n = len(pairs)

    def share(hits: int) -> float | None:
        return round(hits / n, 4) if n else None

    kappa = cohen_kappa([p.rubric_correct for p in pairs], [p.llm_correct for p in pairs])
    return Agreement(
        n=n,
        likert_exact=share(sum(p.rubric_likert == p.llm_likert for p in pairs)),
        likert_within_one=share(sum(abs(p.rubric_likert - p.llm_likert) <= 1 for p in pairs)),
        correct_agreement=share(sum(p.rubric_correct == p.llm_correct for p in pairs)),
        kappa=None if kappa is None else round(kappa, 4),
        rubric_correct=sum(p.rubric_correct for p in pairs),
        llm_correct=sum(p.llm_correct for p in pairs),
    )
