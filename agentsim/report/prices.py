"""Which ordered tests a run priced without a real fee: the report's answer to "where do these costs come from".

Every resulted test in a gatekeeper turn is classed by its price basis: `cms` (a fee schedule), `estimate`
(the catalogue's hand-set price), `generic` (a stand-in entry for a test the catalogue does not name), or
`default` (no catalogue entry at all, the gatekeeper's flat price). Turns logged before prices carried a
basis are classed from the catalogue as it is now."""

from __future__ import annotations

from collections import Counter
from typing import Any

from agentsim.errors import CaseFileError
from agentsim.model.catalogue import Catalogue
from agentsim.report.data import Db, turn_records
from agentsim.report.model import PriceSources, UnpricedTest

REAL = "cms"


def price_sources(run_id: str, *, db: Db, catalogue: Catalogue | None = None) -> PriceSources:
    if catalogue is None:
        catalogue = _catalogue()
    counts: Counter[str] = Counter()
    seen: dict[tuple[str | None, str, str], list[float]] = {}
    for turn in turn_records(run_id, db=db):
        if turn.role != "gatekeeper":
            continue
        for result in turn.payload.get("results") or []:
            if result.get("status") != "resulted":
                continue
            basis = result.get("price_basis") or _basis_now(result.get("test_id"), catalogue)
            counts[basis] += 1
            if basis != REAL:
                key = (result.get("test_id"), str(result.get("name") or result.get("requested")), basis)
                seen.setdefault(key, []).append(float(result.get("price_usd") or 0.0))
    unpriced = [UnpricedTest(test_id=k[0], name=k[1], basis=k[2], orders=len(v), usd=sum(v)) for k, v in seen.items()]
    unpriced.sort(key=lambda u: (-u.orders, u.name))
    return PriceSources(resulted=sum(counts.values()), by_basis=dict(sorted(counts.items())), unpriced=unpriced)


def _basis_now(test_id: Any, catalogue: Catalogue | None) -> str:
    entry = catalogue.get(str(test_id)) if catalogue is not None and test_id else None
    if entry is None:
        return "default"
    if entry.generic:
        return "generic"
    basis = catalogue.basis(entry) if catalogue is not None else None
    return basis.source.value if basis is not None else "untraced"


def _catalogue() -> Catalogue | None:
    from agentsim.cases.library import load_catalogue  # the report works without a catalogue on disk too

    try:
        return load_catalogue()
    except CaseFileError:
        return None


def markdown(sources: PriceSources, *, top: int = 15) -> str:
    """The report section: how many resulted tests had no fee-schedule price, and which."""
    real = sources.by_basis.get(REAL, 0)
    lines = ["### Prices", "",
             f"{sources.resulted - real} of {sources.resulted} resulted tests had no fee-schedule price "
             f"({', '.join(f'{k} {v}' for k, v in sources.by_basis.items() if k != REAL) or 'none'}). "
             "Catalogue prices and their basis: rubrics/tests.yaml (`price_basis`)."]
    if sources.unpriced:
        lines += ["", "| test | basis | orders | USD |", "|---|---|---:|---:|"]
        for u in sources.unpriced[:top]:
            lines.append(f"| {u.name.replace('|', '/')} | {u.basis} | {u.orders} | {u.usd:,.0f} |")
        if len(sources.unpriced) > top:
            lines.append(f"| ... {len(sources.unpriced) - top} more | | | |")
    return "\n".join(lines)
