"""`agentsim validate` and the lints behind it, as a case author meets them.

Lints need a test catalogue; these tests point AGENTSIM_HOME at tests/fixtures/good, whose
rubrics/tests.yaml is a small hand-written catalogue (ecg, troponin, cbc, murphys-sign), so the
results do not depend on the shipped catalogue.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentsim.cases.library import load_case_file, load_catalogue
from agentsim.cases.lint import FileKind, lint_case, validate_paths
from agentsim.cli.app import app
from agentsim.errors import UserError
from agentsim.match.leak import leaks
from agentsim.model.case import mentions

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
BAD = FIXTURES / "bad"
GOOD = FIXTURES / "good"
BAD_CASES = BAD / "scenarios"
GOOD_CATALOGUE = GOOD / "rubrics" / "tests.yaml"

runner = CliRunner()


@pytest.fixture
def home(monkeypatch):
    """Run against the fixture catalogue, from the repository root (so relative paths work)."""
    monkeypatch.setenv("AGENTSIM_HOME", str(GOOD))
    monkeypatch.chdir(REPO)
    return GOOD


def lint(name: str) -> list[str]:
    return lint_case(load_case_file(BAD_CASES / name), load_catalogue(GOOD_CATALOGUE))


def report_for(path: Path):
    reports = validate_paths([path])
    assert len(reports) == 1
    return reports[0]


def flat(text: str) -> str:
    """Collapse whitespace: the console wraps long lines (see test_each_problem_stays_on_one_line)."""
    return " ".join(text.split())


def agentsim(*args: str, home: Path | None = GOOD) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"AGENTSIM_HOME", "COLUMNS"}}
    if home is not None:
        env["AGENTSIM_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


# ---------------------------------------------------------------------------------------------
# Leak lints: the diagnosis must not reach the doctor through the patient or the examiner


def test_fact_naming_the_diagnosis(home):
    assert lint("fact-names-diagnosis.yaml") == ["patient.facts[concerns_stemi]: names the diagnosis ('STEMI')"]
    report = report_for(BAD_CASES / "fact-names-diagnosis.yaml")
    assert report.kind is FileKind.SCENARIO
    assert report.errors == ["patient.facts[concerns_stemi]: names the diagnosis ('STEMI')"]


def test_opening_statement_naming_the_diagnosis(home):
    assert lint("opening-names-diagnosis.yaml") == ["patient.opening_statement: names the diagnosis ('STEMI')"]


def test_exam_finding_naming_the_diagnosis(home):
    assert lint("exam-names-diagnosis.yaml") == ["exam[1]: names the diagnosis ('STEMI')"]


def test_every_result_naming_the_diagnosis_is_reported_pathognomonic_or_not(home):
    # a result reads like a report: the decisive ECG describes the ST elevation, it does not say "STEMI"
    assert lint("result-names-diagnosis.yaml") == [
        "tests[ecg]: the result names the diagnosis ('STEMI'); describe the finding as a report would",
        "tests[troponin]: the result names the diagnosis ('STEMI'); describe the finding as a report would",
    ]


# ---------------------------------------------------------------------------------------------
# Reference lints


def test_must_ask_pointing_at_a_missing_fact(home):
    assert lint("must-ask-missing-fact.yaml") == [
        "rubric.must_ask: 'radiation_left_arm' is not a fact id of this case"
    ]


def test_case_test_not_in_the_catalogue(home):
    assert lint("test-not-in-catalogue.yaml") == ["tests[coronary-angiogram]: not in the test catalogue"]
    # without a catalogue there is nothing to check against
    assert lint_case(load_case_file(BAD_CASES / "test-not-in-catalogue.yaml"), None) == []


def test_expected_tests_naming_an_unknown_test(home):
    # ecg is a case test, cbc is only in the catalogue (fine), stress-echo is neither
    assert lint("expected-test-unknown.yaml") == [
        "rubric.expected_tests: 'stress-echo' is neither a case test nor in the catalogue"
    ]


def test_good_cases_lint_clean(home):
    catalogue = load_catalogue(GOOD_CATALOGUE)
    for name in ("good-minimal.yaml", "whole-word-mi.yaml"):
        assert lint_case(load_case_file(GOOD / "scenarios" / name), catalogue) == [], name


# ---------------------------------------------------------------------------------------------
# Whole-word matching: "MI" is not in "family"


def test_abbreviation_matches_whole_words_only():
    for text in ("family history", "admitted twice", "Mildred Miles", "mild tightness", "semi-recumbent"):
        assert not mentions(text, "MI"), text
        assert leaks(text, ["MI"]) == [], text
    for text in ("he had an MI in 2019", "Query mi.", "(MI)"):
        assert mentions(text, "MI"), text
        assert leaks(text, ["MI"]) == ["MI"], text


def test_case_with_mi_and_family_is_valid(home):
    report = report_for(GOOD / "scenarios" / "whole-word-mi.yaml")
    assert report.ok, report.errors


# ---------------------------------------------------------------------------------------------
# validate_paths: one report per file, classified by folder


def test_every_bad_fixture_is_reported_invalid(home):
    paths = [BAD_CASES, BAD / "personas", BAD / "rubrics", BAD / "catalogue-duplicate-ids",
             BAD / "catalogue-exam-without-system"]
    reports = validate_paths(paths)
    assert len(reports) == len([f for p in paths for f in p.rglob("*.yaml")]) == 26
    assert [r.path.name for r in reports if r.ok] == []
    kinds = {r.path.relative_to(BAD).as_posix(): r.kind for r in reports}
    assert kinds["personas/noise-above-one.yaml"] is FileKind.PERSONA
    assert kinds["rubrics/repeated-axis.yaml"] is FileKind.RUBRIC
    assert kinds["catalogue-duplicate-ids/rubrics/tests.yaml"] is FileKind.CATALOGUE
    assert kinds["scenarios/empty.yaml"] is FileKind.SCENARIO


def test_every_good_fixture_is_valid(home):
    reports = validate_paths([GOOD])
    assert len(reports) == 5
    assert {r.path.name: r.errors for r in reports if not r.ok} == {}
    assert {r.kind for r in reports} == set(FileKind)


# ---------------------------------------------------------------------------------------------
# CLI through CliRunner


def test_cli_validate_bad_file_exits_2_and_prints_the_problem(home):
    path = "tests/fixtures/bad/scenarios/unknown-field.yaml"
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 2, result.output
    out = flat(result.output)
    assert f"✗ {path} (scenario)" in out
    assert "line 19: patient.facts.0.colour: Extra inputs are not permitted" in out
    assert out.endswith("0 valid, 1 invalid, 1 files")


@pytest.mark.parametrize(
    ("path", "kind", "expected"),
    [
        ("scenarios/yaml-syntax-error.yaml", "scenario",
         "line 10: YAML syntax error: mapping values are not allowed here"),
        ("scenarios/empty.yaml", "scenario", "file is empty"),
        ("scenarios/top-level-list.yaml", "scenario", "expected a mapping at the top level, got list"),
        ("scenarios/bad-slot.yaml", "scenario",
         "line 17: patient.facts.1.slot: Input should be 'presenting_complaint'"),
        ("scenarios/difficulty-four.yaml", "scenario", "line 5: difficulty: Input should be less than or equal to 3"),
        ("scenarios/id-mismatch.yaml", "scenario", "id: 'chest-pain-renamed' must equal the file name 'id-mismatch'"),
        ("scenarios/Chest_Pain.yaml", "scenario", "line 1: id: String should match pattern"),
        ("scenarios/brief-names-diagnosis.yaml", "scenario", "doctor_brief names the diagnosis ('STEMI')"),
        ("scenarios/duplicate-test-ids.yaml", "scenario", "duplicate test ids: troponin"),
        ("scenarios/exam-names-diagnosis.yaml", "scenario", "exam[1]: names the diagnosis ('STEMI')"),
        ("scenarios/test-not-in-catalogue.yaml", "scenario", "tests[coronary-angiogram]: not in the test catalogue"),
        ("personas/unknown-bias-kind.yaml", "persona", "line 12: biases.1.kind: Input should be 'recency'"),
        ("personas/noise-above-one.yaml", "persona", "noise rate for omission must be between 0 and 1, got 1.5"),
        ("rubrics/repeated-axis.yaml", "rubric", "each axis may appear once"),
        ("catalogue-exam-without-system/rubrics/tests.yaml", "catalogue",
         "line 3: entries.1: Value error, exam manoeuvre 'murphys-sign' needs a system"),
    ],
)
def test_cli_validate_prints_file_kind_and_problem(home, path, kind, expected):
    rel = f"tests/fixtures/bad/{path}"
    result = runner.invoke(app, ["validate", rel])
    assert result.exit_code == 2, result.output
    out = flat(result.output)
    assert f"✗ {rel} ({kind})" in out
    assert expected in out


def test_cli_validate_good_file_and_folder_exit_0(home):
    result = runner.invoke(app, ["validate", "tests/fixtures/good/scenarios/good-minimal.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 valid, 0 invalid, 1 files"
    result = runner.invoke(app, ["validate", "tests/fixtures/good"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "5 valid, 0 invalid, 5 files"


def test_cli_validate_mixed_counts_only_bad_files(home):
    result = runner.invoke(app, ["validate", "tests/fixtures/good/scenarios",
                                 "tests/fixtures/bad/scenarios/empty.yaml"])
    assert result.exit_code == 2
    out = flat(result.output)
    assert "good-minimal" not in out  # only invalid files are listed
    assert out.endswith("2 valid, 1 invalid, 3 files")


def test_cli_validate_missing_path_is_a_user_error(home):
    result = runner.invoke(app, ["validate", "tests/fixtures/bad/no-such-file.yaml"])
    # main() turns this into one stderr line and exit 2 (checked through a subprocess below)
    assert isinstance(result.exception, UserError)
    assert str(result.exception) == "no such file or folder: tests/fixtures/bad/no-such-file.yaml"


def test_cli_prints_paths_with_square_brackets_verbatim(home, tmp_path):
    folder = tmp_path / "[draft]"
    folder.mkdir()
    shutil.copy(BAD_CASES / "empty.yaml", folder / "empty.yaml")
    result = runner.invoke(app, ["validate", str(folder / "empty.yaml")])
    assert result.exit_code == 2
    assert str(folder / "empty.yaml") in flat(result.output)


# ---------------------------------------------------------------------------------------------
# CLI as a real process: exit codes and no tracebacks


def test_process_validate_bad_file_exits_2_without_traceback():
    proc = agentsim("validate", "tests/fixtures/bad/scenarios/difficulty-four.yaml")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    out = flat(proc.stdout)
    assert "✗ tests/fixtures/bad/scenarios/difficulty-four.yaml (scenario)" in out
    assert "line 5: difficulty: Input should be less than or equal to 3" in out
    assert out.endswith("0 valid, 1 invalid, 1 files")


def test_process_validate_lint_problem_exits_2():
    proc = agentsim("validate", "tests/fixtures/bad/scenarios/must-ask-missing-fact.yaml")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "rubric.must_ask: 'radiation_left_arm' is not a fact id of this case" in flat(proc.stdout)


def test_process_validate_missing_path_prints_one_clear_line():
    proc = agentsim("validate", "tests/fixtures/bad/no-such-file.yaml")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == "agentsim: error: no such file or folder: tests/fixtures/bad/no-such-file.yaml\n"


def test_process_validate_good_fixtures_exit_0():
    proc = agentsim("validate", "tests/fixtures/good")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "5 valid, 0 invalid, 5 files"
    assert proc.stderr == ""


def test_process_validate_shipped_reference_case_with_shipped_catalogue():
    proc = agentsim("validate", "scenarios/chest-pain-stemi.yaml", home=None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "1 valid, 0 invalid, 1 files"


def test_process_validate_unknown_yaml_tag_exits_2_without_traceback():
    proc = agentsim("validate", "tests/fixtures/bad/bugs/yaml-tag.yaml")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2
    assert "line 2: " in proc.stdout


def test_each_problem_stays_on_one_line():
    proc = agentsim("validate", "tests/fixtures/bad/personas/noise-above-one.yaml")
    assert proc.returncode == 2
    assert proc.stdout.splitlines()[1] == (
        "    line 1: (top level): Value error, noise rate for omission must be between 0 and 1, got 1.5"
    )


def test_validate_warns_on_icd10_codes_without_failing() -> None:
    from agentsim.cases.lint import lint_codes

    case = load_case_file(GOOD / "scenarios" / "good-minimal.yaml")
    assert lint_codes(case) == []
    wrong = case.model_copy(update={"diagnosis": case.diagnosis.model_copy(update={"icd10": "K85.9"})})
    assert "does not fit" in lint_codes(wrong)[0]
    missing = case.model_copy(update={"diagnosis": case.diagnosis.model_copy(update={"icd10": None})})
    assert "no ICD-10-CM code" in lint_codes(missing)[0]
