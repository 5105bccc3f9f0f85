"""Exam and test conversion for the AgentClinic importer: system keys -> ExamSystem, nested Test_Results ->
leaf tests matched against the test catalogue (agentclinic_catalogue)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agentsim.cases.importers.agentclinic_catalogue import CatalogueIndex, key_tokens, tokens
from agentsim.cases.importers.agentclinic_text import flatten_value, humanize, is_empty_text, slugify
from agentsim.model.case import CaseTest, ExamFinding, ExamSystem, TestCategory
from agentsim.model.catalogue import CatalogueEntry

__all__ = ["CatalogueIndex", "key_tokens"]

_GROUP_TOKENS = {
    "blood", "work", "bloodwork", "laboratory", "lab", "result", "imaging", "study", "studie", "radiology",
    "investigation", "other", "additional", "diagnostic", "further", "initial", "routine", "workup", "data",
    "finding", "test", "testing", "microbiology", "serology", "and",
}
FIELD_KEYS = {
    "findings", "finding", "result", "results", "comments", "comment", "impression", "interpretation", "optional",
    "value", "notes", "note", "report", "conclusion", "description", "details", "status", "summary",
}
_VITALS = re.compile(r"blood pressure|\bbmi\b|\bheight\b|\bweight\b|heart rate|pulse rate|temperature|respiratory rate|"
                     r"oxygen saturation|\bspo2\b", re.I)


def guess_category(name: str) -> TestCategory:
    t = " ".join(tokens(name))
    if re.search(r"\b(xray|ct|mri|us|imaging|echocardiogram|doppler|angiogra\w*|mammogra\w*|pet|fluoroscop\w*|barium|"
                 r"radiolog\w*|tomograph\w*|scintigra\w*|cholangiogra\w*|venogra\w*|scan|enema|dexa|swallow)\b", t):
        return TestCategory.IMAGING
    if re.search(r"biops|histolog|patholog|cytolog|histopatholog|immunohistochem", t):
        return TestCategory.PATHOLOGY
    if re.search(r"\b(ecg|spirometr\w*|oximetr\w*|peak flow|dipstick|tilt table)\b", t):
        return TestCategory.BEDSIDE
    if re.search(r"endoscop|colonoscop|bronchoscop|puncture|catheteri|electromyogra|\bemg\b|\beeg\b|nerve conduction|"
                 r"laparoscop|aspirat|lavage|paracentesis|thoracentesis", t):
        return TestCategory.PROCEDURE
    return TestCategory.LAB


# ------------------------------------------------------------------------------------------------ exam

_EXAM_RULES: list[tuple[tuple[str, ...], tuple[str, ...], ExamSystem]] = [
    # (token prefixes, exact tokens, system) — first rule with a hit wins
    (("vital", "observation"), ("obs",), ExamSystem.VITALS),
    (("mental", "psych", "cognit", "mood"), ("mse",), ExamSystem.MENTAL_STATE),
    (("neuro", "cranial", "gait", "reflex", "cerebell", "coordinat", "sensory", "sensation"), (),
     ExamSystem.NEUROLOGICAL),
    (("cardi", "heart", "precord"), ("cvs",), ExamSystem.CARDIOVASCULAR),
    (("resp", "lung", "pulmon", "chest", "thora", "breath"), (), ExamSystem.RESPIRATORY),
    (("abdom", "belly", "liver", "hepat", "spleen", "gastro"), (), ExamSystem.ABDOMINAL),
    (("skin", "derm", "integument", "wound", "lesion", "rash"), (), ExamSystem.SKIN),
    (("nose", "nasal", "throat", "oral", "mouth", "pharyn", "tonsil", "otoscop", "audio", "hearing", "oropharyn"),
     ("ent", "ear"), ExamSystem.ENT),
    (("eye", "ophthalm", "fundus", "fundoscop", "visual", "pupil", "ocular", "slit"), (), ExamSystem.EYES),
    (("lymph",), (), ExamSystem.LYMPH_NODES),
    (("head", "neck", "thyroid", "heent"), (), ExamSystem.HEAD_NECK),
    (("breast",), (), ExamSystem.BREAST),
    (("rectal", "perianal"), ("dre", "anal"), ExamSystem.RECTAL),
    (("pelvic", "gyn", "vagin", "speculum", "bimanual", "cervix"), (), ExamSystem.PELVIC),
    (("obstet", "fundal", "fetal", "foetal", "uter"), (), ExamSystem.OBSTETRIC),
    (("genit", "urolog", "testic", "scrot", "penile", "penis"), ("gu",), ExamSystem.GENITOURINARY),
    (("peripheral", "vascular", "pulse", "calf", "venous"), (), ExamSystem.PERIPHERAL_VASCULAR),
    (("musculo", "msk", "joint", "extremit", "limb", "spine", "spinal", "knee", "shoulder", "ankle", "wrist",
      "muscle", "orthop"), ("back", "hip", "hand", "foot", "leg", "legs"), ExamSystem.MUSCULOSKELETAL),
]


def exam_system(key: str) -> ExamSystem:
    toks = re.findall(r"[a-z0-9]+", str(key).lower().replace("_", " "))
    for prefixes, exact, system in _EXAM_RULES:
        if any(t in exact or t.startswith(prefixes) for t in toks):
            return system
    return ExamSystem.GENERAL


def _finding(system: ExamSystem, key: str, value: Any) -> ExamFinding | None:
    text = flatten_value(value)
    if is_empty_text(text):
        return None
    if not isinstance(value, dict) and (len(text) < 12 or system is ExamSystem.GENERAL):
        text = f"{humanize(key)}: {text}"
    label = humanize(key).lower()
    aliases = [label] + [w for w in re.findall(r"[a-z]{4,}", label)
                         if w not in {"examination", "exam", "findings", "signs"}]
    return ExamFinding(system=system, finding=text, aliases=list(dict.fromkeys(aliases))[:5])


def build_exam(section: Any, vitals_extra: list[str]) -> list[ExamFinding]:
    """Physical_Examination_Findings -> ExamFindings, one per system key. A 'General' dict whose children are
    themselves systems ('Skin', 'Abdomen') is split into one finding per child."""
    out: list[ExamFinding] = []
    if isinstance(section, dict):
        for key, value in section.items():
            system = exam_system(key)
            if system is ExamSystem.GENERAL and isinstance(value, dict):
                rest: dict[str, Any] = {}
                for child, sub in value.items():
                    child_system = exam_system(child)
                    if child_system is ExamSystem.GENERAL:
                        rest[child] = sub
                    elif found := _finding(child_system, child, sub):
                        out.append(found)
                value = rest
                if not value:
                    continue
            if found := _finding(system, key, value):
                out.append(found)
    elif section:
        items = section if isinstance(section, list) else [section]
        for item in items:
            if found := _finding(ExamSystem.GENERAL, "Examination", item):
                out.append(found)
    if vitals_extra:
        existing = next((i for i, f in enumerate(out) if f.system is ExamSystem.VITALS), None)
        known = " ".join(f.finding.lower() for f in out if f.system is ExamSystem.VITALS)
        extra = "; ".join(v for v in vitals_extra if f"{v.split(':')[0].lower()}:" not in known)
        if not extra:
            return out
        if existing is None:
            out.insert(0, ExamFinding(system=ExamSystem.VITALS, finding=extra, aliases=["vital signs", "observations"]))
        else:
            old = out[existing]
            out[existing] = old.model_copy(update={"finding": f"{old.finding}; {extra}"})
    return out


# ----------------------------------------------------------------------------------------------- tests


@dataclass
class RawTest:
    path: tuple[str, ...]  # source keys, outermost first
    text: str  # the result as written, flattened
    scalar: bool  # a single value ("Elevated"), not a dict of fields

    @property
    def name(self) -> str:
        """'Cervical Lymph Node (Biopsy)' when the parent is a test kind rather than a folder like 'Imaging'."""
        if len(self.path) > 1 and not _is_group(self.path[-2]):
            return f"{humanize(self.path[-1])} ({humanize(self.path[-2])})"
        return humanize(self.path[-1])

    def variants(self) -> list[str]:
        """Names to try against the catalogue: the leaf key, with its parent, then the whole path without
        folder names ('Imaging > Ultrasound > Renal > Kidneys' -> 'Ultrasound Renal Kidneys')."""
        out = [self.path[-1]]
        if len(self.path) > 1:
            out.append(" ".join(self.path[-2:]))
            out.append(" ".join(p for p in self.path if not _is_group(p)))
        return list(dict.fromkeys(out))


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict) and not (isinstance(value, list) and any(isinstance(v, dict) for v in value))


def _is_group(key: str) -> bool:
    """'Imaging', 'Blood_Tests', 'Laboratory_Results', 'Microbiology': a folder of tests, not a test."""
    toks = set(tokens(key))
    return bool(toks) and toks <= _GROUP_TOKENS


def _is_field(key: str) -> bool:
    return str(key).lower().replace("_", " ").strip() in FIELD_KEYS


def _result_text(value: Any) -> str:
    if isinstance(value, dict):
        fields = [k for k, v in value.items() if not is_empty_text(flatten_value(v))]
        if len(fields) == 1 and _is_field(fields[0]):
            return flatten_value(value[fields[0]])
        return flatten_value({k: value[k] for k in fields})
    return flatten_value(value)


def flatten_tests(node: Any, index: CatalogueIndex, path: tuple[str, ...] = ()) -> list[RawTest]:
    """Nested Test_Results -> leaf tests in source order. A dict is one test when its values are all plain
    (a panel: 'Complete_Blood_Count': {'WBC': ...}), when it has result fields ('Findings', 'Comments'), or when
    its name is a catalogue test; generic groups ('Imaging', 'Blood_Tests') and other nesting are descended."""
    if not isinstance(node, dict):
        text = _result_text(node)
        return [] if is_empty_text(text) else [RawTest(path or ("Test results",), text, True)]
    out: list[RawTest] = []
    for key, value in node.items():
        here = (*path, str(key))
        if not isinstance(value, dict):  # a value, or a list (of values or of objects): one test
            text = _result_text(value)
            if not is_empty_text(text):
                out.append(RawTest(here, text, True))
            continue
        one_test = not _is_group(str(key)) and (
            (all(_is_scalar(v) for v in value.values()) and not _children_all_known(str(key), value, index))
            or any(_is_field(c) for c in value)
            or index.match([str(key)]) is not None
        )
        if one_test:
            text = _result_text(value)
            if not is_empty_text(text):
                out.append(RawTest(here, text, False))
        else:
            out.extend(flatten_tests(value, index, here))
    return out


def _children_all_known(key: str, value: dict[str, Any], index: CatalogueIndex) -> bool:
    """'Serum_Studies': {'Urea': ..., 'Creatinine': ...}: an unknown heading over known tests or analytes is a
    folder, so each child is matched on its own (and analytes merge into their panel)."""
    return index.match([key]) is None and all(index.match([str(c)]) is not None for c in value)


def split_vitals(raw: list[RawTest]) -> tuple[list[RawTest], list[str]]:
    """MIMIC records list blood pressure, BMI, height and weight among the tests: they are vital signs."""
    tests, vitals = [], []
    for r in raw:
        if r.scalar and _VITALS.search(r.name) and len(r.text) < 40:
            vitals.append(f"{r.name}: {r.text}")
        else:
            tests.append(r)
    return tests, vitals


@dataclass
class _Built:
    id: str
    name: str
    category: TestCategory
    entry: CatalogueEntry | None
    priced_as: str | None = None  # the generic catalogue entry, for a test the catalogue does not name
    parts: list[RawTest] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)

    def result(self) -> str:
        if len(self.parts) == 1 and not self.parts[0].scalar and len(self.parts[0].text) >= 3:
            return self.parts[0].text
        # 'Eosinophils mildly raised' already says what it is: no 'Eosinophils:' in front
        return "; ".join(p.text if p.text.lower().startswith(p.name.lower()) else f"{p.name}: {p.text}"
                         for p in self.parts)


@dataclass
class TestBuild:
    tests: list[CaseTest]
    matched_ids: list[str]  # catalogue ids, in order
    unmatched: list[str]  # source names not in the catalogue
    final_ids: set[str]  # confirmatory tests: the last one listed, and any pathology


def build_tests(raw: list[RawTest], index: CatalogueIndex) -> TestBuild:
    """Match each raw test to the catalogue; tests that land on the same id are merged into one."""
    built: dict[str, _Built] = {}
    unmatched: list[str] = []
    last_id = ""
    for r in raw:
        priced: str | None = None
        entry = index.match(r.variants())
        if entry is not None:
            test_id, name, aliases = entry.id, entry.name, [entry.name, *entry.aliases]
            category = entry.category or TestCategory.BEDSIDE
        else:
            test_id = slugify(r.name, max_words=6) or "test"
            name, aliases, category = r.name, [], guess_category(" ".join(r.path))
            unmatched.append(" > ".join(humanize(p) for p in r.path))
            generic = index.fallback(category, r.name)
            if generic is not None and generic.id == test_id:
                test_id = f"{test_id}-result"  # the source's own name must not pass for the generic entry
            priced = generic.id if generic is not None else None
        b = built.setdefault(test_id, _Built(test_id, name, category, entry,
                                             priced_as=priced if entry is None else None))
        b.parts.append(r)
        b.aliases.extend([r.name, *aliases])
        last_id = test_id
    tests = []
    for b in built.values():
        seen = {b.name.lower()}
        kept: list[str] = []
        for alias in (x.strip() for x in b.aliases):
            if alias and alias.lower() not in seen:
                seen.add(alias.lower())
                kept.append(alias)
        tests.append(CaseTest(id=b.id, catalogue_id=b.priced_as, name=b.name, aliases=kept[:12],
                              category=b.category, result=b.result()))
    final = {t.id for t in tests if t.category is TestCategory.PATHOLOGY} | ({last_id} if last_id else set())
    matched = [b.id for b in built.values() if b.entry is not None]
    return TestBuild(tests, matched, unmatched, final)
