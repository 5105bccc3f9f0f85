"""Tag text with medical concepts: HPO terms (via the shipped phrase index) and lexicon entries.

A concept hit records the phrase that matched, so provenance can say why a fact and a question were linked.
Lookups are whole-phrase on normalised text (agentsim/match/text.py), longest phrase first, with a plural/tense
fold on the last word. The phrases load once per process and only when a patient first answers, so
`agentsim --help` never pays for them; term names and lay synonyms (provenance, the audit) load separately.
Rebuild the index with `python -m agentsim.vocab.build_hpo_index` after changing the normaliser.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from agentsim.match.text import normalise, stem

HERE = Path(__file__).parent
HPO_PHRASES = HERE / "hpo_phrases.json.gz"
HPO_TERMS = HERE / "hpo_terms.json.gz"
LEXICON = HERE / "lexicon.yaml"
MAX_WORDS = 5


@dataclass(frozen=True)
class ConceptHit:
    concept: str  # "HP:0012378" or "LEX:anticoagulant"
    phrase: str  # the normalised words that matched
    source: str  # "hpo" or "lexicon"


@dataclass(frozen=True)
class LexiconEntry:
    id: str
    kind: str
    terms: tuple[str, ...]
    hpo: tuple[str, ...]
    inquiry: str | None  # an InquiryType value: what a question naming this entry asks about


@lru_cache(maxsize=65536)
def fold(phrase: str) -> str:
    """The phrase with its last word plural/tense-folded: 'chest pains' and 'chest pain' share a key."""
    words = phrase.split()
    return " ".join([*words[:-1], stem(words[-1])]) if words else phrase


class Vocabulary:
    def __init__(self, hpo_phrases: dict[str, list[str]], lexicon: list[LexiconEntry], *, hpo_version: str):
        self.hpo_version = hpo_version
        self.hpo_phrases = hpo_phrases
        self.lexicon = {e.id: e for e in lexicon}
        # lexicon phrase (and its fold) -> concept ids: the entry's own and the HPO ids it stands for. HPO phrases
        # are keyed by their fold only (see build_hpo_index)
        self.lex_phrases: dict[str, list[str]] = {}
        for entry in lexicon:
            for term in entry.terms:
                for key in {term, fold(term)}:
                    bucket = self.lex_phrases.setdefault(key, [])
                    bucket.extend(c for c in (entry.id, *entry.hpo) if c not in bucket)

    @cached_property
    def hpo_terms(self) -> dict[str, Any]:
        terms: dict[str, Any] = json.loads(gzip.decompress(HPO_TERMS.read_bytes()))["terms"]
        return terms

    def name(self, concept: str) -> str:
        if concept.startswith("HP:"):
            term = self.hpo_terms.get(concept)
            return str(term["n"]) if term else concept
        entry = self.lexicon.get(concept)
        return entry.terms[0] if entry else concept

    def lay_synonyms(self, concept: str) -> list[str]:
        term = self.hpo_terms.get(concept)
        return list(term["lay"]) if term else []

    def _lookup(self, phrase: str) -> list[tuple[str, str]]:
        folded = fold(phrase)
        found = [(c, "lexicon") for c in self.lex_phrases.get(phrase) or self.lex_phrases.get(folded) or ()]
        found += [(c, "hpo") for c in self.hpo_phrases.get(folded, ())]
        return found

    def tag(self, text: str) -> list[ConceptHit]:
        """Every concept named in `text`; where phrases overlap, the longest wins for that span."""
        return list(self._tag(normalise(text)))

    @lru_cache(maxsize=8192)  # noqa: B019 - one Vocabulary per process; questions repeat
    def _tag(self, norm: str) -> tuple[ConceptHit, ...]:
        words = norm.split()
        hits: list[ConceptHit] = []
        seen: set[str] = set()
        covered = [False] * len(words)
        for n in range(min(MAX_WORDS, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                if any(covered[i:i + n]):
                    continue
                phrase = " ".join(words[i:i + n])
                found = self._lookup(phrase)
                if not found:
                    continue
                for j in range(i, i + n):
                    covered[j] = True
                for concept, source in found:
                    if concept not in seen:
                        seen.add(concept)
                        hits.append(ConceptHit(concept, phrase, source))
        return tuple(hits)


_DEFAULT_INQUIRY = {"drug_class": "medications", "contraception": "medications", "otc": "medications",
                    "idiom": "specific_symptom", "lay_link": "specific_symptom", "procedure": "past_surgical_history"}


def load_lexicon(path: Path = LEXICON) -> list[LexiconEntry]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    entries = []
    for raw in data["entries"]:
        terms = tuple(dict.fromkeys(t for t in (normalise(str(x)) for x in raw["terms"]) if t))
        inquiry = raw.get("inquiry", _DEFAULT_INQUIRY.get(raw["kind"]))
        entries.append(LexiconEntry(id=raw["id"], kind=raw["kind"], terms=terms, hpo=tuple(raw.get("hpo", ())),
                                    inquiry=inquiry))
    return entries


@cache
def vocabulary() -> Vocabulary:
    hpo = json.loads(gzip.decompress(HPO_PHRASES.read_bytes()))
    return Vocabulary(hpo["phrases"], load_lexicon(), hpo_version=hpo["version"])
