"""The team's terminology table: parses, says why for each kind, and its entries reach the grader."""

from __future__ import annotations

import pytest

from agentsim.vocab.terms import TERMS_FILE, TermKind, clinical_terms, parse


def test_every_kind_is_explained_in_the_header_and_used() -> None:
    text = TERMS_FILE.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    terms = clinical_terms()
    used = {g.kind for g in terms.groups} | {TermKind.ABBREVIATION}
    for kind in TermKind:
        assert f"[{kind.value}]" in header
        assert kind in used


def test_abbreviations_with_flags_and_senses() -> None:
    terms = clinical_terms()
    assert terms.abbreviations["DLBCL"].senses == ("diffuse large b cell lymphoma",)
    assert terms.abbreviations["ALL"].capitals_only  # also the English word "all"
    assert terms.abbreviations["ASD"].senses == ("atrial septal defect", "autism spectrum disorder")


def test_a_malformed_line_names_its_line() -> None:
    with pytest.raises(ValueError, match=":3:"):
        parse("[eponym]\nHansen disease = leprosy\njust a name\n")
    with pytest.raises(ValueError, match=":1:"):
        parse("orphan = line\n")
