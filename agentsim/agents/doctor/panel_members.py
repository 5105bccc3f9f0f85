"""The panel doctor's members: what each must answer (pydantic models, sent as json_schema response formats),
how its answer reads in the shared notes, and the deterministic checks Dr Checklist is handed (test names
the catalogue does not know, tests already done). No litellm, no graph here."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

MEMBERS = ("hypothesis", "test_chooser", "challenger", "stewardship", "checklist", "consensus")
TITLES = {"hypothesis": "Dr Hypothesis", "test_chooser": "Dr Test-Chooser", "challenger": "Dr Challenger",
          "stewardship": "Dr Stewardship", "checklist": "Dr Checklist", "consensus": "Panel chair"}


class MemberReply(BaseModel):
    """What every panel member answers: its own JSON, and a one-line summary for the shared notes."""

    def summary(self) -> str:  # pragma: no cover - each member's reply defines its own
        raise NotImplementedError


class Candidate(BaseModel):
    diagnosis: str = Field(min_length=1)
    probability: float = Field(ge=0, le=1)
    evidence: str = ""


class HypothesisOut(MemberReply):
    differential: list[Candidate] = Field(min_length=1, max_length=3)
    update: str = ""

    @field_validator("differential")
    @classmethod
    def _ranked(cls, items: list[Candidate]) -> list[Candidate]:
        return sorted(items, key=lambda c: -c.probability)  # most likely first, whatever order it came in

    def summary(self) -> str:
        ranked = "; ".join(f"{i}. {c.diagnosis} {c.probability:.0%}" for i, c in enumerate(self.differential, 1))
        return ranked + (f". Update: {self.update}" if self.update else "")


class ProposedTest(BaseModel):
    name: str = Field(min_length=1)
    rationale: str = ""


class ChooserOut(MemberReply):
    tests: list[ProposedTest]
    note: str = ""

    def summary(self) -> str:
        tests = "; ".join(f"{t.name} ({t.rationale})" if t.rationale else t.name for t in self.tests)
        return (tests or "no tests") + (f". {self.note}" if self.note else "")


class ChallengerOut(MemberReply):
    anchoring: bool
    contradicting_evidence: list[str]
    alternative: str = ""
    falsifying_step: str = ""
    note: str = ""

    def summary(self) -> str:
        parts = ["anchoring risk" if self.anchoring else "no anchoring seen"]
        if self.contradicting_evidence:
            parts.append("against it: " + "; ".join(self.contradicting_evidence))
        if self.alternative:
            parts.append(f"do not miss: {self.alternative}")
        if self.falsifying_step:
            parts.append(f"to falsify: {self.falsifying_step}")
        return ". ".join(parts) + (f". {self.note}" if self.note else "")


class Veto(BaseModel):
    test: str
    reason: str = ""


class StewardshipOut(MemberReply):
    approved: list[str]
    vetoed: list[Veto]
    note: str = ""

    def summary(self) -> str:
        vetoed = "; ".join(f"{v.test} ({v.reason})" if v.reason else v.test for v in self.vetoed)
        return (f"approved: {'; '.join(self.approved) or 'none'}; vetoed: {vetoed or 'none'}"
                + (f". {self.note}" if self.note else ""))


class ChecklistOut(MemberReply):
    ok: bool
    issues: list[str]
    note: str = ""

    def summary(self) -> str:
        return ("plan passes" if self.ok and not self.issues else "issues: " + "; ".join(self.issues or ["unstated"])) \
            + (f". {self.note}" if self.note else "")


SCHEMAS: dict[str, type[MemberReply]] = {"hypothesis": HypothesisOut, "test_chooser": ChooserOut,
                                       "challenger": ChallengerOut, "stewardship": StewardshipOut,
                                       "checklist": ChecklistOut}


class PriceList:
    """The public test catalogue as the panel sees it: does a name resolve, to which test, at what price.
    The catalogue is a price list, not the case: a doctor may read it (the checklist doctor does)."""

    def __init__(self) -> None:
        from agentsim.cases.library import load_catalogue
        from agentsim.match.orders import OrderResolver

        self.catalogue = load_catalogue()
        self.resolver = OrderResolver(self.catalogue)

    def key(self, name: str) -> str | None:
        """The catalogue id `name` resolves to (typos included), or None for a vague or unknown name."""
        return self.resolver.resolve(name).test_id

    def price(self, name: str) -> float | None:
        entry = self.catalogue.get(self.key(name) or "")
        return None if entry is None else entry.price_usd

    def priced(self, names: list[str]) -> str:
        return "; ".join(f"{n} (${p:,.0f})" if (p := self.price(n)) is not None else f"{n} (price unknown)"
                         for n in names) or "none"

    def problems(self, names: list[str], ordered: dict[str, str]) -> dict[str, str]:
        """{test name: what is wrong}: not a catalogue test, or already ordered this consultation."""
        found: dict[str, str] = {}
        for name in names:
            key = self.key(name)
            if key is None:
                found[name] = "not a specific test the catalogue knows"
            elif key in ordered:
                found[name] = f"already ordered (as {ordered[key]})"
        return found

