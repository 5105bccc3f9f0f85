"""What the diagnosis grader knows beyond a case's own names: the team's synonym groups and ICD-10-CM.

`with_synonyms` widens a list of names with the team's groups (agentsim/vocab/clinical_terms.txt); `icd_grade`
grades an answer by how its ICD-10-CM code relates to the reference's. The rules are documented in
agentsim/judge/diagnosis.py. The ICD-10-CM table loads on first use only (the offline path never pays for it
unless an answer needs it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from agentsim.judge.diagnosis_names import Name, conflicting_qualifiers, fmt, organ
from agentsim.judge.diagnosis_terms import GENERIC, QUALIFIERS
from agentsim.vocab.icd10 import Icd10, Match, icd10
from agentsim.vocab.terms import TermKind, clinical_terms

# an answer of more words than this is mapped by its exact words only (subsets grow as 2^n)
_MAX_PARTIAL_WORDS = 8
# words in which two sibling titles may differ and still name one disease ("... of anterior wall")
_SIBLING_QUALIFIERS = QUALIFIERS | {"unspecified"}


def _words(text: str) -> frozenset[str]:
    return Name.of(text).words


@lru_cache(maxsize=2)
def _groups(icd_wording: bool) -> tuple[tuple[Name, ...], ...]:
    return tuple(tuple(Name.of(n) for n in group.names) for group in clinical_terms().groups
                 if (group.kind is TermKind.ICD_WORDING) is icd_wording)


def with_synonyms(names: list[str], *, icd_wording: bool = False) -> list[str]:
    """`names` plus, for each that equals or contains a member of a team synonym group, the name with that member
    swapped for each other member ("malignant melanoma of the arm" -> "melanoma arm", "cutaneous melanoma arm").
    `icd_wording`: the groups that only help find a code ([icd-wording]) instead of the grading synonyms."""
    out = list(names)
    seen = {_words(n) for n in names}
    for text in names:
        name = Name.of(text)
        for group in _groups(icd_wording):
            for member in group:
                if not member.core or not member.words <= name.words:
                    continue
                rest = [w for w in name.ordered if w not in member.words and w not in member.ordered]
                for other in group:
                    if other is member:
                        continue
                    candidate = " ".join([other.text, *(w for w in rest if w not in other.words)])
                    key = _words(candidate)
                    if key and key not in seen:
                        seen.add(key)
                        out.append(candidate)
    return out


@lru_cache(maxsize=4096)
def synonym_words(text: str) -> frozenset[frozenset[str]]:
    """The word sets of a name and of its team synonyms."""
    return frozenset(_words(t) for t in with_synonyms([text]))


@dataclass(frozen=True)
class IcdGrade:
    likert: int
    why: str
    exact: bool  # the whole answer is an ICD-10-CM term, so the relation can overrule a name rule


def _lookup(table: Icd10, words: frozenset[str]) -> list[Match]:
    return table.lookup(words, normalise=_words)


def map_name(table: Icd10, ans: Name) -> tuple[list[Match], bool]:
    """(matches, exact): the codes of the whole answer (or of a team synonym of it), else of its largest sub-name
    covering at least half its words and one disease word (``inferior STEMI`` -> the STEMI codes)."""
    exact = _lookup(table, ans.words)
    # the team's names for it ("chronic myelogenous leukemia"), then ICD-10-CM's wording ("malignant neoplasm")
    synonyms = with_synonyms([ans.text])
    for synonym in [*synonyms[1:], *with_synonyms(synonyms, icd_wording=True)[len(synonyms):]]:
        if exact:
            break
        exact = _lookup(table, _words(synonym))
    if exact or len(ans.words) > _MAX_PARTIAL_WORDS:
        return exact, True
    words = sorted(ans.words)
    for size in range(len(words) - 1, max(0, (len(words) + 1) // 2 - 1), -1):
        found: list[Match] = []
        for subset in combinations(words, size):
            if not set(subset) - GENERIC:
                continue
            for match in _lookup(table, frozenset(subset)):
                found.append(Match(match.code, match.term, size / len(words), match.nos))
        if found:
            return found, False
    return [], False


def _organs(table: Icd10, code: str) -> set[str]:
    return {o for w in _words(table.codes[code].title) if (o := organ(w))}


def relation(table: Icd10, a: str, r: str) -> tuple[int, str]:
    if a == r:
        return 5, "same ICD-10-CM code"
    category = table.category(a)
    if category is not None and category == table.category(r):
        if a in table.ancestors(r):
            return 4, "less specific: the answer's code is a parent of the reference's"
        if r in table.ancestors(a):
            return 4, "more specific: the answer's code is a child of the reference's"
        parent = table.codes[a].parent
        if parent == table.codes[r].parent:
            differ = _words(table.codes[a].title) ^ _words(table.codes[r].title)
            if differ <= _SIBLING_QUALIFIERS:
                return 4, f"sibling codes differing only by the qualifier(s) {fmt(differ)}"
    block = table.block(a)
    if block is not None and block == table.block(r):
        return 3, f"same ICD-10-CM block {block}"
    if table.chapter(a) == table.chapter(r) and _organs(table, a) & _organs(table, r):
        return 2, f"same ICD-10-CM chapter and organ ({fmt(_organs(table, a) & _organs(table, r))})"
    return 1, "unrelated ICD-10-CM codes"


def icd_grade(ans: Name, accepted: list[Name], case_code: str | None) -> IcdGrade | None:
    """The best grade any (answer code, reference code) pair earns, or None when either side has no code."""
    table = icd10()
    reference: dict[str, str] = {}
    known = table.resolve(case_code) if case_code else None
    if known is not None:
        reference[table.canonical(known.code)] = f"the case's code {known.code}"
    for acc in accepted:
        for match in _lookup(table, acc.words):
            reference.setdefault(match.code, f"{acc.text!r} = {match.code}")
    if not reference:
        return None
    answers, exact = map_name(table, ans)
    case_qualifiers = frozenset().union(*(a.qualifiers for a in accepted)) if accepted else frozenset()
    best: IcdGrade | None = None
    for match in answers:
        for code, source in reference.items():
            likert, why = relation(table, match.code, code)
            if likert == 5 and match.nos and any(ans.words < a.words for a in accepted):
                likert, why = 4, f"{why}, but the answer is its unqualified form ({match.term!r} NOS)"
            elif likert == 5 and conflicting_qualifiers(ans.qualifiers, case_qualifiers):
                likert, why = 4, f"{why}, but the qualifier(s) {fmt(ans.qualifiers - case_qualifiers)} are off"
            if not exact and likert > 3:
                likert, why = 3, f"{why}, but only part of the answer ({match.term!r}) maps to a code"
            if best is None or likert > best.likert:
                title = table.codes[code].title
                best = IcdGrade(likert, f"ICD-10-CM: answer {match.code} ({match.term!r}) vs reference {code} "
                                        f"{title!r} ({source}): {why}", exact=exact)
    return best

