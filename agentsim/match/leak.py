"""The post-filter every patient and gatekeeper reply passes through: no reply names the diagnosis."""

from __future__ import annotations

from agentsim.model.case import mention_pattern as _pattern

WITHHELD = "[withheld]"


def redact(text: str, terms: list[str]) -> tuple[str, list[str]]:
    """Replace every mention of a forbidden term; return the text and the terms that were found.
    Longest terms go first so 'inferior STEMI' is removed whole, not leaving 'inferior'."""
    hits: list[str] = []
    for term in sorted({t for t in terms if t.strip()}, key=len, reverse=True):
        pattern = _pattern(term)
        if pattern.search(text):
            hits.append(term)
            text = pattern.sub(WITHHELD, text)
    return text, hits


def leaks(text: str, terms: list[str]) -> list[str]:
    return [t for t in terms if t.strip() and _pattern(t).search(text)]
