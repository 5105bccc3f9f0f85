"""The judge label set: (reference diagnosis, doctor's answer, clinician's Likert grade) triples.

Written independently of the grading code and frozen by MANIFEST.sha256; see README.md in this folder.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agentsim.model.case import Diagnosis

HERE = Path(__file__).parent
MANIFEST = HERE / "MANIFEST.sha256"


class Split(StrEnum):
    DEV = "dev"
    HELDOUT = "heldout"


class LabelKind(StrEnum):
    """How the answer relates to the reference (what the triple tests), not what it scores."""

    EXACT = "exact"
    SYNONYM = "synonym"
    EPONYM = "eponym"
    ABBREVIATION = "abbreviation"
    SPELLING = "spelling"  # UK/US
    MORE_SPECIFIC = "more_specific"
    LESS_SPECIFIC = "less_specific"
    SIBLING = "sibling"  # another disease in the same category
    SAME_ORGAN_WRONG = "same_organ_wrong"
    WRONG_ORGAN = "wrong_organ"
    HEDGED = "hedged"  # "likely X", "X vs Y", "X, rule out Y"
    NEGATION = "negation"  # "not X", "X ruled out, Y", "non-X"


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^j-[0-9]{3}$")
    reference: str = Field(min_length=3)
    synonyms: list[str] = Field(default_factory=list, description="as a case file would list them; often none")
    category: str | None = Field(default=None, description="the broader family, as a case file would state it")
    answer: str = Field(description="the doctor's final answer, verbatim (may be empty)")
    likert: int = Field(ge=1, le=5, description="the clinician's grade on the SDBench scale")
    kind: LabelKind
    specialty: str = Field(pattern=r"^[a-z_]+$")
    note: str = ""

    @property
    def correct(self) -> bool:
        return self.likert >= 4

    def diagnosis(self) -> Diagnosis:
        return Diagnosis(primary=self.reference, synonyms=self.synonyms, category=self.category)


class LabelFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    items: list[Label] = Field(min_length=1)


def split_path(split: Split) -> Path:
    return HERE / f"{split.value}.yaml"


def load_split(split: Split) -> list[Label]:
    return LabelFile.model_validate(yaml.safe_load(split_path(split).read_text(encoding="utf-8"))).items


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_entries() -> dict[str, str]:
    """File name -> sha256 as recorded in MANIFEST.sha256 (the `sha256sum` format)."""
    entries: dict[str, str] = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.lstrip("*")] = digest
    return entries
