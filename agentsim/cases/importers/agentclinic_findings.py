"""Exam and test conversion for the AgentClinic importer: system keys -> ExamSystem, nested Test_Results ->
leaf tests matched against the test catalogue (exact id/name/alias, then token overlap)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agentsim.cases.importers.agentclinic_text import flatten_value, humanize, is_empty_text, slugify
from agentsim.model.case import CaseTest, ExamFinding, ExamSystem, TestCategory
from agentsim.model.catalogue import Catalogue, CatalogueEntry, EntryKind

# ----------------------------------------------------------------------------------------- normalising

_REWRITES = [
    (r"\bx[\s_-]?rays?\b", " xray "), (r"\bradiograph\w*", " xray "), (r"\bcxr\b", " chest xray "),
    (r"\bultrasound\b|\bultrasonograph\w*|\bsonograph\w*", " us "), (r"\bekg\b|\belectrocardiogra\w*", " ecg "),
    (r"\bcomputed tomograph\w*|\bcat scan\b", " ct "), (r"\bmagnetic resonance( imaging)?\b", " mri "),
    (r"\burine (analysis|tests?|testing)\b", " urinalysis "), (r"\bechocardiograph\w*|\becho\b", " echocardiogram "),
    (r"\bthorax\b|\bthoracic\b", " chest "), (r"\babdominal\b", " abdomen "), (r"&", " and "),
]
_FILLER = {
    "findings", "finding", "result", "test", "level", "scan", "study", "examination", "exam", "value", "the",
    "of", "and", "a", "an", "with", "for", "in", "on", "routine", "report", "qualitative", "quantitative",
}
_GENERIC_SINGLE = {
    "blood", "urine", "serum", "plasma", "culture", "chest", "head", "abdomen", "pelvis", "neck", "swab", "stool",
    "fluid", "ct", "mri", "us", "xray", "imaging", "biopsy", "film", "count", "panel", "profile", "screen",
    "function", "total", "free", "rapid", "ratio", "protein", "antibody", "antigen", "cell", "white", "red",
}
_GROUP_TOKENS = {
    "blood", "work", "bloodwork", "laboratory", "lab", "result", "imaging", "study", "radiology", "investigation",
    "other", "additional", "diagnostic", "further", "initial", "routine", "workup", "data", "finding", "test",
}
FIELD_KEYS = {
    "findings", "finding", "result", "results", "comments", "comment", "impression", "interpretation", "optional",
    "value", "notes", "note", "report", "conclusion", "description", "details", "status", "summary",
}
_VITALS = re.compile(r"blood pressure|\bbmi\b|\bheight\b|\bweight\b|heart rate|pulse rate|temperature|respiratory rate|"
                     r"oxygen saturation|\bspo2\b", re.I)


def tokens(text: str) -> list[str]:
    s = str(text).lower().replace("_", " ")
    for pattern, repl in _REWRITES:
        s = re.sub(pattern, repl, s)
    out = []
    for tok in re.findall(r"[a-z0-9]+", s):
        tok = tok.replace("ae", "e").replace("oe", "e")
        if len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
            tok = tok[:-1]
        out.append(tok)
    return out


def key_tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in tokens(text) if t not in _FILLER)


class CatalogueIndex:
    """Maps a source test name to a catalogue entry: exact id/name/alias match (word order, case, underscores,
    X-ray spellings and UK/US spelling ignored), then the best token-overlap candidate."""

    def __init__(self, catalogue: Catalogue | None):
        self.exact: dict[frozenset[str], CatalogueEntry] = {}
        self.candidates: list[tuple[frozenset[str], int, CatalogueEntry]] = []
        entries = list(catalogue.entries) if catalogue else []
        for rank, entry in enumerate(sorted(entries, key=lambda e: e.kind is not EntryKind.TEST)):
            names = [entry.id.replace("-", " "), entry.name, *entry.aliases]
            for i, name in enumerate(names):
                toks = key_tokens(name)
                if not toks:
                    continue
                # ids and names win over aliases shared by several entries
                if toks not in self.exact or i < 2 and self._is_alias_slot(toks):
                    self.exact[toks] = entry
                self.candidates.append((toks, rank, entry))
        self._primary = {key_tokens(e.id.replace("-", " ")) for e in entries} | {key_tokens(e.name) for e in entries}

    def _is_alias_slot(self, toks: frozenset[str]) -> bool:
        return toks not in getattr(self, "_primary", set())

    def match(self, variants: list[str]) -> CatalogueEntry | None:
        keys = [key_tokens(v) for v in variants if v]
        keys = [k for k in keys if k]
        for k in keys:
            if k in self.exact:
                return self.exact[k]
        best: tuple[int, int, CatalogueEntry] | None = None
        for k in keys:
            for cand, rank, entry in self.candidates:
                if cand <= k and (len(cand) >= 2 or not cand & _GENERIC_SINGLE):
                    score = len(cand)
                elif len(k) >= 2 and k <= cand:
                    score = len(k)
                else:
                    continue
                if best is None or (score, -rank) > (best[0], -best[1]):
                    best = (score, rank, entry)
        return best[2] if best else None


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
    (("neuro", "cranial", "gait", "reflex", "cerebell", "coordinat", "sensory", "sensation"), (), ExamSystem.NEUROLOGICAL),
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
    aliases = [label] + [w for w in re.findall(r"[a-z]{4,}", label) if w not in {"examination", "exam", "findings"}]
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
        extra = "; ".join(vitals_extra)
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
    text: str  # the result as written

    @property
    def name(self) -> str:
        return humanize(self.path[-1])

    def variants(self) -> list[str]:
        """Names to try against the catalogue: the leaf key, then with its parent groups."""
        out = [self.path[-1]]
        if len(self.path) > 1:
            out.append(" ".join(self.path[-2:]))
        return out


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict) and not (isinstance(value, list) and any(isinstance(v, dict) for v in value))


def _is_group(key: str) -> bool:
    toks = key_tokens(key) | {t for t in tokens(key) if t in _FILLER and t in _GROUP_TOKENS}
    return bool(toks) and toks <= _GROUP_TOKENS


def _result_text(value: Any) -> str:
    if isinstance(value, dict):
        fields = [k for k, v in value.items() if not is_empty_text(flatten_value(v))]
        if len(fields) == 1 and fields[0].lower().replace("_", " ") in FIELD_KEYS:
            return flatten_value(value[fields[0]])
        return flatten_value({k: value[k] for k in fields})
    return flatten_value(value)


def flatten_tests(node: Any, index: CatalogueIndex, path: tuple[str, ...] = ()) -> list[RawTest]:
    """Nested Test_Results -> leaf tests in source order. A dict is one test when its values are all plain
    (a panel: 'Complete_Blood_Count': {'WBC': ...}), when it has result fields ('Findings', 'Comments'), or when
    its name is a catalogue test; generic groups ('Imaging', 'Blood_Tests') and other nesting are descended."""
    out: list[RawTest] = []
    if not isinstance(node, dict):
        text = _result_text(node)
        return [RawTest(path or ("Test results",), text)] if not is_empty_text(text) else []
    for key, value in node.items():
        here = (*path, str(key))
        if _is_scalar(value):
            text = _result_text(value)
            if not is_empty_text(text):
                out.append(RawTest(here, text))
            continue
        children = value.keys()
        one_test = not _is_group(str(key)) and (
            all(_is_scalar(v) for v in value.values())
            or any(str(c).lower().replace("_", " ") in FIELD_KEYS for c in children)
            or index.match([str(key)]) is not None
        )
        if one_test:
            text = _result_text(value)
            if not is_empty_text(text):
                out.append(RawTest(here, text))
        else:
            out.extend(flatten_tests(value, index, here))
    return out


def split_vitals(raw: list[RawTest]) -> tuple[list[RawTest], list[str]]:
    """MIMIC records list blood pressure, BMI, height and weight among the tests: they are vital signs."""
    tests, vitals = [], []
    for r in raw:
        if _VITALS.search(humanize(r.path[-1])) and len(r.path) <= 2 and len(r.text) < 40:
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
    parts: list[tuple[str, str, bool]] = field(default_factory=list)  # (source name, text, scalar)
    aliases: list[str] = field(default_factory=list)


@dataclass
class TestBuild:
    tests: list[CaseTest]
    matched_ids: list[str]
    unmatched: list[str]  # source names not in the catalogue
    final_ids: set[str]  # confirmatory tests: last listed, or pathology


def build_tests(raw: list[RawTest], index: CatalogueIndex) -> TestBuild:
    built: dict[str, _Built] = {}
    unmatched: list[str] = []
    for r in raw:
        entry = index.match(r.variants())
        if entry is not None:
            test_id, name = entry.id, entry.name
            category = entry.category or TestCategory.BEDSIDE
            aliases = [entry.name, *entry.aliases]
        else:
            test_id = slugify(" ".join(tokens(r.path[-1]))[:60], max_words=6) or "test"
            if len(r.path) > 1 and not _is_group(r.path[-2]) and key_tokens(r.path[-1]) <= set(FIELD_KEYS):
                test_id = slugify(" ".join(tokens(r.path[-2])), max_words=6) or "test"
            name, aliases = r.name, []
            category = guess_category(" ".join(r.path))
            unmatched.append(" > ".join(humanize(p) for p in r.path))
        b = built.setdefault(test_id, _Built(test_id, name, category, entry))
        b.parts.append((r.name, r.text, not isinstance(r.text, dict)))
        b.aliases.extend([r.name, *aliases])
    tests: list[CaseTest] = []
    for b in built.values():
        if len(b.parts) == 1:
            src, text, _ = b.parts[0]
            result = text if len(text) >= 12 or src.lower() == b.name.lower() and len(text) >= 3 else f"{src}: {text}"
        else:
            result = "; ".join(f"{src}: {text}" for src, text, _ in b.parts)
        aliases = list(dict.fromkeys(a.strip() for a in b.aliases if a.strip() and a.strip().lower() != b.name.lower()))
        tests.append(CaseTest(id=b.id, name=b.name, aliases=aliases[:12], category=b.category, result=result))
    final: set[str] = {t.id for t in tests if t.category is TestCategory.PATHOLOGY}
    if tests:
        final.add(tests[-1].id if not raw else _id_of(raw[-1], built))
    matched = [b.id for b in built.values() if b.entry is not None]
    return TestBuild(tests, matched, unmatched, final)


def _id_of(raw: RawTest, built: dict[str, _Built]) -> str:
    return next((b.id for b in built.values() if any(p[1] is raw.text and p[0] == raw.name for p in b.parts)), "")
