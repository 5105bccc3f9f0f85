"""Resolve what a doctor orders ("FBC", "troponin I", "CT head without contrast") to a catalogue test.

Explicit names (an id, name or alias, after dropping filler and modifiers) resolve outright; near-misses
(typos) resolve fuzzily and are marked so, because pathognomonic results need the exact test.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from agentsim.match.text import normalise
from agentsim.model.case import CaseTest
from agentsim.model.catalogue import Catalogue, EntryKind

FILLER = frozenset(
    "please stat urgent urgently order ordering get check send do run me i would like some for a an the "
    "we can could you also need want and repeat".split()
)
MODIFIERS = (
    "without contrast", "with contrast", "non contrast", "noncontrast", "contrast", "plain", "serum",
    "plasma", "blood", "level", "levels", "test", "testing", "scan", "study", "assay", "quantitative",
    "high sensitivity", "hs", "urgent", "baseline", "bedside", "formal", "full", "12 lead", "venous",
)
VAGUE = frozenset(
    normalise(v)
    for v in (
        "bloods", "blood tests", "blood test", "blood work", "bloodwork", "routine bloods", "basic bloods",
        "labs", "basic labs", "routine labs", "lab tests", "all tests", "all the tests", "everything",
        "full workup", "work up", "workup", "tests", "investigations", "a scan", "scan", "scans", "imaging",
        "x ray", "xray", "x rays", "ct", "ct scan", "mri", "mri scan", "ultrasound", "us", "biopsy", "culture",
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


_NAMES_CACHE: dict[int, tuple[Catalogue, dict[str, str]]] = {}


def _catalogue_names(catalogue: Catalogue) -> dict[str, str]:
    """Normalised name -> test id for the whole catalogue: built once per catalogue, not per episode."""
    cached = _NAMES_CACHE.get(id(catalogue))
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    names: dict[str, str] = {}
    for entry in catalogue.entries:
        if entry.kind is EntryKind.TEST:
            for name in (entry.id, entry.id.replace("-", " "), entry.name, *entry.aliases):
                names.setdefault(normalise(name), entry.id)
    names.pop("", None)
    _NAMES_CACHE[id(catalogue)] = (catalogue, names)
    return names


@lru_cache(maxsize=4096)
def _strip_cached(norm: str) -> str:
    return OrderResolver._strip(norm)


class OrderResolver:
    """One per case: case test aliases take precedence over the catalogue's."""

    def __init__(self, catalogue: Catalogue, case_tests: list[CaseTest] | None = None):
        case_names: dict[str, str] = {}
        for test in case_tests or []:
            for name in (test.id, test.id.replace("-", " "), test.name, *test.aliases):
                case_names.setdefault(normalise(name), test.id)
        case_names.pop("", None)
        self._names = {**_catalogue_names(catalogue), **case_names}
        # longest names first so 'ct head angiogram' beats 'ct head'
        self._by_length = sorted(self._names, key=lambda n: (-len(n.split()), -len(n)))
        self._stripped: dict[str, str] = {}
        for name, test_id in [*_catalogue_names(catalogue).items(), *case_names.items()]:
            stripped = _strip_cached(name)
            if stripped and (stripped not in self._stripped or name in case_names):
                self._stripped[stripped] = test_id

    def resolve(self, requested: str) -> Resolved:
        norm = normalise(requested)
        if not norm or norm in VAGUE:
            return Resolved(requested, Resolution.VAGUE)
        for candidate in (norm, self._drop_filler(norm)):
            if candidate in self._names:
                return Resolved(requested, Resolution.EXACT, self._names[candidate])
        stripped = self._strip(norm)
        if stripped in VAGUE or not stripped:
            return Resolved(requested, Resolution.VAGUE)
        if stripped in self._stripped:
            return Resolved(requested, Resolution.EXACT, self._stripped[stripped])
        # every word of a known name appears in the order: 'troponin i' -> 'troponin', 'ct of the head' -> ...
        words = set(self._drop_filler(norm).split())
        for name in self._by_length:
            parts = name.split()
            if len(parts) >= 1 and set(parts) <= words and (len(parts) > 1 or len(parts[0]) >= 3):
                return Resolved(requested, Resolution.EXACT, self._names[name])
        close = difflib.get_close_matches(stripped, list(self._stripped), n=1, cutoff=0.84)
        if close:
            return Resolved(requested, Resolution.FUZZY, self._stripped[close[0]])
        return Resolved(requested, Resolution.UNKNOWN)

    @staticmethod
    def _drop_filler(norm: str) -> str:
        return " ".join(w for w in norm.split() if w not in FILLER)

    @classmethod
    def _strip(cls, norm: str) -> str:
        text = f" {cls._drop_filler(norm)} "
        for modifier in MODIFIERS:
            text = text.replace(f" {normalise(modifier)} ", " ")
        text = text.replace(" of ", " ").replace(" on ", " ")
        return " ".join(text.split())
