"""`agentsim report` in every format, and `agentsim export` of a run (episode and turn level)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from agentsim.cli.app import app
from agentsim.errors import NotFoundError, UserError
from agentsim.report import RunReport, build_report
from tests.report.conftest import EPISODES, MAIN, TURNS_PER_EPISODE

runner = CliRunner()
MAIN_EPISODES = len(EPISODES) + 1  # and the one still running


def invoke(*args: str):
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_report_table(report_db):
    out = ok("report", MAIN[:8], "--db", report_db)
    assert "run aaaa11110000 (hand-built): completed; 11 completed, 2 failed, 1 running" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("A "))
    assert row.split() == ["A", "*", "4", "75%", "25%–100%", "4.00", "75%", "$500", "10.0", "0"]
    assert "Pareto frontier: B, A, best" in out


def test_report_markdown(report_db):
    out = ok("report", "latest", "--format", "md", "--db", report_db)
    assert out.startswith("## Report: run aaaa11110000")
    assert "| A | 4 | 75% | 25%–100% | 4.00 | 75% | $500 | 10.0 | 0 | ✓ |" in out
    assert "| B | 4 | 25% | 0%–75% | 2.50 | 50% | $300 | 6.0 | 0 | ✓ |" in out
    assert "| C\\|v2 | 3 | 33% | " in out and out.rstrip().endswith("| best | 2 | 100% | 100%–100% | 5.00 | 100% "
                                                                 "| $2,000 | 14.0 | 0 | ✓ |")


def test_report_csv_by_doctor_and_by_specialty(report_db):
    rows = list(csv.DictReader(io.StringIO(ok("report", MAIN, "--format", "csv", "--db", report_db))))
    a = next(r for r in rows if r["doctor"] == "A")
    assert (a["n"], a["correct"], a["accuracy"], a["ci_low"], a["ci_high"]) == ("4", "3", "0.75", "0.25", "1.0")
    assert (a["mean_likert"], a["mean_coverage"], a["mean_cost"], a["failures"], a["on_frontier"]) == \
        ("4.0", "0.75", "500.0", "0", "True")
    c = next(r for r in rows if r["doctor"] == "C|v2")
    assert (c["failures"], c["on_frontier"], c["mean_cost"]) == ("2", "False", "600.0")
    by_specialty = list(csv.DictReader(io.StringIO(
        ok("report", MAIN, "--format", "csv", "--by", "specialty", "--db", report_db))))
    assert [r["specialty"] for r in by_specialty] == ["cardiology", "renal-urology", "unknown"]
    assert "on_frontier" not in by_specialty[0]


def test_report_by_persona_table(report_db):
    out = ok("report", MAIN, "--by", "persona", "--db", report_db)
    assert "anxious-catastrophiser" in out and "none" in out and "Pareto" not in out


def test_report_json_is_the_api_body_and_plot_goes_beside_it(report_db, tmp_path):
    plot = tmp_path / "p.svg"
    result = invoke("report", MAIN, "--format", "json", "--plot", str(plot), "--db", report_db)
    assert result.exit_code == 0, result.output
    assert RunReport.model_validate_json(result.stdout) == build_report(MAIN, db=report_db)
    assert json.loads(result.stdout)["frontier"] == ["B", "A", "best"]
    assert plot.read_text().lstrip().startswith(("<?xml", "<svg"))
    png = tmp_path / "p.png"
    ok("report", MAIN, "--plot", str(png), "--db", report_db)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_errors_are_user_errors(report_db, tmp_path):
    assert isinstance(invoke("report", "ffff9999", "--db", report_db).exception, NotFoundError)
    bad = invoke("report", MAIN, "--plot", str(tmp_path / "p.jpg"), "--db", report_db)
    assert isinstance(bad.exception, UserError) and not (tmp_path / "p.jpg").exists()


def test_export_run_jsonl_to_stdout(report_db):
    lines = [json.loads(line) for line in ok("export", MAIN, "--db", report_db).splitlines()]
    assert len(lines) == MAIN_EPISODES
    first = lines[0]
    assert first["run_id"] == MAIN and first["key"] == "chest-pain-stemi|A|-|0" and first["doctor"] == "A"
    assert (first["specialty"], first["difficulty"], first["likert"], first["correct"]) == ("cardiology", 1, 5, True)
    assert {line["doctor"] for line in lines} == {"A", "B", "C|v2", "best"}


def test_export_run_csv_reads_back(report_db, tmp_path):
    out = tmp_path / "run.csv"
    ok("export", MAIN, "--format", "csv", "--out", str(out), "--db", report_db)
    with out.open(newline="") as handle:
        rows = {r["episode_id"]: r for r in csv.DictReader(handle)}
    assert len(rows) == MAIN_EPISODES
    assert {k: rows["ep02"][k] for k in ("doctor", "case_id", "specialty", "persona", "seed", "likert", "correct",
                                         "coverage", "cost", "turns", "termination", "duration_ms")} == {
        "doctor": "A", "case_id": "ghost-case", "specialty": "", "persona": "", "seed": "2", "likert": "2",
        "correct": "False", "coverage": "0.75", "cost": "500.0", "turns": "8", "termination": "diagnosed",
        "duration_ms": "30000.0"}
    assert rows["ep10"]["likert"] == "" and rows["ep10"]["termination"] == "aborted"
    assert rows["ep01"]["persona"] == "anxious-catastrophiser"


def test_export_run_parquet_reads_back(report_db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "run.parquet"
    ok("export", MAIN[:5], "--format", "parquet", "--out", str(out), "--db", report_db)
    table = pq.read_table(out)
    assert table.num_rows == MAIN_EPISODES
    assert str(table.schema.field("likert").type) == "int64"
    assert str(table.schema.field("started_at").type) == "timestamp[us, tz=UTC]"
    rows = {r["episode_id"]: r for r in table.to_pylist()}
    assert (rows["ep05"]["doctor"], rows["ep05"]["likert"], rows["ep05"]["correct"], rows["ep05"]["cost"]) == \
        ("B", 1, False, 300.0)
    assert rows["ep10"]["likert"] is None and rows["ep99running"]["status"] == "running"


def test_export_turn_level_in_each_format(report_db, tmp_path):
    lines = [json.loads(x) for x in ok("export", MAIN, "--level", "turn", "--db", report_db).splitlines()]
    assert len(lines) == len(EPISODES) * TURNS_PER_EPISODE
    assert lines[1]["payload"] == {"action": "diagnose", "differential": ["dissection"]}
    assert (lines[1]["doctor"], lines[1]["index"], lines[1]["role"]) == ("A", 1, "doctor")
    out = tmp_path / "turns.csv"
    ok("export", MAIN, "--level", "turn", "--format", "csv", "--out", str(out), "--db", report_db)
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(lines) and json.loads(rows[1]["payload"])["action"] == "diagnose"
    pq = pytest.importorskip("pyarrow.parquet")
    ok("export", MAIN, "--level", "turn", "--format", "parquet", "--out", str(tmp_path / "t.parquet"),
       "--db", report_db)
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.num_rows == len(lines) and json.loads(table.column("payload")[1].as_py())["action"] == "diagnose"


def test_latest_means_the_latest_run_only_for_run_only_exports(report_db, tmp_path):
    episode = json.loads(ok("export", "latest", "--db", report_db))
    assert episode["episode_id"] == "ep99running"  # the newest episode, as before
    out = tmp_path / "latest.csv"
    ok("export", "latest", "--format", "csv", "--out", str(out), "--db", report_db)
    assert len(out.read_text().splitlines()) == 1 + MAIN_EPISODES


def test_episode_exports_still_work(report_db):
    assert json.loads(ok("export", "ep00", "--db", report_db))["episode_id"] == "ep00"
    turns = [json.loads(x) for x in ok("export", "ep00", "--format", "jsonl", "--db", report_db).splitlines()]
    assert [t["index"] for t in turns] == [0, 1] and turns[0]["episode_id"] == "ep00"
    assert ok("export", "ep00", "--format", "md", "--db", report_db).startswith("# Episode ep00")


@pytest.mark.parametrize(("args", "message"), [
    (["export", MAIN, "--format", "csv"], "--out"),
    (["export", MAIN, "--format", "md"], "jsonl, csv or parquet"),
    (["export", "ep00", "--format", "parquet", "--out", "x.parquet"], "is an episode"),
    (["export", "ep00", "--level", "turn"], "is an episode"),
    (["export", "aaaa", "--format", "jsonl"], "prefix of both"),
    (["export", "zzzz1234"], "no episode or run"),
])
def test_export_mistakes_are_one_line_errors(report_db, args, message):
    result = invoke(*args, "--db", report_db)
    assert isinstance(result.exception, UserError) and message in str(result.exception)
