"""Text helpers for the AgentClinic importer: JSON values as text, demographics, sentence splitting,
first-person rewriting, keyword aliases, slugs and diagnosis-name removal. Pure functions; no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from agentsim.model.case import mentions

# ---------------------------------------------------------------------------------------------- values


def flatten_value(value: Any) -> str:
    """Any JSON value as one line of text: dicts as 'Key: value; Key: value', lists joined by '; '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return "; ".join(t for t in (flatten_value(v) for v in value) if t)
    if isinstance(value, dict):
        parts = []
        for key, sub in value.items():
            text = flatten_value(sub)
            if not text:
                continue
            parts.append(f"{humanize(key)}: ({text})" if isinstance(sub, dict) and ";" in text
                         else f"{humanize(key)}: {text}")
        return "; ".join(parts)
    return str(value)


def humanize(key: str) -> str:
    """'Chest_X-Ray' -> 'Chest X-Ray'; 'r_o_beta_strep' -> 'R o beta strep'."""
    text = " ".join(str(key).replace("_", " ").split())
    if len(text) > 1 and text[1].isupper():  # 'pH', 'hCG'
        return text
    return text[:1].upper() + text[1:]


def slugify(text: str, max_words: int = 8) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:max_words]
    return "-".join(words)


def is_empty_text(text: str) -> bool:
    """Placeholders the source uses for 'nothing here'."""
    t = text.strip().strip(".").lower()
    return t in {"", "n/a", "na", "none provided", "not provided", "not available", "information not provided",
                 "not applicable", "unknown", "not reported", "not performed", "no data"} or bool(
        re.fullmatch(r"(no additional (symptoms|information|details)|information not available)"
                     r"( (provided|noted|reported)( by the \w+)?)?", t)
    )


# demographics moved to agentclinic_demographics (re-exported for older imports)
from agentsim.cases.importers.agentclinic_demographics import describe, parse_demographics  # noqa: E402, F401


def with_article(phrase: str) -> str:
    return ("An " if re.match(r"(8|11|18|8\d)\b|[aeiou]", phrase.lower()) else "A ") + phrase


# ------------------------------------------------------------------------------------------- sentences

_ABBREV = re.compile(r"\b(dr|mr|mrs|ms|st|vs|approx|no|fig|e\.g|i\.e|etc)\.$", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", " ".join(text.split()))
    out: list[str] = []
    for piece in pieces:
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [p.strip() for p in out if p.strip()]


def lower_first(text: str) -> str:
    """Lowercase the first letter unless the first word looks like an acronym ('ECG', 'HIV')."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def ensure_period(text: str) -> str:
    text = text.strip().rstrip(",;:")
    return text if text[-1:] in ".!?" else f"{text}."


# ----------------------------------------------------------------------------- third -> first person

_VERB_1ST = {
    "is": "am", "has": "have", "was": "was", "does": "do", "feels": "feel", "reports": "report",
    "notes": "note", "mentions": "mention", "describes": "describe", "complains": "complain",
    "presents": "present", "experiences": "experience", "states": "state", "says": "say",
    "believes": "believe", "cites": "cite", "takes": "take", "drinks": "drink", "smokes": "smoke",
    "works": "work", "lives": "live", "uses": "use", "denies": "deny", "noticed": "noticed",
    "had": "had", "developed": "developed", "started": "started", "regained": "regained",
    "underwent": "underwent", "recalls": "recall", "admits": "admit", "attends": "attend",
}
_ADVERB = (r"(?:(?:also|further|additionally|initially|now|recently|currently|still|occasionally|often|rarely|"
           r"previously|never)\s+)?")
_SUBJECT = r"(?:the\s+patient|patient|he|she)"
_REPORTING = r"(?:reports|notes|mentions|describes|complains\s+of|presents\s+with|endorses)"


def to_first_person(sentence: str, child_noun: str | None = None) -> str:
    """Rewrite a third-person sentence as the patient (or, with child_noun, the parent) would say it: the
    sentence's subject, then (for the patient speaking) every later 'he/she/the patient' clause, so no
    "which she believes" or "the patient noticed" is left in patient text."""
    converted = _lead_to_first_person(sentence, child_noun)
    if child_noun:  # the parent speaks: 'he' and 'she' are the child, and stay
        return converted
    return upper_first(_clauses_to_first_person(converted))


# 'is' -> 'am' and friends; a verb not listed loses its third-person -s ('believes' -> 'believe')
_IRREGULAR_1ST = {"is": "am", "was": "was", "has": "have", "does": "do", "goes": "go", "'s": "'m"}
_NOT_VERB_S = {"always", "sometimes", "also", "was", "has", "is", "this", "its", "thus", "perhaps", "less", "unless"}


def _verb_to_first(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR_1ST:
        return _IRREGULAR_1ST[lower]
    if not lower.endswith("s") or lower.endswith("ss") or lower in _NOT_VERB_S:
        return word  # past tense, a modal, or not a verb: unchanged ('noticed', 'can', 'will')
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|sh|ch|x|z|o)es$", lower):
        return word[:-2]
    return word[:-1]


_LATER_SUBJECT = re.compile(r"\b(the\s+patient|he|she)\s+(" + _ADVERB + r")([A-Za-z']+)\b", re.IGNORECASE)


def _clauses_to_first_person(text: str) -> str:
    """Subjects later in the sentence: 'which she believes' -> 'which I believe', 'he's been' -> "I've been"."""
    text = re.sub(r"\b(?:he|she)'s\s+(been|had|got|never|always)\b", r"I've \1", text, flags=re.I)
    text = re.sub(r"\b(?:he|she)'s\b", "I'm", text, flags=re.I)
    text = re.sub(r"\bthe\s+patient's\b", "my", text, flags=re.I)
    text = _LATER_SUBJECT.sub(lambda m: f"I {m.group(2).lower()}{_verb_to_first(m.group(3))}", text)
    text = re.sub(r"\b(?:the\s+)?patient\b", "me", text, flags=re.I)
    text = re.sub(r"\bI've had being\b", "I've been", text)
    text = re.sub(r"\bI have had being\b", "I have been", text)
    return text


_SUBJECTLESS = [
    (re.compile(r"^non[- ]?smoker\.?$", re.I), "I don't smoke."),
    (re.compile(r"^ex[- ]?smoker\b\.?", re.I), "I used to smoke"),
    (re.compile(r"^(?:tee[- ]?total|teetotal|teetotaller|does not drink|doesn't drink)\.?$", re.I), "I don't drink."),
]


def subjectless_to_first_person(text: str) -> str:
    """Bare record shorthand a patient would not say: 'Non-smoker.' -> "I don't smoke." """
    for pattern, spoken in _SUBJECTLESS:
        if pattern.search(text.strip()):
            return pattern.sub(spoken, text.strip(), count=1)
    return text


# an age or a bare sex word: what parse_demographics reads, not a social fact
_AGE_OR_SEX = re.compile(r"\d|\b(?:year|month|week|day)s?[- ]old\b|^(?:female|male|woman|man|girl|boy|f|m|intersex)$",
                         re.IGNORECASE)


def demographics_facts(text: str) -> list[str]:
    """What a demographics line says beyond age and sex, as the patient would say it: '38-year-old female, works
    as a teacher, lives with her husband' -> ['I work as a teacher.', 'I live with my husband.']."""
    out = []
    for clause in re.split(r"[,;]\s*|\.\s+|\s+and\s+(?=(?:works|lives|is|has|was)\b)", text):
        clause = clause.strip(" .")
        if not clause or _AGE_OR_SEX.search(clause):
            continue
        if not re.search(r"\b(work|works|worked|working|job|retired|student|employed|unemployed|lives|living|lives"
                         r"|home|married|widow|widowed|divorced|single)\b", clause, re.I):
            continue
        spoken = to_first_person(re.sub(r"^(?:who|and)\s+", "", clause, flags=re.I))
        if re.match(r"^(retired|unemployed|married|widowed|divorced|single|a\s|an\s)", spoken, re.I):
            spoken = f"I'm {lower_first(spoken)}"
        out.append(ensure_period(upper_first(spoken)))
    return out


def _lead_to_first_person(sentence: str, child_noun: str | None = None) -> str:
    s = sentence.strip()
    # "Denies X" / "The patient denies experiencing any X" -> "No X."
    m = re.match(rf"^(?:{_SUBJECT}\s+)?{_ADVERB}denies\s+(?:(?:experiencing|having|any)\s+)*(.+)$", s, re.I)
    if m:
        return upper_first(_possessives(f"No {m.group(1)}"))
    if child_noun:  # the parent speaks: "He has been fussy" -> "My son has been fussy"
        m = re.match(r"^the\s+patient's\s", s, re.I)
        if m:
            return f"My {child_noun}'s {s[m.end():]}"
        m = re.match(rf"^{_SUBJECT}\s", s, re.I)
        return f"My {child_noun} {s[m.end():]}" if m else s
    m = re.match(r"^(?:the\s+patient's|his|her)\s+", s, re.I)
    if m:
        return _possessives(f"My {s[m.end():]}")
    m = re.match(rf"^(?:{_SUBJECT}\s+)?({_ADVERB}){_REPORTING}\s+(that\s+)?(.+)$", s, re.I)
    if m:
        adverb, that, rest = m.group(1), m.group(2), m.group(3)
        if that:
            return upper_first(_possessives(to_first_person(rest)))
        if re.match(r"(experiencing|having|feeling|noticing)\b", rest, re.I):
            return _possessives(f"I've {adverb}been {rest}")
        return _possessives(f"I've {adverb}had {rest}")
    lead = re.match(rf"^((?:over|in|for|during|since|after|before|on|at|today|yesterday|recently|earlier|last|this|"
                    rf"about|a few|several|one|two|three|four|five|six|seven|\d)\b[^,.;]{{0,40}}?,?\s+)"
                    rf"({_SUBJECT}\s+{_ADVERB}\w+\b.*)$", s, re.I)
    if lead:
        converted = to_first_person(lead.group(2))
        if converted != lead.group(2):
            return f"{lead.group(1)}{lower_first(converted) if not converted.startswith('I') else converted}"
    m = re.match(rf"^(?:{_SUBJECT}\s+)({_ADVERB})(\w+)\b(.*)$", s, re.I)
    if not m:
        # subjectless MIMIC style: "Works in a bank." / "Occasionally drinks alcohol."
        bare = re.match(rf"^({_ADVERB})(\w+)\b(.*)$", s, re.I)
        if bare and bare.group(2).lower().endswith("s") and bare.group(2).lower() not in {"is", "was"}:
            m = bare
    if m and m.group(2).lower() in _VERB_1ST:
        adverb, verb, rest = m.group(1), m.group(2).lower(), m.group(3)
        return _possessives(f"I {adverb.lower()}{_VERB_1ST[verb]}{rest}")
    return s


def _possessives(text: str) -> str:
    """Finish a converted sentence: later verbs joined by and/but, possessives, contractions."""
    # 'her' before a word that cannot follow a possessive is the object: 'told her that' -> 'told me that'
    text = re.sub(r"\bher\b(?=\s*(?:$|[.,;:!?]|\s(?:to|that|the|a|an|and|at|in|on|for|with|about|up|off|out|"
                  r"again|so|when|if|because)\b))", "me", text)
    text = re.sub(rf"\b(and|but)\s+{_REPORTING}\s+(?=(experiencing|having|feeling)\b)", r"\1 I've been ", text,
                  flags=re.I)
    text = re.sub(rf"\b(and|but)\s+{_REPORTING}\s+", r"\1 I've had ", text, flags=re.I)
    text = re.sub(r"\b(and|but)\s+(\w+)\b",
                  lambda x: f"{x.group(1)} {_VERB_1ST.get(x.group(2).lower(), x.group(2))}", text)
    text = re.sub(r"\b(?:his|her)\b", "my", text)
    text = re.sub(r"\bhim\b", "me", text)
    text = re.sub(r"\b(?:himself|herself)\b", "myself", text)
    return re.sub(r"\bI have been\b", "I've been", text)


def second_to_first_person(text: str) -> str:
    """NEJM patient_info addresses the actor as 'you': rewrite as the patient speaking."""
    rules = [
        (r"\byou are\b", "I am"), (r"\byou're\b", "I'm"), (r"\byou've\b", "I've"), (r"\byou'd\b", "I'd"),
        (r"\byou'll\b", "I'll"), (r"\byou were\b", "I was"), (r"\byourself\b", "myself"),
        (r"\byours\b", "mine"), (r"\byour\b", "my"),
    ]
    for pattern, repl in rules:
        text = re.sub(pattern, _keep_case(repl), text, flags=re.I)
    subject_before = r"(^|[,;:]\s*|\b(?:and|but|that|when|if|because|so|which|as|where|while|who|until|since|or)\s+)"
    text = re.sub(subject_before + r"you\b", lambda m: f"{m.group(1)}I", text, flags=re.I)
    return re.sub(r"\byou\b", "me", text, flags=re.I)


# ------------------------------------------------------------------------------------------- aliases

STOPWORDS = set(
    "a an the and or but of to in on at for with from by as is are was were be been being has have had do does did "
    "not no nor any some this that these those it its i my me we our you your he she his her him they them their "
    "there here which who whom whose what when where why how also very about over under after before during "
    "since until than then into onto upon past last few much many more most other such only just still now "
    "patient patients reports reported report notes noted states describes mentions presents denies history "
    "significant recent recently experiencing having feeling noticed notice well would could should may might "
    "been being like ever never without within while because though although month months week weeks year "
    "years days hours minutes about good despite others both each known feel feels felt time times getting "
    "several around approximately today yesterday night".split()
)


def keywords(text: str, limit: int = 5) -> list[str]:
    out: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'-]+", text):
        w = word.lower().strip("'-")
        if len(w) < 4 or "'" in w or w.endswith("-old") or w in STOPWORDS or w in out:
            continue
        out.append(w)
        if len(out) >= limit:
            break
    return out


def remove_phrases(text: str, phrases: list[str]) -> str:
    """Delete each phrase (whole-word, case-insensitive, as Case's validator matches), with a qualifier such as
    'suspected' in front of it, and tidy up."""
    qualifier = r"(?:\b(?:suspected|possible|probable|likely|presumed|known|query)\s+)?"
    for phrase in sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True):
        text = re.sub(rf"{qualifier}(?<![\w-]){re.escape(phrase)}(?![\w-])", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"([,;:])\s*([,;:.])", r"\2", text)
    return " ".join(text.split()).strip(" ,;:")


def names_any(text: str, names: list[str]) -> bool:
    return any(mentions(text, n) for n in names)


def _keep_case(repl: str) -> Callable[[re.Match[str]], str]:
    """A replacement capitalised where the word it replaces was (a sentence start), except 'I', always capital."""

    def sub(m: re.Match[str]) -> str:
        return repl.capitalize() if m.group(0)[0].isupper() and repl[0] != "I" else repl

    return sub
