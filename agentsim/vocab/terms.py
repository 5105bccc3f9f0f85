"""The team's clinical terminology (clinical_terms.txt): abbreviations, eponyms, name variants and -itis/-opathy
pairs that ICD-10-CM lacks; the file's header says why for each kind. Plain data, parsed once on first use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("clinical_terms.txt")


class TermKind(StrEnum):
    ABBREVIATION = "abbreviation"
    EPONYM = "eponym"
    VARIANT = "variant"
    ITIS_OPATHY = "itis-opathy"
    ICD_WORDING = "icd-wording"  # read only to find a name's ICD-10-CM code, never as a synonym for grading


@dataclass(frozen=True)
class Abbreviation:
    key: str  # upper case, as written in the table
    senses: tuple[str, ...]  # one expansion, or two senses in common use ("ASD")
    capitals_only: bool  # also an English word or a unit: expanded only when written in capitals


@dataclass(frozen=True)
class SynonymGroup:
    kind: TermKind
    names: tuple[str, ...]


@dataclass(frozen=True)
class ClinicalTerms:
    abbreviations: dict[str, Abbreviation]
    groups: tuple[SynonymGroup, ...]
    digest: str  # sha256 of the file, part of the rules judge's version


def parse(text: str) -> ClinicalTerms:
    kind: TermKind | None = None
    abbreviations: dict[str, Abbreviation] = {}
    groups: list[SynonymGroup] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            kind = TermKind(line[1:-1])
            continue
        names = [n.strip() for n in line.split("=")]
        if kind is None or len(names) < 2 or not all(names):
            raise ValueError(f"{TERMS_FILE.name}:{number}: expected 'name = name' under a [kind] header: {raw!r}")
        if kind is TermKind.ABBREVIATION:
            key = names[0].rstrip("*")
            senses = tuple(s.strip() for s in names[1].split("|"))
            abbreviations[key.upper()] = Abbreviation(key.upper(), senses, capitals_only=names[0].endswith("*"))
        else:
            groups.append(SynonymGroup(kind, tuple(names)))
    return ClinicalTerms(abbreviations, tuple(groups), hashlib.sha256(text.encode("utf-8")).hexdigest())


@lru_cache(maxsize=1)
def clinical_terms() -> ClinicalTerms:
    return parse(TERMS_FILE.read_text(encoding="utf-8"))
