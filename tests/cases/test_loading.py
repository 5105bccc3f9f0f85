"""Loading case, persona, rubric and catalogue files: what a user sees when a file is wrong.

Every bad fixture under tests/fixtures/bad/ was written by hand for exactly one quirk. Each test
checks that the error names the file, the line where YAML knows it, and the field path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentsim.cases.library import (
    load_case,
    load_case_file,
    load_catalogue,
    load_persona,
    load_rubric,
    scenarios_dir,
)
from agentsim.errors import CaseFileError, NotFoundError, UserError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BAD = FIXTURES / "bad"
GOOD = FIXTURES / "good"
BAD_CASES = BAD / "scenarios"


def case_error(name: str) -> CaseFileError:
    path = BAD_CASES / name
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    return info.value


def assert_names_file(exc: CaseFileError, path: Path) -> None:
    """The first line of the message a user sees is '<path>: invalid'."""
    assert exc.path == path
    assert str(exc).splitlines()[0] == f"{path}: invalid"
    for problem in exc.problems:
        assert f"  - {problem}" in str(exc)


def only_problem(exc: CaseFileError) -> str:
    assert len(exc.problems) == 1, exc.problems
    return exc.problems[0]


# ---------------------------------------------------------------------------------------------
# YAML-level problems


def test_yaml_syntax_error_reports_the_line():
    exc = case_error("yaml-syntax-error.yaml")
    assert_names_file(exc, BAD_CASES / "yaml-syntax-error.yaml")
    # line 10 is `chief_complaint: chest pain: crushing`
    assert only_problem(exc) == "line 10: YAML syntax error: mapping values are not allowed here"


def test_empty_file_says_it_is_empty():
    exc = case_error("empty.yaml")
    assert_names_file(exc, BAD_CASES / "empty.yaml")
    assert only_problem(exc) == "file is empty"


def test_top_level_list_is_rejected_with_the_type_found():
    exc = case_error("top-level-list.yaml")
    assert_names_file(exc, BAD_CASES / "top-level-list.yaml")
    assert only_problem(exc) == "expected a mapping at the top level, got list"


def test_unknown_yaml_tag_is_a_case_file_error_not_a_crash():
    path = BAD / "bugs" / "yaml-tag.yaml"
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    assert_names_file(info.value, path)
    assert only_problem(info.value).startswith("line 2: ")
    assert "!shout" in only_problem(info.value)


# ---------------------------------------------------------------------------------------------
# Schema problems in case files


def test_unknown_field_names_its_path_and_line():
    exc = case_error("unknown-field.yaml")
    assert_names_file(exc, BAD_CASES / "unknown-field.yaml")
    # line 19 is `colour: red` inside the first fact
    assert only_problem(exc) == "line 19: patient.facts.0.colour: Extra inputs are not permitted"


def test_missing_required_field_names_its_path_and_the_enclosing_block():
    exc = case_error("missing-chief-complaint.yaml")
    assert_names_file(exc, BAD_CASES / "missing-chief-complaint.yaml")
    # the key is absent, so the best line is the doctor_brief block (key on 8, content from 9)
    assert re.fullmatch(r"line (8|9): doctor_brief\.chief_complaint: Field required", only_problem(exc))


def test_bad_enum_value_lists_the_allowed_values():
    exc = case_error("bad-slot.yaml")
    assert_names_file(exc, BAD_CASES / "bad-slot.yaml")
    problem = only_problem(exc)
    # line 17 is the second fact, whose slot is not_a_slot
    assert problem.startswith("line 17: patient.facts.1.slot: Input should be ")
    for allowed in ("'presenting_complaint'", "'onset'", "'family_history'", "'social_smoking'", "'expectations'"):
        assert allowed in problem


def test_difficulty_four_is_out_of_range():
    exc = case_error("difficulty-four.yaml")
    assert_names_file(exc, BAD_CASES / "difficulty-four.yaml")
    assert only_problem(exc) == "line 5: difficulty: Input should be less than or equal to 3"


def test_id_must_equal_the_file_name():
    exc = case_error("id-mismatch.yaml")
    assert_names_file(exc, BAD_CASES / "id-mismatch.yaml")
    # note: this check runs after parsing, so no line number is given (the id is on line 1)
    assert only_problem(exc) == "id: 'chest-pain-renamed' must equal the file name 'id-mismatch'"


def test_id_must_be_a_slug():
    exc = case_error("Chest_Pain.yaml")
    assert_names_file(exc, BAD_CASES / "Chest_Pain.yaml")
    problem = only_problem(exc)
    assert problem.startswith("line 1: id: String should match pattern ")
    assert "^[a-z0-9]+(?:-[a-z0-9]+)*$" in problem


def test_doctor_brief_naming_a_synonym_in_another_case_is_rejected():
    exc = case_error("brief-names-diagnosis.yaml")
    assert_names_file(exc, BAD_CASES / "brief-names-diagnosis.yaml")
    problem = only_problem(exc)
    # a whole-case check: pydantic reports it at the top level, the message names doctor_brief
    assert problem.startswith("line 1: (top level): ")
    assert "doctor_brief names the diagnosis ('STEMI')" in problem


def test_doctor_brief_naming_a_synonym_with_a_space_for_a_hyphen_is_rejected():
    path = BAD / "bugs" / "brief-names-diagnosis-spaced.yaml"
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    assert "doctor_brief names the diagnosis" in only_problem(info.value)


def test_the_brief_check_and_the_leak_filter_agree_on_spaced_variants():
    """The same words are a leak everywhere else in the simulator."""
    from agentsim.match.leak import leaks
    from agentsim.model.case import mentions

    brief = "A 58-year-old man with a suspected ST elevation myocardial infarction."
    term = "ST-elevation myocardial infarction"
    # the brief check and the reply filter agree on what counts as naming the diagnosis
    assert leaks(brief, [term]) == [term]
    assert mentions(brief, term)


def test_duplicate_fact_ids_are_reported_on_the_facts_list():
    exc = case_error("duplicate-fact-ids.yaml")
    assert_names_file(exc, BAD_CASES / "duplicate-fact-ids.yaml")
    # `facts:` is on line 15, its first item on line 16
    assert re.fullmatch(r"line (15|16): patient\.facts: Value error, duplicate fact id 'onset_hour_ago'",
                        only_problem(exc))


def test_duplicate_test_ids_are_reported():
    exc = case_error("duplicate-test-ids.yaml")
    assert_names_file(exc, BAD_CASES / "duplicate-test-ids.yaml")
    problem = only_problem(exc)
    assert problem.startswith("line 1: (top level): ")
    assert problem.endswith("duplicate test ids: troponin")


def test_good_fixtures_load():
    case = load_case_file(GOOD / "scenarios" / "good-minimal.yaml")
    assert case.id == "good-minimal"
    assert load_case(str(GOOD / "scenarios" / "whole-word-mi.yaml")).diagnosis.synonyms == ["MI"]
    assert load_persona(GOOD / "personas" / "good-persona.yaml").id == "good-persona"
    assert load_rubric(GOOD / "rubrics" / "good-rubric.yaml").id == "good-rubric"
    assert load_catalogue(GOOD / "rubrics" / "tests.yaml").get("murphys-sign") is not None


def test_the_shipped_reference_case_loads():
    case = load_case("chest-pain-stemi")
    assert case.id == "chest-pain-stemi"
    assert case == load_case(scenarios_dir() / "chest-pain-stemi.yaml")


# ---------------------------------------------------------------------------------------------
# Personas, rubrics, catalogues


def test_persona_noise_rate_above_one():
    path = BAD / "personas" / "noise-above-one.yaml"
    with pytest.raises(CaseFileError) as info:
        load_persona(path)
    assert_names_file(info.value, path)
    problem = only_problem(info.value)
    # checked after field validation, so reported at the top level; the message names the field
    assert problem.startswith("line 1: (top level): ")
    assert problem.endswith("noise rate for omission must be between 0 and 1, got 1.5")


def test_persona_unknown_bias_kind():
    path = BAD / "personas" / "unknown-bias-kind.yaml"
    with pytest.raises(CaseFileError) as info:
        load_persona(path)
    assert_names_file(info.value, path)
    problem = only_problem(info.value)
    # line 12 is `- kind: astrology`
    assert problem.startswith("line 12: biases.1.kind: Input should be ")
    for allowed in ("'recency'", "'false_consensus'", "'socioeconomic'"):
        assert allowed in problem


def test_rubric_scale_with_four_levels():
    path = BAD / "rubrics" / "scale-four-levels.yaml"
    with pytest.raises(CaseFileError) as info:
        load_rubric(path)
    assert_names_file(info.value, path)
    assert re.fullmatch(r"line (5|6): diagnosis_scale: List should have at least 5 items after validation, not 4",
                        only_problem(info.value))


def test_rubric_scale_missing_a_score():
    path = BAD / "rubrics" / "scale-missing-score.yaml"
    with pytest.raises(CaseFileError) as info:
        load_rubric(path)
    assert_names_file(info.value, path)
    problem = only_problem(info.value)
    assert problem.startswith("line 1: (top level): ")
    assert problem.endswith("diagnosis_scale must define scores 1 to 5 once each")


def test_rubric_repeating_an_axis():
    path = BAD / "rubrics" / "repeated-axis.yaml"
    with pytest.raises(CaseFileError) as info:
        load_rubric(path)
    assert_names_file(info.value, path)
    problem = only_problem(info.value)
    assert problem.startswith("line 1: (top level): ")
    assert problem.endswith("each axis may appear once")


def test_catalogue_with_duplicate_ids():
    path = BAD / "catalogue-duplicate-ids" / "rubrics" / "tests.yaml"
    with pytest.raises(CaseFileError) as info:
        load_catalogue(path)
    assert_names_file(info.value, path)
    problem = only_problem(info.value)
    assert problem.startswith("line 1: (top level): ")
    assert problem.endswith("duplicate catalogue ids: ecg")


def test_catalogue_exam_entry_without_system():
    path = BAD / "catalogue-exam-without-system" / "rubrics" / "tests.yaml"
    with pytest.raises(CaseFileError) as info:
        load_catalogue(path)
    assert_names_file(info.value, path)
    # the entry starts on line 3 (`- id: murphys-sign`)
    assert only_problem(info.value) == "line 3: entries.1: Value error, exam manoeuvre 'murphys-sign' needs a system"


# ---------------------------------------------------------------------------------------------
# Files that do not exist, ids that are not cases


def test_missing_file_is_a_case_file_error_naming_the_file(tmp_path):
    path = tmp_path / "no-such-file.yaml"
    for loader in (load_case_file, load_case, load_persona, load_rubric, load_catalogue):
        with pytest.raises(CaseFileError) as info:
            loader(path)
        assert_names_file(info.value, path)
        assert info.value.problems == ["file not found"]


def test_path_traversal_id_is_not_found(tmp_path, monkeypatch):
    # from here ../../etc/passwd is tmp_path/etc/passwd, which does not exist
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    with pytest.raises(NotFoundError) as info:
        load_case("../../etc/passwd")
    message = str(info.value)
    assert "'../../etc/passwd'" in message
    assert "case id (lowercase-with-dashes) or a .yaml path" in message


def test_path_traversal_id_is_not_found_even_when_the_target_exists(tmp_path, monkeypatch):
    # stands in for the real /etc/passwd, which is what ../../etc/passwd means from /work/main
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    with pytest.raises(NotFoundError):
        load_case("../../etc/passwd")


def test_case_id_is_not_shadowed_by_a_folder_in_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "chest-pain-stemi").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_case("chest-pain-stemi").id == "chest-pain-stemi"


def test_unknown_case_id_is_not_found_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFoundError) as info:
        load_case("no-such-case")
    message = str(info.value)
    assert message.startswith("no case 'no-such-case' in ")
    assert str(scenarios_dir()) in message
    assert "agentsim cases list" in message
    assert isinstance(info.value, UserError) and info.value.exit_code == 2


def test_unknown_persona_lists_the_known_ones():
    with pytest.raises(NotFoundError) as info:
        load_persona("no-such-persona")
    assert "no persona 'no-such-persona'" in str(info.value)
    assert "neutral" in str(info.value)


def test_unknown_rubric_and_traversal_are_not_found():
    with pytest.raises(NotFoundError, match="no rubric 'no-such-rubric'"):
        load_rubric("no-such-rubric")
    with pytest.raises(NotFoundError, match="no persona '../../etc/passwd'"):
        load_persona("../../etc/passwd")
    with pytest.raises(NotFoundError, match="no rubric '../../etc/passwd'"):
        load_rubric("../../etc/passwd")
