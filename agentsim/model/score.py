"""Judge output: each item carries its own explanation."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DiagnosisScore(BaseModel):
    likert: int = Field(ge=1, le=5)
    correct: bool
    matched: str | None = Field(default=None, description="the accepted name it matched, if any")
    explanation: str


class HistoryScore(BaseModel):
    coverage: float = Field(ge=0, le=1)
    covered: list[str]
    missed: list[str]
    explanation: str


class CostItem(BaseModel):
    name: str
    usd: float


class CostScore(BaseModel):
    visits: int
    visit_cost: float
    test_cost: float
    total: float
    items: list[CostItem]
    explanation: str


class EfficiencyScore(BaseModel):
    turns: int
    questions: int
    exams: int
    tests: int
    explanation: str


class SafetyScore(BaseModel):
    red_flags_addressed: list[str]
    expected_tests_ordered: list[str]
    expected_tests_missed: list[str]
    explanation: str


class Score(BaseModel):
    judge: str = Field(description="which judge graded it: 'rubric', or 'llm:<model>'")
    # scores stored before judges carried versions read back as "unversioned"
    judge_version: str = Field(
        default="unversioned",
        description="the judge's version: for the rubric, rules version + tables hash + ICD-10-CM release "
        "(agentsim.judge.version.rubric_judge_version); for an LLM judge, prompt hash + samples",
    )
    diagnosis: DiagnosisScore
    history: HistoryScore
    cost: CostScore
    efficiency: EfficiencyScore
    safety: SafetyScore
    overall: float = Field(ge=0, le=1, description="weighted sum of the deterministic axes")
    voided: str | None = Field(None, description="why the episode scores 0 whatever its axes (doctor_error)")
    failed: str | None = Field(None, description="the judge could not grade (an LLM judge's call failed): "
                                                 "this row is no verdict and reports leave it out")

    # flat figures the CLI's --json and reports use
    @property
    def diagnosis_likert(self) -> int:
        return self.diagnosis.likert

    @property
    def diagnosis_correct(self) -> bool:
        return self.diagnosis.correct

    def summary(self) -> dict[str, object]:
        return {
            "diagnosis_likert": self.diagnosis.likert,
            "diagnosis_correct": self.diagnosis.correct,
            "history_coverage": round(self.history.coverage, 4),
            "missed_must_ask": self.history.missed,
            "total_cost": self.cost.total,
            "visits": self.cost.visits,
            "turns": self.efficiency.turns,
            "questions": self.efficiency.questions,
            "exams": self.efficiency.exams,
            "tests": self.efficiency.tests,
            "overall": round(self.overall, 4),
            "judge": self.judge,
            "judge_version": self.judge_version,
            **({"voided": self.voided} if self.voided else {}),
        }
