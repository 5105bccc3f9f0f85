"""The rough edges a new user hit in the terminal, one test (or a few) each, numbered as in the issue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agentsim.cli.app import app
from tests.cli.test_cli import agentsim

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
BROKEN_DOCTOR = "class Broken:\n    def act(self, obs):\n        raise RuntimeError('the doctor broke')\n"


def cli(*args: str, input: str | None = None, columns: int = 80):
    return runner.invoke(app, list(args), input=input, env={"COLUMNS": str(columns), "AGENTSIM_DB": ""})


def user_error(result) -> str:
    """The one-line error `agentsim` would print with exit code 2 (main() turns a UserError into that)."""
    from agentsim.errors import UserError

    assert isinstance(result.exception, UserError), (result.exception, result.output)
    assert result.exception.exit_code == 2
    return str(result.exception)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> tuple[str, str]:
    """(db url, run id): two doctors, one case, two repeats."""
    spec = tmp_path_factory.mktemp("rough") / "spec.yaml"
    spec.write_text(yaml.safe_dump({"name": "rough", "cases": ["renal-colic"], "repeats": 2, "doctors": [
        "checklist", {"name": f"{ROOT / 'examples' / 'minimal_doctor.py'}:MinimalDoctor", "label": "minimal"}]}))
    url = f"sqlite:///{spec.parent / 'rough.db'}"
    out = cli("batch", str(spec), "--db", url, "--quiet")
    assert out.exit_code == 0, out.output
    return url, out.output.split()[1]


# 1 ------------------------------------------------------------------------------------------------
def test_1_run_exits_1_on_doctor_error_and_batch_on_a_failed_episode(tmp_path, db_url):
    doctor = tmp_path / "broken.py"
    doctor.write_text(BROKEN_DOCTOR)
    out = cli("run", "renal-colic", "--doctor", f"{doctor}:Broken", "--quiet", "--db", db_url)
    assert out.exit_code == 1 and "doctor_error" in out.output
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({"cases": ["renal-colic"], "doctors": ["checklist", f"{doctor}:Broken"]}))
    batch = cli("batch", str(spec), "--quiet", "--db", db_url)
    assert batch.exit_code == 1 and "1 episode(s) failed" in batch.output


def test_1_exit_codes_are_documented():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("Exit codes:"):]
    for command in ("`run`", "`batch`", "`score`", "`validate`"):
        assert f"| {command} |" in table, command


# 2 ------------------------------------------------------------------------------------------------
def test_2_a_refused_vague_exam_is_not_charged_in_play(db_url):
    out = agentsim("play", "chest-pain-stemi", "--db", db_url, input="/exam everything\n/cost\n/dx STEMI\n")
    assert "too vague" in out.stdout and "Nothing was charged" in out.stdout
    assert "Spent so far: $0" in out.stdout
    from agentsim.store.queries import list_episodes, load_episode

    (row,) = list_episodes(db=db_url)
    episode = load_episode(row.id, db=db_url)
    assert not [t for t in episode.turns if t.kind.value == "examine"] and sum(t.cost for t in episode.turns) == 0


# 3 ------------------------------------------------------------------------------------------------
def test_3_the_batch_spec_is_documented_everywhere_a_user_looks():
    from agentsim.batch.spec import BatchSpec, DoctorSpec, load_spec

    example = ROOT / "examples" / "batch.yaml"
    load_spec(example)  # valid as written
    text = example.read_text()
    for field in (*BatchSpec.model_fields, *DoctorSpec.model_fields):
        assert re.search(rf"^\s*#?\s*-?\s*{field}\b", text, re.MULTILINE), f"examples/batch.yaml omits {field}"
    schema = json.loads(cli("schema", "batch").output)
    assert set(BatchSpec.model_fields) <= set(schema["properties"])
    assert "examples/batch.yaml" in " ".join(cli("batch", "--help").output.split())
    assert "## Batch runs" in (ROOT / "README.md").read_text()
    assert "Until batch runs exist" not in (ROOT / "docs" / "writing-a-doctor.md").read_text()


# 4 ------------------------------------------------------------------------------------------------
def test_4_episodes_list_at_80_columns_keeps_ids_whole_and_filters(small_run):
    url, run_id = small_run
    out = cli("episodes", "list", "--db", url)
    assert out.exit_code == 0, out.output
    assert "…" not in out.output and all(len(line) <= 80 for line in out.output.splitlines())
    assert re.search(rf"^[0-9a-f]{{8}} {run_id[:8]} renal-colic ", out.output, re.MULTILINE), out.output
    assert {"likert", "run"} <= set(out.output.split())
    minimal = cli("episodes", "list", "--db", url, "--doctor", "minimal", "--run", run_id[:6], "--case", "renal-colic")
    assert minimal.output.count("renal-colic") == 2 and "checklist" not in minimal.output
    assert "0 episodes" in cli("episodes", "list", "--db", url, "--case", "anaphylaxis").output


def test_4_runs_list_exists_and_cases_list_is_one_line_a_case(small_run):
    url, run_id = small_run
    runs = cli("runs", "list", "--db", url)
    assert runs.exit_code == 0 and run_id[:8] in runs.output and "rough" in runs.output
    assert json.loads(cli("runs", "list", "--db", url, "--json").output)[0]["completed"] == 4
    cases = cli("cases", "list")
    from agentsim.cases.library import load_all_cases

    ids = [c.id for c in load_all_cases()]
    lines = cases.output.splitlines()
    assert len(lines) <= len(ids) + 3, f"{len(lines)} lines for {len(ids)} cases"
    assert all(any(line.startswith(i + " ") for line in lines) for i in ids), "every id whole, first on its line"
    assert all(len(line) <= 80 for line in lines)


# 5 is in tests/report/test_plot.py

# 6 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["replay", "latest"], ["report", "latest"], ["export", "latest"],
                                     ["score", "latest"], ["episodes", "list"], ["runs", "list"]])
def test_6_a_reading_command_never_creates_a_database(tmp_path, command):
    missing = tmp_path / "missing.db"
    assert "no database at" in user_error(cli(*command, "--db", f"sqlite:///{missing}"))
    assert not missing.exists()


def test_6_make_demo_uses_the_default_database():
    demo = (ROOT / "Makefile").read_text().split("\ndemo:")[1].split("\n\n")[0]
    assert "--db" not in demo and "replay latest" in demo


# 7 ------------------------------------------------------------------------------------------------
def test_7_step_keys_move_forward_back_and_quit():
    from agentsim.cli.episodes import step_through

    shown: list[int] = []
    keys = iter(["", "b", "", "", "q"])
    assert step_through(5, show=shown.append, read=lambda: next(keys)) is False
    assert shown == [0, 1, 0, 1, 2]
    shown.clear()
    assert step_through(2, show=shown.append, read=lambda: "") is True and shown == [0, 1]
    shown.clear()
    keys = iter(["b", ""])  # back on the first turn stays there
    assert step_through(1, show=shown.append, read=lambda: next(keys)) is True and shown == [0]


def test_7_replay_step_shows_hints_a_counter_and_the_differential(db_url):
    run = cli("run", "chest-pain-stemi", "--quiet", "--db", db_url)
    assert run.exit_code == 0
    out = cli("replay", "latest", "--step", "--db", db_url, input="\n" * 60, columns=120)
    assert "[Enter] next  [b] back  [q] quit" in out.output
    assert re.search(r"turn 1/\d+", out.output) and "Differential:" in out.output and "Score" in out.output
    quit_early = cli("replay", "latest", "--step", "--db", db_url, input="\nq\n", columns=120)
    assert "replay stopped" in quit_early.output and "turn 3/" not in quit_early.output


# 8 ------------------------------------------------------------------------------------------------
def test_8_play_gives_40_turns_with_a_counter(db_url):
    out = agentsim("play", "chest-pain-stemi", "--db", db_url, input="When did it start?\n/dx STEMI\n")
    assert "doctor [1/40]>" in out.stdout and "doctor [2/40]>" in out.stdout


def test_8_play_random_hides_the_case_until_the_end(db_url):
    from agentsim.cases.library import load_all_cases

    out = agentsim("play", "--random", "--specialty", "cardiology", "--difficulty", "1", "--db", db_url,
                   input="/dx something\n")
    assert out.returncode == 0, out.stderr
    before, _, after = out.stdout.partition("The case was")
    chosen = [c for c in load_all_cases() if c.id in after]
    assert len(chosen) == 1 and chosen[0].specialty.value == "cardiology" and chosen[0].difficulty == 1
    assert chosen[0].id not in before and chosen[0].title not in before.replace("\n", " ")
    both = agentsim("play", "chest-pain-stemi", "--random")
    assert both.returncode == 2 and "not both" in both.stderr


# 9 ------------------------------------------------------------------------------------------------
def test_9_version_and_help_text_as_written():
    from importlib.metadata import version

    assert cli("--version").output.strip() == f"agentsim {version('agentsim')}"
    batch = " ".join(cli("batch", "--help").output.split())  # unwrapped
    assert "agentsim[ray]" in batch and "[env AGENTSIM_DB; ./agentsim.db]" in batch
    run = " ".join(cli("run", "--help").output.split())
    assert "--json print one JSON" in run and "<bool>" not in run


# 10 is in tests/report/test_pass_k.py

# 11 -----------------------------------------------------------------------------------------------
def test_11_a_short_prefix_says_how_long_it_must_be(small_run):
    url, run_id = small_run
    assert "at least 4 characters" in user_error(cli("report", run_id[:3], "--db", url))
    assert cli("report", run_id[:4], "--db", url).exit_code == 0


def test_11_docs_read_transcript_entries_as_models():
    doc = (ROOT / "docs" / "writing-a-doctor.md").read_text()
    assert "t.text" in doc and 't["text"]' not in doc
