"""Reports say which ordered tests had no fee-schedule price, and every catalogue price states its basis."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner

from agentsim.batch.runner import run_batch
from agentsim.batch.spec import BatchSpec
from agentsim.cases.library import load_catalogue
from agentsim.cli.app import app
from agentsim.model.catalogue import PriceSource
from agentsim.report import build_report


def test_every_shipped_catalogue_price_states_its_basis():
    catalogue = load_catalogue()
    assert catalogue.untraced_prices() == []
    for entry in catalogue.tests():
        basis = catalogue.basis(entry)
        assert basis is not None and (basis.source is PriceSource.CMS or basis.reason), entry.id
    generic = [e.id for e in catalogue.tests() if e.generic]
    assert {"other-lab-test", "other-imaging-study", "genetic-testing", "flow-cytometry"} <= set(generic)
    assert all(e.price_basis is not None for e in catalogue.tests() if e.generic and e.id != "tissue-biopsy")


def test_the_report_lists_tests_priced_without_a_fee_schedule(db_url):
    outcome = asyncio.run(run_batch(BatchSpec(cases=["chest-pain-stemi"], doctors=["checklist"]), db=db_url))
    report = build_report(outcome.run_id, db=db_url)
    prices = report.prices
    assert prices is not None and prices.resulted > 0
    # no catalogue price comes from a fee schedule yet: every resulted test is listed, with what it cost
    assert sum(u.orders for u in prices.unpriced) == prices.resulted
    assert set(prices.by_basis) <= {"estimate", "generic", "default"}
    [doctor] = report.by_doctor
    assert 0 < sum(u.usd for u in prices.unpriced) <= doctor.mean_cost  # tests are part of the episode's cost
    md = CliRunner().invoke(app, ["report", outcome.run_id, "--format", "md", "--db", db_url]).stdout
    assert f"{prices.resulted} of {prices.resulted} resulted tests had no fee-schedule price" in md
    table = CliRunner().invoke(app, ["report", outcome.run_id, "--db", db_url]).stdout
    assert "had no fee-schedule" in " ".join(table.split())
