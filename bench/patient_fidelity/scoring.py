"""Classify one patient answer against one item, from the answer's text alone.

Never reads the reply's payload or provenance: a patient that reports which facts it "used" could grade itself.
A fact counts as conveyed when at least 70% of its content words appear in the answer.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from agentsim.model.case import Case, Fact
from bench.patient_fidelity.itemset import ExpectKind, Item

CONVEYED_SHARE = 0.7

# Measurement code keeps its own tiny stop-word list on purpose: it must not share the normalisation of the
# matcher it measures (agentsim/match/text.py), or a blind spot there would be invisible here. Negations
# (no, not, never, don't) are deliberately NOT stop words: "I don't smoke" and "I smoke" are different facts.
_STOP = frozenset("""
a an the and or but so to of in on at by for from with as than then that this these those it its it's is was
be been being am are were i i'm i've i'd me my mine you your we our us he she his her they them their
have has had do did does just about up really quite very bit also there which what when if one get got
""".split())
# A fact made only of these ("No, nothing like that.") cannot be told apart from a plain "no" by its words: it
# counts as conveyed when it is expected (or also_ok) and the answer is a denial, and never as an extra fact.
_GENERIC = frozenset("""
no not nothing never none nope don't dont doesn't haven't hasn't didn't isn't aren't wasn't won't anything any like
ever all well yes know
""".split())
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_DONT_KNOW = re.compile(
    r"\b(don'?t know|do not know|not sure|no idea|not a clue|no clue|haven'?t a clue|couldn'?t (?:tell|say)|"
    r"can'?t (?:tell|say)|wouldn'?t know|never been told|not been told|nobody(?:'s)? told|"
    r"can'?t remember|don'?t remember|no one(?:'s)? told)\b")
# "not that I know of" is both a denial and an admission of not knowing: it counts as either
_HEDGE = re.compile(r"\b(not that i know|not as far as i know|not that i'?m aware|none that i know)\b")
# "Do you know your potassium?" - "No." is an answer of not knowing: for such questions a denial counts as one
_ASKS_IF_KNOWN = re.compile(r"\b(do|did|would) you (happen to )?(know|remember)\b|\b(has|have) (anyone|anybody|they) "
                            r"(ever )?told you\b|\bhave you been told\b|\bany idea\b")
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
    return _WORD.findall(_lower(text))


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOP}


def is_bare_denial(fact_text: str) -> bool:
    return not content_words(fact_text) - _GENERIC


def conveys(answer_words: set[str], fact_text: str) -> bool:
    wanted = content_words(fact_text)
    if not wanted:
        return False
    return len(wanted & answer_words) / len(wanted) >= CONVEYED_SHARE


def has_phrase(text: str, phrase: str) -> bool:
    spaced = " ".join(words(phrase))
    return bool(spaced) and re.search(rf"\b{re.escape(spaced)}\b", " ".join(words(text))) is not None


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def reads_as_dont_know(text: str) -> bool:
    lowered = _lower(text)
    return _DONT_KNOW.search(lowered) is not None or _HEDGE.search(lowered) is not None


def reads_as_denial(text: str) -> bool:
    lowered = _lower(text)
    if _HEDGE.search(lowered):
        return True
    return _DENIAL.search(lowered) is not None and _DONT_KNOW.search(lowered) is None


def names_diagnosis(text: str, case: Case) -> bool:
    return any(has_phrase(text, name) for name in case.diagnosis.accepted_names())


def classify(item: Item, case: Case, answer: str) -> Verdict:
    answer_words = set(words(answer)) - _STOP
    expected = item.expect.fact_ids()
    allowed = {*expected, *item.also_ok}
    denial = reads_as_denial(answer)

    def said(fact: Fact) -> bool:
        if is_bare_denial(fact.text):
            return denial and fact.id in allowed
        return conveys(answer_words, fact.text)

    conveyed = [f.id for f in case.patient.facts if said(f)]
    extra = [f for f in conveyed if f not in allowed]
    leak = names_diagnosis(answer, case)
    return Verdict(outcome=_outcome(item, answer, conveyed, extra), conveyed=conveyed, extra=extra, leak=leak)


def _outcome(item: Item, answer: str, conveyed: list[str], extra: list[str]) -> Outcome:
    if extra:
        return Outcome.UNRELATED  # right-with-extra counts here too: volunteering the wrong fact is the failure
    kind = item.expect.kind
    # absent / dont_know: no fact outside also_ok was conveyed (checked above), so the wording decides
    if kind is ExpectKind.ABSENT:
        return Outcome.ABSENT_OK if reads_as_denial(answer) else Outcome.WRONG
    if kind is ExpectKind.DONT_KNOW:
        asked_if_known = _ASKS_IF_KNOWN.search(_lower(item.question)) is not None
        not_knowing = reads_as_dont_know(answer) or (asked_if_known and reads_as_denial(answer))
        return Outcome.DONT_KNOW_OK if not_knowing else Outcome.WRONG
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
