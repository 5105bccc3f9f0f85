"""Medical knowledge base for the deterministic checklist doctor.

knowledge.yaml lists conditions with weighted key features; `KnowledgeBase.rank` scores free English evidence
(patient answers, exam findings, test results) against them. Matching is deliberately simple and
deterministic: words are normalised (spelling, plurals, common synonyms), a multi-word feature matches
when all its content words occur close together in one sentence, and negated mentions ("no fever",
"troponin not raised", "Kernig's sign negative") do not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agentsim.model.case import ExamSystem

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    synonyms: tuple[str, ...] = ()
    category: str
    system: str
    features: dict[str, int] = Field(min_length=6, max_length=14)
    tests: tuple[str, ...] = Field(min_length=1, max_length=5)
    exams: tuple[ExamSystem, ...] = Field(min_length=1, max_length=3)
    prior: int = Field(ge=1, le=3)
    sex: Literal["female", "male"] | None = None
    age: tuple[int, int] | None = None

    @field_validator("features")
    @classmethod
    def _weights(cls, v: dict[str, int]) -> dict[str, int]:
        for phrase, w in v.items():
            if phrase != phrase.lower() or not 1 <= w <= 3:
                raise ValueError(f"feature {phrase!r}: must be lowercase with weight 1-3")
        return v

    @field_validator("tests")
    @classmethod
    def _test_ids(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for t in v:
            if not re.match(_SLUG, t):
                raise ValueError(f"test id {t!r} is not a slug")
        return v

    def __hash__(self) -> int:  # features is a dict, so the default frozen hash would fail; names are unique
        return hash(self.name)

    def fits(self, age: int | None, sex: str | None) -> bool:
        # Unknown age/sex never excludes: the doctor may rank before it has asked.
        if sex and self.sex and sex.lower() != self.sex:
            return False
        return not (age is not None and self.age and not self.age[0] <= age <= self.age[1])


# --- text normalisation: evidence and feature phrases go through the same pipeline so they compare equal.
_SPELLING = (("aemia", "emia"), ("haem", "hem"), ("oea", "ea"), ("oedem", "edem"), ("oesoph", "esoph"),
             ("ischaem", "ischem"), ("paed", "ped"), ("tumour", "tumor"), ("colour", "color"), ("faec", "fec"),
             ("oestr", "estr"), ("leucocyt", "leukocyt"), ("sulph", "sulf"), ("ise", "ize"))
# Plain-English and report wording that means the same thing for matching purposes.
_SYNONYMS = {"high": "raised", "elevated": "raised", "increased": "raised", "reduced": "low",
             "decreased": "low", "diminished": "low", "febrile": "fever", "pyrexia": "fever",
             "pyrexial": "fever", "feverish": "fever", "sweaty": "sweating", "swollen": "swelling",
             "bled": "bleeding", "nauseous": "nausea", "nauseated": "nausea", "tummy": "abdominal",
             "belly": "abdominal", "abdomen": "abdominal", "exhausted": "tired", "fatigued": "tired",
             "breathlessness": "breathless", "dyspnea": "breathless", "sob": "breathless"}
# Longest first; "iness"/"ies" become "y" so dizziness == dizzy, allergies == allergy.
_SUFFIXES = ("iness", "ness", "ing", "ion", "ies", "ed", "es", "al", "s", "e")
_STOP = frozenset("a an the of to in on at my and with for from into down up by".split())
_NEG_BEFORE = frozenset("no not denies denied deny without never negative nil none doesn didn hasn haven "
                        "isn wasn don aren".split())
_NEG_AFTER = frozenset("negative absent normal unremarkable".split())
_NEG_NEXT = frozenset({"non", "un"})  # "non-tender" negates only the next word, "non-blanching rash" is a rash
_BREAKS = {".": 2, ";": 2, "!": 2, "?": 2, "\n": 2, ",": 1, "but": 1, "however": 1}  # 2 = sentence, 1 = clause
_NEG_WINDOW = 5  # a negator this many words back still applies ("I haven't had any fever")


@cache
def _canon(raw: str) -> str:
    w = _SYNONYMS.get(raw, raw)
    for old, new in _SPELLING:
        w = w.replace(old, new)
    for _ in range(2):  # two passes: exertional -> exertion -> exert
        for suf in _SUFFIXES:
            if (w.endswith(suf) and len(w) - len(suf) >= 3
                    and not (suf == "s" and w.endswith(("ss", "us", "is")))
                    and not (suf == "ed" and w.endswith("eed"))):
                w = w[: -len(suf)] + ("y" if suf in ("iness", "ies") else "")
                break
        else:
            break
    return w


_Token = tuple[str, str, int, int]  # (raw word, canonical word, sentence no., clause no.)


def _tokens(text: str) -> list[_Token]:
    text = re.sub(r"(?<=\d)\.(?=\d)", "", text.lower()).replace("'s ", " ")  # keep 2.3 and Kernig's whole
    out: list[_Token] = []
    sent = clause = 0
    for m in re.finditer(r"[a-z0-9]+|[.,;!?\n]", text):
        tok = m.group()
        level = _BREAKS.get(tok, 0)
        sent, clause = sent + (level == 2), clause + (level >= 1)
        if tok.isalnum() and level == 0:
            out.append((tok, _canon(tok), sent, clause))
    return out


@cache
def _feature_words(phrase: str) -> tuple[frozenset[str], tuple[str, ...]]:
    words = tuple(t[1] for t in _tokens(phrase))
    content = tuple(dict.fromkeys(w for w, raw in zip(words, phrase.split()) if raw not in _STOP)) or words
    return frozenset(words), content


def _negated(toks: list[_Token], lo: int, hi: int, own: frozenset[str]) -> bool:
    clause = toks[lo][3]
    if lo and toks[lo - 1][0] in _NEG_NEXT and toks[lo - 1][3] == clause:
        return True
    for i in range(max(0, lo - _NEG_WINDOW), hi + 4):
        if i >= len(toks) or toks[i][3] != toks[min(max(i, lo), hi)][3] or toks[i][1] in own:
            continue  # other clause, or the feature's own word ("absent p waves" is a positive finding)
        raw = toks[i][0]
        if (i < lo and raw in _NEG_BEFORE) or (lo <= i <= hi and raw in _NEG_BEFORE | _NEG_AFTER) or (
                i > hi and raw in _NEG_AFTER):
            return True
    return False


def _matches(toks: list[_Token], phrase: str) -> bool:
    own, content = _feature_words(phrase)
    width = len(content) + 4  # allows "radiating down my left arm" for "radiates to left arm"
    for start, tok in enumerate(toks):
        if tok[1] not in content:
            continue
        window = [i for i in range(start, min(start + width, len(toks))) if toks[i][2] == tok[2]]
        found = {toks[i][1] for i in window if toks[i][1] in content}
        if len(found) == len(content):
            hi = max(i for i in window if toks[i][1] in content)
            if not _negated(toks, start, hi, own):
                return True
    return False


class KnowledgeBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    conditions: tuple[Condition, ...]

    @model_validator(mode="after")
    def _unique(self) -> KnowledgeBase:
        names = [c.name for c in self.conditions]
        if len(names) != len(set(names)):
            raise ValueError("duplicate condition names")
        return self

    def rank(self, evidence: str, *, age: int | None, sex: str | None, top: int = 3
             ) -> list[tuple[Condition, float]]:
        """Best `top` conditions for the evidence, highest score first, ties broken by name."""
        toks = _tokens(evidence)
        scored: list[tuple[Condition, float]] = []
        for c in self.conditions:
            if not c.fits(age, sex):
                continue
            score = sum(w for phrase, w in c.features.items() if _matches(toks, phrase))
            # The prior only separates near-ties: 0.1-0.3 is less than the lightest feature (1).
            scored.append((c, round(score + 0.1 * c.prior, 2)))
        scored.sort(key=lambda cs: (-cs[1], cs[0].name))
        return scored[:top]

    def suggest_tests(self, conditions: Sequence[Condition], limit: int) -> list[str]:
        """Confirmatory tests round-robin across the differential (best first), so each candidate gets its
        first-line test before any candidate gets a second one; duplicates dropped."""
        out: list[str] = []
        for depth in range(max((len(c.tests) for c in conditions), default=0)):
            for c in conditions:
                if depth < len(c.tests) and c.tests[depth] not in out:
                    out.append(c.tests[depth])
        return out[:limit]


@cache
def load_knowledge() -> KnowledgeBase:
    """Parse and validate knowledge.yaml once per process (it ships next to this module)."""
    data = yaml.safe_load((Path(__file__).with_name("knowledge.yaml")).read_text(encoding="utf-8"))
    return KnowledgeBase.model_validate(data)
