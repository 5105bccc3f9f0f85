"""The test and exam catalogue: names as clinicians write them, prices, normal-result templates."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, PrivateAttr, model_validator

from agentsim.model.case import FACT_ID, ExamSystem, Strict, TestCategory, reject_duplicates


class EntryKind(StrEnum):
    TEST = "test"
    EXAM = "exam"


class PriceSource(StrEnum):
    CMS = "cms"  # a Medicare fee schedule (CLFS or PFS), a stated year and locality
    ESTIMATE = "estimate"  # set by hand; `reason` says on what scale and why no fee schedule was used


class PriceBasis(Strict):
    """Where a catalogue price comes from, so a cost figure can be traced."""

    source: PriceSource
    schedule: str | None = Field(default=None, description="for cms: e.g. 'Clinical Laboratory Fee Schedule'")
    year: int | None = Field(default=None, ge=2000, le=2100)
    locality: str | None = Field(default=None, description="for cms: 'national limit' or a MAC locality")
    reason: str | None = Field(default=None, description="for an estimate: the scale used and why")

    @model_validator(mode="after")
    def _traceable(self) -> PriceBasis:
        if self.source is PriceSource.CMS and not (self.schedule and self.year and self.locality):
            raise ValueError("a CMS price basis needs schedule, year and locality")
        if self.source is PriceSource.ESTIMATE and not self.reason:
            raise ValueError("an estimated price needs a reason")
        return self

    def describe(self) -> str:
        if self.source is PriceSource.CMS:
            return f"CMS {self.schedule} {self.year}, {self.locality}"
        return f"estimate: {self.reason}"


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
    price_basis: PriceBasis | None = Field(default=None, description="defaults to the catalogue's price_basis")
    generic: bool = Field(default=False, description="a stand-in price for tests the catalogue does not name, or "
                                                     "a test whose site or target is given in the order")
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
    price_basis: PriceBasis | None = Field(default=None, description="the basis of every price that states none")
    entries: list[CatalogueEntry]
    _by_id: dict[str, CatalogueEntry] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _context: object) -> None:
        self._by_id = {e.id: e for e in self.entries}

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        reject_duplicates([e.id for e in self.entries], "catalogue ids")
        return self

    def untraced_prices(self) -> list[str]:
        """Test ids whose price states no basis, neither its own nor the catalogue's (`validate` reports them)."""
        return [e.id for e in self.entries if e.kind is EntryKind.TEST and self.basis(e) is None]

    def basis(self, entry: CatalogueEntry) -> PriceBasis | None:
        return entry.price_basis or self.price_basis

    def get(self, entry_id: str) -> CatalogueEntry | None:
        return self._by_id.get(entry_id)

    def tests(self) -> list[CatalogueEntry]:
        return [e for e in self.entries if e.kind is EntryKind.TEST]
