"""Classify a patient-directed question (one part of a turn) into inquiry types, strongest first.

Built on the history-slot cues (agentsim/match/slots.py) plus cues of its own for what slots do not cover:
demographics, "anything else?", and what a lay patient cannot know. Concepts the question names (HPO terms,
lexicon entries) make it a question about a specific symptom or item.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agentsim.match.slots import SLOT_CUES, detect_slots
from agentsim.match.text import normalise
from agentsim.model.case import FactSlot as S
from agentsim.model.provenance import InquiryType as I

SLOT_INQUIRY: dict[S, I] = {
    S.PRESENTING_COMPLAINT: I.PRESENTING_COMPLAINT, S.SITE: I.SITE, S.ONSET: I.ONSET, S.CHARACTER: I.CHARACTER,
    S.RADIATION: I.RADIATION, S.ASSOCIATED_SYMPTOMS: I.ASSOCIATED_SYMPTOMS, S.TIMING: I.TIMING,
    S.EXACERBATING_RELIEVING: I.EXACERBATING_RELIEVING, S.SEVERITY: I.SEVERITY,
    S.PERTINENT_NEGATIVE: I.SPECIFIC_SYMPTOM, S.PAST_MEDICAL_HISTORY: I.PAST_MEDICAL_HISTORY,
    S.PAST_SURGICAL_HISTORY: I.PAST_SURGICAL_HISTORY, S.MEDICATIONS: I.MEDICATIONS, S.ALLERGIES: I.ALLERGIES,
    S.FAMILY_HISTORY: I.FAMILY_HISTORY, S.SMOKING: I.SOCIAL_SMOKING, S.ALCOHOL: I.SOCIAL_ALCOHOL,
    S.DRUGS: I.SOCIAL_DRUGS, S.OCCUPATION: I.SOCIAL_OCCUPATION, S.HOME: I.SOCIAL_HOME, S.TRAVEL: I.SOCIAL_TRAVEL,
    S.SEXUAL_HISTORY: I.SOCIAL_SEXUAL_HISTORY, S.DIET: I.SOCIAL_DIET, S.OBSTETRIC_GYNAE_HISTORY: I.OBSTETRIC_GYNAE,
    S.BIRTH_DEVELOPMENT: I.PAEDIATRIC, S.IMMUNISATIONS: I.PAEDIATRIC, S.IDEAS: I.IDEAS, S.CONCERNS: I.CONCERNS,
    S.EXPECTATIONS: I.EXPECTATIONS,
    **{s: I.SPECIFIC_SYMPTOM for s in S if s.value.startswith("ros_")},
}

SOCRATES = frozenset({I.SITE, I.ONSET, I.CHARACTER, I.RADIATION, I.TIMING, I.EXACERBATING_RELIEVING, I.SEVERITY})
# parts of the history that are topics of their own: "when was your last period?" is about periods, not onset
TOPICS = frozenset({
    I.PAST_MEDICAL_HISTORY, I.PAST_SURGICAL_HISTORY, I.MEDICATIONS, I.ALLERGIES, I.FAMILY_HISTORY,
    I.SOCIAL_SMOKING, I.SOCIAL_ALCOHOL, I.SOCIAL_DRUGS, I.SOCIAL_OCCUPATION, I.SOCIAL_HOME, I.SOCIAL_TRAVEL,
    I.SOCIAL_SEXUAL_HISTORY, I.SOCIAL_DIET, I.OBSTETRIC_GYNAE, I.PAEDIATRIC, I.IDEAS, I.CONCERNS, I.EXPECTATIONS,
    I.DEMOGRAPHICS, I.LAY_UNKNOWABLE,
})

_DEMOGRAPHIC_CUES = {
    "age": ("how old", "your age", "what age", "date of birth", "dob", "when were you born", "what year were you born",
            "how many years old", "old is he", "old is she", "old is your"),
    "sex": ("male or female", "your sex", "your gender", "are you a man", "are you a woman", "boy or girl",
            "what sex", "what gender"),
    "name": ("your name", "what are you called", "what should i call you", "call you", "full name", "his name",
             "her name", "name please"),
}
_ANYTHING_ELSE = (
    "anything else", "any other symptoms", "any other symptom", "other symptoms", "anything more", "what else",
    "any other problems", "anything you have noticed", "anything you've noticed", "any more symptoms",
    "is that everything", "is that all", "anything further", "other things", "anything i should know",
    "any other complaints", "anything i have missed", "anything i've missed", "noticed anything else",
    "any other changes", "other problems", "else going on", "else been going on", "else bothering",
)
# measurements and results a lay patient is not told in numbers, or would not understand
_UNKNOWABLE = (
    "ejection fraction", "potassium", "sodium level", "your sodium", "creatinine", "egfr", "hba1c", "a1c",
    "hemoglobin level", "your hemoglobin", "troponin", "ferritin", "platelet count", "white cell count",
    "white count", "cd4", "viral load", "inr", "tsh", "t4 level", "lactate", "bilirubin", "your alt", "crp",
    "esr", "d dimer", "blood gas", "ph level", "lab results", "blood results", "test results", "your bloods",
    "electrolytes", "echo show", "ecg show", "ecg showed", "scan show", "scan showed", "x ray show", "mri show",
    "ct show", "what was the reading", "what is your gfr", "serum", "titre", "titer", "antibody level",
    "lithium level", "cholesterol level", "your ldl", "your hdl", "oxygen saturation", "your sats",
    "spirometry", "peak flow reading", "fev1", "biopsy show", "histology", "genotype", "karyotype",
    "ige", "cea", "ldh", "calcium level", "blood test showed", "test showed", "blood test show", "what were they",
    "kidney function", "liver function", "heart rate", "pulse rate", "reading", "level was", "level is",
    "your level", "score", "result", "results", "which bug", "what bug", "which germ", "what germ", "organism",
    "how deep", "eye pressure", "carboxyhemoglobin", "cha2ds2", "vasc", "antibodies", "what is your cholesterol",
    "what your cholesterol is", "what your blood sugar is", "your blood sugar level", "what your calcium",
    "your numbers", "blood count", "x ray showed", "scan showed", "ecg showed", "swab showed", "culture",
)
# generic temporal/quality cues that are SOCRATES only when no topic of its own is asked about
_WEAK_SOCRATES = frozenset({"when was", "when did", "how long", "start", "began", "begin", "how often"})

_NORM = {kind: tuple(normalise(c) for c in cues) for kind, cues in _DEMOGRAPHIC_CUES.items()}
_NORM_ELSE = tuple(normalise(c) for c in _ANYTHING_ELSE)
_NORM_UNKNOWABLE = tuple(normalise(c) for c in _UNKNOWABLE)
_STRONG_SOCRATES = tuple(
    normalise(c) for s in (S.SITE, S.ONSET, S.CHARACTER, S.RADIATION, S.TIMING, S.EXACERBATING_RELIEVING, S.SEVERITY)
    for c in SLOT_CUES[s] if normalise(c) not in _WEAK_SOCRATES
)


@lru_cache(maxsize=64)
def _pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f" {re.escape(c)} " for c in sorted(set(cues), key=len, reverse=True)))


def _has(padded: str, cues: tuple[str, ...]) -> bool:
    """Whole-word phrase containment of any cue; one compiled alternation per cue list."""
    return bool(_pattern(cues).search(padded))


def demographic_fields(question: str) -> list[str]:
    """Which demographics fields ('age', 'sex', 'name') the question asks for."""
    padded = f" {normalise(question)} "
    return [kind for kind, cues in _NORM.items() if _has(padded, cues)]


def classify(question: str, *, names_symptom: bool = False) -> list[tuple[I, float]]:
    """Inquiry types with strengths, strongest first. `names_symptom`: the question names a symptom or
    finding concept (from the vocabularies), which makes it a specific-symptom question too."""
    norm = normalise(question)
    padded = f" {norm} "
    found: dict[I, float] = {}
    for slot, strength in detect_slots(question).items():
        kind = SLOT_INQUIRY.get(slot)
        if kind is not None:
            found[kind] = max(found.get(kind, 0.0), strength)
    if demographic_fields(question):
        found[I.DEMOGRAPHICS] = 1.0
    if _has(padded, _NORM_UNKNOWABLE) and I.SEVERITY not in found:
        found[I.LAY_UNKNOWABLE] = 1.0
    if _has(padded, _NORM_ELSE):
        found[I.ANYTHING_ELSE] = 0.95
    if names_symptom:
        found[I.SPECIFIC_SYMPTOM] = max(found.get(I.SPECIFIC_SYMPTOM, 0.0), 0.9)
    if any(k in TOPICS for k in found):
        # "when was your last period?", "how long have you smoked?": the topic, not SOCRATES, is asked about
        if not _has(padded, _STRONG_SOCRATES):
            for kind in SOCRATES:
                found.pop(kind, None)
    if I.ANYTHING_ELSE in found and any(k in TOPICS or k is I.SPECIFIC_SYMPTOM for k in found):
        del found[I.ANYTHING_ELSE]  # "any other medical problems?" is about the history, not "anything else?"
    return sorted(found.items(), key=lambda kv: (-kv[1], list(I).index(kv[0])))


# medical-history cues that say "have you had X" without saying X is an illness
_GENERIC_HISTORY = frozenset(normalise(c) for c in (
    "ever had", "do you have any", "any problems with your", "any history", "long term", "long-term", "chronic"))
_SPECIFIC_HISTORY = tuple(normalise(c) for c in SLOT_CUES[S.PAST_MEDICAL_HISTORY]
                          if normalise(c) not in _GENERIC_HISTORY)


def only_generic_history_cues(question: str) -> bool:
    """True when the question's only medical-history cues are generic ones ('ever had', 'do you have any')."""
    return not _has(f" {normalise(question)} ", _SPECIFIC_HISTORY)
