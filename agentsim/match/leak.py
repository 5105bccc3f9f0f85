"""The post-filter every patient and gatekeeper reply passes through: no reply names the diagnosis.

A reply that names it is rewritten around the finding, never blanked with a marker: a leading label is
dropped ('Acute X: hyperdense blood in the basal cisterns' -> 'Hyperdense blood in the basal cisterns'),
then an interpretive clause ('..., consistent with X'), then the clause or sentence that still names it. What
remains reads like a report; `validate` holds case results to the same standard before a run."""

from __future__ import annotations

import re

from agentsim.match.text import informative_tokens
from agentsim.model.case import mention_pattern as _pattern

WITHHELD = "[withheld]"  # kept for callers that test for the old marker; the filter never writes it
# Result text that said nothing but the diagnosis: what the reader is told instead
NO_INTERPRETATION = "Result reported without an interpretation."
NOTHING_LEFT = "Nothing further to add."  # a reply that was only the diagnosis

_INTERPRETIVE = (r"consistent with|suggestive of|suggesting|compatible with|indicative of|indicating|diagnostic of|"
                 r"in keeping with|typical of|characteristic of|confirming|confirms|confirmed|pathognomonic for|"
                 r"concerning for|worrying for|likely|probable|possible|representing|in favour of|in favor of|"
                 r"due to|secondary to|caused by|from|with|of|showing|shows|showed|revealing|reveals|revealed")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def redact(text: str, terms: list[str]) -> tuple[str, list[str]]:
    """Rewrite every sentence that names a forbidden term; return the text and the terms that were found.
    Longest terms go first so 'inferior STEMI' is judged whole, not as 'STEMI'."""
    ordered = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    hits = [t for t in ordered if _pattern(t).search(text)]
    if not hits:
        return text, []
    lines = [_rewrite_line(line, hits) for line in text.split("\n")]
    rewritten = "\n".join(line for line in lines if line is not None).strip()
    return rewritten or NOTHING_LEFT, hits


def leaks(text: str, terms: list[str]) -> list[str]:
    return [t for t in terms if t.strip() and _pattern(t).search(text)]


def _names(text: str, terms: list[str]) -> bool:
    return any(_pattern(t).search(text) for t in terms)


def _rewrite_line(line: str, terms: list[str]) -> str | None:
    """One line of a reply ('CT head: Acute X: hyperdense blood'): a 'Test name:' prefix is kept as it is."""
    if not _names(line, terms):
        return line
    prefix, body = "", line
    m = re.match(r"^([^:\n]{1,80}):\s+(.*)$", line)
    if m and not _names(m.group(1), terms):
        prefix, body = f"{m.group(1)}: ", m.group(2)
    sentences = [s for s in (_rewrite_sentence(s, terms) for s in _SENTENCES.split(body)) if s]
    kept = " ".join(sentences)
    if not kept:
        if not prefix:
            return None  # a line that was nothing but the diagnosis: the rest of the reply stands
        kept = NO_INTERPRETATION
    return prefix + kept


def _rewrite_sentence(sentence: str, terms: list[str]) -> str:
    if not _names(sentence, terms):
        return sentence
    segments = sentence.strip().rstrip(".!?").split(";")
    kept = []
    for segment in segments:
        if not _names(segment, terms):
            kept.append(segment.strip())
            continue
        rewritten = _rewrite_clause(segment.strip(), terms)
        # what is left of a clause cut around the label must still say something ('Findings: Lesions' does not)
        if len(informative_tokens(rewritten.split(":")[-1])) >= 2:
            kept.append(rewritten)
    text = "; ".join(k for k in kept if k).strip(" ,;:-")
    if not text:
        return ""
    return text[:1].upper() + text[1:] + "."


def _rewrite_clause(text: str, terms: list[str]) -> str:
    # 'Acute X: hyperdense blood ...' -> 'hyperdense blood ...'
    m = re.match(r"^([^:]{1,80}):\s+(.+)$", text)
    if m and _names(m.group(1), terms) and not _names(m.group(2), terms):
        text = m.group(2)
    # a parenthesis that names it: '(X)', '(appearance of X)'
    text = re.sub(r"\s*\([^()]*\)", lambda p: "" if _names(p.group(0), terms) else p.group(0), text)
    # ', consistent with X' and the like, up to the next clause break
    for term in terms:
        body = _pattern(term).pattern
        text = re.sub(rf"[,;]?\s*(?:\b(?:{_INTERPRETIVE})\b\s+)(?:(?:an?|the|acute|chronic|early|likely|possible|"
                      rf"probable)\s+)*{body}[^,;]*", "", text, flags=re.I)
    if _names(text, terms):  # still there: keep the clauses that do not name it
        text = ", ".join(c for c in re.split(r"\s*,\s*", text) if c and not _names(c, terms))
    return text.strip(" ,;:-")
