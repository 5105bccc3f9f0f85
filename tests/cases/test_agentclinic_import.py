"""AgentClinic importer: hand-written fixtures, one quirk each, and a small hand-built catalogue."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from agentsim.cases.importers import agentclinic as importer
from agentsim.cases.importers.agentclinic import ImportReport, RecordStatus, import_agentclinic
from agentsim.cases.importers.agentclinic_findings import CatalogueIndex
from agentsim.cases.importers.agentclinic_text import parse_demographics
from agentsim.cases.library import load_case_file
from agentsim.errors import UserError
from agentsim.model.case import Case, ExamSystem, FactSlot, Sex, mentions
from agentsim.model.catalogue import Catalogue, CatalogueEntry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "agentclinic"


def _entry(entry_id: str, name: str, aliases: list[str], category: str | None = "lab", **kw) -> CatalogueEntry:
    return CatalogueEntry(id=entry_id, name=name, aliases=aliases, category=category, price_usd=10,
                          normal_result="within normal limits", **kw)


@pytest.fixture
def mini_catalogue() -> Catalogue:
    return Catalogue(entries=[
        _entry("cbc", "Complete blood count", ["FBC", "full blood count", "CBC", "blood count"]),
        _entry("bmp", "Basic metabolic panel", ["U&E", "BMP", "urea and electrolytes"]),
        _entry("tsh", "Thyroid stimulating hormone", ["TSH", "thyroid function tests", "TFTs"]),
        _entry("trab", "TSH receptor antibodies", ["TRAb"]),
        _entry("urinalysis", "Urinalysis", ["UA", "urine analysis"]),
        _entry("psa", "Prostate-specific antigen", ["PSA"]),
        _entry("lipase", "Lipase", []),
        _entry("ecg", "12-lead ECG", ["ECG", "EKG", "electrocardiogram"], "bedside"),
        _entry("cxr", "Chest X-ray", ["CXR", "chest radiograph", "chest film"], "imaging"),
        _entry("us-thyroid", "Thyroid ultrasound", ["thyroid US"], "imaging"),
        _entry("us-renal", "Renal ultrasound", ["kidney ultrasound"], "imaging"),
        _entry("us-ruq", "Right upper quadrant ultrasound", ["RUQ ultrasound", "gallbladder ultrasound"], "imaging"),
        _entry("excision-biopsy", "Excision biopsy", ["excisional biopsy"], "pathology"),
        _entry("murphys-sign", "Murphy's sign", ["Murphy sign"], None, kind="exam", system="abdominal"),
        # the stand-ins that price a source test the catalogue does not name (as in rubrics/tests.yaml)
        *[_entry(f"other-{kind}", f"Other {kind}", [], category, generic=True) for kind, category in
          [("lab-test", "lab"), ("imaging-study", "imaging"), ("pathology-study", "pathology"),
           ("procedure", "procedure"), ("bedside-test", "bedside")]],
    ])


def run(name: str, tmp_path: Path, catalogue: Catalogue) -> ImportReport:
    return import_agentclinic(FIXTURES / name, tmp_path / "out", catalogue=catalogue)


def case_at(report: ImportReport, line: int) -> Case:
    outcome = report.outcome(line)
    assert outcome is not None and outcome.path is not None, outcome
    return load_case_file(outcome.path)


def slots(case: Case) -> set[FactSlot]:
    return {f.slot for f in case.patient.facts}


# ------------------------------------------------------------------------------------------- OSCE


def test_medqa_record_is_written_and_loads_back(tmp_path, mini_catalogue):
    report = run("agentclinic_medqa.jsonl", tmp_path, mini_catalogue)
    assert (report.read, report.converted, report.failed, report.flagged) == (1, 1, 0, 0)
    outcome = report.records[0]
    assert outcome.status is RecordStatus.CONVERTED and outcome.case_id == "agentclinic-medqa-1"
    assert outcome.path == tmp_path / "out" / "agentclinic-medqa-1.yaml"
    case = load_case_file(outcome.path)
    assert case.id == outcome.path.stem
    assert case.patient.demographics.age_years == 34 and case.patient.demographics.sex is Sex.FEMALE
    assert case.diagnosis.primary == "Graves disease"
    assert case.author == "imported from AgentClinic (MedQA)"
    assert case.license == "see source dataset" and case.difficulty == 2 and case.setting.value == "clinic"
    assert case.specialty.value == "endocrinology"
    assert "agentclinic" in case.tags and "medqa" in case.tags
    assert not mentions(case.doctor_view().brief, "Graves disease")
    assert "palpitations" in case.doctor_brief.chief_complaint.lower()


def test_medqa_facts_get_slots_and_first_person_text(tmp_path, mini_catalogue):
    case = case_at(run("agentclinic_medqa.jsonl", tmp_path, mini_catalogue), 1)
    facts = case.patient.facts
    assert facts[0].slot is FactSlot.PRESENTING_COMPLAINT and facts[0].volunteered
    assert not any(f.volunteered for f in facts[1:])
    assert {FactSlot.SMOKING, FactSlot.ALCOHOL, FactSlot.OCCUPATION, FactSlot.FAMILY_HISTORY, FactSlot.ALLERGIES,
            FactSlot.PAST_MEDICAL_HISTORY, FactSlot.PERTINENT_NEGATIVE} <= slots(case)
    texts = [f.text for f in facts]
    assert "I've had a 2-month history of palpitations and unintentional weight loss of about 4 kg." in texts
    assert "My mother has hypothyroidism." in texts
    assert "I drink wine occasionally." in texts  # 'Non-smoker, drinks wine occasionally, ...' split per slot
    negatives = [f for f in facts if f.slot is FactSlot.PERTINENT_NEGATIVE]
    assert any(f.text.startswith("No diarrhoea") and "neck pain" in f.aliases for f in negatives)
    assert len({f.id for f in facts}) == len(facts)
    assert case.rubric.must_ask == [f.id for f in facts[:5]]
    assert all(f.aliases for f in facts)


def test_medqa_exam_systems_and_catalogue_tests(tmp_path, mini_catalogue):
    report = run("agentclinic_medqa.jsonl", tmp_path, mini_catalogue)
    case = case_at(report, 1)
    systems = {e.system for e in case.exam}
    assert {ExamSystem.VITALS, ExamSystem.HEAD_NECK, ExamSystem.EYES, ExamSystem.NEUROLOGICAL} <= systems
    vitals = next(e for e in case.exam if e.system is ExamSystem.VITALS)
    assert "Heart Rate: 112 bpm, regular" in vitals.finding
    tests = {t.id: t for t in case.tests}
    assert set(tests) == {"tsh", "cbc", "ecg", "us-thyroid", "trab"}
    assert case.rubric.expected_tests == list(tests)
    assert tests["tsh"].result == "TSH: <0.01 mIU/L (low); Free T4: 48 pmol/L (high)"
    assert tests["ecg"].category.value == "bedside" and tests["us-thyroid"].category.value == "imaging"
    assert "Thyroid Function Tests" in tests["tsh"].aliases  # the source name stays orderable
    assert report.records[0].warnings == [] and report.not_in_catalogue == {}


def test_mimic_nested_results_lists_and_booleans(tmp_path, mini_catalogue):
    report = run("mimic_nested.jsonl", tmp_path, mini_catalogue)
    assert (report.converted, report.failed) == (1, 0)
    case = case_at(report, 1)
    tests = {t.id: t for t in case.tests}
    # Laboratory_Tests > Blood > Chemistry > Basic_Metabolic_Panel > Sodium: five levels down
    assert tests["bmp"].result == "Sodium: 134 mmol/L; Potassium: 5.9 mmol/L; Creatinine: 3.1"
    # Imaging > Ultrasound > Renal > Kidneys > Findings: matched through the whole path
    assert tests["us-renal"].result.startswith("Findings: Bilateral hydronephrosis; Distended bladder")
    assert "Post Void Residual Measured: yes" in tests["us-renal"].result
    assert tests["urinalysis"].result == "Blood: no; Leukocytes: Negative; Protein: 1"
    assert "psa" in tests
    # unmatched: kept with a slug id, category guessed, reported
    assert tests["serum-cystatin-c"].category.value == "lab"
    assert report.not_in_catalogue == {"Serum Cystatin C": 1}
    assert "test not in catalogue: Serum Cystatin C" in report.records[0].warnings
    assert "serum-cystatin-c" not in case.rubric.expected_tests
    # blood pressure and weight listed among the tests are vital signs
    vitals = next(e for e in case.exam if e.system is ExamSystem.VITALS)
    assert "Weight (Lbs): 182" in vitals.finding and "Febrile: no" in vitals.finding
    assert vitals.finding.count("Blood Pressure") == 1
    assert any(e.system is ExamSystem.RECTAL for e in case.exam)
    abdominal = next(e for e in case.exam if e.system is ExamSystem.ABDOMINAL)
    assert "Bowel Sounds: present; normal" in abdominal.finding
    # History given as a list of sentences
    texts = [f.text for f in case.patient.facts]
    assert "I've had a weak urinary stream for several months." in texts
    assert "Over the last 3 days I have barely passed any urine." in texts
    assert {FactSlot.SMOKING, FactSlot.OCCUPATION, FactSlot.PAST_MEDICAL_HISTORY} <= slots(case)


def test_empty_and_missing_sections_still_convert(tmp_path, mini_catalogue):
    report = run("empty_sections.jsonl", tmp_path, mini_catalogue)
    assert (report.read, report.converted, report.failed) == (2, 2, 0)
    bare = case_at(report, 1)
    assert [f.slot for f in bare.patient.facts] == [FactSlot.PRESENTING_COMPLAINT]  # placeholders dropped
    assert bare.exam == [] and bare.tests == [] and bare.rubric.expected_tests == []
    assert bare.rubric.must_ask == ["pc_1"]
    no_symptoms = case_at(report, 2)  # no Symptoms, exam or tests: complaint taken from the objective
    assert no_symptoms.doctor_brief.chief_complaint == "a hot swollen knee"
    assert no_symptoms.patient.demographics.age_years == 71
    assert "My right knee became hot and swollen overnight." in [f.text for f in no_symptoms.patient.facts]


@pytest.mark.parametrize("key", ["Chest_X-ray", "Chest_X-Ray", "Chest_Xray", "chest x ray", "X-Ray_Chest", "CXR"])
def test_xray_spellings_match_cxr(key, mini_catalogue):
    entry = CatalogueIndex(mini_catalogue).match([key])
    assert entry is not None and entry.id == "cxr"


def test_xray_spellings_in_records(tmp_path, mini_catalogue):
    report = run("xray_spellings.jsonl", tmp_path, mini_catalogue)
    assert report.converted == 2 and report.not_in_catalogue == {}
    first, second = case_at(report, 1), case_at(report, 2)
    assert [t.id for t in first.tests] == ["cxr"]
    assert first.tests[0].result == "Right lower lobe consolidation"
    assert [t.id for t in second.tests] == ["cxr"]  # Chest_X-Ray and Chest_Xray merged into one test
    assert "Large left pleural effusion" in second.tests[0].result
    assert "effusion smaller" in second.tests[0].result


def test_diagnosis_in_findings_is_flagged_and_still_written(tmp_path, mini_catalogue):
    report = run("dx_in_findings.jsonl", tmp_path, mini_catalogue)
    assert (report.read, report.converted, report.flagged, report.failed) == (3, 3, 2, 0)
    outcome = report.outcome(1)
    assert outcome.status is RecordStatus.FLAGGED
    assert any("test us-ruq" in r for r in outcome.reasons)
    case = load_case_file(outcome.path)
    assert "diagnosis-in-findings" in case.tags
    # the objective named it too: dropped from the doctor brief, with a warning
    assert not mentions(case.doctor_view().brief, "cholecystitis")
    assert any("doctor brief" in w for w in outcome.warnings)


def test_diagnosis_in_the_presenting_complaint_is_kept_from_the_brief(tmp_path, mini_catalogue):
    report = run("dx_in_findings.jsonl", tmp_path, mini_catalogue)
    outcome = report.outcome(3)
    assert outcome.status is RecordStatus.FLAGGED
    assert "opening statement" in outcome.reasons[0] and "fact pc_1" in outcome.reasons[0]
    case = load_case_file(outcome.path)
    assert case.doctor_brief.chief_complaint == "attack with wheeze since this morning"
    assert case.doctor_brief.summary == ("A 26-year-old woman presents with attack with wheeze since this morning. "
                                         "Assess the patient presenting with wheeze.")
    assert not mentions(case.doctor_view().brief, "asthma") and not mentions(case.title, "asthma")
    # the case must validate: the opening says the complaint as the brief does, without the label
    assert case.patient.opening_statement == "I've come in because of attack with wheeze since this morning."


def test_diagnosis_only_in_confirmatory_test_is_not_flagged(tmp_path, mini_catalogue):
    report = run("dx_in_findings.jsonl", tmp_path, mini_catalogue)
    outcome = report.outcome(2)
    assert outcome.status is RecordStatus.CONVERTED and outcome.reasons == []
    case = load_case_file(outcome.path)
    assert "diagnosis-in-findings" not in case.tags
    biopsy = next(t for t in case.tests if t.id == "excision-biopsy")
    # the confirmatory result is rewritten as a report of the finding and kept for the exact order
    assert biopsy.pathognomonic and not mentions(biopsy.result, "melanoma")
    assert biopsy.result == "Breslow depth 0.6 mm."
    assert any("excision-biopsy" in w and "rewritten" in w and "pathognomonic" in w for w in outcome.warnings)


# ------------------------------------------------------------------------------------ failures


def test_bad_json_line_is_reported_and_the_rest_converts(tmp_path, mini_catalogue):
    report = run("bad_json.jsonl", tmp_path, mini_catalogue)
    assert (report.read, report.converted, report.failed) == (2, 1, 1)
    bad = report.outcome(2)
    assert bad.status is RecordStatus.FAILED and bad.case_id is None and bad.path is None
    assert bad.reasons[0].startswith("not valid JSON")
    assert report.outcome(1).status is RecordStatus.CONVERTED
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["bad-json-1.yaml"]


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("unknown_schema.jsonl", "unknown schema"),
        ("missing_diagnosis.jsonl", "missing Correct_Diagnosis"),
        ("bad_demographics.jsonl", "cannot parse demographics 'Adult patient'"),
        ("nejm_no_correct_answer.jsonl", "missing diagnosis"),
    ],
)
def test_unconvertible_records_are_reported_with_a_reason(tmp_path, mini_catalogue, fixture, reason):
    report = run(fixture, tmp_path, mini_catalogue)
    assert (report.read, report.converted, report.failed) == (1, 0, 1)
    assert report.records[0].status is RecordStatus.FAILED
    assert reason in report.records[0].reasons[0]
    assert list((tmp_path / "out").iterdir()) == []
    assert reason in report.summary()


def test_missing_input_file_is_a_user_error(tmp_path, mini_catalogue):
    with pytest.raises(UserError, match="no such file"):
        import_agentclinic(tmp_path / "nope.jsonl", tmp_path / "out", catalogue=mini_catalogue)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------------- NEJM


def test_nejm_correct_answer_is_the_diagnosis_and_the_image_is_not_fetched(tmp_path, mini_catalogue, monkeypatch):
    def no_network(*_args, **_kwargs):
        raise AssertionError("the importer must not open network connections")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    report = run("agentclinic_nejm.jsonl", tmp_path, mini_catalogue)
    assert (report.converted, report.failed, report.flagged) == (1, 0, 0)
    case = case_at(report, 1)
    assert case.diagnosis.primary == "Squamous cell carcinoma"
    assert [d.diagnosis for d in case.diagnosis.differential] == [
        "Basal cell carcinoma", "Keratoacanthoma", "Actinic cheilitis", "Herpes labialis"]
    assert {d.why_less_likely for d in case.diagnosis.differential} == {"distractor answer in the source item"}
    # the image is kept as a reference on the first exam finding, never as a test
    assert "source-image" not in {t.id for t in case.tests}
    assert [i.url for i in case.images()] == ["https://example.org/images/ic-0001.jpg"]
    assert case.exam[0].images[0].caption.startswith("The image from the source case")
    assert {"nejm", "image", "dermatology", "hist-path"} <= set(case.tags)
    assert case.patient.demographics.age_years == 61 and case.patient.demographics.sex is Sex.MALE
    assert "lump on his lower lip" in case.doctor_brief.chief_complaint
    texts = [f.text for f in case.patient.facts]
    assert "I noticed a lump on my lower lip about two months ago." in texts
    assert not any("know" in t.lower() or "role" in t.lower() for t in texts)  # actor instructions dropped
    assert FactSlot.SMOKING in slots(case)
    assert {"cbc", "lip-biopsy"} <= {t.id for t in case.tests} and case.rubric.expected_tests == ["cbc"]
    assert any(e.system is ExamSystem.SKIN for e in case.exam)
    assert not mentions(case.doctor_view().brief, "Squamous cell carcinoma")


# ---------------------------------------------------------------------------------- plumbing


def test_catalogue_is_loaded_at_run_time_when_not_given(tmp_path, mini_catalogue, monkeypatch):
    calls = []
    monkeypatch.setattr(importer, "load_catalogue", lambda: calls.append(1) or mini_catalogue)
    report = import_agentclinic(FIXTURES / "xray_spellings.jsonl", tmp_path / "out")
    assert calls == [1] and report.converted == 2
    assert case_at(report, 1).tests[0].id == "cxr"


def test_every_written_file_is_safe_yaml_whose_id_is_its_stem(tmp_path, mini_catalogue):
    out = tmp_path / "out"
    for path in sorted(FIXTURES.glob("*.jsonl")):
        import_agentclinic(path, out, catalogue=mini_catalogue)
    files = sorted(out.glob("*.yaml"))
    assert len(files) == 21  # every fixture record but the failing ones (see test_agentclinic_library.py)
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["id"] == path.stem
        assert "None" not in path.read_text(encoding="utf-8")  # exclude_none: no nulls written
        load_case_file(path)


def test_summary_reports_counts_and_failed_lines(tmp_path, mini_catalogue):
    report = run("bad_json.jsonl", tmp_path, mini_catalogue)
    text = report.summary()
    assert "read 2, converted 1 (0 flagged), failed 1" in text
    assert "line 2: failed: not valid JSON" in text


@pytest.mark.parametrize(
    ("text", "years", "months", "sex"),
    [
        ("45-year-old male", 45, None, Sex.MALE),
        ("A 3-week-old girl", 0, 0, Sex.FEMALE),
        ("62 yo woman", 62, None, Sex.FEMALE),
        ("8-month-old boy", 0, 8, Sex.MALE),
        ("18-month-old female", 1, 6, Sex.FEMALE),
        ("Newborn, female", 0, 0, Sex.FEMALE),
        ("20-year-old male, race classified as 'Other'", 20, None, Sex.MALE),
        ("35 F", 35, None, Sex.FEMALE),
        ("45-year-old", 45, None, None),
        ("23-year-old college student", 23, None, None),
    ],
)
def test_demographics_parsing(text, years, months, sex):
    demo = parse_demographics(text)
    assert demo is not None
    assert (demo.age_years, demo.age_months, demo.sex) == (years, months, sex)


@pytest.mark.parametrize("text", ["Adult patient", "woman of unknown age", "200-year-old man"])
def test_unparseable_demographics(text):
    assert parse_demographics(text) is None
