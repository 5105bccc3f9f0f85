"""The patient-fidelity item set: its typed format, where its files live, and how its cases are loaded.

One home for the format so the checker (check_set.py) and the scoring runner (run.py) read the same thing.
It imports the case library and the AgentClinic importer, never the patient or the matcher.
"""

from __future__ import annotations

import hashlib
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agentsim.cases.library import load_case, load_case_file
from agentsim.cases.yamlio import describe_errors, parse_model, read_yaml
from agentsim.errors import CaseFileError
from agentsim.model.case import Case

# the inquiry types are the model's own enum: pure data, not the matcher, so the set stays independent
from agentsim.model.provenance import InquiryType

ROOT = Path(__file__).resolve().parent
MANIFEST = ROOT / "MANIFEST.sha256"
RECORD_ITEMS = "records.yaml"

# scenario cases whose items nobody tuning the patient may look at
HELDOUT_CASES = frozenset({
    "addisons-disease", "appendicitis-young-adult", "bacterial-meningitis", "cellulitis", "copd-exacerbation",
    "falciparum-malaria", "guillain-barre", "intussusception", "major-depression", "pre-eclampsia", "renal-colic",
    "upper-gi-bleed-peptic-ulcer",
})


class Split(StrEnum):
    DEV = "dev"
    HELDOUT = "heldout"


class Style(StrEnum):
    DIRECT = "direct"
    LAY = "lay"
    CLINICAL = "clinical"
    SPELLING = "spelling"
    TYPO = "typo"
    MULTI = "multi"


class ExpectKind(StrEnum):
    FACTS = "facts"
    ANY_OF = "any_of"
    KEYWORDS = "keywords"
    ABSENT = "absent"
    DONT_KNOW = "dont_know"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(Strict):
    facts: list[str] | None = Field(default=None, min_length=1)
    any_of: list[str] | None = Field(default=None, min_length=1)
    keywords: list[list[str]] | None = Field(default=None, min_length=1)
    absent: Literal[True] | None = None
    dont_know: Literal[True] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Expect:
        given = [kind for kind in ExpectKind if getattr(self, kind.value) is not None]
        if len(given) != 1:
            raise ValueError(f"expect needs exactly one of {', '.join(k.value for k in ExpectKind)}; got {given}")
        if self.keywords is not None and any(not group for group in self.keywords):
            raise ValueError("expect.keywords: every inner list needs at least one word")
        return self

    @property
    def kind(self) -> ExpectKind:
        return next(kind for kind in ExpectKind if getattr(self, kind.value) is not None)

    def fact_ids(self) -> list[str]:
        """The fact ids this expectation names (facts or any_of), for checking they exist."""
        return list(self.facts or self.any_of or [])


class Item(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*-[0-9]{3}$")
    inquiry: InquiryType
    style: Style
    question: str = Field(min_length=2)
    expect: Expect
    also_ok: list[str] = Field(default_factory=list)
    before: list[str] = Field(default_factory=list, description="earlier questions of the same consultation")


class ItemFile(Strict):
    case: str = Field(min_length=1)
    items: list[Item] = Field(min_length=1)


class CaseItems(BaseModel):
    """One case with its items, and where they came from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    split: Split
    source: Path
    case: Case
    items: list[Item]


def item_paths(split: Split) -> list[Path]:
    return sorted((ROOT / split.value).glob("*.yaml"))


def record_path(split: Split) -> Path:
    return ROOT / "records" / f"{split.value}.jsonl"


def data_files() -> list[Path]:
    """Every frozen data file: the item files of both splits and the hand-written records."""
    files = [p for split in Split for p in item_paths(split)]
    records = ROOT / "records"
    if records.is_dir():
        files += sorted(p for p in records.iterdir() if p.is_file())
    return files


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_text() -> str:
    return "".join(f"{sha256(p)}  {p.relative_to(ROOT).as_posix()}\n" for p in data_files())


def _record_item_files(path: Path) -> list[ItemFile]:
    """records.yaml holds the questions of several records: one `{case, items}` mapping, a list of them, or a
    mapping with a `records:` list of them."""
    data, lines = read_yaml(path)
    blocks: Any = data.get("records", [data]) if isinstance(data, dict) else data
    if not isinstance(blocks, list):
        raise CaseFileError(path, ["expected {case, items}, a list of them, or records: [...]"])
    files = []
    for block in blocks:
        try:
            files.append(ItemFile.model_validate(block))
        except ValidationError as exc:
            raise CaseFileError(path, describe_errors(exc, lines)) from None
    return files


def import_records(split: Split, workdir: Path) -> dict[str, Case]:
    """The split's hand-written AgentClinic records as Case objects by record id; {} when there is no file.
    Imported with the project's own importer, in process, into workdir."""
    path = record_path(split)
    if not path.exists():
        return {}
    from agentsim.cases.importers.agentclinic import import_agentclinic

    report = import_agentclinic(path, workdir)
    return {r.case_id: load_case_file(r.path) for r in report.records if r.case_id and r.path}


def load_split(split: Split) -> list[CaseItems]:
    """Every case of a split with its items: scenario item files, then the records' items if both exist."""
    out: list[CaseItems] = []
    record_items: list[tuple[Path, ItemFile]] = []
    for path in item_paths(split):
        if path.name == RECORD_ITEMS:
            record_items += [(path, f) for f in _record_item_files(path)]
            continue
        file = parse_model(ItemFile, path)
        if file.case != path.stem:
            raise CaseFileError(path, [f"case: {file.case!r} must equal the file name {path.stem!r}"])
        out.append(CaseItems(split=split, source=path, case=load_case(file.case), items=file.items))
    if record_items and record_path(split).exists():
        with tempfile.TemporaryDirectory(prefix="patient-fidelity-") as tmp:
            records = import_records(split, Path(tmp))
        for path, file in record_items:
            if file.case not in records:
                raise CaseFileError(path, [f"case: {file.case!r} is no record id of {record_path(split).name} "
                                           f"(known: {', '.join(sorted(records)) or 'none'})"])
            out.append(CaseItems(split=split, source=path, case=records[file.case], items=file.items))
    return out
