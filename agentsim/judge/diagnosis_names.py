"""Diagnosis names as the grader sees them: normalised tokens, content words, core, qualifiers, disease head.

The rules are documented in agentsim/judge/diagnosis.py; this module holds the normalisation they rest on.
Spelling, accents and plurals fold through agentsim/match/text.py (the one normalisation home).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agentsim.judge.diagnosis_terms import (
    _ALTERNATIVES,
    _AMBIGUOUS_ABBREVIATIONS,
    _DENIED_AFTER,
    _DENIED_BEFORE,
    _FAMILIES,
    _HEAD_STOPPERS,
    _HEDGE_BEFORE,
    _JOINED_PREFIXES,
    _NEGATORS,
    _ORGAN_ADJECTIVES,
    _ORGAN_PREFIXES,
    _PHRASES,
    _PROCESS_NOUNS,
    _QUALIFIER_GROUPS,
    _TRUNCATE,
    ABBREVIATIONS,
    FILLER,
    GENERIC,
    LETTER_A,
    MULTI_SENSE,
    QUALIFIERS,
    STOPWORDS,
)
from agentsim.match.text import fold_plural, strip_accents, us_spelling


def _replace_phrases(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for src, dst in _PHRASES:
            if tuple(tokens[i : i + len(src)]) == src:
                out.extend(dst)
                i += len(src)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _glue_negations(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in _NEGATORS and i + 1 < len(tokens):
            out.append(f"non_{tokens[i + 1]}")
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def raw_tokens(text: str) -> list[str]:
    """Ordered, normalised tokens of a name, stopwords kept (the head finder needs the connectors)."""
    text = strip_accents(text).replace("’", "'").replace("&", " and ")
    text = re.sub(r"'s\b", "", text, flags=re.IGNORECASE)
    text = text.replace("'", "")
    # keep NSTE-ACS style abbreviations whole before splitting on hyphens
    words = re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", text)
    tokens: list[str] = []
    for word in words:
        expansion = _expand(word)
        if expansion is not None:
            tokens.extend(expansion.split())
            continue
        for part in word.split("-"):
            expansion = _expand(part)
            if expansion is not None:
                tokens.extend(expansion.split())
            elif part == "A" and tokens:
                tokens.append(LETTER_A)  # "Hemophilia A", "Hepatitis A": the letter names the disease
            else:
                tokens.append(part.lower())
    tokens = _join_prefixes([us_spelling(t) for t in tokens])
    tokens = _replace_phrases(tokens)
    tokens = [_ORGAN_ADJECTIVES.get(t, t) for t in tokens]
    tokens = _glue_negations(tokens)
    return [fold_plural(t) for t in tokens]


def _join_prefixes(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        if out and out[-1] in _JOINED_PREFIXES and token.isalpha():
            out[-1] += token
        else:
            out.append(token)
    return out


def _expand(word: str) -> str | None:
    key = word.upper()
    if key not in ABBREVIATIONS:
        return None
    if key in _AMBIGUOUS_ABBREVIATIONS and word != key:
        return None
    return ABBREVIATIONS[key]


_SLASHED = re.compile(r"\b([A-Z]{2,6})\s*/\s*([A-Z]{2,6})\b")


def _join_slashed(match: re.Match[str]) -> str:
    joined = f"{match.group(1)}-{match.group(2)}"
    return joined if joined in ABBREVIATIONS else match.group(0)


def _committed_clauses(alternative: str) -> str:
    """The comma-separated clauses of one alternative minus those it denies ("X ruled out", "not X",
    "no evidence of X") and the hedges after the first ("..., possibly Y")."""
    kept: list[str] = []
    for clause in re.split(r",|:|\s+-+\s+", alternative):
        if not clause.strip(" .:-?") or _DENIED_AFTER.search(clause) or _DENIED_BEFORE.match(clause):
            continue
        if kept and _HEDGE_BEFORE.match(clause):
            continue
        kept.append(clause)
    return ",".join(kept)


def first_alternative(answer: str) -> str:
    """The part of an answer it commits to: the first alternative that denies not all of itself, without
    its denied or hedged clauses, cut before "mimicking", "rather than" and the like."""
    answer = re.sub(r"\br\s*/\s*o\b", " ", answer, flags=re.IGNORECASE)
    answer = _SLASHED.sub(_join_slashed, answer)  # "SJS/TEN" is one diagnosis (the overlap), not two
    parts = [p for p in _ALTERNATIVES.split(answer.strip()) if p and p.strip(" ,.:-?")]
    committed = next((c for c in map(_committed_clauses, parts) if c.strip(" ,.:-?")), "")
    return _TRUNCATE.split(committed, maxsplit=1)[0].strip(" ,")


def readings(text: str) -> list[str]:
    """The text once per sense of each two-sense abbreviation in it ("ASD": atrial septal defect, autism spectrum
    disorder), or just the text. Capitals only, as for the other ambiguous abbreviations."""
    out = [text]
    for key, senses in MULTI_SENSE.items():
        pattern = re.compile(rf"\b{re.escape(key)}\b")
        if pattern.search(text):
            out = [pattern.sub(sense, reading) for reading in out for sense in senses]
    return out


@dataclass(frozen=True)
class Name:
    text: str
    ordered: tuple[str, ...]  # content tokens in order
    words: frozenset[str]  # content tokens minus filler
    core: frozenset[str]  # words minus qualifiers
    qualifiers: frozenset[str]
    head: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Name:
        return _name(text)


@lru_cache(maxsize=4096)
def _name(text: str) -> Name:
    raw = raw_tokens(text)
    ordered = tuple(t for t in raw if t not in STOPWORDS and t)
    words = frozenset(t for t in ordered if t not in FILLER)
    return Name(
        text=text,
        ordered=ordered,
        words=words,
        core=frozenset(words - QUALIFIERS),
        qualifiers=frozenset(words & QUALIFIERS),
        head=_head(raw_tokens(re.sub(r"\(.*?\)", " ", text))),
    )


def _head(raw: list[str]) -> tuple[str, ...]:
    """The disease-head noun: the last word before any cause/complication clause, or the last two when
    the last is a process noun (infarction, failure...) or the name ends in a filler word (disease...)."""
    kept: list[str] = []
    ends_in_filler = False
    for token in raw:
        if token in _HEAD_STOPPERS and kept:
            break
        if token in FILLER:
            ends_in_filler = True
            continue
        if token in STOPWORDS or token in QUALIFIERS or token.isdigit():
            continue
        kept.append(token)
        ends_in_filler = False
    if not kept:
        return ()
    if (kept[-1] in _PROCESS_NOUNS or ends_in_filler) and len(kept) >= 2:
        return tuple(kept[-2:])
    return (kept[-1],)


def families(name: Name) -> set[str]:
    words = set(name.ordered)
    found: set[str] = set()
    for family, phrases in _FAMILIES.items():
        for phrase in phrases:
            needed = _phrase_words(phrase)
            if needed and needed <= words:
                found.add(family)
                break
    return found


@lru_cache(maxsize=512)
def _phrase_words(phrase: str) -> frozenset[str]:
    return frozenset(raw_tokens(phrase)) - STOPWORDS


def organ(token: str) -> str | None:
    for prefixes, organ in _ORGAN_PREFIXES:
        if token.startswith(prefixes):
            return organ
    return None


_ROMAN = re.compile(r"^[ivx]+$")


def meaningful(tokens: frozenset[str] | tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for token in tokens:
        if token in GENERIC or token in STOPWORDS or len(token) < 3 or token.isdigit() or _ROMAN.match(token):
            continue
        if token.startswith("non_"):
            continue
        out.add(organ(token) or token)
    return out


def conflicting_qualifiers(extra: frozenset[str], case_qualifiers: frozenset[str]) -> set[str]:
    """Extra answer qualifiers from a group the case uses, but not one the case itself uses."""
    bad: set[str] = set()
    for qualifier in extra & QUALIFIERS:
        for group in _QUALIFIER_GROUPS.values():
            if qualifier in group and group & case_qualifiers and qualifier not in case_qualifiers:
                bad.add(qualifier)
    return bad


def specialises_consistently(
    ans: Name, acc: Name, extra: frozenset[str], accepted: list[Name], case_qualifiers: frozenset[str]
) -> bool:
    """The answer's extra words over accepted name `acc` only add detail, never contradict the case:
    no negated word, no qualifier from a group the case uses other than the case's own, and where the case
    itself accepts a more specific form of `acc` by a non-qualifier word (``ischaemic stroke`` over
    ``stroke``), the answer keeps that word."""
    if any(w.startswith("non_") for w in extra):
        return False
    if conflicting_qualifiers(extra, case_qualifiers):
        return False
    for other in accepted:
        if other.words > acc.words and not (other.words - acc.words - QUALIFIERS) <= ans.words:
            return False
    return True


def fmt(words: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(w.replace("_", "-") for w in words)) or "none"


# --- grading --------------------------------------------------------------------------------------
