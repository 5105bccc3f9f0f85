"""The shipped vocabularies: HPO index provenance, lexicon coverage of what HPO lacks, and tagging."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from agentsim.match.text import normalise
from agentsim.vocab.concepts import HPO_PHRASES, HPO_TERMS, LEXICON, fold, load_lexicon, vocabulary


def test_index_is_small_and_names_its_hpo_release():
    assert HPO_PHRASES.stat().st_size + HPO_TERMS.stat().st_size < 5_000_000
    meta = json.loads(gzip.decompress(HPO_PHRASES.read_bytes()))
    assert meta["source"] == "Human Phenotype Ontology" and meta["version"].startswith("hp/releases/")


def test_index_phrases_are_normalised_as_the_matcher_normalises():
    """The index is built with agentsim/match/text.py: a changed normaliser needs a rebuild."""
    v = vocabulary()
    for term_id, term in list(v.hpo_terms.items())[::97]:
        key = fold(normalise(term["n"]))
        if len(key.split()) <= 5 and key not in {"abnormality", "pain"}:
            assert term_id in v.hpo_phrases[key], term["n"]


def test_lexicon_header_says_why_hpo_lacks_each_kind():
    header = LEXICON.read_text(encoding="utf-8").split("entries:")[0]
    for kind in {e.kind for e in load_lexicon()}:
        assert re.search(rf"^# - (?:\w+ / )*{kind}\b", header, re.M), kind


@pytest.mark.parametrize(("text", "concept"), [
    ("Are you on any blood thinners?", "LEX:anticoagulant"),
    ("I stopped the blood-thinning injections", "LEX:anticoagulant"),
    ("Any trouble with your waterworks?", "LEX:urinary"),
    ("Do you get out of puff?", "HP:0002094"),  # dyspnoea, through the lexicon
    ("Any chest pains?", "HP:0100749"),  # a plural, through the fold
    ("I feel tired all the time", "HP:0012378"),
    ("Have you been coughing up blood?", "HP:0002105"),
    ("Do you take the pill?", "LEX:contraception"),
    ("Anything over the counter?", "LEX:otc"),
])
def test_tagging(text, concept):
    assert concept in {h.concept for h in vocabulary().tag(text)}


def test_hpo_names_and_lay_synonyms_load_on_demand():
    v = vocabulary()
    assert v.name("HP:0012378") == "Fatigue"
    assert v.lay_synonyms("HP:0025406")  # Asthenia: "Weakness", marked layperson in hp.obo
