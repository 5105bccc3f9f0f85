"""NEJM Image Challenge records: question + patient_info (second person) + physical_exams (results as text)
+ five answers, one correct. The image is referenced by URL, never fetched."""

from __future__ import annotations

import re
from typing import Any

from agentsim.cases.importers import agentclinic_nejm_results as results
from agentsim.cases.importers.agentclinic_build import (
    Context,
    Draft,
    FactBuilder,
    RecordError,
    parse_diagnosis,
)
from agentsim.cases.importers.agentclinic_demographics import describe, parse_demographics
from agentsim.cases.importers.agentclinic_findings import RawTest, build_tests, exam_system
from agentsim.cases.importers.agentclinic_slots import classify
from agentsim.cases.importers.agentclinic_text import (
    ensure_period,
    flatten_value,
    keywords,
    lower_first,
    second_to_first_person,
    slugify,
    split_sentences,
    upper_first,
    with_article,
)
from agentsim.model.case import (
    CaseImage,
    CaseTest,
    DifferentialItem,
    ExamFinding,
    ExamSystem,
    FactSlot,
)

DISTRACTOR = "distractor answer in the source item"
IMAGE_TAG = "image"  # a case whose source item is an image: the image is kept as a reference
IMAGE_CAPTION = ("The image from the source case (NEJM Image Challenge), kept as a link and not fetched; "
                 "the findings it shows are described in the examination and results.")

_META = re.compile(
    r"\b(your role|patient actor|remember|not aware|aren't aware|are aware|don't know|do not know|haven't been told|"
    r"not been told|haven't seen any|need to (know|convey)|here's|portray\w*|your character|knowledge is limited|"
    r"test readings|specific findings)\b", re.I)
_LEAD = re.compile(r"^\s*(for (your|this) role as an? [\w ]+?|as an? (patient actor|patient))\s*,\s*", re.I)
_EXAM_SENTENCE = re.compile(
    r"\b(physical examination|on examination|examination (showed|revealed|was notable)|auscultation|palpation|"
    r"inspection|were observed|was observed|was noted|no palpable)\b", re.I)
_BULLETS = re.compile(r"(?:(?<=\s)|^)(?:-|\d+\.)\s+(?=\S)")  # "- item", "1. item"; "5.4 kg" has no space after the dot
_PANEL_REF = re.compile(r"\s*\((?:left|right|middle|top|bottom|center|centre|inset|arrows?|box|panels?\s+\w+)"
                        r"\b[^)]*\)", re.I)
_EXAM_TEXT_RULES: list[tuple[str, ExamSystem]] = [
    (r"patch|plaque|papule|macule|nodule|rash|lesion|erythema|telangiect|\bskin\b|ulcer", ExamSystem.SKIN),
    (r"lymphadenopathy|lymph node", ExamSystem.LYMPH_NODES),
    (r"crackles|wheez|breath sounds|\blungs?\b", ExamSystem.RESPIRATORY),
    (r"murmur|heart sounds|jugular|volume overload|pericardial", ExamSystem.CARDIOVASCULAR),
    (r"abdom|hepat|spleno", ExamSystem.ABDOMINAL),
    (r"neuro|reflex|sensory|weakness|cranial nerve", ExamSystem.NEUROLOGICAL),
]


def is_nejm(record: dict[str, Any]) -> bool:
    return "question" in record and "answers" in record


def _exam_text_system(text: str, name: str = "") -> ExamSystem:
    by_name = exam_system(name) if name else ExamSystem.GENERAL
    if by_name is not ExamSystem.GENERAL:
        return by_name
    return next((s for pattern, s in _EXAM_TEXT_RULES if re.search(pattern, text, re.I)), ExamSystem.GENERAL)


def _exam(text: str, name: str = "") -> ExamFinding:
    return ExamFinding(system=_exam_text_system(text, name), finding=ensure_period(text), aliases=keywords(text, 4))


def _patient_sentences(info: str) -> list[str]:
    text = re.sub(r"\*\*[^*]+\*\*\s*:?", " ", info)
    text = _LEAD.sub("", text)
    out: list[str] = []
    items = _BULLETS.split(text)
    for item in items:
        for sentence in split_sentences(item):
            sentence = _LEAD.sub("", sentence).strip()
            if not sentence or sentence.endswith(":") or _META.search(sentence):
                continue
            if re.search(r"\b(examination|the doctor noted|it was noted)\b", sentence, re.I):
                continue  # an examiner's observation, not something the patient says
            converted = upper_first(second_to_first_person(sentence))
            if re.fullmatch(r"I am an? [\w-]+[- ](year|month|week|day)s?[- ]old( \w+)?\.?", converted):
                continue  # demographics alone: already in the script
            out.append(converted)
    return out


def build_nejm(record: dict[str, Any], ctx: Context) -> Draft:
    answers = record.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise RecordError("missing diagnosis: 'answers' is not a list of {text, correct} objects")
    correct = [a for a in answers if a.get("correct") is True and str(a.get("text") or "").strip()]
    if len(correct) != 1:
        raise RecordError(f"missing diagnosis: expected exactly one answer marked correct, found {len(correct)}")
    differential = [DifferentialItem(diagnosis=" ".join(str(a["text"]).split()), why_less_likely=DISTRACTOR)
                    for a in answers if a is not correct[0] and str(a.get("text") or "").strip()]
    diagnosis = parse_diagnosis(str(correct[0]["text"]))
    diagnosis = diagnosis.model_copy(update={"differential": differential})

    question = _PANEL_REF.sub("", flatten_value(record.get("question")))
    sentences = split_sentences(question)
    first = sentences[0] if sentences else ""
    info = flatten_value(record.get("patient_info"))
    demo = parse_demographics(first) or parse_demographics(info[:300])
    if demo is None:
        raise RecordError(f"cannot parse demographics from the question {first[:80]!r}: "
                          "no age found (write it as '45-year-old', '3-week-old' or 'newborn')")

    facts = _patient_sentences(info)
    m = re.search(r"\bpresent(?:ed|s|ing)\b.*?\bwith\s+(?:an?\s+)?"
                  r"(?:[\w.-]+[- ](?:hour|day|week|month|year)s?[- ]history of\s+)?(.+?)\.?$", first, re.I)
    cc = m.group(1).strip() if m else (facts[0].rstrip(".") if facts else "")
    if len(cc) < 3:
        raise RecordError("no presenting complaint in the question or patient_info")
    own_words = re.sub(r"\b(his|her)\b", "my", lower_first(cc))
    opening = f"I've come in because of {own_words}."
    fb = FactBuilder()
    fb.add(opening, FactSlot.PRESENTING_COMPLAINT, volunteered=True, aliases=keywords(cc))
    for sentence in facts:
        fb.add(sentence, classify(sentence, "narrative"))

    exam = [_exam(upper_first(s.removeprefix("On physical examination, "))) for s in sentences[1:]
            if _EXAM_SENTENCE.search(s) and not s.endswith("?")]
    raw: list[RawTest] = []
    for item in results.items(flatten_value(record.get("physical_exams"))):
        if item.name and re.search(r"examination", item.name, re.I):
            exam.append(_exam(item.text, item.name))
        elif (test := results.raw_test(item, ctx.index)) is not None:
            raw.append(test)
        else:
            exam.append(_exam(item.text))
    if not raw:  # the results field had nothing to report: the question's sentences say what was found
        raw = results.from_question([s for s in sentences[1:] if not _EXAM_SENTENCE.search(s)], ctx.index)
    built = build_tests(raw, ctx.index)
    tags = [slugify(str(t)) for t in record.get("type") or [] if isinstance(t, str) and slugify(str(t))]
    url = flatten_value(record.get("image_url"))
    exam, tests = _attach_image(url, exam, list(built.tests))
    if url:
        tags.append(IMAGE_TAG)
    summary = ensure_period(first) if len(first) >= 10 else f"{with_article(describe(demo))} presents with {cc}."
    return Draft(
        demographics=demo, chief_complaint=cc, summary=summary, opening=opening, facts=fb.facts, exam=exam,
        tests=tests, final_tests=built.final_ids, matched_tests=built.matched_ids,
        unmatched_tests=built.unmatched, diagnosis=diagnosis, tags=tags,
    )


def _attach_image(url: str, exam: list[ExamFinding], tests: list[CaseTest]) -> tuple[list[ExamFinding], list[CaseTest]]:
    """The record's image goes with the first examination finding (the picture is usually the clinical
    photograph), else with the last result (the confirmatory study), as a reference only."""
    if not url:
        return exam, tests
    image = CaseImage(url=url, media_type="image/jpeg", caption=IMAGE_CAPTION,
                      alt="Clinical image from the source case")
    if exam:
        return [exam[0].model_copy(update={"images": [image]}), *exam[1:]], tests
    if tests:
        return exam, [*tests[:-1], tests[-1].model_copy(update={"images": [image]})]
    finding = ExamFinding(system=ExamSystem.GENERAL, finding="Appearance as shown in the source image.",
                          aliases=["image", "clinical image", "photograph", "appearance"], images=[image])
    return [finding], tests
