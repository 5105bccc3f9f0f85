"""Patient personas: how facts are told, never which facts exist."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from agentsim.model.case import SLUG, Strict


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class CommunicationStyle(StrEnum):
    PLAIN = "plain"
    TERSE = "terse"
    VERBOSE = "verbose"
    ANXIOUS = "anxious"
    STOIC = "stoic"
    TANGENTIAL = "tangential"
    GUARDED = "guarded"
    IRRITABLE = "irritable"


class EmotionalState(StrEnum):
    CALM = "calm"
    ANXIOUS = "anxious"
    DISTRESSED = "distressed"
    IRRITABLE = "irritable"
    FLAT = "flat"
    EMBARRASSED = "embarrassed"


class BiasKind(StrEnum):
    """Patient cognitive biases as AgentClinic names them."""

    RECENCY = "recency"
    FREQUENCY = "frequency"
    FALSE_CONSENSUS = "false_consensus"
    SELF_DIAGNOSIS = "self_diagnosis"
    CULTURAL = "cultural"
    EDUCATION = "education"
    SOCIOECONOMIC = "socioeconomic"


class NoiseKind(StrEnum):
    """MedExAgent's patient noise types."""

    OMISSION = "omission"
    VAGUE_ANSWER = "vague_answer"
    SEVERITY_CHANGE = "severity_change"
    TEMPORAL_CHANGE = "temporal_change"
    BODY_PART_SWAP = "body_part_swap"
    SYMPTOM_CONFUSION = "symptom_confusion"
    SELF_DIAGNOSIS = "self_diagnosis"


class Bias(Strict):
    kind: BiasKind
    statement: str = Field(description="what the patient says that shows the bias, first person")


class Phrasing(Strict):
    prefixes: list[str] = Field(default_factory=list, description="openers, one picked per answer")
    suffixes: list[str] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list, description="how this patient says 'no / not that I know'")


class Persona(Strict):
    id: str = Field(pattern=SLUG)
    name: str
    description: str
    communication_style: CommunicationStyle
    verbosity: Level
    health_literacy: Level
    emotional_state: EmotionalState
    trust: Level
    biases: list[Bias] = Field(default_factory=list)
    noise: dict[NoiseKind, float] = Field(
        default_factory=dict, description="probability per answer of each noise kind, 0 to 1"
    )
    phrasing: Phrasing = Field(default_factory=Phrasing)

    def model_post_init(self, _context: object) -> None:
        for kind, rate in self.noise.items():
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"noise rate for {kind.value} must be between 0 and 1, got {rate}")
