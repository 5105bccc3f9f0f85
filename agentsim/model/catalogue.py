"""The test and exam catalogue: names as clinicians write them, prices, normal-result templates."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, PrivateAttr, model_validator

from agentsim.model.case import FACT_ID, ExamSystem, Strict, TestCategory, reject_duplicates


class EntryKind(StrEnum):
    TEST = "test"
    EXAM = "exam"


class AnalyteTemplate(Strict):
    name: str
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    normal: float | str = Field(description="a typical normal value")


class CatalogueEntry(Strict):
    id: str = Field(pattern=FACT_ID)
    name: str
    kind: EntryKind = EntryKind.TEST
    aliases: list[str] = Field(default_factory=list, description="US and UK names and abbreviations")
    category: TestCategory | None = Field(default=None, description="for tests")
    system: ExamSystem | None = Field(default=None, description="for exam manoeuvres")
    cpt: str | None = None
    price_usd: float = Field(ge=0)
    normal_result: str = Field(min_length=3)
    analytes: list[AnalyteTemplate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind_fields(self) -> CatalogueEntry:
        if self.kind is EntryKind.TEST and self.category is None:
            raise ValueError(f"test {self.id!r} needs a category")
        if self.kind is EntryKind.EXAM and self.system is None:
            raise ValueError(f"exam manoeuvre {self.id!r} needs a system")
        return self


class Catalogue(Strict):
    visit_fee_usd: float = Field(default=300.0, ge=0, description="one physician visit (SDBench)")
    entries: list[CatalogueEntry]
    _by_id: dict[str, CatalogueEntry] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _context: object) -> None:
        self._by_id = {e.id: e for e in self.entries}

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        reject_duplicates([e.id for e in self.entries], "catalogue ids")
        return self

    def get(self, entry_id: str) -> CatalogueEntry | None:
        return self._by_id.get(entry_id)

    def tests(self) -> list[CatalogueEntry]:
        return [e for e in self.entries if e.kind is EntryKind.TEST]
