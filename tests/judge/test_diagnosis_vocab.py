"""The terminology behind the grader: team synonyms, ICD-10-CM relations, two-sense abbreviations, versions."""

from __future__ import annotations

import pytest

from agentsim.judge.diagnosis import grade_diagnosis
from agentsim.judge.diagnosis_codes import code_problems, suggest_code
from agentsim.judge.diagnosis_vocab import with_synonyms
from agentsim.judge.version import rubric_judge_version
from agentsim.model.case import Diagnosis, DifferentialItem


@pytest.mark.parametrize(
    ("answer", "reference", "likert"),
    [
        # the team's tables: eponyms, abbreviations, variants, -itis/-opathy pairs
        ("Boerhaave syndrome", "Spontaneous oesophageal rupture", 5),
        ("superior sulcus tumour", "Pancoast tumour", 5),
        ("membranous glomerulonephritis", "Membranous nephropathy", 5),
        ("SJS", "Stevens-Johnson syndrome", 5),
        ("SJS/TEN", "Toxic epidermal necrolysis", 5),  # the overlap is one diagnosis, not "SJS or TEN"
        ("NMS", "Neuroleptic malignant syndrome", 5),
        ("BPPV", "Benign paroxysmal positional vertigo", 5),
        ("VSD", "Ventricular septal defect", 5),
        ("IVH", "Intraventricular haemorrhage", 5),
        ("PML", "Progressive multifocal leukoencephalopathy", 5),
        ("CLL", "Chronic lymphocytic leukaemia", 5),
        ("ALL", "Acute lymphoblastic leukaemia", 5),
        ("all", "Acute lymphoblastic leukaemia", 1),  # the English word is not expanded
        ("Melanoma of the left calf", "Malignant melanoma", 5),  # more specific form of a team synonym
        # two senses: the answer is read both ways
        ("ASD", "Atrial septal defect", 5),
        ("ASD", "Autism spectrum disorder", 5),
        # ICD-10-CM relations
        ("Gallstone pancreatitis", "Acute pancreatitis", 4),  # child code
        ("Myeloid leukaemia", "Acute myelogenous leukemia", 4),  # parent code
        ("Acute cholecystitis", "Chronic cholecystitis", 4),  # siblings differing by a qualifier
        ("Haemophilia B", "Haemophilia A", 3),  # same block
        ("Chronic myeloid leukaemia", "Acute myeloid leukaemia", 3),  # the qualifier names another disease
        ("Hepatitis A", "Hepatitis B", 3),  # the letter is not the article "a"
        ("CIDP", "Guillain-Barré syndrome", 3),  # chronic vs acute: another disease, by ICD-10-CM
        # less specific forms, and a malignancy's type
        ("meningitis", "Bacterial meningitis", 4),
        ("diabetes mellitus", "Type 1 diabetes mellitus", 4),
        ("leukaemia", "Acute myeloid leukaemia", 3),
        ("lung cancer", "Small cell lung cancer", 3),
        # normalisation: prefixes, organ adjectives, UK/US
        ("preeclampsia", "Pre-eclampsia", 5),
        ("adenocarcinoma of the oesophagus", "Esophageal adenocarcinoma", 5),
        ("kidney failure", "Renal failure", 5),
        ("necrotizing enterocolitis", "Necrotising enterocolitis", 5),
        # what the answer denies or only hedges is not what it asserts
        ("pulmonary embolism excluded", "Pulmonary embolism", 1),
        ("not a STEMI; NSTEMI", "Non-ST-elevation myocardial infarction", 5),
        ("ulcerative colitis, not Crohn disease", "Ulcerative colitis", 5),
        ("Crohn disease, ulcerative colitis excluded", "Ulcerative colitis", 3),
        ("most likely STEMI, possibly aortic dissection", "ST-elevation myocardial infarction", 5),
    ],
)
def test_terminology_grades(answer: str, reference: str, likert: int) -> None:
    score = grade_diagnosis(answer, Diagnosis(primary=reference))
    assert score.likert == likert, score.explanation


def test_the_case_code_is_a_reference_too() -> None:
    # no name of the case is an ICD-10-CM term, but its code is: a child of the answer's code
    diagnosis = Diagnosis(primary="Left calf superficial spreading melanoma", icd10="C43.72")
    score = grade_diagnosis("Malignant melanoma of lower limb", diagnosis)
    assert score.likert >= 4, score.explanation


def test_a_differential_named_by_a_synonym_is_still_capped() -> None:
    diagnosis = Diagnosis(primary="Hodgkin lymphoma", differential=[
        DifferentialItem(diagnosis="Diffuse large B-cell lymphoma", why_less_likely="Reed-Sternberg cells")])
    score = grade_diagnosis("DLBCL", diagnosis)
    assert score.likert <= 2, score.explanation


def test_synonyms_swap_a_member_inside_a_longer_name() -> None:
    widened = with_synonyms(["Malignant melanoma of the left calf"])
    assert any(w.lower().startswith("melanoma") and "calf" in w for w in widened)


def test_code_suggestions_and_problems() -> None:
    suggestion = suggest_code(["Hansen disease"])
    assert suggestion is not None and suggestion.code == "A30" and suggestion.confidence == 1
    assert code_problems(Diagnosis(primary="Acute pancreatitis", icd10="K85.9")) == []
    assert "does not fit" in code_problems(Diagnosis(primary="Acute pancreatitis", icd10="I21.19"))[0]
    assert "not an ICD-10-CM code" in code_problems(Diagnosis(primary="Acute pancreatitis", icd10="Z99.99"))[0]
    assert "no ICD-10-CM code" in code_problems(Diagnosis(primary="Acute pancreatitis"))[0]


def test_judge_version_names_rules_tables_and_release() -> None:
    version = rubric_judge_version()
    assert version.startswith("rules-") and "+tables." in version and "+icd10cm." in version
    assert version == rubric_judge_version()
