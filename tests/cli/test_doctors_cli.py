"""`agentsim doctors list`, `agentsim schema doctor-io` and `agentsim run --doctor PLUGIN`, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentsim.cli.app import app

ROOT = Path(__file__).parents[2]
runner = CliRunner()


def agentsim(*args: str) -> subprocess.CompletedProcess:
    # from the project root, so the relative plug-in paths below are the ones a user would type
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_doctors_list_json_has_the_built_ins():
    out = runner.invoke(app, ["doctors", "list", "--json"])
    assert out.exit_code == 0, out.output
    rows = {r["name"]: r for r in json.loads(out.output)}
    assert {"checklist", "scripted"} <= set(rows)
    assert rows["checklist"]["source"] == "built-in" and rows["checklist"]["description"]


def test_doctors_list_table_mentions_the_plugin_forms():
    out = runner.invoke(app, ["doctors", "list"])
    assert out.exit_code == 0 and "checklist" in out.output and "file.py:Class" in out.output


def test_schema_doctor_io_prints_versioned_schemas_that_match_real_traffic():
    jsonschema = pytest.importorskip("jsonschema")  # installed with litellm and mcp

    from agentsim.model.action import Observation, TranscriptEntry
    from agentsim.model.doctor_io import ActRequest, ResetBody, ResetRequest

    out = runner.invoke(app, ["schema", "doctor-io"])
    assert out.exit_code == 0, out.output
    schemas = json.loads(out.output)
    assert schemas["version"] == "agentsim.doctor-io/v2"
    assert "agentsim.doctor-io/v2" in schemas["request"]["$id"] and schemas["response"]["$id"].endswith("response.json")
    obs = Observation(brief="A 58-year-old man with chest pain.", reply="It hurts.", max_turns=20,
                      transcript=[TranscriptEntry(role="patient", text="It hurts.")])
    for request in (ActRequest(session="s1", observation=obs), ResetRequest(session="s1", reset=ResetBody(brief="b"))):
        jsonschema.validate(request.model_dump(mode="json", by_alias=True), schemas["request"])
    for action in ({"action": "ask", "question": "Where?"}, {"action": "examine", "request": "heart"},
                   {"action": "order", "tests": ["ECG"]}, {"action": "diagnose", "diagnosis": "STEMI"}):
        jsonschema.validate(action, schemas["response"])
    try:
        jsonschema.validate({"action": "teleport"}, schemas["response"])
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("the response schema accepted an unknown action")


def test_schema_doctor_io_out_writes_two_files(tmp_path):
    out = runner.invoke(app, ["schema", "doctor-io", "--out", str(tmp_path / "schemas")])
    assert out.exit_code == 0, out.output
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == ["agentsim.doctor-io-v2.request.schema.json", "agentsim.doctor-io-v2.response.schema.json"]
    assert json.loads((tmp_path / "schemas" / written[1]).read_text())["$id"].endswith("/v2/response.json")


def test_run_with_a_plugin_file(tmp_path):
    result = agentsim("run", "chest-pain-stemi", "--doctor", "tests/fixtures/plugins/good_doctor.py:GoodDoctor",
                      "--doctor-opt", "tests=3", "--json", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["termination"] == "diagnosed" and data["score"]["diagnosis_correct"]
    assert data["agents"]["doctor"] == "tests/fixtures/plugins/good_doctor.py:GoodDoctor"
    assert data["agents"]["options"] == {"tests": "3"}
    assert "[order] ECG, troponin, chest X-ray" in [t["text"] for t in data["turns"]]


def test_run_with_a_missing_plugin_exits_2_with_one_line(tmp_path):
    result = agentsim("run", "chest-pain-stemi", "--doctor", "tests/fixtures/plugins/missing.py:Nobody",
                      "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert result.stderr == "agentsim: error: doctor plug-in file not found: tests/fixtures/plugins/missing.py\n"
    assert result.stdout == ""


def test_run_with_a_plugin_that_fails_to_import_exits_2_without_a_traceback(tmp_path):
    result = agentsim("run", "chest-pain-stemi", "--doctor", "tests/fixtures/plugins/broken_doctor.py:BrokenDoctor",
                      "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "ModuleNotFoundError: No module named 'agentsim_no_such_dependency'" \
        in result.stderr
