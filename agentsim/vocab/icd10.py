"""ICD-10-CM as the grader reads it: the shipped table (icd10cm.tsv.gz, built by build_icd10.py), its hierarchy
(chapter > block > category > subcategory) and a lexical index from normalised names to codes.

The index is searched through a cheap word index built on first use, and matched on the titles and inclusion terms
with the caller's normaliser (the grader's, so both sides of a comparison fold the same way). Each title or term also
stands for the variants a clinician would write: without its bracketed tag and as the tag alone ("Leprosy [Hansen's
disease]"), with and without a parenthesised nonessential modifier ("Congenital (aganglionic) megacolon"), without
"NOS" and without a trailing ", unspecified ..." / ", not elsewhere classified", and as its first comma-separated part
("Chronic myeloid leukemia, BCR/ABL-positive"); these derived variants rank below the written ones, so a title that is
the name itself wins over one that starts with it.
A code whose title is its parent's plus only such a trailer ("Diffuse large B-cell lymphoma, unspecified site")
is the same concept as its parent: `canonical` folds it up.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from agentsim.match.text import fold_plural, strip_accents, us_spelling

TABLE_FILE = Path(__file__).with_name("icd10cm.tsv.gz")

Key = frozenset[str]

_WORD = re.compile(r"[a-z0-9]+")
_BRACKET = re.compile(r"\s*\[([^\[\]]+)\]")
_PAREN = re.compile(r"\s*\(([^()]+)\)")
_NOS = re.compile(r"\bNOS\b")
_TRAILER = re.compile(r"(?:,\s+(?:unspecified|not elsewhere classified|site not specified)\b.*|"
                      r"\s+of unspecified (?:site|part|type|organism))$", re.IGNORECASE)


@dataclass(frozen=True)
class Code:
    code: str
    parent: str | None
    title: str
    terms: tuple[str, ...]

    @property
    def is_chapter(self) -> bool:
        return self.parent is None

    @property
    def is_block(self) -> bool:
        return "-" in self.code


@dataclass(frozen=True)
class Match:
    code: str
    term: str  # the title, inclusion term or variant that matched
    confidence: float  # 1.0 when the whole name is that term; the share of its words a term covers otherwise
    nos: bool = False  # the term was "... NOS": ICD-10-CM's default for the unqualified name, not the same concept


@dataclass
class Icd10:
    release: str
    codes: dict[str, Code]
    _words: dict[str, set[str]] | None = None
    _normalised: dict[str, list[tuple[int, Key, str, bool]]] = field(default_factory=dict)

    # --- hierarchy ------------------------------------------------------------------------------------------
    def get(self, code: str) -> Code | None:
        return self.codes.get(code.strip().upper())

    def resolve(self, code: str) -> Code | None:
        """A code of the table, or the base of a code with a 7th-character extension ("T78.01XA": initial
        encounter of T78.01; the table leaves extensions out, see build_icd10.py)."""
        found = self.get(code)
        bare = code.strip().upper().replace(".", "")
        if found is None and len(bare) == 7:
            base = bare[:6].rstrip("X")
            found = self.get(base[:3] + ("." + base[3:] if len(base) > 3 else ""))
        return found

    def ancestors(self, code: str) -> list[str]:
        """Nearest first, chapter last."""
        out: list[str] = []
        node = self.codes.get(code)
        while node is not None and node.parent:
            out.append(node.parent)
            node = self.codes.get(node.parent)
        return out

    def block(self, code: str) -> str | None:
        return next((a for a in [code, *self.ancestors(code)] if "-" in a), None)

    def chapter(self, code: str) -> str | None:
        chain = [code, *self.ancestors(code)]
        return chain[-1] if chain else None

    def category(self, code: str) -> str | None:
        """The three-character category a code sits in (None for blocks and chapters)."""
        return next((a for a in [code, *self.ancestors(code)] if len(a) == 3 and a[0].isalpha()), None)

    def canonical(self, code: str) -> str:
        """Fold 'X, unspecified' up to X (see module doc)."""
        node = self.codes.get(code)
        while node is not None and node.parent and not self.codes[node.parent].is_block:
            stripped = _TRAILER.sub("", node.title)
            if stripped == node.title or _squash(stripped) != _squash(self.codes[node.parent].title):
                break
            node = self.codes[node.parent]
        return node.code if node is not None else code

    # --- lexical index --------------------------------------------------------------------------------------
    def lookup(self, key: Key, *, normalise: Callable[[str], Key]) -> list[Match]:
        """Codes whose title or term (or a variant) normalises to exactly `key`: the best-ranked hits, canonical,
        without codes whose ancestor is also a hit (a tag repeated down a category names the category)."""
        hits: list[tuple[int, str, str, bool]] = []
        for code in self._candidates(key):
            for rank, term_key, variant, nos in self._keys(code, normalise):
                if term_key == key:
                    hits.append((rank, code, variant, nos))
        if not hits:
            return []
        best = min(hit[0] for hit in hits)
        found: dict[str, Match] = {}
        for _, code, term, nos in sorted(h for h in hits if h[0] == best):
            canon = self.canonical(code)
            found.setdefault(canon, Match(canon, term, 1.0, nos))
        return [m for m in found.values() if not any(a in found for a in self.ancestors(m.code))]

    def _candidates(self, key: Key) -> set[str]:
        """Codes holding every word of `key` that the vocabulary knows, by the cheap word index: the only codes
        worth normalising (a word the vocabulary lacks came from an expansion and cannot narrow the search)."""
        index = self._word_index()
        # a word the normaliser glued ("guillain_barre", "non_st") is looked up by its written parts; its marked
        # letter ("letter_a" in "Hepatitis A") by the letter
        words = {part for w in key for part in ([w] if w in index else w.removeprefix("letter_").split("_"))}
        lists = sorted((index[w] for w in words if w in index), key=len)
        if not lists:
            return set()
        found = set(lists[0])
        for more in lists[1:]:
            found &= more
        return found

    def _word_index(self) -> dict[str, set[str]]:
        if self._words is None:
            raw: dict[str, set[str]] = {}
            for node in self.codes.values():
                if node.is_chapter or node.is_block:
                    continue
                for text in (node.title, *node.terms):
                    text = text.lower() if text.isascii() else strip_accents(text).lower()
                    for word in set(_WORD.findall(text)):
                        raw.setdefault(word, set()).add(node.code)
            words: dict[str, set[str]] = {}
            for word, codes in raw.items():  # fold each distinct word once
                words.setdefault(fold_plural(us_spelling(word)), set()).update(codes)
            self._words = words
        return self._words

    def _keys(self, code: str, normalise: Callable[[str], Key]) -> list[tuple[int, Key, str, bool]]:
        cached = self._normalised.get(code)
        if cached is None:
            node = self.codes[code]
            cached = []
            for written_rank, text in [(0, node.title), *((1, t) for t in node.terms)]:
                nos = bool(_NOS.search(text))
                for derived, variant in variants(strip_accents(text)):
                    cached.append((written_rank + 2 * derived, normalise(variant), variant, nos))
            self._normalised[code] = cached
        return cached


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def variants(text: str) -> Iterator[tuple[int, str]]:
    """(derived?, text) for a title or inclusion term: itself, then the forms a clinician writes (module doc)."""
    base = " ".join(_NOS.sub(" ", text).split())
    yield 0, base
    seen = {base}
    tags = _BRACKET.findall(base)
    untagged = " ".join(_BRACKET.sub(" ", base).split())
    forms = [untagged, *tags]
    for form in list(forms):
        if _PAREN.search(form):
            forms.append(" ".join(_PAREN.sub(" ", form).split()))
            forms.append(" ".join(form.replace("(", " ").replace(")", " ").split()))
    forms += [_TRAILER.sub("", f) for f in forms]
    forms += [f.split(", ", 1)[0] for f in forms if ", " in f]  # "Chronic myeloid leukemia, BCR/ABL-positive"
    for form in forms:
        form = form.strip(" ,")
        if form and form not in seen:
            seen.add(form)
            yield 1, form


def load(path: Path = TABLE_FILE) -> Icd10:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = handle.readline()
        codes: dict[str, Code] = {}
        for line in handle:
            code, parent, title, terms = line.rstrip("\n").split("\t")
            codes[code] = Code(code, parent or None, title, tuple(t for t in terms.split("|") if t))
    release = header.removeprefix("#").split(";")[0].strip()
    return Icd10(release=release, codes=codes)


@lru_cache(maxsize=1)
def icd10() -> Icd10:
    return load()
