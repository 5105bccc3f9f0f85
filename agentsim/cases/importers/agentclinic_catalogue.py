"""Source test names -> test catalogue entries for the AgentClinic importer: exact id/name/alias, an analyte to
the panel that reports it, token overlap, and the generic entries that price what the catalogue does not name."""

from __future__ import annotations

import re

from agentsim.model.case import TestCategory
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
    "smear", "stain", "level", "preparation", "prep", "aspirate", "specimen",
}


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


# Panels whose analytes a source may list on their own ('Hemoglobin', 'Creatinine'): an analyte goes to the first
# panel here that reports it, so creatinine is a basic metabolic panel and bilirubin a hepatic function panel.
PANEL_ORDER = ("cbc", "bmp", "lfts", "coagulation-screen", "lipid-panel", "iron-studies", "haematinics", "cmp",
               "bone-profile", "immunoglobulins", "complement", "hb-electrophoresis", "serum-free-light-chains",
               "lh-fsh", "anca", "hepatitis-b-serology", "aldosterone-renin", "plasma-metanephrines")
# How sources write an analyte -> the catalogue analyte name (compared as key tokens)
ANALYTE_SYNONYMS = {
    "hgb": "haemoglobin", "hb": "haemoglobin", "hemoglobin level": "haemoglobin", "wbc": "white cell count",
    "white blood cell": "white cell count", "white blood cell count": "white cell count", "wcc": "white cell count",
    "leukocyte count": "white cell count", "leukocyte": "white cell count", "leucocyte count": "white cell count",
    "plt": "platelets", "platelet count": "platelets", "platelet": "platelets", "mean corpuscular volume": "MCV",
    "neutrophil count": "neutrophils", "lymphocyte count": "lymphocytes", "eosinophils": "white cell count",
    "eosinophil count": "white cell count", "differential": "white cell count", "hematocrit": "haemoglobin",
    "hct": "haemoglobin", "mcv": "MCV", "bun": "urea",
    "blood urea nitrogen": "urea", "serum urea": "urea", "na": "sodium", "k": "potassium", "cl": "chloride",
    "hco3": "bicarbonate", "bicarb": "bicarbonate", "co2": "bicarbonate", "cr": "creatinine",
    "serum creatinine": "creatinine", "alanine aminotransferase": "ALT", "sgpt": "ALT",
    "aspartate aminotransferase": "AST", "sgot": "AST", "alkaline phosphatase": "ALP",
    "gamma glutamyl transferase": "GGT", "gamma gt": "GGT", "ggtp": "GGT", "total bilirubin": "bilirubin",
    "direct bilirubin": "bilirubin", "indirect bilirubin": "bilirubin", "conjugated bilirubin": "bilirubin",
    "unconjugated bilirubin": "bilirubin", "serum albumin": "albumin", "prothrombin time": "PT",
    "partial thromboplastin time": "APTT", "ptt": "APTT", "cholesterol": "total cholesterol",
    "ldl": "LDL cholesterol", "hdl": "HDL cholesterol", "tibc": "TIBC",
    "transferrin saturation": "transferrin saturation",
    "iron": "serum iron", "vitamin b12": "vitamin B12", "b12": "vitamin B12", "phosphorus": "phosphate",
    "iga": "IgA", "igg": "IgG", "igm": "IgM",
}
# Words around an analyte that do not change which panel reports it
_QUALIFIERS = {"serum", "plasma", "blood", "absolute", "direct", "indirect", "total", "conjugated", "unconjugated",
               "count", "level", "fasting", "random", "concentration", "elevated", "low", "high"}
# Generic entries whose site or target the test's own name gives
SITE_GENERIC = [({"biopsy", "biopsie", "histology", "histopathology"}, "tissue-biopsy"),
                ({"genetic", "sequencing", "mutation", "gene", "genotyping"}, "genetic-testing"),
                ({"immunohistochemistry", "immunohistochemical", "immunostaining", "ihc"}, "immunohistochemistry"),
                ({"cytometry", "immunophenotyping"}, "flow-cytometry")]
# Catalogue entries for a source test the catalogue does not name, by category: priced as a generic test
FALLBACK_IDS = {
    TestCategory.LAB: "other-lab-test", TestCategory.IMAGING: "other-imaging-study",
    TestCategory.PATHOLOGY: "other-pathology-study", TestCategory.PROCEDURE: "other-procedure",
    TestCategory.BEDSIDE: "other-bedside-test",
}


class CatalogueIndex:
    """Maps a source test name to a catalogue entry: exact id/name/alias match (word order, case, underscores,
    X-ray spellings and UK/US spelling ignored), then an analyte to the panel that reports it, then the best
    token-overlap candidate."""

    def __init__(self, catalogue: Catalogue | None):
        self.catalogue = catalogue
        self.exact: dict[frozenset[str], CatalogueEntry] = {}
        self.candidates: list[tuple[frozenset[str], int, CatalogueEntry]] = []
        self.analytes: dict[frozenset[str], CatalogueEntry] = {}
        entries = sorted(catalogue.entries if catalogue else [], key=lambda e: e.kind is not EntryKind.TEST)
        # ids and names first, so an alias shared with another entry's name cannot take it over
        for rank, entry in enumerate(entries):
            for name in (entry.id.replace("-", " "), entry.name):
                self._add(name, rank, entry)
        for rank, entry in enumerate(entries):
            for name in entry.aliases:
                self._add(name, rank, entry)
        self._index_analytes(catalogue)

    def _add(self, name: str, rank: int, entry: CatalogueEntry) -> None:
        toks = key_tokens(name)
        if toks:
            self.exact.setdefault(toks, entry)
            self.candidates.append((toks, rank, entry))

    def _index_analytes(self, catalogue: Catalogue | None) -> None:
        panels = [e for e in (catalogue.get(i) for i in PANEL_ORDER) if e is not None] if catalogue else []
        for panel in panels:
            for analyte in panel.analytes:
                self.analytes.setdefault(key_tokens(analyte.name), panel)
        for source, analyte_name in ANALYTE_SYNONYMS.items():
            reporting = self.analytes.get(key_tokens(analyte_name))
            if reporting is not None:
                self.analytes.setdefault(key_tokens(source), reporting)

    def analyte_panel(self, variant: str) -> CatalogueEntry | None:
        """'Hemoglobin', 'Bilirubin_Direct', 'Serum creatinine' -> the panel that reports it."""
        toks = key_tokens(variant)
        return self.analytes.get(toks) or self.analytes.get(frozenset(toks - _QUALIFIERS))

    def fallback(self, category: TestCategory, name: str = "") -> CatalogueEntry | None:
        """The generic entry that prices a test the catalogue does not name: one that takes a site or target
        from the name ('Lip biopsy' -> tissue-biopsy, 'BRCA1 sequencing' -> genetic-testing), else the
        stand-in for its category."""
        if self.catalogue is None:
            return None
        toks = set(tokens(name))
        for words, entry_id in SITE_GENERIC:
            if toks & words and (entry := self.catalogue.get(entry_id)) is not None:
                return entry
        return self.catalogue.get(FALLBACK_IDS[category])

    def named_exactly(self, name: str) -> CatalogueEntry | None:
        """An exact name or an analyte only, no token overlap: for guessing a test from a result's first words."""
        toks = key_tokens(name)
        return (self.exact.get(toks) or self.analyte_panel(name)) if toks else None

    def match(self, variants: list[str]) -> CatalogueEntry | None:
        keys = [k for k in (key_tokens(v) for v in variants if v) if k]
        for k in keys:
            core = frozenset(k - _QUALIFIERS)
            if k in self.exact:
                return self.exact[k]
            if core and core in self.exact:
                return self.exact[core]
        if variants and (panel := self.analyte_panel(variants[0])) is not None:
            return panel
        best: tuple[int, int, CatalogueEntry] | None = None
        for k in keys:
            for cand, rank, entry in self.candidates:
                if cand <= k and (len(cand) >= 2 or not cand & _GENERIC_SINGLE):
                    score = len(cand)  # every word of the catalogue name is in the source name
                elif len(k) >= 2 and k <= cand:
                    score = len(k)  # every word of a two-word-plus source name is in the catalogue name
                else:
                    continue
                if best is None or (score, -rank) > (best[0], -best[1]):
                    best = (score, rank, entry)
        return best[2] if best else None
