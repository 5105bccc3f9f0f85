"""Issue item 10: repeated trials report pass^k and pass@k per doctor, in `report`, the API and the viewer."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from typer.testing import CliRunner

from agentsim.report import stats


def test_pass_k_counts_tasks_correct_in_all_or_any_of_k_repeats():
    tasks = [[True, True], [True, False], [False, False], [True]]  # the last has only 1 of 2 repeats: left out
    assert stats.pass_k(tasks, k=2) == (1 / 3, 2 / 3)
    assert stats.pass_k([[True]], k=2) is None
    assert stats.pass_k([[True, False, True]], k=3) == (0.0, 1.0)


@pytest.fixture(scope="module")
def repeated(tmp_path_factory) -> tuple[str, str]:
    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec

    url = f"sqlite:///{tmp_path_factory.mktemp('passk') / 'r.db'}"
    outcome = asyncio.run(run_batch(BatchSpec(name="repeats", cases=["chest-pain-stemi", "renal-colic"],
                                              repeats=2), db=url))
    assert outcome.status == "completed"
    return url, outcome.run_id


def test_report_cli_and_api_show_pass_k_beside_accuracy(repeated):
    from agentsim.api import ApiSettings, create_app
    from agentsim.cli.app import app
    from agentsim.report import build_report

    url, run_id = repeated
    (doctor,) = build_report(run_id, db=url).by_doctor
    # the offline checklist doctor is deterministic: each case is right in both repeats or in neither
    assert doctor.k == 2 and doctor.tasks == 2 and doctor.pass_all_k == doctor.pass_any_k == doctor.accuracy
    table = CliRunner().invoke(app, ["report", run_id, "--db", url], env={"COLUMNS": "100"})
    assert "pass^2" in table.output and "pass@2" in table.output
    csv = CliRunner().invoke(app, ["report", run_id, "--db", url, "--format", "csv"]).output
    assert csv.splitlines()[0].endswith("k,tasks,pass_all_k,pass_any_k")

    async def api_body() -> dict:
        transport = httpx.ASGITransport(app=create_app(ApiSettings(db=url)))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return (await client.get(f"/runs/{run_id}/report")).json()

    body = asyncio.run(api_body())
    assert body["by_doctor"][0]["pass_all_k"] == doctor.pass_all_k and body["by_doctor"][0]["k"] == 2


def test_a_single_trial_run_has_no_pass_k(tmp_path):
    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec
    from agentsim.report import build_report

    url = f"sqlite:///{tmp_path / 'one.db'}"
    outcome = asyncio.run(run_batch(BatchSpec(cases=["renal-colic"]), db=url))
    (doctor,) = build_report(outcome.run_id, db=url).by_doctor
    assert doctor.k is None and doctor.pass_all_k is None
