"""Resolve what a doctor orders ("FBC", "troponin I", "CT head without contrast") to a catalogue entry.

Explicit names (an id, name or alias, after dropping filler and modifiers, or every word of a name present
in the order) resolve outright; near-misses (typos, partial names) resolve fuzzily and are marked so,
because pathognomonic results need the exact test. Orders naming no specific test are vague. Exam
manoeuvres in the catalogue ("Murphy's sign", "GCS") resolve too: the gatekeeper performs them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import chain

from agentsim.match.text import normalise
from agentsim.model.case import CaseTest
from agentsim.model.catalogue import Catalogue, EntryKind

FILLER = frozenset(
    "please stat urgent urgently order ordering get check send do run me i would like some for a an the "
    "we can could you also need want and repeat pls now today tonight this evening morning again off my "
    "his her their patient on of to in from at with two sites x2 its it be done".split()
)
# Words clinicians shorten: folded on both sides before comparing.
TOKEN_SYNONYMS = {
    "uss": "ultrasound", "us": "ultrasound", "usg": "ultrasound", "sonogram": "ultrasound", "scan": "scan",
    "abdo": "abdomen", "abdominal": "abdomen", "xr": "xray", "cxr": "cxr", "radiograph": "xray",
    "film": "xray", "stim": "stimulation", "bcs": "blood cultures", "bc": "blood cultures", "ca": "calcium",
    "fingerprick": "finger prick", "fingerstick": "finger prick", "tv": "transvaginal", "gluc": "glucose",
    "sats": "oxygen saturation", "lft": "lfts", "ue": "u and es", "ues": "u and es", "tft": "tfts",
    "angiogram": "angiography", "angio": "angiography", "cta": "ct angiography", "ecg": "ecg", "ekg": "ecg",
    "haematology": "hematology", "echocardiography": "echocardiogram", "echo": "echocardiogram",
    "renal": "kidney", "examine": "exam", "examination": "exam", "assess": "exam", "assessment": "exam",
    "palpate": "exam", "xrays": "xray",
}
# Nouns that mean "some test" without naming one: an unresolved order built on them is vague, not unknown.
GENERIC = frozenset(
    "bloods blood tests test labs lab imaging scan scans workup work up screen screening swab swabs scope "
    "markers hormones works whatever investigations xray xrays ultrasound ct mri urine culture cultures "
    "panel everything something anything usual routine".split()
)
MODIFIERS = (
    "without contrast", "with contrast", "non contrast", "noncontrast", "contrast", "plain", "serum",
    "plasma", "blood", "level", "levels", "test", "testing", "scan", "study", "assay", "quantitative",
    "high sensitivity", "hs", "urgent", "baseline", "formal", "full", "12 lead", "venous",
)
VAGUE = frozenset(
    normalise(v)
    for v in (
        "bloods", "blood tests", "blood test", "blood work", "bloodwork", "routine bloods", "basic bloods",
        "labs", "basic labs", "routine labs", "lab tests", "all tests", "all the tests", "everything",
        "full workup", "work up", "workup", "tests", "investigations", "a scan", "scan", "scans", "imaging",
        "x ray", "xray", "x rays", "ct", "ct scan", "mri", "mri scan", "ultrasound", "biopsy", "culture",
        "cultures", "swab", "screen", "panel", "the usual", "standard tests", "whatever you think",
        "any tests", "some tests", "more tests", "further tests", "a test", "the test", "radiology",
    )
)


class Resolution(StrEnum):
    EXACT = "exact"
    FUZZY = "fuzzy"
    VAGUE = "vague"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolved:
    requested: str
    how: Resolution
    test_id: str | None = None


@lru_cache(maxsize=8192)
def canon(text: str) -> str:
    """Normalised text with shorthand folded: 'renal tract USS' -> 'renal tract ultrasound'."""
    folded = f" {normalise(text)} ".replace(" x ray", " xray").replace(" x rays ", " xrays ")
    return " ".join(TOKEN_SYNONYMS.get(w, w) for w in folded.split())


def _content(canonical: str) -> tuple[str, ...]:
    return tuple(w for w in canonical.split() if w not in FILLER)


@lru_cache(maxsize=8192)
def _stripped(canonical: str) -> str:
    text = f" {' '.join(_content(canonical))} "
    for modifier in MODIFIERS:
        text = text.replace(f" {normalise(modifier)} ", " ")
    return " ".join(text.split())


class _NameIndex:
    """Every name of every entry, canonicalised, with what the matching steps need precomputed. The
    catalogue's index is built once; a case's own names are laid over it per episode."""

    def __init__(self, names: dict[str, str], *, base: _NameIndex | None = None):
        own_stripped = {_stripped(n): i for n, i in names.items()}
        own_stripped.pop("", None)
        own_content = [(frozenset(_content(n)), len(_content(n)), n, i) for n, i in names.items() if _content(n)]
        if base is None:
            self.names, self.stripped, self.content = names, own_stripped, own_content
            self._words = frozenset(w for n in names for w in n.split())
        else:  # the case's names win over the catalogue's
            self.names = {**base.names, **names}
            self.stripped = {**base.stripped, **own_stripped}
            self.content = base.content + own_content
            self._words = base._words | {w for n in names for w in n.split()}
        self._vocabulary: list[str] | None = None

    @property
    def vocabulary(self) -> list[str]:
        # only typo folding needs it sorted: built on first use
        if self._vocabulary is None:
            self._vocabulary = sorted(self._words)
        return self._vocabulary


_CATALOGUE_CACHE: dict[int, tuple[Catalogue, _NameIndex]] = {}


def _catalogue_index(catalogue: Catalogue) -> _NameIndex:
    """Canonical name -> entry id for the whole catalogue, tests and exam manoeuvres: built once."""
    cached = _CATALOGUE_CACHE.get(id(catalogue))
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    names: dict[str, str] = {}
    # tests first: a name shared with a manoeuvre means the test
    for entry in sorted(catalogue.entries, key=lambda e: e.kind is not EntryKind.TEST):
        for name in (entry.id.replace("-", " "), entry.name, *entry.aliases):
            names.setdefault(canon(name), entry.id)
    names.pop("", None)
    index = _NameIndex(names)
    _CATALOGUE_CACHE[id(catalogue)] = (catalogue, index)
    return index


class OrderResolver:
    """One per case: the case's own test names take precedence over the catalogue's."""

    def __init__(self, catalogue: Catalogue, case_tests: list[CaseTest] | None = None):
        case_names: dict[str, str] = {}
        for test in case_tests or []:
            for name in (test.id.replace("-", " "), test.name, *test.aliases):
                case_names.setdefault(canon(name), test.id)
        case_names.pop("", None)
        self.index = _NameIndex(case_names, base=_catalogue_index(catalogue))

    def resolve(self, requested: str) -> Resolved:
        norm = normalise(requested)
        if not norm or norm in VAGUE:
            return Resolved(requested, Resolution.VAGUE)
        text = canon(requested)
        words = _content(text)
        for candidate in (text, " ".join(words)):
            if candidate in self.index.names:
                return Resolved(requested, Resolution.EXACT, self.index.names[candidate])
        stripped = _stripped(text)
        if not stripped or stripped in VAGUE or " ".join(words) in VAGUE:
            return Resolved(requested, Resolution.VAGUE)
        if stripped in self.index.stripped:
            return Resolved(requested, Resolution.EXACT, self.index.stripped[stripped])
        named = self._every_word_named(words)
        if named:
            return Resolved(requested, Resolution.EXACT, named)
        fuzzy = self._closest(words, stripped)
        if fuzzy:
            return Resolved(requested, Resolution.FUZZY, fuzzy)
        if GENERIC & set(words) or GENERIC & set(normalise(requested).split()):
            return Resolved(requested, Resolution.VAGUE)
        return Resolved(requested, Resolution.UNKNOWN)

    def _every_word_named(self, words: tuple[str, ...]) -> str | None:
        """A name all of whose words appear in the order: 'troponin I' names 'troponin', 'CSF MC&S, protein
        and glucose' names 'CSF'. The name whose words start earliest in the order wins (the head noun comes
        first), then the longest."""
        present = set(words)
        position = {w: i for i, w in reversed(list(enumerate(words)))}
        best: tuple[int, int, int, str] | None = None
        for content, size, name, entry_id in self.index.content:
            if content <= present and (size > 1 or len(name) >= 3):
                key = (min(position[w] for w in content), -size, -len(name), entry_id)
                if best is None or key < best:
                    best = key
        return best[3] if best else None

    def _closest(self, words: tuple[str, ...], stripped: str) -> str | None:
        """Typos and partial names: fold each word onto the nearest known word, then take the name sharing
        most words (F1 >= 0.66, two words of three); failing that, the closest whole string."""
        vocabulary = self.index.vocabulary
        folded = set(chain.from_iterable(
            [w] if w in vocabulary else difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.85) for w in words
        ))
        best, best_f1 = None, 0.0
        for content, size, _name, entry_id in self.index.content:
            # a shared generic word ('screen', 'scan') alone says nothing about which test is meant
            shared = len(content & folded)
            if content & folded - GENERIC:
                f1 = 2 * shared / (size + len(folded))
                if f1 > best_f1:
                    best, best_f1 = entry_id, f1
        if best_f1 >= 0.66:
            return best
        close = difflib.get_close_matches(stripped, list(self.index.stripped), n=1, cutoff=0.84)
        return self.index.stripped[close[0]] if close else None
