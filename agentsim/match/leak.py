"""The post-filter every patient and gatekeeper reply passes through: no reply names the diagnosis."""

from __future__ import annotations

from agentsim.match.text import unicode_fold
from agentsim.model.case import mention_pattern as _pattern

WITHHELD = "[withheld]"


def redact(text: str, terms: list[str]) -> tuple[str, list[str]]:
    """Replace every mention of a forbidden term; return the text and the terms that were found.
    Longest terms go first so 'inferior STEMI' is removed whole, not leaving 'inferior'. Matching is on
    the Unicode-folded text (a zero-width space or an accent inside a term still matches); a reply that
    had something withheld is returned in that folded form."""
    hits: list[str] = []
    folded = unicode_fold(text)
    for term in sorted({t for t in terms if t.strip()}, key=len, reverse=True):
        pattern = _pattern(unicode_fold(term))
        if pattern.search(folded):
            hits.append(term)
            folded = pattern.sub(WITHHELD, folded)
    return (folded if hits else text), hits


def leaks(text: str, terms: list[str]) -> list[str]:
    folded = unicode_fold(text)
    return [t for t in terms if t.strip() and _pattern(unicode_fold(t)).search(folded)]
