"""Issue 12's examples end to end: a hand-written AgentClinic-format file -> import -> grade the clinician's
synonym. Imported cases carry no synonyms of their own, so each grade comes from the terminology."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentsim.cases.importers.agentclinic import import_agentclinic
from agentsim.cases.library import load_case_file
from agentsim.judge.diagnosis import grade_diagnosis
from agentsim.model.case import Case

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "agentclinic" / "synonyms" / "synonym_diagnoses.jsonl"

# (line, reference as imported, the clinician's answer, the code the importer should assign); before the
# terminology these graded 1, 1, 1, 1, 3, 3, 2
EXAMPLES = [
    (1, "Diffuse large B-cell lymphoma", "DLBCL", "C83.3"),
    (2, "Haemophilia A", "factor VIII deficiency", "D66"),
    (3, "Leprosy", "Hansen disease", "A30"),
    (4, "Hirschsprung disease", "congenital aganglionic megacolon", "Q43.1"),
    (5, "Malignant melanoma", "melanoma", "C43"),
    (6, "Acute myelogenous leukemia", "acute myeloid leukaemia", "C92.0"),
    (7, "Legg-Calve-Perthes disease", "Perthes disease", "M91.1"),
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Case]:
    report = import_agentclinic(FIXTURE, tmp_path_factory.mktemp("imported"))
    assert report.failed == 0, report.summary()
    return {r.line: load_case_file(r.path) for r in report.records if r.path is not None}


@pytest.mark.parametrize(("line", "reference", "answer", "code"), EXAMPLES)
def test_synonym_of_an_imported_diagnosis_grades_correct(
    imported: dict[int, Case], line: int, reference: str, answer: str, code: str
) -> None:
    diagnosis = imported[line].diagnosis
    assert diagnosis.primary == reference
    assert diagnosis.synonyms == []  # nothing from the case helps: the terminology does
    score = grade_diagnosis(answer, diagnosis)
    assert score.likert == 5, score.explanation
    assert score.correct


@pytest.mark.parametrize(("line", "reference", "answer", "code"), EXAMPLES)
def test_importer_assigns_the_code_and_records_the_match(
    imported: dict[int, Case], line: int, reference: str, answer: str, code: str
) -> None:
    diagnosis = imported[line].diagnosis
    assert diagnosis.icd10 == code
    assert diagnosis.icd10_match is not None and diagnosis.icd10_match.startswith(code)


@pytest.mark.parametrize(
    ("line", "answer", "likert"),
    [
        (2, "haemophilia B", 3),  # a sibling disease in the same ICD-10-CM block, not a synonym
        (6, "chronic myeloid leukaemia", 3),  # acute vs chronic here makes another disease
        (1, "Hodgkin lymphoma", 3),
        (3, "tuberculosis", 1),
        (4, "intussusception", 1),
    ],
)
def test_related_but_wrong_answers_stay_incorrect(imported: dict[int, Case], line: int, answer: str,
                                                  likert: int) -> None:
    score = grade_diagnosis(answer, imported[line].diagnosis)
    assert score.likert == likert, score.explanation
    assert not score.correct
