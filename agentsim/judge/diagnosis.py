"""Deterministic diagnosis grading on SDBench's 5-point Likert scale.

SDBench has a judge model grade the final diagnosis against the reference from 1 to 5. This module
does the same with fixed, inspectable rules, so a stored episode always re-scores to the same number.

Normalisation (applied to the answer and to every name from the case alike):

* accents stripped, lower case, punctuation and hyphens become spaces, possessive ``'s`` dropped
  (``Crohn's`` = ``Crohn``), a trailing plural ``s`` folded (``gallstones`` = ``gallstone``);
* British spellings folded to American (``haemorrhage``/``hemorrhage``, ``oesophageal``/``esophageal``,
  ``anaemia``/``anemia``, ``ischaemic``/``ischemic``, ``leukaemia``/``leukemia``, ``paediatric``,
  ``oedema``, ``diarrhoea``, ``coeliac``, ``tumour``...);
* abbreviations expanded from a small table (MI, STEMI, NSTEMI, ACS, PE, DVT, DKA, HHS, SAH, UTI,
  COPD, CHF, HF, AF, GCA, PMR, IBD, GBS, MS, SLE, RA, TIA, CVA, AKI, CKD, CAP and a few more). Short
  abbreviations that are also English words (MS, RA, PE, CAP, AF, HF) are expanded only when written
  in capitals;
* a few lay phrases mapped to the clinical name (``heart attack`` = ``myocardial infarction``);
* a negation is glued to the word it negates (``non-ST elevation`` -> ``non_st elevation``) so that
  NSTEMI never counts as a more specific STEMI;
* hedges and stopwords dropped (``likely``, ``probable``, ``suspected``, ``of``, ``the``...), and the
  filler words ``disease``, ``disorder``, ``syndrome``, ``condition`` ignored when comparing names;
* an answer that hedges between alternatives (``X vs Y``, ``X or Y``, ``X / Y``, one per line or
  separated by ``;``) is graded on its first alternative only, and everything after ``mimicking``,
  ``rather than``, ``ruled out``, ``excluded``, ``without`` and the like is ignored.

Qualifier words: acute, chronic, subacute, left, right, bilateral, inferior, anterior, lateral,
posterior, upper, lower, primary, secondary, mild, moderate, severe, early, late, type (and a few
close relatives such as superior, septal, hyperacute). The *core* of a name is its words minus
qualifiers.

The rules, first that fires wins (each is tried against every accepted name, primary first):

5. exact: the answer's words equal an accepted name's (primary or synonym);
   or more specific: the answer holds every word of an accepted name plus extra words, and the extras
   contradict nothing: no negated word, no qualifier that clashes with the case (``anterior`` where the
   accepted names say ``inferior``: a qualifier from the same group as one the case uses but not one
   of the case's own), and where the case itself accepts a more specific form by a non-qualifier word
   (``ischaemic stroke`` besides ``stroke``) the answer keeps that word (``haemorrhagic stroke`` is
   not a more specific ``stroke`` there).
4. minor qualifier off: the answer's core equals the core of an accepted name but the qualifiers
   differ (``anterior STEMI`` for an inferior STEMI), or the answer is a less specific form whose
   missing words are only qualifiers (``pancreatitis`` when ``acute pancreatitis`` is accepted).
3. right category, wrong specific disease: the answer names the case's ``diagnosis.category`` (or a
   more specific form of it, or its core), or shares its disease-head noun with the category or an
   accepted name, or falls in the same disease family from a small table (coronary,
   cerebrovascular, venous thromboembolism, inflammatory bowel, ...). The disease head is the last
   word before any ``with``/``due to``/``secondary to`` clause, or the last two words when the last
   is a process noun (infarction, failure, haemorrhage, embolism...) or the name ends in a filler word
   (``irritable bowel syndrome`` -> "irritable bowel"): ``NSTEMI`` and ``STEMI`` share "myocardial
   infarction", ``cerebral infarction`` does not.
2. superficial overlap: the answer shares a meaningful word with the primary, a synonym or a key
   finding: stopwords, qualifiers, words under three letters, numbers, roman numerals and generic
   words (disease, syndrome, infection, pain, raised...) do not count, and organ words are folded by
   prefix so ``heart``, ``cardiac``, ``myocardial`` and ``pericarditis`` all count as the heart.
1. wrong: nothing above; also an empty answer.

Differential cap: if the answer names one of the case's differential diagnoses (its words equal the
item's, or hold them, unless the item is contained in an accepted name) and did not score 5, the
grade is capped at 2.

``correct`` is ``likert >= threshold`` (an empty answer is never correct).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from agentsim.judge.diagnosis_terms import (  # noqa: F401 - re-exported for tests
    _ALTERNATIVES,
    _AMBIGUOUS_ABBREVIATIONS,
    _FAMILIES,
    _HEAD_STOPPERS,
    _NEGATORS,
    _ORGAN_PREFIXES,
    _PHRASES,
    _PROCESS_NOUNS,
    _QUALIFIER_GROUPS,
    _TRUNCATE,
    ABBREVIATIONS,
    FILLER,
    GENERIC,
    QUALIFIERS,
    STOPWORDS,
)
from agentsim.match.text import us_spelling
from agentsim.model.case import Diagnosis
from agentsim.model.score import DiagnosisScore

# --- normalisation --------------------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _spell(token: str) -> str:
    return us_spelling(token)


_NOT_PLURAL = frozenset(
    "diabetes herpes rabies scabies measles mumps shingles rickets caries varices ascites feces".split()
)


def _fold_plural(token: str) -> str:
    if token in _NOT_PLURAL:
        return token
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ys", "as", "os")):
        return token[:-1]
    return token


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


def _raw_tokens(text: str) -> list[str]:
    """Ordered, normalised tokens of a name, stopwords kept (the head finder needs the connectors)."""
    text = _strip_accents(text).replace("’", "'").replace("&", " and ")
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
            tokens.extend(expansion.split() if expansion is not None else [part.lower()])
    tokens = [_spell(t) for t in tokens]
    tokens = _replace_phrases(tokens)
    tokens = _glue_negations(tokens)
    return [_fold_plural(t) for t in tokens]


def _expand(word: str) -> str | None:
    key = word.upper()
    if key not in ABBREVIATIONS:
        return None
    if key in _AMBIGUOUS_ABBREVIATIONS and word != key:
        return None
    return ABBREVIATIONS[key]


def _first_alternative(answer: str) -> str:
    answer = re.sub(r"\br\s*/\s*o\b", " ", answer, flags=re.IGNORECASE)
    parts = [p for p in _ALTERNATIVES.split(answer.strip()) if p and p.strip(" ,.:-?")]
    first = parts[0] if parts else ""
    return _TRUNCATE.split(first, maxsplit=1)[0]


@dataclass(frozen=True)
class _Name:
    text: str
    ordered: tuple[str, ...]  # content tokens in order
    words: frozenset[str]  # content tokens minus filler
    core: frozenset[str]  # words minus qualifiers
    qualifiers: frozenset[str]
    head: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _Name:
        return _name(text)


@lru_cache(maxsize=4096)
def _name(text: str) -> _Name:
    raw = _raw_tokens(text)
    ordered = tuple(t for t in raw if t not in STOPWORDS and t)
    words = frozenset(t for t in ordered if t not in FILLER)
    return _Name(
        text=text,
        ordered=ordered,
        words=words,
        core=frozenset(words - QUALIFIERS),
        qualifiers=frozenset(words & QUALIFIERS),
        head=_head(_raw_tokens(re.sub(r"\(.*?\)", " ", text))),
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


def _families(name: _Name) -> set[str]:
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
    return frozenset(_raw_tokens(phrase)) - STOPWORDS


def _organ(token: str) -> str | None:
    for prefixes, organ in _ORGAN_PREFIXES:
        if token.startswith(prefixes):
            return organ
    return None


_ROMAN = re.compile(r"^[ivx]+$")


def _meaningful(tokens: frozenset[str] | tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for token in tokens:
        if token in GENERIC or token in STOPWORDS or len(token) < 3 or token.isdigit() or _ROMAN.match(token):
            continue
        if token.startswith("non_"):
            continue
        out.add(_organ(token) or token)
    return out


def _conflicting_qualifiers(extra: frozenset[str], case_qualifiers: frozenset[str]) -> set[str]:
    """Extra answer qualifiers from a group the case uses, but not one the case itself uses."""
    bad: set[str] = set()
    for qualifier in extra & QUALIFIERS:
        for group in _QUALIFIER_GROUPS.values():
            if qualifier in group and group & case_qualifiers and qualifier not in case_qualifiers:
                bad.add(qualifier)
    return bad


def _specialises_consistently(
    ans: _Name, acc: _Name, extra: frozenset[str], accepted: list[_Name], case_qualifiers: frozenset[str]
) -> bool:
    """The answer's extra words over accepted name `acc` only add detail, never contradict the case:
    no negated word, no qualifier from a group the case uses other than the case's own, and where the case
    itself accepts a more specific form of `acc` by a non-qualifier word (``ischaemic stroke`` over
    ``stroke``), the answer keeps that word."""
    if any(w.startswith("non_") for w in extra):
        return False
    if _conflicting_qualifiers(extra, case_qualifiers):
        return False
    for other in accepted:
        if other.words > acc.words and not (other.words - acc.words - QUALIFIERS) <= ans.words:
            return False
    return True


def _fmt(words: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(w.replace("_", "-") for w in words)) or "none"


# --- grading --------------------------------------------------------------------------------------


def grade_diagnosis(answer: str, diagnosis: Diagnosis, *, threshold: int = 4) -> DiagnosisScore:
    """Grade a free-text diagnosis against the case's reference on the 1-5 Likert scale (see module doc)."""
    if not answer or not answer.strip():
        return DiagnosisScore(likert=1, correct=False, matched=None, explanation="1: empty answer")

    graded_text = _first_alternative(answer)
    ans = _Name.of(graded_text)
    if not ans.words:
        return DiagnosisScore(
            likert=1,
            correct=False,
            matched=None,
            explanation=f"1: no diagnostic words in the answer {answer!r}",
        )
    note = ""
    if graded_text.strip() != answer.strip():
        note = f" (graded the committed part {graded_text.strip()!r} of {answer.strip()!r})"

    likert, matched, why = _grade(ans, diagnosis)

    # differential cap
    if likert < 5:
        accepted = [_Name.of(n) for n in diagnosis.accepted_names()]
        for item in diagnosis.differential:
            diff = _Name.of(item.diagnosis)
            if not diff.words:
                continue
            subsumed = any(diff.words <= acc.words for acc in accepted)
            if ans.words == diff.words or (ans.words >= diff.words and not subsumed):
                if likert > 2:
                    why = (
                        f"capped at 2: names differential diagnosis {item.diagnosis!r} (was {likert}: {why})"
                    )
                    likert = 2
                else:
                    why = f"{why}; names differential diagnosis {item.diagnosis!r} (cap 2)"
                matched = None
                break

    return DiagnosisScore(
        likert=likert,
        correct=likert >= threshold,
        matched=matched,
        explanation=f"{likert}: {why}{note}",
    )


def _grade(ans: _Name, diagnosis: Diagnosis) -> tuple[int, str | None, str]:
    accepted = [_Name.of(n) for n in diagnosis.accepted_names()]
    accepted = [a for a in accepted if a.words]
    case_qualifiers = frozenset().union(*(a.qualifiers for a in accepted)) if accepted else frozenset()

    # 5: exact
    for acc in accepted:
        if ans.words == acc.words:
            kind = "primary diagnosis" if acc.text == diagnosis.primary else "accepted synonym"
            return 5, acc.text, f"exact match to {kind} {acc.text!r} after normalisation"
    # 5: more specific form
    for acc in accepted:
        if acc.core and ans.words > acc.words:
            extra = ans.words - acc.words
            if _specialises_consistently(ans, acc, extra, accepted, case_qualifiers):
                return 5, acc.text, f"more specific form of accepted name {acc.text!r} (adds: {_fmt(extra)})"
    # 4: same core, qualifiers off (or less specific by qualifiers only)
    for acc in accepted:
        if acc.core and ans.core == acc.core:
            extra_q = ans.qualifiers - acc.qualifiers
            missing_q = acc.qualifiers - ans.qualifiers
            if not extra_q and missing_q:
                detail = f"less specific: lacks the qualifier(s) {_fmt(missing_q)}"
            else:
                detail = (
                    f"qualifier(s) off: answer has {_fmt(ans.qualifiers)}, expected {_fmt(acc.qualifiers)}"
                )
            return 4, acc.text, f"right disease, minor qualifier off vs {acc.text!r} ({detail})"

    # 3: category, disease head, family
    if diagnosis.category:
        cat = _Name.of(diagnosis.category)
        if cat.words and (ans.words >= cat.words or (cat.core and ans.core == cat.core)):
            return 3, None, f"right category {diagnosis.category!r} but not the specific disease"
        if ans.head and ans.head == cat.head:
            return (
                3,
                None,
                (f"shares the disease head {' '.join(ans.head)!r} with the category {diagnosis.category!r}"),
            )
    for acc in accepted:
        if ans.head and ans.head == acc.head:
            return (
                3,
                None,
                (
                    f"same disease head {' '.join(ans.head).replace('_', '-')!r} as {acc.text!r} "
                    "but a different specific disease"
                ),
            )
    case_families: set[str] = set()
    for name in [*accepted, *([_Name.of(diagnosis.category)] if diagnosis.category else [])]:
        case_families |= _families(name)
    shared_families = _families(ans) & case_families
    if shared_families:
        return 3, None, f"same disease family ({_fmt(shared_families)}) but a different specific disease"

    # 2: superficial overlap
    answer_words = _meaningful(ans.words)
    for source, names in (
        ("primary/synonyms", accepted),
        ("key findings", [_Name.of(k) for k in diagnosis.key_findings]),
    ):
        for name in names:
            shared = answer_words & _meaningful(name.words)
            if shared:
                return (
                    2,
                    None,
                    f"superficial overlap only: shares {_fmt(shared)} with {source} ({name.text!r})",
                )

    return 1, None, "wrong: no match to the accepted names, category or key findings"
