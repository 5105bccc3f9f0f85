"""Turns one AgentClinic record into a Case: the OSCE schema here, NEJM in agentclinic_nejm; both end in assemble()."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from agentsim.cases.importers.agentclinic_demographics import describe, parse_demographics
from agentsim.cases.importers.agentclinic_findings import (
    CatalogueIndex,
    build_exam,
    build_tests,
    flatten_tests,
    split_vitals,
)
from agentsim.cases.importers.agentclinic_slots import (
    classify,
    fact_prefix,
    negative_items,
    section_slot,
    split_clauses,
)
from agentsim.cases.importers.agentclinic_text import (
    demographics_facts,
    ensure_period,
    flatten_value,
    is_empty_text,
    keywords,
    lower_first,
    names_any,
    remove_phrases,
    split_sentences,
    subjectless_to_first_person,
    to_first_person,
    upper_first,
    with_article,
)
from agentsim.match.leak import NO_INTERPRETATION, NOTHING_LEFT, leaks, redact
from agentsim.model.case import (
    Case,
    CaseRubric,
    CaseTest,
    Demographics,
    Diagnosis,
    DoctorBrief,
    ExamFinding,
    Fact,
    FactSlot,
    PatientScript,
    Setting,
    Sex,
    Specialty,
)

DIAGNOSIS_IN_FINDINGS = "diagnosis-in-findings"


class RecordError(Exception):
    """This record cannot become a case; the message is the reason shown in the report."""


@dataclass
class Context:
    stem: str  # input file stem
    dataset: str  # "MedQA", "NEJM", ... or the stem
    index: CatalogueIndex
    dataset_tag: str | None = None  # "medqa", "mimic-iv": only for the known AgentClinic files


@dataclass
class Draft:
    """Everything a record yields before it is validated as a Case."""

    demographics: Demographics
    chief_complaint: str
    summary: str
    opening: str
    facts: list[Fact]
    exam: list[ExamFinding]
    tests: list[CaseTest]
    final_tests: set[str]
    matched_tests: list[str]
    unmatched_tests: list[str]
    diagnosis: Diagnosis
    informant: str | None = None
    tags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Assembled:
    case: Case
    warnings: list[str]
    flags: list[str]  # why the case is flagged; empty when clean


class FactBuilder:
    """Collects facts in order with unique slug ids ('pmh_1'), dropping empty placeholders and exact repeats."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self._counts: Counter[str] = Counter()
        self._seen: set[str] = set()

    def add(self, text: str, slot: FactSlot, *, volunteered: bool = False, aliases: list[str] | None = None) -> None:
        text = " ".join(text.split())
        if len(text) < 3 or is_empty_text(text):
            return
        text = ensure_period(upper_first(text))
        if text.lower() in self._seen:
            return
        self._seen.add(text.lower())
        prefix = fact_prefix(slot)
        self._counts[prefix] += 1
        if aliases is None:
            aliases = negative_items(text) if slot is FactSlot.PERTINENT_NEGATIVE else []
            aliases = aliases or keywords(text)
        self.facts.append(Fact(id=f"{prefix}_{self._counts[prefix]}", text=text, slot=slot, volunteered=volunteered,
                               aliases=aliases))


# ------------------------------------------------------------------------------------------ diagnosis


def parse_diagnosis(text: str) -> Diagnosis:
    """'Progressive multifocal encephalopathy (PML)' -> primary as given, synonyms: the name without the
    parenthesis, and the parenthesis when it is an abbreviation or a name in its own right."""
    primary = " ".join(text.split()).strip(" .")
    synonyms: list[str] = []
    m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", primary)
    if m:
        outer, inner = m.group(1).strip(" ,"), m.group(2).strip()
        if len(outer) >= 3:
            synonyms.append(outer)
        if (re.fullmatch(r"[A-Z][A-Za-z0-9-]{1,7}", inner) and any(c.isupper() for c in inner[1:])
                or len(inner.split()) >= 3):
            synonyms.append(inner)
    return Diagnosis(primary=primary, synonyms=[s for s in dict.fromkeys(synonyms) if s.lower() != primary.lower()])


_SPECIALTY_RULES: list[tuple[str, Specialty]] = [
    (r"lymphoma|leuk|myeloma|an(a)?emi|cancer|carcinoma|neoplasm|tumou?r|malignan|sarcoma|metasta|thalass|sickle|"
     r"h(a)?emophilia|thrombocytop", Specialty.HAEMATOLOGY_ONCOLOGY),
    (r"pregnan|ectopic|ovar|uter|cervix|endometri|placent|eclampsia|gestation|menstru|vagin",
     Specialty.OBSTETRICS_GYNAECOLOGY),
    (r"myocard|cardi|heart|coronary|angina|arrhythm|atrial|aortic|valv|hypertension", Specialty.CARDIOLOGY),
    (r"pneumon|asthma|copd|pulmonary|lung|bronch|pleur|sarcoid|respiratory", Specialty.RESPIRATORY),
    (r"hepat|pancrea|colitis|crohn|bowel|gastr|(o)?esophag|appendic|cholecyst|cirrho|liver|hirschsprung|co?eliac|"
     r"diverticul|biliar|duoden|intussuscep|pyloric", Specialty.GASTROENTEROLOGY),
    (r"stroke|seizure|epilep|mening|enceph|multiple sclerosis|myasthenia|migraine|neuropath|polyneur|guillain|"
     r"parkinson|dementia|palsy|neuro", Specialty.NEUROLOGY),
    (r"diabet|thyroid|graves|adrenal|cushing|addison|pituitar|parathyroid|hypoglyc|acromegaly|ph?eochromocytoma",
     Specialty.ENDOCRINOLOGY),
    (r"infecti|sepsis|tubercul|\bhiv\b|malaria|mononucleosis|abscess|syphilis|lyme|rubella|measles|mycosis|fungal|"
     r"viral|bacterial|parasit", Specialty.INFECTIOUS_DISEASE),
    (r"nephr|renal|kidney|urinary|bladder|prostat|urolith|pyelo|glomerul", Specialty.RENAL_UROLOGY),
    (r"depress|schizo|bipolar|anxiety|psychos|panic|obsessive|eating disorder|anorexia nervosa|personality disorder|"
     r"adhd|substance use", Specialty.PSYCHIATRY),
    (r"dermat|psoria|eczema|melanoma|ochronosis|lichen|urticaria|acne|pemphig|cellulitis|necrobiosis|skin|vitiligo",
     Specialty.DERMATOLOGY),
    (r"arthritis|gout|bursitis|fracture|tendin|lupus|spondyl|myositis|fibromyalgia|osteo|rheumat|vasculitis|"
     r"polymyalgia|\bdisc\b", Specialty.MSK_RHEUMATOLOGY),
]


def specialty_for(diagnosis: Diagnosis, demographics: Demographics) -> Specialty:
    if demographics.age_years < 16:
        return Specialty.PAEDIATRICS
    text = " ".join(diagnosis.accepted_names()).lower()
    return next((sp for pattern, sp in _SPECIALTY_RULES if re.search(pattern, text)), Specialty.GENERAL_MEDICINE)


# ----------------------------------------------------------------------------------------------- OSCE


def _section_kind(key: str) -> str:
    k = key.lower().replace("_", " ")
    if "demograph" in k:
        return "demographics"
    if "symptom" in k:
        return "symptoms"
    if "review" in k or re.search(r"\bros\b", k):
        return "ros"
    if "social" in k:
        return "social"
    if "surg" in k:
        return "other"
    if re.search(r"\b(past|medical)\b.*history|\bpmh\b", k):
        return "pmh"
    if k.strip() in {"history", "hpi", "history of present illness", "presenting history"}:
        return "history"
    return "other"


def _texts(value: Any) -> list[str]:
    """A section value as sentences: strings are split, list items and dict entries are kept whole."""
    if isinstance(value, str):
        return split_sentences(value)
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, dict):
        return [f"{k.replace('_', ' ')}: {flatten_value(v)}" for k, v in value.items() if flatten_value(v)]
    text = flatten_value(value)
    return [text] if text else []


def _child_noun(demo: Demographics) -> str | None:
    if demo.age_years >= 12:
        return None
    return {Sex.MALE: "son", Sex.FEMALE: "daughter"}.get(demo.sex, "child") if demo.sex else "child"


def build_osce(record: dict[str, Any], ctx: Context) -> Draft:
    dx_text = record.get("Correct_Diagnosis")
    if isinstance(dx_text, list):
        dx_text = next((d for d in dx_text if isinstance(d, str) and d.strip()), None)
    if not isinstance(dx_text, str) or len(dx_text.strip(" .")) < 3 or is_empty_text(dx_text):
        raise RecordError("missing Correct_Diagnosis")
    raw_actor = record.get("Patient_Actor")
    actor: dict[str, Any] = raw_actor if isinstance(raw_actor, dict) else {}
    sections = {_section_kind(k): v for k, v in actor.items() if _section_kind(k) != "other"}
    demo_text = flatten_value(sections.get("demographics"))
    if not demo_text:
        raise RecordError("missing Patient_Actor.Demographics")
    demo = parse_demographics(demo_text)
    if demo is None:
        raise RecordError(f"cannot parse demographics {demo_text!r}: "
                          "no age found (write it as '45-year-old', '3-week-old' or 'newborn')")
    child = _child_noun(demo)
    actor_text = flatten_value(actor).lower()
    informant = None if child is None else next((p for p in ("mother", "father") if p in actor_text), "parent")

    symptoms = sections.get("symptoms")
    primary, secondary = "", []
    if isinstance(symptoms, dict):
        primary = flatten_value(symptoms.get("Primary_Symptom") or symptoms.get("Primary_Symptoms"))
        secondary = [t for k, v in symptoms.items() if not k.lower().startswith("primary") for t in _texts(v)]
    elif symptoms:
        secondary = _texts(symptoms)
    objective = flatten_value(record.get("Objective_for_Doctor"))
    history = [to_first_person(s, child) for s in _texts(sections.get("history"))]
    history = [h for h in history if not is_empty_text(h)]
    cc = primary.strip(" .")
    if not cc:
        m = re.search(r"presenting with (.+?)(?:[.,;]|$)", objective, re.I)
        cc = m.group(1).strip() if m else (history[0].rstrip(".") if history else "")
    if len(cc) < 3:
        raise RecordError("no presenting complaint: Primary_Symptom, Objective_for_Doctor and History are all empty")

    opening = (f"I've brought my {child} in because of {lower_first(cc)}." if child
               else f"I've come in because of {lower_first(cc)}.")
    fb = FactBuilder()
    fb.add(opening, FactSlot.PRESENTING_COMPLAINT, volunteered=True, aliases=keywords(cc))
    for sentence in history:
        fb.add(sentence, classify(sentence, "history"))
    for item in secondary:
        text = to_first_person(item, child)
        fb.add(text, classify(text, "history"))
    _add_section(fb, sections.get("pmh"), "pmh", child)
    for key, value in actor.items():
        if _section_kind(key) == "other":
            _add_section(fb, value, "history", child, fixed=section_slot(key))
    if child is None:  # "works as a teacher, lives with her husband": the patient's own social history
        for text in demographics_facts(demo_text):
            fb.add(text, classify(text, "social"))
    _add_section(fb, sections.get("social"), "social", child)
    _add_section(fb, sections.get("ros"), "ros", child)

    raw, vitals = split_vitals(flatten_tests(record.get("Test_Results") or {}, ctx.index))
    built = build_tests(raw, ctx.index)
    summary = f"{with_article(describe(demo))} presents with {lower_first(cc)}."
    if objective:
        summary = f"{summary} {ensure_period(objective)}"
    return Draft(
        demographics=demo, chief_complaint=cc, summary=summary, opening=opening, facts=fb.facts,
        exam=build_exam(record.get("Physical_Examination_Findings"), vitals), tests=built.tests,
        final_tests=built.final_ids, matched_tests=built.matched_ids, unmatched_tests=built.unmatched,
        diagnosis=parse_diagnosis(dx_text), informant=informant,
    )


def _add_section(fb: FactBuilder, value: Any, kind: str, child: str | None, fixed: FactSlot | None = None) -> None:
    for sentence in _texts(value):
        for clause in split_clauses(sentence, kind):
            text = subjectless_to_first_person(to_first_person(clause, child))
            fb.add(text, fixed or classify(text, kind))


# ------------------------------------------------------------------------------------------- assembly


def assemble(draft: Draft, ctx: Context, case_id: str) -> Assembled:
    names = draft.diagnosis.accepted_names()
    warnings = list(draft.warnings)
    demo = draft.demographics
    cc, summary = draft.chief_complaint, draft.summary
    if names_any(f"{cc} {summary}", names):
        cc = remove_phrases(cc, names)
        cc = cc if len(cc) >= 3 else "presenting problem"
        # a sentence that names the diagnosis goes whole (cutting words out of it leaves nonsense); the opening
        # who-and-why sentence is rebuilt from the cleaned complaint
        sentences = split_sentences(summary)
        kept = [s for s in sentences if not names_any(s, names)]
        if sentences and names_any(sentences[0], names):
            kept.insert(0, f"{with_article(describe(demo))} presents with {lower_first(cc)}.")
        summary = " ".join(kept)
        warnings.append("the diagnosis was named in the brief material; removed from the doctor brief")

    where = ["opening statement"] if names_any(draft.opening, names) else []
    where += [f"fact {f.id}" for f in draft.facts if names_any(f.text, names)]
    where += [f"exam {e.system.value}" for e in draft.exam if names_any(e.finding, names)]
    opening = draft.opening
    if names_any(opening, names):  # the opening is the complaint in the patient's words: cleaned like the brief
        opening = remove_phrases(opening, names)
    facts, exam, tests, rewritten = _without_label(draft, names, opening)
    for t in tests:
        if t.id in rewritten and t.id in draft.final_tests:
            warnings.append(f"test {t.id} (confirmatory) named the diagnosis: rewritten as a report of the finding "
                            "and marked pathognomonic, released only when ordered by name")
        elif t.id in rewritten:
            where.append(f"test {t.id}")
    flags = [f"diagnosis named in findings: {', '.join(where)}"] if where else []
    warnings += [f"test not in catalogue: {name}" for name in draft.unmatched_tests]

    dataset_tag = [ctx.dataset_tag] if ctx.dataset_tag else []
    tags = list(dict.fromkeys(["agentclinic", *dataset_tag, *draft.tags, *([DIAGNOSIS_IN_FINDINGS] if flags else [])]))
    short_cc = cc if len(cc) <= 60 else cc[:60].rsplit(" ", 1)[0]
    try:
        case = Case(
            id=case_id,
            title=f"{upper_first(short_cc.rstrip('.'))} in {lower_first(with_article(describe(demo)))}",
            specialty=specialty_for(draft.diagnosis, demo),
            setting=Setting.CLINIC,
            difficulty=2,
            tags=tags,
            author=f"imported from AgentClinic ({ctx.dataset})",
            license="see source dataset",
            doctor_brief=DoctorBrief(demographics=demo, chief_complaint=cc, summary=summary),
            patient=PatientScript(demographics=demo, opening_statement=opening, informant=draft.informant,
                                  facts=facts),
            exam=exam,
            tests=tests,
            diagnosis=draft.diagnosis,
            rubric=CaseRubric(must_ask=[f.id for f in facts[:5]],
                              expected_tests=list(dict.fromkeys(draft.matched_tests))),
        )
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'case'}: {e['msg']}" for e in exc.errors()[:3]]
        more = f" (+{exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        raise RecordError(f"validation failed: {'; '.join(problems)}{more}") from None
    return Assembled(case, warnings, flags)


def _without_label(draft: Draft, names: list[str],
                   opening: str) -> tuple[list[Fact], list[ExamFinding], list[CaseTest], set[str]]:
    """Facts, exam findings and results with the diagnostic label taken out, rewritten around the finding by the
    same filter the engine applies at run time: a case validates, and reads like a report. A fact that was
    nothing but the label goes. Returns the ids of the tests rewritten; a confirmatory one becomes
    pathognomonic."""
    facts = []
    for f in draft.facts:
        # an alias naming the diagnosis is refused by validate: the fact keeps the others
        if any(leaks(a, names) for a in f.aliases):
            f = f.model_copy(update={"aliases": [a for a in f.aliases if not leaks(a, names)]})
        if f.text == draft.opening:  # the volunteered complaint says what the opening says
            facts.append(f.model_copy(update={"text": opening}) if opening != f.text else f)
            continue
        text, hits = redact(f.text, names)
        if hits and text == NOTHING_LEFT:
            continue
        facts.append(f.model_copy(update={"text": text}) if hits else f)
    facts = facts or draft.facts[:1]  # the presenting complaint never names it: assemble cleaned it first
    exam = []
    for e in draft.exam:
        text, hits = redact(e.finding, names)
        exam.append(e.model_copy(update={"finding": text}) if hits else e)
    tests, rewritten = [], set()
    for t in draft.tests:
        text, hits = redact(t.result, names)
        if hits:
            rewritten.add(t.id)
            update: dict[str, object] = {"result": text if len(text) >= 3 else NO_INTERPRETATION}
            if t.id in draft.final_tests:
                update["pathognomonic"] = True
            t = t.model_copy(update=update)
        tests.append(t)
    return facts, exam, tests, rewritten
