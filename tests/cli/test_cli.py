"""The command line as a user meets it: exit codes, JSON shape, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from agentsim.cli.app import app

runner = CliRunner()


def agentsim(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          input=input, timeout=120)


def test_run_json_has_the_documented_shape(db_url):
    out = runner.invoke(app, ["run", "chest-pain-stemi", "--json", "--db", db_url])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {"episode_id", "case_id", "termination", "score", "turns"} <= set(data)
    assert data["case_id"] == "chest-pain-stemi" and data["termination"] == "diagnosed"
    assert {"diagnosis_likert", "diagnosis_correct", "history_coverage", "total_cost"} <= set(data["score"])
    assert set(data["turns"][0]) == {"index", "role", "kind", "text", "cost"}
    assert [t["index"] for t in data["turns"]] == list(range(len(data["turns"])))


def test_run_then_replay_export_score_and_list(db_url):
    run = runner.invoke(app, ["run", "chest-pain-stemi", "--quiet", "--db", db_url])
    assert run.exit_code == 0, run.output
    episode_id = run.output.split()[0]
    replay = runner.invoke(app, ["replay", episode_id[:10], "--speed", "0", "--db", db_url])
    assert replay.exit_code == 0 and "Score" in replay.output and "Doctor" in replay.output
    md = runner.invoke(app, ["export", "latest", "--format", "md", "--db", db_url])
    assert md.exit_code == 0 and md.output.startswith(f"# Episode {episode_id}")
    jsonl = runner.invoke(app, ["export", episode_id, "--format", "jsonl", "--db", db_url])
    lines = [json.loads(line) for line in jsonl.output.splitlines()]
    assert lines[0]["kind"] == "opening" and all(line["episode_id"] == episode_id for line in lines)
    rescored = runner.invoke(app, ["score", episode_id, "--json", "--db", db_url])
    original = json.loads(runner.invoke(app, ["export", episode_id, "--db", db_url]).output)["score"]
    assert json.loads(rescored.output)["score"]["diagnosis_likert"] == original["diagnosis"]["likert"]
    listing = runner.invoke(app, ["episodes", "list", "--json", "--db", db_url])
    assert [e["id"] for e in json.loads(listing.output)] == [episode_id]


def test_cases_list_filters_and_json():
    out = runner.invoke(app, ["cases", "list", "--specialty", "cardiology", "--json"])
    rows = json.loads(out.output)
    assert rows and all(r["specialty"] == "cardiology" for r in rows)
    assert "chest-pain-stemi" in {r["id"] for r in rows}


def test_cases_show_hides_the_diagnosis_unless_revealed():
    hidden = runner.invoke(app, ["cases", "show", "chest-pain-stemi"])
    shown = runner.invoke(app, ["cases", "show", "chest-pain-stemi", "--reveal"])
    assert "myocardial infarction" not in hidden.output.lower()
    assert "myocardial infarction" in shown.output.lower()


def test_validate_passes_on_everything_shipped():
    out = runner.invoke(app, ["validate"])
    assert out.exit_code == 0, out.output
    assert "0 invalid" in out.output


@pytest.mark.parametrize(
    ("args", "message"),
    [(["run", "no-such-case"], "no case 'no-such-case'"),
     (["run", "../../etc/passwd"], "no case"),
     (["run", "chest-pain-stemi", "--doctor", "nobody"], "unknown doctor 'nobody'"),
     (["replay", "ffffffffffff"], "no episode 'ffffffffffff'"),
     (["run", "chest-pain-stemi", "--persona", "nobody"], "no persona 'nobody'")],
)
def test_user_errors_exit_2_with_one_clear_line(tmp_path, args, message):
    from agentsim.store.db import get_engine

    get_engine(f"sqlite:///{tmp_path / 'x.db'}")  # an existing database: replay refuses a missing one first
    result = agentsim(*args, "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_refuses_a_missing_database_and_creates_none(tmp_path):
    missing = tmp_path / "missing.db"
    result = agentsim("replay", "ffffffffffff", "--db", str(missing))
    assert result.returncode == 2 and "no database at" in result.stderr and "Traceback" not in result.stderr
    assert not missing.exists()


def test_a_wrong_flag_exits_2():
    result = agentsim("run", "chest-pain-stemi", "--max-turns", "zero")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_import_agentclinic_prints_counts_and_writes_loadable_cases(tmp_path):
    from pathlib import Path

    from agentsim.cases.library import load_case_file

    source = Path(__file__).parents[1] / "fixtures" / "agentclinic" / "agentclinic_medqa.jsonl"
    out = runner.invoke(app, ["import", "agentclinic", str(source), "--out", str(tmp_path / "imported")])
    assert out.exit_code == 0, out.output
    assert "read " in out.output and "converted " in out.output
    written = sorted((tmp_path / "imported").glob("*.yaml"))
    assert written and all(load_case_file(p).id == p.stem for p in written)


def test_import_of_a_missing_file_exits_2():
    result = agentsim("import", "agentclinic", "nope.jsonl", "--out", "/tmp/agentsim-nope")
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr
