"""Why the patient said what it said: the inquiry type of each question part, the answer act chosen for it,
and the facts used with the evidence that linked each one to the question. Carried on the patient's reply and
stored in the turn payload under "provenance" so replay, export and a viewer can show it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class InquiryType(StrEnum):
    """What a question (or one part of a multi-question turn) asks about. docs/answer-policy.md gives the
    answer policy of each; a test keeps the table and this enum in step."""

    DEMOGRAPHICS = "demographics"
    PRESENTING_COMPLAINT = "presenting_complaint"
    SITE = "site"
    ONSET = "onset"
    CHARACTER = "character"
    RADIATION = "radiation"
    ASSOCIATED_SYMPTOMS = "associated_symptoms"
    TIMING = "timing"
    EXACERBATING_RELIEVING = "exacerbating_relieving"
    SEVERITY = "severity"
    ANYTHING_ELSE = "anything_else"
    SPECIFIC_SYMPTOM = "specific_symptom"
    PAST_MEDICAL_HISTORY = "past_medical_history"
    PAST_SURGICAL_HISTORY = "past_surgical_history"
    MEDICATIONS = "medications"
    ALLERGIES = "allergies"
    FAMILY_HISTORY = "family_history"
    SOCIAL_SMOKING = "social_smoking"
    SOCIAL_ALCOHOL = "social_alcohol"
    SOCIAL_DRUGS = "social_drugs"
    SOCIAL_OCCUPATION = "social_occupation"
    SOCIAL_HOME = "social_home"
    SOCIAL_TRAVEL = "social_travel"
    SOCIAL_SEXUAL_HISTORY = "social_sexual_history"
    SOCIAL_DIET = "social_diet"
    OBSTETRIC_GYNAE = "obstetric_gynae"
    PAEDIATRIC = "paediatric"
    IDEAS = "ideas"
    CONCERNS = "concerns"
    EXPECTATIONS = "expectations"
    LAY_UNKNOWABLE = "lay_unknowable"


class AnswerAct(StrEnum):
    """What the patient did with one question part."""

    FACTS = "facts"  # told the matching case facts
    DEMOGRAPHICS = "demographics"  # told age, sex, name or occupation from the case's demographics
    NEXT_SYMPTOMS = "next_symptoms"  # "anything else?": the next untold associated symptoms
    NOTHING_MORE = "nothing_more"  # "anything else?" with nothing left to tell
    ABSENT = "absent"  # a specific item the case does not hold: "no" (the OSCE convention)
    UNKNOWABLE = "unknowable"  # a lab value or measurement a lay patient would not know
    NOTHING_TO_ADD = "nothing_to_add"  # an open question about a part of the history the case leaves empty
    ALREADY_TOLD = "already_told"  # asked again within one turn about what that turn already answers


class EvidenceKind(StrEnum):
    CONCEPT = "concept"  # an HPO term or lexicon entry named by both the question and the fact
    ALIAS = "alias"  # one of the fact's aliases appears in the question
    OVERLAP = "overlap"  # shared content words
    SEMANTIC = "semantic"  # wordllama embedding similarity
    INQUIRY = "inquiry"  # the fact's history slot is what the question asks about
    DEMOGRAPHICS = "demographics"  # a demographics field of the case


class Evidence(BaseModel):
    kind: EvidenceKind
    score: float
    concept: str | None = Field(default=None, description="HP:... or LEX:... for concept evidence")
    label: str | None = Field(default=None, description="the concept's name, the alias or the field")


class FactUse(BaseModel):
    fact_id: str
    score: float
    evidence: list[Evidence] = Field(default_factory=list)


class PartProvenance(BaseModel):
    question: str
    inquiry: list[InquiryType]
    concepts: list[str] = Field(default_factory=list, description="concept ids the question names")
    act: AnswerAct
    facts: list[FactUse] = Field(default_factory=list)
    demographics: list[str] = Field(default_factory=list, description="demographics fields told")


class AnswerProvenance(BaseModel):
    parts: list[PartProvenance] = Field(default_factory=list)
    hpo_version: str | None = None

    def inquiry_types(self) -> list[InquiryType]:
        return list(dict.fromkeys(t for p in self.parts for t in p.inquiry))

    def fact_ids(self) -> list[str]:
        return list(dict.fromkeys(f.fact_id for p in self.parts for f in p.facts))
