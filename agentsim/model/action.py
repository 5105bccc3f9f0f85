"""What a doctor can do, and what it sees each turn. This is the public doctor contract, also published
as JSON Schema for doctors written in other languages (a union tagged by `action`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from agentsim.model.usage import Usage

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


#: The one union of doctor actions (isinstance works on it); JSON picks the member by its "action" tag.
Action = Ask | Examine | Order | Diagnose
TaggedAction = Annotated[Action, Field(discriminator="action")]
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(TaggedAction)


def describe_action(action: Action) -> str:
    """The one-line form of an action in the transcript and the log."""
    if isinstance(action, Ask):
        return action.question
    if isinstance(action, Examine):
        return f"[examine] {action.request}"
    if isinstance(action, Order):
        return f"[order] {', '.join(action.tests)}"
    return f"[diagnosis] {action.diagnosis}"


class DoctorTurn(BaseModel):
    """A doctor's turn with what it cost: what built-in LLM doctors return from `act` (a plain Action is
    the same turn with no usage). `deliberation` is a panel's working, stored beside the action."""

    model_config = ConfigDict(frozen=True)

    action: TaggedAction
    usage: Usage | None = None
    deliberation: dict[str, Any] | None = None


class TranscriptEntry(BaseModel):
    """One line of what the doctor has seen: its own actions and the replies, nothing hidden."""

    # every field is always sent, so the published (serialization) schema marks them all required
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    role: Literal["doctor", "patient", "gatekeeper", "system"]
    text: str


class ObservedImage(BaseModel):
    """An image that came with the last reply (an exam finding's or a test result's). A local file is sent as
    its absolute path; a URL is a reference the doctor may fetch or not. The caption says in words what it
    shows, for a doctor that cannot look at images."""

    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    of: str = Field(description="the finding or test it belongs to, as named in the reply")
    path: str | None = Field(None, description="absolute path of a local image file")
    url: str | None = Field(None, description="an http(s) reference, when the case has no local file")
    media_type: str = Field("image/png", description="image/png, image/jpeg, image/gif or image/webp")
    caption: str
    alt: str


class Observation(BaseModel):
    """What the doctor sees before each of its turns."""

    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    brief: str = Field(description="the case brief the doctor is handed (setting, age, sex, presenting complaint)")
    reply: str | None = Field(None, description="the last reply: the patient's opening statement on turn 0, "
                                                "then the answer to the previous action")
    transcript: list[TranscriptEntry] = Field(default_factory=list, description="everything so far, in order")
    turn: int = Field(0, description="doctor turns already taken (0 on the first)")
    max_turns: int = Field(description="doctor turns allowed; the last must be a diagnosis")
    spent: float = Field(0.0, description="USD charged so far: physician visits plus resulted tests")
    budget: float | None = Field(None, description="USD budget, if any; once spent, the next turn is final")
    final_turn: bool = Field(False, description="the action returned now must be a Diagnose, or the episode "
                                                "ends without one")
    max_tests_per_order: int = Field(DEFAULT_MAX_TESTS_PER_ORDER, description="an Order naming more tests "
                                                                             "than this ends the episode")
    images: list[ObservedImage] = Field(default_factory=list, description="images that came with `reply` "
                                                                          "(doctor-io v2); their captions are "
                                                                          "also in the reply text")
