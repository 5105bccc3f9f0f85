"""Medical knowledge base for the deterministic checklist doctor: knowledge.yaml lists conditions with
weighted key features, and `KnowledgeBase.rank` scores free English evidence (answers, exam findings, test
results) against them. Matching is simple and deterministic: words are normalised (spelling, plurals, a few
synonyms), a multi-word feature matches when its content words occur close together in one sentence, and
negated mentions ("no fever", "troponin not raised", "Kernig's sign negative") do not count."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from agentsim.match.text import FUNCTION_WORDS, us_spelling
from agentsim.model.case import ExamSystem

_Phrase = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9 '-]*$")]  # lowercase, as it is matched
_Weight = Annotated[int, Field(ge=1, le=3)]  # 3 = highly specific (usually a test finding)
_TestId = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]  # ids from docs/test-ids.md


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    synonyms: tuple[str, ...] = ()
    category: str
    system: str
    features: dict[_Phrase, _Weight] = Field(min_length=6, max_length=14)
    tests: tuple[_TestId, ...] = Field(min_length=2, max_length=5)
    exams: tuple[ExamSystem, ...] = Field(min_length=1, max_length=3)
    prior: int = Field(ge=1, le=3)
    sex: Literal["female", "male"] | None = None
    age: tuple[int, int] | None = None

    def __hash__(self) -> int:  # features is a dict, so the default frozen hash would fail; names are unique
        return hash(self.name)

    def fits(self, age: int | None, sex: str | None) -> bool:
        # Unknown age/sex never excludes: the doctor may rank before it has asked.
        if sex and self.sex and sex.lower() != self.sex:
            return False
        return not (age is not None and self.age and not self.age[0] <= age <= self.age[1])


# Text normalisation: evidence and feature phrases go through the same pipeline, so they compare equal.
# Plain-English and report wording that means the same thing for matching purposes.
_SYNONYMS = dict(
    p.split(">")
    for p in "high>raised elevated>raised increased>raised reduced>low decreased>low diminished>low "
    "febrile>fever pyrexia>fever pyrexial>fever feverish>fever sweaty>sweating swollen>swelling bled>bleeding "
    "nauseous>nausea tummy>abdominal belly>abdominal abdomen>abdominal exhausted>tired fatigued>tired "
    "breathlessness>breathless dyspnea>breathless lost>loss".split()
)
_SUFFIXES = ("iness", "ness", "ing", "ion", "ies", "ed", "es", "al", "s", "e")  # longest first
_KEEP = {"s": ("ss", "us", "is"), "ed": ("eed",)}  # stress, sepsis, bleed are not plurals/past tenses
_NEG_BEFORE = frozenset(
    "no not denies denied deny without never negative nil none don doesn didn hasn haven isn wasn aren".split()
)
_NEG_AFTER = frozenset("negative absent normal unremarkable".split())
_NEG_NEXT = frozenset({"non", "un"})  # "non-tender" negates one word: a "non-blanching rash" is a rash
_BREAKS = dict.fromkeys(".;!?\n", 2) | dict.fromkeys([",", "but", "however"], 1)  # 2 sentence, 1 clause
_NEG_WINDOW = 5  # a negator this many words back still applies ("I haven't had any fever")

_Token = tuple[str, str, int, int]  # (raw word, canonical word, sentence no., clause no.)


@cache
def _canon(raw: str) -> str:
    w = us_spelling(_SYNONYMS.get(raw, raw))
    for _ in range(2):  # two passes: exertional -> exertion -> exert; dizziness -> dizzy
        for suf in _SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 3 and not w.endswith(_KEEP.get(suf, ())):
                w = w[: -len(suf)] + ("y" if suf in ("iness", "ies") else "")
                break
        else:
            break
    return w


def _tokens(text: str) -> list[_Token]:
    text = re.sub(r"(?<=\d)\.(?=\d)", "", text.lower())  # "2.3" is a number, not a sentence end
    text = re.sub(r"['\u2019]s\b", "", text)  # "Kernig's sign" -> "kernig sign"
    text = re.sub(r"\bcan(?:['\u2019]?t| not)\b", "cannot", text)  # "can not bear weight" is no negation
    out: list[_Token] = []
    sent = clause = 0
    for m in re.finditer(r"[a-z0-9]+|[.,;!?\n]", text):
        level = _BREAKS.get(m.group(), 0)
        sent, clause = sent + (level == 2), clause + (level >= 1)
        if level == 0:
            out.append((m.group(), _canon(m.group()), sent, clause))
    return out


@cache
def _feature_words(phrase: str) -> tuple[frozenset[str], frozenset[str]]:
    toks = _tokens(phrase)
    content = frozenset(t[1] for t in toks if t[0] not in FUNCTION_WORDS) or frozenset(t[1] for t in toks)
    return frozenset(t[1] for t in toks), content


def _negated(toks: list[_Token], lo: int, hi: int, own: frozenset[str]) -> bool:
    # A cue only negates within its own clause, and never when it is part of the feature itself
    # ("absent p waves", "no cough", "troponin normal" are findings in their own right).
    if lo and toks[lo - 1][0] in _NEG_NEXT and toks[lo - 1][3] == toks[lo][3]:
        return True
    cues = [t for t in toks[max(0, lo - _NEG_WINDOW) : lo] if t[3] == toks[lo][3] and t[0] in _NEG_BEFORE]
    cues += [t for t in toks[lo : hi + 1] if t[0] in _NEG_BEFORE | _NEG_AFTER]
    cues += [t for t in toks[hi + 1 : hi + 4] if t[3] == toks[hi][3] and t[0] in _NEG_AFTER]
    return any(t[1] not in own for t in cues)


def _matches(toks: list[_Token], phrase: str, positions: dict[str, list[int]]) -> bool:
    own, content = _feature_words(phrase)
    if not all(w in positions for w in content):  # cheap first: most features share no word with the evidence
        return False
    width = len(content) + 4  # order-free and gappy: "radiating down my left arm" ~ "radiates to left arm"
    for lo in sorted({i for w in content for i in positions[w]}):
        tok = toks[lo]
        hits = [
            i for i in range(lo, min(lo + width, len(toks))) if toks[i][2] == tok[2] and toks[i][1] in content
        ]
        if {toks[i][1] for i in hits} == content and not _negated(toks, lo, hits[-1], own):
            return True
    return False


class KnowledgeBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    conditions: tuple[Condition, ...]

    @model_validator(mode="after")
    def _unique(self) -> KnowledgeBase:
        if len({c.name for c in self.conditions}) != len(self.conditions):
            raise ValueError("duplicate condition names")
        return self

    @cached_property
    def _features(self) -> list[list[tuple[str, int, frozenset[str]]]]:
        # each feature with its content words, so rank() skips most features with one subset test
        return [[(f, w, _feature_words(f)[1]) for f, w in c.features.items()] for c in self.conditions]

    def rank(
        self, evidence: str, *, age: int | None, sex: str | None, top: int = 3
    ) -> list[tuple[Condition, float]]:
        """Best `top` conditions that fit the patient: summed weights of matched features plus a small prior
        bonus, highest first, ties broken by name so the same evidence always gives the same differential."""
        toks = _tokens(evidence)
        positions: dict[str, list[int]] = {}
        for i, tok in enumerate(toks):
            positions.setdefault(tok[1], []).append(i)
        vocab = positions.keys()
        scored = [
            # 0.1-0.3 for the prior is less than the lightest feature (1): it only separates near-ties.
            (c, round(sum(w for f, w, words in self._features[i] if words <= vocab and _matches(toks, f, positions))
                      + 0.1 * c.prior, 2))
            for i, c in enumerate(self.conditions)
            if c.fits(age, sex)
        ]
        scored.sort(key=lambda cs: (-cs[1], cs[0].name))
        return scored[:top]

    def suggest_tests(self, conditions: Sequence[Condition], limit: int) -> list[str]:
        """Confirmatory tests taken round-robin across the differential (best first), so every candidate gets
        its first-line test before any gets a second one; duplicates dropped."""
        out: list[str] = []
        for depth in range(max((len(c.tests) for c in conditions), default=0)):
            out += [c.tests[depth] for c in conditions if depth < len(c.tests) and c.tests[depth] not in out]
        return list(dict.fromkeys(out))[:limit]


@cache
def load_knowledge() -> KnowledgeBase:
    """Parse and validate knowledge.yaml once per process (it ships next to this module as package data)."""
    data = yaml.safe_load(Path(__file__).with_name("knowledge.yaml").read_text(encoding="utf-8"))
    return KnowledgeBase.model_validate(data)
