"""Classify one patient answer against one item, from the answer's text alone.

Never reads the reply's payload or provenance: a patient that reports which facts it "used" could grade itself.
A fact counts as conveyed when at least 70% of its content words appear in the answer.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bench.patient_fidelity.itemset import ExpectKind, Item
from agentsim.model.case import Case

CONVEYED_SHARE = 0.7

# Measurement code keeps its own tiny stop-word list on purpose: it must not share the normalisation of the
# matcher it measures (agentsim/match/text.py), or a blind spot there would be invisible here. Negations
# (no, not, never, don't) are deliberately NOT stop words: "I don't smoke" and "I smoke" are different facts.
_STOP = frozenset("""
a an the and or but so to of in on at by for from with as than then that this these those it its it's is was
be been being am are were i i'm i've i'd me my mine you your we our us he she his her they them their
have has had do did does just about up really quite very bit also there which what when if one get got
""".split())
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_DONT_KNOW = re.compile(
    r"\b(don'?t know|do not know|not sure|no idea|not a clue|no clue|haven'?t a clue|couldn'?t (?:tell|say)|"
    r"can'?t (?:tell|say)|wouldn'?t know|never been told|not been told|nobody(?:'s)? told|not that i know|"
    r"can'?t remember|don'?t remember|no one(?:'s)? told)\b")
_DENIAL = re.compile(
    r"\b(no|nope|not|never|none|nothing|don'?t|haven'?t|hasn'?t|didn'?t|isn'?t|wasn'?t|aren'?t|can'?t say so|"
    r"nah|neither|nor)\b")


class Outcome(StrEnum):
    RIGHT = "right"
    PARTIAL = "partial"
    FALSE_NO = "false_no"
    UNRELATED = "unrelated"
    DONT_KNOW_OK = "dont_know_ok"
    ABSENT_OK = "absent_ok"
    WRONG = "wrong"


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    conveyed: list[str]
    extra: list[str]
    leak: bool


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOP}


def conveys(answer_words: set[str], fact_text: str) -> bool:
    wanted = content_words(fact_text)
    if not wanted:
        return False
    return len(wanted & answer_words) / len(wanted) >= CONVEYED_SHARE


def has_phrase(text: str, phrase: str) -> bool:
    spaced = " ".join(words(phrase))
    return bool(spaced) and re.search(rf"\b{re.escape(spaced)}\b", " ".join(words(text))) is not None


def reads_as_dont_know(text: str) -> bool:
    return _DONT_KNOW.search(text.lower().replace("\u2019", "'")) is not None


def reads_as_denial(text: str) -> bool:
    lowered = text.lower().replace("\u2019", "'")
    return _DENIAL.search(lowered) is not None and not reads_as_dont_know(lowered)


def names_diagnosis(text: str, case: Case) -> bool:
    return any(has_phrase(text, name) for name in case.diagnosis.accepted_names())


def classify(item: Item, case: Case, answer: str) -> Verdict:
    answer_words = set(words(answer)) - _STOP
    conveyed = [f.id for f in case.patient.facts if conveys(answer_words, f.text)]
    expected = item.expect.fact_ids()
    extra = [f for f in conveyed if f not in {*expected, *item.also_ok}]
    leak = names_diagnosis(answer, case)
    return Verdict(outcome=_outcome(item, answer, conveyed, extra), conveyed=conveyed, extra=extra, leak=leak)


def _outcome(item: Item, answer: str, conveyed: list[str], extra: list[str]) -> Outcome:
    if extra:
        return Outcome.UNRELATED  # right-with-extra counts here too: volunteering the wrong fact is the failure
    kind = item.expect.kind
    if kind is ExpectKind.ABSENT:
        return Outcome.ABSENT_OK if not conveyed and reads_as_denial(answer) else Outcome.WRONG
    if kind is ExpectKind.DONT_KNOW:
        return Outcome.DONT_KNOW_OK if not conveyed and reads_as_dont_know(answer) else Outcome.WRONG
    got = [f for f in item.expect.fact_ids() if f in conveyed]
    if kind is ExpectKind.FACTS and item.expect.facts and len(got) == len(item.expect.facts):
        return Outcome.RIGHT
    if kind is ExpectKind.ANY_OF and got:
        return Outcome.RIGHT
    if kind is ExpectKind.KEYWORDS and all(any(has_phrase(answer, kw) for kw in group)
                                           for group in item.expect.keywords or []):
        return Outcome.RIGHT
    if got:
        return Outcome.PARTIAL
    if not conveyed and reads_as_denial(answer):
        return Outcome.FALSE_NO
    return Outcome.WRONG
