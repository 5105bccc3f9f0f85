"""AgentClinic records against the shipped catalogue: analytes land in their panel, generic tests get generic
entries, demographics without a sex or with newborn ages parse, NEJM containers flatten, and every case
written passes `agentsim validate`. Hand-written fixtures, one schema variant or quirk each."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentsim.cases.importers.agentclinic import ImportReport, RecordStatus, import_agentclinic
from agentsim.cases.library import load_case_file
from agentsim.cases.lint import validate_paths
from agentsim.cli.app import app
from agentsim.model.case import Case, ExamSystem, mentions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "agentclinic"
ALL = sorted(p.name for p in FIXTURES.glob("*.jsonl"))


def run(name: str, tmp_path: Path) -> ImportReport:
    return import_agentclinic(FIXTURES / name, tmp_path / name.removesuffix(".jsonl"))


def case(report: ImportReport, line: int) -> Case:
    outcome = report.outcome(line)
    assert outcome is not None and outcome.path is not None, outcome
    return load_case_file(outcome.path)


def results(c: Case) -> dict[str, str]:
    return {t.id: t.result for t in c.tests}


def test_analytes_go_to_the_panel_that_reports_them_with_their_values(tmp_path):
    report = run("analytes.jsonl", tmp_path)
    assert (report.converted, report.failed, report.not_in_catalogue) == (2, 0, {})
    liver = results(case(report, 1))
    assert "Hemoglobin: 10.2 g/dL" in liver["cbc"] and "Platelets: 140,000 /uL" in liver["cbc"]
    assert liver["bmp"] == "Creatinine: 1.4 mg/dL"
    assert liver["lfts"] == "ALT: 412 U/L; AST: 388 U/L; Bilirubin Direct: 3.9 mg/dL"
    renal = results(case(report, 2))
    assert renal["cmp"].startswith("Sodium: 131 mmol/L")  # 'Chemistry Panel' is the comprehensive panel
    assert "Urea" in renal["bmp"] and "Creatinine" in renal["bmp"]  # an unknown heading over known analytes


def test_generic_tests_get_generic_entries_and_unknown_ones_a_priced_stand_in(tmp_path):
    report = run("generic_tests.jsonl", tmp_path)
    c = case(report, 1)
    by_id = {t.id: t for t in c.tests}
    assert {"cd4-count", "flow-cytometry", "genetic-testing", "tissue-biopsy"} <= set(by_id)
    tzanck = by_id["tzanck-smear"]
    assert tzanck.catalogue_id == "other-lab-test" and tzanck.priced_as == "other-lab-test"
    assert report.not_in_catalogue == {"Tzanck Smear": 1}  # still reported, so a catalogue entry can be added
    assert "Tzanck Smear (1)" in report.summary()


def test_demographics_without_a_sex_and_newborn_ages_parse(tmp_path):
    report = run("demographics_variants.jsonl", tmp_path)
    student = case(report, 1).patient.demographics
    assert (student.age_years, student.sex, student.occupation) == (19, None, "university student")
    assert case(report, 1).doctor_brief.summary.startswith("A 19-year-old university student presents with")
    newborn = case(report, 2).patient.demographics
    assert (newborn.age_years, newborn.age_days, newborn.sex) == (0, 6, None)
    assert newborn.describe() == "6-day-old newborn"
    preterm = case(report, 3).patient.demographics
    assert (preterm.weight_kg, preterm.gestation_weeks, preterm.age_days) == (1.45, 30, 0)
    failed = report.outcome(4)
    assert failed.status is RecordStatus.FAILED
    assert failed.reasons == ["cannot parse demographics 'Adult patient of unstated age': no age found (write it "
                              "as '45-year-old', '3-week-old' or 'newborn')"]


def test_nejm_containers_flatten_into_findings_and_tests_and_the_image_is_a_reference(tmp_path):
    report = run("nejm_containers.jsonl", tmp_path)
    ring = case(report, 1)
    names = {t.id for t in ring.tests}
    assert not names & {"additional", "additional-results", "source-image", "laboratory"}
    assert "Eosinophils mildly raised" in results(ring)["cbc"]  # an unnamed lab item joins its panel
    assert any(e.finding == "Faint central clearing." for e in ring.exam)  # seen, not a test
    (image,) = ring.images()
    assert image.url == "https://example.org/images/ic-0102.jpg" and image.path is None
    assert ring.exam[0].images == [image] and ring.exam[0].system is ExamSystem.SKIN
    neck = case(report, 2)
    ct = next(t for t in neck.tests if t.id == "ct-neck")
    # the confirmatory result named the diagnosis: rewritten around the finding, kept for the exact order
    assert ct.pathognomonic and not mentions(ct.result, "branchial cleft cyst")
    assert ct.result == "CT scan of the neck: A 3-cm cystic mass anterior to the sternocleidomastoid muscle."


@pytest.mark.parametrize("fixture", ALL)
def test_every_written_case_passes_validate(tmp_path, fixture):
    report = run(fixture, tmp_path)
    if report.converted:
        files = validate_paths([report.out_dir])
        assert [(f.path.name, f.errors) for f in files if f.errors] == []
        assert len(files) == report.converted
    # and every record not written says why
    assert all(r.reasons for r in report.records if r.status is RecordStatus.FAILED)


def test_cli_import_then_validate_leaves_no_invalid_case(tmp_path):
    runner = CliRunner()
    for fixture in ("analytes.jsonl", "generic_tests.jsonl", "nejm_containers.jsonl", "agentclinic_medqa.jsonl"):
        out = tmp_path / fixture
        imported = runner.invoke(app, ["import", "agentclinic", str(FIXTURES / fixture), "--out", str(out)])
        assert imported.exit_code == 0, imported.output
        assert "failed 0" in imported.output and "passes `agentsim validate`" in imported.output
        validated = runner.invoke(app, ["validate", str(out)])
        assert validated.exit_code == 0, validated.output
        assert " 0 invalid" in validated.output


def test_nejm_results_that_report_nothing_are_read_from_the_question(tmp_path):
    report = run("nejm_containers.jsonl", tmp_path)
    papules = case(report, 3)  # its results field is a note that there is nothing to report
    assert [t.id for t in papules.tests] == ["skin-biopsy"]
    assert results(papules)["skin-biopsy"].startswith("Skin biopsy: A cup-shaped epidermal invagination")
    assert not any("instrument readings" in t.result for t in papules.tests)


def test_nejm_headings_glued_to_items_and_unnamed_items(tmp_path):
    hoarse = results(case(run("nejm_containers.jsonl", tmp_path), 4))
    assert hoarse["ferritin"] == "Ferritin: 9 ug/L"
    assert hoarse["urinalysis"] == "Hematuria (Urinalysis): Present; Proteinuria (Urinalysis): Absent."
    assert hoarse["hiv-test"] == "HIV viral load: 120 copies per milliliter"
    assert hoarse["tissue-biopsy"] == "Biopsy: Epithelial hyperplasia"  # 'Biopsy findings include:' is a heading
    assert hoarse["mild-anemia"] == "Mild anemia"  # unnamed, under a generic heading: named by its words
