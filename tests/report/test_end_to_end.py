"""A real (tiny, offline) batch run, then its report and exports agree with what the store holds."""

from __future__ import annotations

import asyncio
import json

from typer.testing import CliRunner

from agentsim.batch.runner import run_batch
from agentsim.batch.spec import BatchSpec
from agentsim.cli.app import app
from agentsim.report import build_report, export_run, plot_pareto
from agentsim.store.queries import latest_score, list_episodes


def test_batch_then_report(db_url, tmp_path):
    outcome = asyncio.run(run_batch(BatchSpec(cases=["chest-pain-stemi", "renal-colic"], doctors=["checklist"]),
                                    db=db_url))
    assert outcome.status == "completed"
    report = build_report(outcome.run_id, db=db_url)
    scores = [latest_score(e.id, db=db_url) for e in list_episodes(db=db_url, run_id=outcome.run_id)]
    assert (report.episodes, report.completed, report.failed, report.running) == (2, 2, 0, 0)
    [checklist] = report.by_doctor
    assert (checklist.name, checklist.n, checklist.scored, checklist.failures) == ("checklist", 2, 2, 0)
    assert checklist.accuracy == sum(s.diagnosis.likert >= 4 for s in scores) / 2
    assert checklist.mean_likert == sum(s.diagnosis.likert for s in scores) / 2
    assert checklist.mean_cost == sum(s.cost.total for s in scores) / 2
    assert checklist.mean_turns == sum(s.efficiency.turns for s in scores) / 2
    assert report.frontier == ["checklist"] and checklist.on_frontier
    assert {g.name for g in report.by_specialty} == {"cardiology", "renal-urology"}
    assert [g.name for g in report.by_persona] == ["none"]
    assert plot_pareto(report, tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"

    out = tmp_path / "turns.jsonl"
    n = export_run(outcome.run_id, db=db_url, fmt="jsonl", level="turn", out=out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert n == len(rows) == sum(e.n_turns for e in list_episodes(db=db_url, run_id=outcome.run_id))
    assert {r["doctor"] for r in rows} == {"checklist"} and rows[0]["index"] == 0

    cli = CliRunner().invoke(app, ["report", "latest", "--format", "json", "--db", db_url])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == report.model_dump(mode="json")
