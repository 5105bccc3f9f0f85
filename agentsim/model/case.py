"""The case script: what a standardized patient, an examiner and a marker are handed at an OSCE station.

Pure data. Role views (DoctorView, PatientView, GatekeeperView) are separate types so that no role can
reach a part of the case it must not see: information hiding is enforced by types, not by prompt wording.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from agentsim.model.image import CaseImage

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
FACT_ID = r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Setting(StrEnum):
    ED = "ED"
    CLINIC = "clinic"
    WARD = "ward"
    TELEHEALTH = "telehealth"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"


class Specialty(StrEnum):
    CARDIOLOGY = "cardiology"
    RESPIRATORY = "respiratory"
    GASTROENTEROLOGY = "gastroenterology"
    NEUROLOGY = "neurology"
    ENDOCRINOLOGY = "endocrinology"
    INFECTIOUS_DISEASE = "infectious-disease"
    RENAL_UROLOGY = "renal-urology"
    OBSTETRICS_GYNAECOLOGY = "obstetrics-gynaecology"
    PAEDIATRICS = "paediatrics"
    PSYCHIATRY = "psychiatry"
    DERMATOLOGY = "dermatology"
    MSK_RHEUMATOLOGY = "msk-rheumatology"
    HAEMATOLOGY_ONCOLOGY = "haematology-oncology"
    EMERGENCY = "emergency"
    GENERAL_MEDICINE = "general-medicine"
    ENT = "ent"
    OPHTHALMOLOGY = "ophthalmology"
    GERIATRICS = "geriatrics"
    TOXICOLOGY = "toxicology"
    VASCULAR = "vascular"


class FactSlot(StrEnum):
    """Controlled vocabulary for history facts: the presenting complaint, SOCRATES, and the rest of a
    structured history. Question matching and must-ask scoring both work on these slots."""

    PRESENTING_COMPLAINT = "presenting_complaint"
    SITE = "site"
    ONSET = "onset"
    CHARACTER = "character"
    RADIATION = "radiation"
    ASSOCIATED_SYMPTOMS = "associated_symptoms"
    TIMING = "timing"
    EXACERBATING_RELIEVING = "exacerbating_relieving"
    SEVERITY = "severity"
    PERTINENT_NEGATIVE = "pertinent_negative"
    PAST_MEDICAL_HISTORY = "past_medical_history"
    PAST_SURGICAL_HISTORY = "past_surgical_history"
    MEDICATIONS = "medications"
    ALLERGIES = "allergies"
    FAMILY_HISTORY = "family_history"
    SMOKING = "social_smoking"
    ALCOHOL = "social_alcohol"
    DRUGS = "social_drugs"
    OCCUPATION = "social_occupation"
    HOME = "social_home"
    TRAVEL = "social_travel"
    SEXUAL_HISTORY = "social_sexual_history"
    OBSTETRIC_GYNAE_HISTORY = "obstetric_gynae_history"
    BIRTH_DEVELOPMENT = "birth_development"
    IMMUNISATIONS = "immunisations"
    DIET = "diet"
    ROS_GENERAL = "ros_general"
    ROS_CARDIOVASCULAR = "ros_cardiovascular"
    ROS_RESPIRATORY = "ros_respiratory"
    ROS_GASTROINTESTINAL = "ros_gastrointestinal"
    ROS_GENITOURINARY = "ros_genitourinary"
    ROS_NEUROLOGICAL = "ros_neurological"
    ROS_MUSCULOSKELETAL = "ros_musculoskeletal"
    ROS_SKIN = "ros_skin"
    ROS_PSYCHIATRIC = "ros_psychiatric"
    ROS_ENDOCRINE = "ros_endocrine"
    ROS_HAEMATOLOGICAL = "ros_haematological"
    ROS_ENT = "ros_ent"
    ROS_EYES = "ros_eyes"
    IDEAS = "ideas"
    CONCERNS = "concerns"
    EXPECTATIONS = "expectations"


class ExamSystem(StrEnum):
    VITALS = "vitals"
    GENERAL = "general"
    HEAD_NECK = "head_neck"
    CARDIOVASCULAR = "cardiovascular"
    RESPIRATORY = "respiratory"
    ABDOMINAL = "abdominal"
    NEUROLOGICAL = "neurological"
    MUSCULOSKELETAL = "musculoskeletal"
    SKIN = "skin"
    ENT = "ent"
    EYES = "eyes"
    GENITOURINARY = "genitourinary"
    PELVIC = "pelvic"
    RECTAL = "rectal"
    BREAST = "breast"
    LYMPH_NODES = "lymph_nodes"
    PERIPHERAL_VASCULAR = "peripheral_vascular"
    MENTAL_STATE = "mental_state"
    OBSTETRIC = "obstetric"


class TestCategory(StrEnum):
    LAB = "lab"
    IMAGING = "imaging"
    BEDSIDE = "bedside"
    PROCEDURE = "procedure"
    PATHOLOGY = "pathology"


class Flag(StrEnum):
    NORMAL = "normal"
    LOW = "low"
    HIGH = "high"
    CRITICAL = "critical"
    ABNORMAL = "abnormal"


class Demographics(Strict):
    age_years: int = Field(ge=0, le=120)
    age_months: int | None = Field(default=None, ge=0, le=11, description="for infants: months on top of years")
    age_days: int | None = Field(default=None, ge=0, le=365,
                                 description="for newborns: the age in days when the source gives days or weeks")
    sex: Sex | None = Field(default=None, description="None when the source does not say")
    name: str | None = None
    occupation: str | None = None
    weight_kg: float | None = Field(default=None, gt=0, le=400)
    gestation_weeks: int | None = Field(default=None, ge=20, le=44, description="for newborns: at birth")

    def describe(self) -> str:
        if self.age_years == 0 and self.age_days is not None and self.age_days < 28:
            age = f"{self.age_days}-day-old"
            if self.age_days >= 14 and self.age_days % 7 == 0:
                age = f"{self.age_days // 7}-week-old"
        elif self.age_years == 0 and self.age_months is not None:
            age = f"{self.age_months}-month-old"
        else:
            age = f"{self.age_years}-year-old"
        if self.age_years < 2:
            noun = "newborn" if self.age_days is not None and self.age_days < 28 else "infant"
        elif self.age_years < 16:
            noun = {Sex.FEMALE: "girl", Sex.MALE: "boy"}.get(self.sex, "child") if self.sex else "child"
        else:
            noun = {Sex.FEMALE: "woman", Sex.MALE: "man"}.get(self.sex, "person") if self.sex else "person"
            if self.sex is None and self.occupation:
                noun = self.occupation  # "23-year-old college student": the source's own words, no sex assumed
        text = f"{age} {noun}"
        if self.gestation_weeks is not None:
            text += f" born at {self.gestation_weeks} weeks' gestation"
        return text


class DoctorBrief(Strict):
    """What the doctor is handed at the door (SDBench's case abstract). Never the diagnosis."""

    demographics: Demographics
    chief_complaint: str = Field(min_length=3)
    summary: str = Field(min_length=10, description="one or two sentences: who, where, why now")

    def render(self, setting: Setting) -> str:
        return f"{self.summary} Setting: {setting.value}. Chief complaint: {self.chief_complaint}."


class Fact(Strict):
    id: str = Field(pattern=FACT_ID)
    text: str = Field(min_length=3, description="first person, as the patient would say it plainly")
    slot: FactSlot
    volunteered: bool = False
    aliases: list[str] = Field(default_factory=list, description="words a question about this fact may use")


class PatientScript(Strict):
    demographics: Demographics
    opening_statement: str = Field(min_length=3)
    informant: str | None = Field(default=None, description="who answers, e.g. 'mother' for an infant")
    facts: list[Fact] = Field(min_length=1)

    @field_validator("facts")
    @classmethod
    def _unique_fact_ids(cls, facts: list[Fact]) -> list[Fact]:
        seen: set[str] = set()
        for fact in facts:
            if fact.id in seen:
                raise ValueError(f"duplicate fact id {fact.id!r}")
            seen.add(fact.id)
        return facts


class ExamFinding(Strict):
    system: ExamSystem
    manoeuvre: str | None = Field(default=None, description="a named manoeuvre, e.g. \"Murphy's sign\"")
    finding: str = Field(min_length=3)
    aliases: list[str] = Field(default_factory=list)
    images: list[CaseImage] = Field(default_factory=list)


class Analyte(Strict):
    name: str
    value: float | str
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    flag: Flag = Flag.NORMAL


class CaseTest(Strict):
    id: str = Field(pattern=FACT_ID, description="the test catalogue id this result belongs to")
    catalogue_id: str | None = Field(
        default=None, pattern=FACT_ID,
        description="when id is the case's own (an imported test the catalogue does not name): the catalogue "
                    "entry that prices it, e.g. a generic 'other-lab-test'")
    name: str
    aliases: list[str] = Field(default_factory=list)
    category: TestCategory
    result: str = Field(min_length=3)
    analytes: list[Analyte] = Field(default_factory=list)
    images: list[CaseImage] = Field(default_factory=list)
    pathognomonic: bool = Field(default=False, description="released only when this exact test is ordered")

    @property
    def priced_as(self) -> str:
        """The catalogue id that prices this result."""
        return self.catalogue_id or self.id


class DifferentialItem(Strict):
    diagnosis: str
    why_less_likely: str


class Diagnosis(Strict):
    primary: str = Field(min_length=3)
    synonyms: list[str] = Field(default_factory=list)
    icd10: str | None = Field(default=None, pattern=r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
    icd10_match: str | None = Field(
        default=None, description="how a tool chose `icd10` (the importer: the name and ICD-10-CM term matched); "
        "None for a code a person chose")
    category: str | None = Field(default=None, description="the broader family, e.g. 'acute coronary syndrome'")
    differential: list[DifferentialItem] = Field(default_factory=list)
    key_findings: list[str] = Field(default_factory=list)

    def accepted_names(self) -> list[str]:
        return [self.primary, *self.synonyms]


class MustAskStatement(Strict):
    """A must-ask item that is not one fact: covered when the doctor asks about `slot`."""

    statement: str
    slot: FactSlot


class CaseRubric(Strict):
    must_ask: list[str | MustAskStatement] = Field(description="fact ids or statements")
    expected_tests: list[str] = Field(default_factory=list)
    red_flags: list[str] = Field(default_factory=list)
    management: list[str] = Field(default_factory=list)


class Case(Strict):
    id: str = Field(pattern=SLUG)
    title: str
    specialty: Specialty
    setting: Setting
    difficulty: int = Field(ge=1, le=3)
    tags: list[str] = Field(default_factory=list)
    author: str
    license: str
    version: str = "1.0"
    doctor_brief: DoctorBrief
    patient: PatientScript
    exam: list[ExamFinding] = Field(default_factory=list)
    tests: list[CaseTest] = Field(default_factory=list)
    diagnosis: Diagnosis
    rubric: CaseRubric
    _base_dir: Path | None = PrivateAttr(default=None)  # the case file's folder, set by the loader

    def with_base_dir(self, base_dir: Path) -> Case:
        """Remember the folder local images are relative to (the loader calls this)."""
        self._base_dir = base_dir
        return self

    @property
    def base_dir(self) -> Path | None:
        return self._base_dir

    def images(self) -> list[CaseImage]:
        return [i for f in self.exam for i in f.images] + [i for t in self.tests for i in t.images]

    @model_validator(mode="after")
    def _brief_hides_diagnosis(self) -> Case:
        brief = f"{self.doctor_brief.summary} {self.doctor_brief.chief_complaint}"
        for name in self.diagnosis.accepted_names():
            if mentions(brief, name):
                raise ValueError(f"doctor_brief names the diagnosis ({name!r}): the doctor must not see it")
        return self

    @model_validator(mode="after")
    def _unique_test_ids(self) -> Case:
        reject_duplicates([t.id for t in self.tests], "test ids")
        return self

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.patient.facts if f.id == fact_id), None)

    def doctor_view(self) -> DoctorView:
        return DoctorView(case_id=self.id, setting=self.setting, brief=self.doctor_brief.render(self.setting))

    def patient_view(self) -> PatientView:
        return PatientView(case_id=self.id, script=self.patient)

    def gatekeeper_view(self) -> GatekeeperView:
        base = self._base_dir
        return GatekeeperView(
            case_id=self.id,
            demographics=self.patient.demographics,
            exam=[f.model_copy(update={"images": [i.resolved(base) for i in f.images]}) if f.images else f
                  for f in self.exam],
            tests=[t.model_copy(update={"images": [i.resolved(base) for i in t.images]}) if t.images else t
                   for t in self.tests],
            forbidden_terms=self.diagnosis.accepted_names(),
        )


def reject_duplicates(ids: list[str], what: str) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate {what}: {', '.join(dupes)}")


def mention_pattern(phrase: str) -> re.Pattern[str]:
    """Whole words, any case, spaces and hyphens interchangeable: 'ST elevation' is 'ST-elevation', and
    'MI' does not match 'family'."""
    parts = [re.escape(part) for part in re.split(r"[\s\-]+", phrase.strip()) if part]
    body = r"[\s\-]*".join(parts)
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def mentions(text: str, phrase: str) -> bool:
    return bool(phrase.strip()) and mention_pattern(phrase).search(text) is not None


class DoctorView(Strict):
    case_id: str
    setting: Setting
    brief: str


class PatientView(Strict):
    """The standardized patient's script: facts only. No diagnosis, exam or test results."""

    case_id: str
    script: PatientScript


class GatekeeperView(Strict):
    """The examiner's sheet: exam findings and results. It holds the diagnosis names only as terms to
    filter out of replies, never as something to say."""

    case_id: str
    demographics: Demographics
    exam: list[ExamFinding]
    tests: list[CaseTest]
    forbidden_terms: list[str]
