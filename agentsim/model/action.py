"""What a doctor can do, and what it sees each turn. This is the public doctor contract, also published
as JSON Schema for doctors written in other languages (a union tagged by `action`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

DEFAULT_MAX_TESTS_PER_ORDER = 3


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Ask(_Action):
    """A question (or several) to the patient."""

    action: Literal["ask"] = "ask"
    question: str = Field(min_length=1, max_length=2000)


class Examine(_Action):
    """A physical-exam manoeuvre or system, answered by the gatekeeper."""

    action: Literal["examine"] = "examine"
    request: str = Field(min_length=1, max_length=500)


class Order(_Action):
    """Investigations by name, answered by the gatekeeper. Closes the current physician visit."""

    action: Literal["order"] = "order"
    tests: list[str] = Field(min_length=1)

    @field_validator("tests")
    @classmethod
    def _names_not_blank(cls, tests: list[str]) -> list[str]:
        cleaned = [t.strip() for t in tests]
        if any(not t for t in cleaned):
            raise ValueError("test names must not be blank")
        return cleaned


class Diagnose(_Action):
    """The final answer. Ends the consultation."""

    action: Literal["diagnose"] = "diagnose"
    diagnosis: str = Field(min_length=1, max_length=500)
    differential: list[str] = Field(default_factory=list)
    rationale: str = ""


Action = Annotated[Ask | Examine | Order | Diagnose, Field(discriminator="action")]
ACTION_ADAPTER: TypeAdapter[Ask | Examine | Order | Diagnose] = TypeAdapter(Action)


class TranscriptEntry(BaseModel):
    """One line of what the doctor has seen: its own actions and the replies, nothing hidden."""

    model_config = ConfigDict(frozen=True)

    role: Literal["doctor", "patient", "gatekeeper", "system"]
    text: str


class Observation(BaseModel):
    model_config = ConfigDict(frozen=True)

    brief: str
    reply: str | None = None
    transcript: list[TranscriptEntry] = Field(default_factory=list)
    turn: int = 0
    max_turns: int
    spent: float = 0.0
    budget: float | None = None
    final_turn: bool = False
    max_tests_per_order: int = DEFAULT_MAX_TESTS_PER_ORDER
