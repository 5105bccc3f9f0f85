"""Normalising clinical free text: case, punctuation, US/UK spelling, and splitting multi-part questions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# UK -> US spelling, per token, so "haemoglobin" and "hemoglobin" compare equal. The one table every matcher
# (patient, gatekeeper, knowledge base, judge) folds through. Order matters: longer patterns first.
_US_SPELLING: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"oesophag", "esophag"), (r"oedem", "edem"), (r"oestr", "estr"), (r"foet", "fet"), (r"coeli", "celi"),
        (r"oea$", "ea"),  # diarrhoea, dyspnoea, apnoea, gonorrhoea, amenorrhoea
        (r"oeas$", "eas"),
        (r"aem", "em"),  # haem-, anaemia, leukaemia, ischaemic, septicaemia, hypoglycaemia
        (r"paed", "ped"), (r"aec", "ec"),  # gynaecology, caecum, faeces
        (r"anaest", "anest"), (r"^aet", "et"),  # aetiology
        (r"tumour", "tumor"), (r"colour", "color"), (r"behaviour", "behavior"), (r"sulph", "sulf"),
        (r"^leuc", "leuk"), (r"isation$", "ization"),
        (r"centre$", "center"), (r"fibre$", "fiber"), (r"litre$", "liter"), (r"litres$", "liters"),
        (r"mould", "mold"), (r"aluminium", "aluminum"),
        (r"^travell", "travel"), (r"otising$", "otizing"), (r"ganising$", "ganizing"), (r"alising$", "alizing"),
        (r"naev", "nev"), (r"amoeb", "ameb"), (r"aesth", "esth"),
    ]
]


@lru_cache(maxsize=16384)
def us_spelling(token: str) -> str:
    for pattern, replacement in _US_SPELLING:
        token = pattern.sub(replacement, token)
    return token


def strip_accents(text: str) -> str:
    """'Calvé' -> 'Calve', 'Sjögren' -> 'Sjogren'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# words whose final s is not a plural
_NOT_PLURAL = frozenset(
    "diabetes herpes rabies scabies measles mumps shingles rickets caries varices ascites feces mellitus".split()
)


def fold_plural(token: str) -> str:
    """A trailing plural s folded ('gallstones' -> 'gallstone'); -ss, -us, -is... words kept whole."""
    if token in _NOT_PLURAL:
        return token
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ys", "as", "os")):
        return token[:-1]
    return token


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS = frozenset(
    """a an the and or of to in on at for with by from is are was were be been being do does did have has
    had you your yours i me my we our it its this that these those any anything some something there here
    what which who whom whose when where why how can could would should will shall may might must please
    tell about ever recently currently now just also get got just very much many more most other else
    if then than so as into up out over under again please ok okay well right doctor let lets us she he
    her his him they them their mr mrs ms""".split()
)


# articles, prepositions and conjunctions only: for ranking where question words still carry meaning
FUNCTION_WORDS = frozenset("a an the of to in on at my and with for from into down up by".split())


# Words a report uses around a finding that say nothing on their own ('the scan shows ...')
REPORT_FILLER = frozenset("scan scans image images study test tests result results finding findings show shows "
                          "showed shown reveal reveals revealed seen noted lesion lesions comments".split())


def informative_tokens(text: str) -> list[str]:
    """Content words of a report fragment, less its filler: how much a rewritten clause still says."""
    return [t for t in content_tokens(text) if t not in REPORT_FILLER]


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("&", " and ")
    return " ".join(us_spelling(word) for word in _WORD.findall(text))


def tokens(text: str) -> list[str]:
    return normalise(text).split()


def content_tokens(text: str) -> list[str]:
    return [t for t in tokens(text) if t not in STOPWORDS and len(t) > 1]


def stem(token: str) -> str:
    """A crude plural/tense folding: enough for 'pains'/'pain', 'started'/'start'."""
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def contains_phrase(haystack_norm: str, phrase: str) -> bool:
    """Whole-word phrase containment on normalised text."""
    needle = normalise(phrase)
    if not needle:
        return False
    return f" {needle} " in f" {haystack_norm} "


_SPLIT = re.compile(r"(?<=[?;])\s+|\?$|\n+|(?<=[.!])\s+(?=[A-Z])")
_ALSO = re.compile(r",?\s+\b(?:and also|also|and (?:do|does|did|have|has|are|is|any|what|how|when|where|who|which|why)"
                   r"|plus)\b(?:'s|'re)?\s+", re.IGNORECASE)


def split_questions(text: str) -> list[str]:
    """Several questions in one turn get several answers: split on question marks, semicolons, sentence
    breaks and 'and do you...'-style joins. Keeps the joining verb with the second part."""
    parts: list[str] = []
    for chunk in _SPLIT.split(text.strip()):
        if not chunk or not chunk.strip(" ?.;!"):
            continue
        pieces = _ALSO.split(chunk)
        joins = _ALSO.findall(chunk)
        parts.append(pieces[0])
        for join, piece in zip(joins, pieces[1:], strict=False):
            lead = join.strip(", ").split()[-1]
            keep_lead = lead.lower() not in {"also", "plus"}
            parts.append(f"{lead} {piece}" if keep_lead else piece)
    return [p.strip(" ,.;?!") for p in parts if p.strip(" ,.;?!")]


def unicode_fold(text: str) -> str:
    """One form for matching across Unicode tricks: compatibility forms folded (NFKC: full-width letters,
    ligatures), format characters dropped (zero-width space and joiners, soft hyphen, bidi marks) and
    combining marks dropped (an accent placed on a letter of a word still spells the word). Without it a
    zero-width space inside a diagnosis slipped past the leak lint and the runtime filter."""
    import unicodedata

    if text.isascii():
        return text  # the common case, and nothing to fold
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in {"Cf", "Mn", "Me"})
    return unicodedata.normalize("NFKC", kept)


class TypoFixer:
    """Mend one-slip typos ('operashuns' is too far, 'surgry', 'pregancy', 'thristy', 'medcal' are not) against
    a known vocabulary: a word of five letters or more that is not known is replaced by the known word one
    deletion away on either side (a missing, extra, changed or swapped letter), preferring the most frequent.
    Built per vocabulary; lookups are dictionary hits, no distance scans."""

    def __init__(self, words: set[str]):
        self.known = {w for w in words if w.isalpha()}
        self._by_deletion: dict[str, str] = {}
        for word in sorted(self.known, key=lambda w: (len(w), w)):
            if len(word) < 4:
                continue
            self._by_deletion.setdefault(word, word)
            for variant in _deletions(word):
                self._by_deletion.setdefault(variant, word)

    def fix(self, text: str) -> str:
        words = normalise(text).split()
        out = []
        changed = False
        for word in words:
            if len(word) >= 5 and word.isalpha() and word not in self.known and word not in STOPWORDS:
                found = self._by_deletion.get(word) or next(
                    (self._by_deletion[v] for v in _deletions(word) if v in self._by_deletion), None)
                if found is not None and found != word:
                    out.append(found)
                    changed = True
                    continue
            out.append(word)
        return " ".join(out) if changed else text


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}
