"""The post-filter every patient and gatekeeper reply passes through: no reply names the diagnosis."""

from __future__ import annotations

import re

WITHHELD = "[withheld]"


def _pattern(term: str) -> re.Pattern[str]:
    # tolerate spacing and hyphen variants: "ST-elevation" / "ST elevation"
    body = r"[\s\-]*".join(re.escape(part) for part in re.split(r"[\s\-]+", term.strip()) if part)
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


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
