import pytest

from agentsim.cases.library import load_case
from agentsim.judge.diagnosis import grade_diagnosis
from agentsim.model.case import Diagnosis, DifferentialItem


@pytest.fixture(scope="module")
def stemi_dx() -> Diagnosis:
    return load_case("chest-pain-stemi").diagnosis


SAH = Diagnosis(
    primary="Aneurysmal subarachnoid haemorrhage",
    synonyms=["Subarachnoid haemorrhage"],
    category="Haemorrhagic stroke",
    differential=[DifferentialItem(diagnosis="Migraine", why_less_likely="thunderclap onset")],
    key_findings=["Thunderclap headache", "Blood in the basal cisterns on CT"],
)
PNEUMONIA = Diagnosis(
    primary="Right lower lobe pneumonia",
    synonyms=["Community-acquired pneumonia"],
    category="Lower respiratory tract infection",
)
PANCREATITIS = Diagnosis(
    primary="Acute pancreatitis",
    category="Pancreatitis",
    differential=[DifferentialItem(diagnosis="Chronic pancreatitis", why_less_likely="first episode")],
)
STROKE = Diagnosis(primary="Ischaemic stroke", synonyms=["Stroke"], category="Cerebrovascular disease")


# (answer, expected likert) against the shipped chest-pain-stemi case
STEMI_TABLE = [
    # 5: exact, synonym, abbreviation, more specific
    ("Inferior ST-elevation myocardial infarction", 5),
    ("inferior st elevation myocardial infarction.", 5),
    ("STEMI", 5),
    ("Inferior STEMI", 5),
    ("Acute inferior MI", 5),
    ("Acute inferior STEMI", 5),
    ("Likely acute inferior STEMI (right coronary artery occlusion)", 5),
    ("Inferior STEMI with cardiogenic shock", 5),
    # 4: right disease, minor qualifier off or less specific by qualifiers only
    ("Anterior STEMI", 4),
    ("Posterior MI", 4),
    ("Myocardial infarction", 4),
    ("heart attack", 4),
    # 3: right category / family, wrong specific disease
    ("NSTEMI", 3),
    ("Non-ST-elevation myocardial infarction", 3),
    ("Acute coronary syndrome", 3),
    ("ACS", 3),
    ("Unstable angina", 3),
    # 2: superficial overlap (organ, key finding words)
    ("Heart failure", 2),
    ("Musculoskeletal chest pain", 2),
    ("Cerebral infarction", 2),
    # 1: wrong
    ("Costochondritis", 1),
    ("GORD", 1),
    ("Panic attack", 1),
    ("", 1),
    ("   ", 1),
]


@pytest.mark.parametrize(("answer", "likert"), STEMI_TABLE)
def test_stemi_likert_table(stemi_dx: Diagnosis, answer: str, likert: int) -> None:
    score = grade_diagnosis(answer, stemi_dx)
    assert score.likert == likert, score.explanation
    assert score.correct is (likert >= 4)
    assert score.explanation.startswith(f"{likert}:")


@pytest.mark.parametrize(
    ("answer", "diagnosis", "likert"),
    [
        # US/UK spelling and abbreviations
        ("subarachnoid hemorrhage", SAH, 5),
        ("SAH", SAH, 5),
        ("Aneurysmal SAH", SAH, 5),
        ("ischemic stroke", STROKE, 5),
        ("iron-deficiency anemia", Diagnosis(primary="Iron deficiency anaemia", category="Anaemia"), 5),
        ("pediatric esophageal atresia", Diagnosis(primary="Paediatric oesophageal atresia"), 5),
        ("Acute leukemia", Diagnosis(primary="Acute leukaemia"), 5),
        ("GBS", Diagnosis(primary="Guillain-Barré syndrome"), 5),
        ("Crohns", Diagnosis(primary="Crohn's disease"), 5),
        ("dka", Diagnosis(primary="Diabetic ketoacidosis"), 5),
        ("CAP", PNEUMONIA, 5),
        # more specific
        ("Left MCA ischaemic stroke", STROKE, 5),
        ("Severe acute pancreatitis", PANCREATITIS, 5),
        # a different specialisation of the generic synonym is not "more specific"
        ("Haemorrhagic stroke", STROKE, 3),
        # minor qualifier off / less specific by a qualifier
        ("Left lower lobe pneumonia", PNEUMONIA, 4),
        ("Pancreatitis", PANCREATITIS, 4),
        # category, head noun, family
        ("Haemorrhagic stroke", SAH, 3),
        ("Aspiration pneumonia", PNEUMONIA, 3),
        ("Anaemia", Diagnosis(primary="Iron deficiency anaemia", category="Anaemia"), 3),
        (
            "Ulcerative colitis",
            Diagnosis(primary="Crohn's disease", category="Inflammatory bowel disease"),
            3,
        ),
        # "irritable bowel" is not the head "inflammatory bowel"; the category is not used for overlap
        (
            "Irritable bowel syndrome",
            Diagnosis(primary="Crohn's disease", category="Inflammatory bowel disease"),
            1,
        ),
        # overlap through a key finding / organ
        ("Tension headache", SAH, 2),
        ("Lung cancer", PNEUMONIA, 2),
        ("Sepsis", Diagnosis(primary="Diabetic ketoacidosis"), 1),
    ],
)
def test_likert_hand_built(answer: str, diagnosis: Diagnosis, likert: int) -> None:
    score = grade_diagnosis(answer, diagnosis)
    assert score.likert == likert, score.explanation


@pytest.mark.parametrize("answer", ["Aortic dissection", "Pulmonary embolism", "Acute pericarditis", "PE"])
def test_differential_is_capped_at_two(stemi_dx: Diagnosis, answer: str) -> None:
    score = grade_diagnosis(answer, stemi_dx)
    assert score.likert <= 2
    assert not score.correct
    assert "differential" in score.explanation


def test_differential_cap_overrides_qualifier_rule() -> None:
    score = grade_diagnosis("Chronic pancreatitis", PANCREATITIS)
    assert score.likert == 2
    assert "capped at 2" in score.explanation and "Chronic pancreatitis" in score.explanation


def test_exact_match_reports_matched_name(stemi_dx: Diagnosis) -> None:
    score = grade_diagnosis("inferior stemi_dx", stemi_dx)
    assert score.matched == "Inferior STEMI" or score.matched == stemi_dx.primary
    assert "exact" in score.explanation
    synonym = grade_diagnosis("ST elevation MI", stemi_dx)
    assert synonym.matched in ("STEMI", "ST-elevation myocardial infarction")
    assert "synonym" in synonym.explanation


def test_more_specific_and_qualifier_explanations(stemi_dx: Diagnosis) -> None:
    assert "more specific" in grade_diagnosis("Acute inferior STEMI", stemi_dx).explanation
    off = grade_diagnosis("Anterior STEMI", stemi_dx)
    assert "anterior" in off.explanation and "inferior" in off.explanation
    assert off.matched is not None


def test_lower_scores_have_no_matched_name(stemi_dx: Diagnosis) -> None:
    for answer in ("NSTEMI", "Heart failure", "Costochondritis"):
        assert grade_diagnosis(answer, stemi_dx).matched is None


def test_threshold_sets_correct(stemi_dx: Diagnosis) -> None:
    assert grade_diagnosis("Anterior STEMI", stemi_dx, threshold=4).correct
    assert not grade_diagnosis("Anterior STEMI", stemi_dx, threshold=5).correct
    assert grade_diagnosis("NSTEMI", stemi_dx, threshold=3).correct
    assert not grade_diagnosis("", stemi_dx, threshold=1).correct


def test_hedged_answer_graded_on_first_alternative(stemi_dx: Diagnosis) -> None:
    assert grade_diagnosis("STEMI vs pericarditis", stemi_dx).likert == 5
    first_wrong = grade_diagnosis("Pericarditis or STEMI", stemi_dx)
    assert first_wrong.likert <= 2
    assert "graded the committed part" in first_wrong.explanation
    assert grade_diagnosis("Pericarditis mimicking STEMI", stemi_dx).likert <= 2


def test_ambiguous_abbreviations_need_capitals() -> None:
    ms = Diagnosis(primary="Multiple sclerosis")
    assert grade_diagnosis("MS", ms).likert == 5
    assert grade_diagnosis("ms", ms).likert == 1


def test_deterministic(stemi_dx: Diagnosis) -> None:
    runs = {grade_diagnosis("Anterior STEMI", stemi_dx).model_dump_json() for _ in range(3)}
    assert len(runs) == 1
