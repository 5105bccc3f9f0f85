"""Text helpers for the AgentClinic importer: demographics, sentence splitting, first-person rewriting,
fact slots, keyword aliases and slugs. Pure functions; no I/O."""

from __future__ import annotations

import re
from typing import Any

from agentsim.model.case import Demographics, FactSlot, Sex, mentions

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
            parts.append(f"{humanize(key)}: ({text})" if isinstance(sub, dict) and ";" in text else f"{humanize(key)}: {text}")
        return "; ".join(parts)
    return str(value)


def humanize(key: str) -> str:
    """'Chest_X-Ray' -> 'Chest X-Ray'; 'r_o_beta_strep' -> 'R o beta strep'."""
    text = " ".join(str(key).replace("_", " ").split())
    return text[:1].upper() + text[1:] if text else text


def slugify(text: str, max_words: int = 8) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:max_words]
    return "-".join(words)


def is_empty_text(text: str) -> bool:
    """Placeholders the source uses for 'nothing here'."""
    t = text.strip().strip(".").lower()
    return t in {"", "n/a", "na", "none provided", "not provided", "not available", "information not provided",
                 "not applicable", "unknown", "not reported", "not performed", "no data"} or bool(
        re.fullmatch(r"(no additional (symptoms|information|details)|information not available)( (provided|noted|reported)( by the \w+)?)?", t)
    )


# ---------------------------------------------------------------------------------------- demographics

_AGE = re.compile(
    r"(\d+(?:\.\d+)?)\s*[- ]?\s*(years?|yrs?|y/o|y\.o\.?|yo|y|months?|mos?|mo|weeks?|wks?|wk|days?|d)\b",
    re.IGNORECASE,
)
_FEMALE = r"\b(female|woman|girl|lady|f)\b"
_MALE = r"\b(male|man|boy|gentleman|m)\b"


def parse_demographics(text: str) -> Demographics | None:
    """'45-year-old male', 'A 3-week-old girl', '62 yo woman', 'Newborn, female'. None if age or sex is missing."""
    lowered = text.lower()
    sex = _parse_sex(lowered)
    if sex is None:
        return None
    years: int | None = None
    months: int | None = None
    match = _AGE.search(lowered)
    if match:
        number, unit = float(match.group(1)), match.group(2)
        if unit.startswith("y"):
            years = int(number)
        elif unit.startswith("mo"):
            total = int(number)
            years, months = divmod(total, 12)
        elif unit.startswith("w"):
            years, months = 0, min(11, int(number // 4.345))
        else:
            years, months = 0, min(11, int(number // 30.44))
    elif re.search(r"\b(newborn|neonate|neonatal)\b", lowered):
        years, months = 0, 0
    else:
        bare = re.search(r"\bage[:\s]+(\d{1,3})\b", lowered) or re.search(
            r"\b(\d{1,3})\s*[-,]?\s*(?:[mf]|male|female|man|woman|boy|girl)\b", lowered)
        if bare:
            years = int(bare.group(1))
    if years is None or years > 120:
        return None
    if years >= 2:
        months = None
    return Demographics(age_years=years, age_months=months, sex=sex)


def _parse_sex(lowered: str) -> Sex | None:
    if re.search(r"\bintersex\b", lowered):
        return Sex.INTERSEX
    female = re.search(_FEMALE, lowered)
    male = re.search(_MALE, lowered)
    if female and male:
        return Sex.FEMALE if female.start() < male.start() else Sex.MALE
    if female:
        return Sex.FEMALE
    if male:
        return Sex.MALE
    glued = re.search(r"\d\s*(m|f)\b", lowered)  # '45M', '3f'
    if glued:
        return Sex.MALE if glued.group(1) == "m" else Sex.FEMALE
    return None


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
_ADVERB = r"(?:(?:also|further|additionally|initially|now|recently|currently|still|occasionally|often|rarely|previously|never)\s+)?"
_SUBJECT = r"(?:the\s+patient|patient|he|she)"
_REPORTING = r"(?:reports|notes|mentions|describes|complains\s+of|presents\s+with|endorses)"


def to_first_person(sentence: str, child_noun: str | None = None) -> str:
    """Rewrite a simple third-person sentence as the patient (or, with child_noun, the parent) would say it.
    Sentences that do not start with the patient as subject are returned unchanged."""
    s = sentence.strip()
    # "Denies X" / "The patient denies experiencing any X" -> "No X."
    m = re.match(rf"^(?:{_SUBJECT}\s+)?{_ADVERB}denies\s+(?:(?:experiencing|having|any)\s+)*(.+)$", s, re.I)
    if m:
        return upper_first(_possessives(f"No {m.group(1)}"))
    if child_noun:
        m = re.match(rf"^{_SUBJECT}\b", s, re.I)
        if m:
            return f"My {child_noun}{s[m.end():]}"
        m = re.match(r"^the\s+patient's\b", s, re.I)
        return f"My {child_noun}'s{s[m.end():]}" if m else s
    m = re.match(r"^(?:the\s+patient's|his|her)\s+", s, re.I)
    if m and not re.match(r"^(his|her)\s+(mother|father|wife|husband|partner|parents?|family)\b", s, re.I):
        return _possessives(f"My {s[m.end():]}")
    m = re.match(rf"^(?:{_SUBJECT}\s+)?({_ADVERB}){_REPORTING}\s+(that\s+)?(.+)$", s, re.I)
    if m:
        adverb, that, rest = m.group(1), m.group(2), m.group(3)
        if that:
            return upper_first(_possessives(to_first_person(rest)))
        if re.match(r"(experiencing|having|feeling|noticing)\b", rest, re.I):
            return _possessives(f"I've {adverb}been {rest}")
        return _possessives(f"I've {adverb}had {rest}")
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
    text = re.sub(rf"\b(and|but)\s+{_REPORTING}\s+(?=(experiencing|having|feeling)\b)", r"\1 I've been ", text, flags=re.I)
    text = re.sub(rf"\b(and|but)\s+{_REPORTING}\s+", r"\1 I've had ", text, flags=re.I)
    text = re.sub(r"\b(and|but)\s+(\w+)\b", lambda x: f"{x.group(1)} {_VERB_1ST.get(x.group(2).lower(), x.group(2))}", text)
    text = re.sub(r"\b(?:his|her)\b(?!\s+(?:mother|father|wife|husband|partner|parents?)\b)", "my", text)
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
        text = re.sub(pattern, lambda m, r=repl: r.capitalize() if m.group(0)[0].isupper() and r[0] != "I" else r,
                      text, flags=re.I)
    subject_before = r"(^|[,;:]\s*|\b(?:and|but|that|when|if|because|so|which|as|where|while|who|until|since|or)\s+)"
    text = re.sub(subject_before + r"you\b", lambda m: f"{m.group(1)}I", text, flags=re.I)
    return re.sub(r"\byou\b", "me", text, flags=re.I)


# --------------------------------------------------------------------------------------------- slots

_R = re.IGNORECASE
_NEGATIVE = re.compile(r"^(no|not|none|negative|never|without|denies|there (is|was|were|are) no|i (haven't|have not|don't|do not|didn't))\b", _R)
_FAMILY = re.compile(
    r"\bfamily\b|\bruns in\b|\b(mother|father|sister|brother|sibling|grandmother|grandfather|aunt|uncle)'?s?\b"
    r"(?!\s+(reports|notes|says|states|believes|describes|noticed|brought|found|called|is worried|mentions))", _R)
_PMH = re.compile(r"\b(medical history|past history|diagnosed|known (case|history)|history of|chronic)\b", _R)
_DURATION_HISTORY = re.compile(r"\d+[- ](hour|day|week|month|year)s?[- ]history", _R)

Rule = tuple[re.Pattern[str], FactSlot]


def _rule(pattern: str, slot: FactSlot) -> Rule:
    return re.compile(pattern, _R), slot


ALLERGY = _rule(r"allerg", FactSlot.ALLERGIES)
SMOKING = _rule(r"smok|cigar|tobacco|\bvap(e|ing)\b|pack[- ]years?", FactSlot.SMOKING)
ALCOHOL = _rule(r"alcohol|\bdrinks?\b|\bdrinking\b|\bbeer\b|\bwine\b|\bethanol\b|\bunits\b", FactSlot.ALCOHOL)
DRUGS = _rule(r"recreational|illicit|cocaine|heroin|cannabis|marijuana|drug use|\binject|methamphetamine|opioid use", FactSlot.DRUGS)
TRAVEL = _rule(r"travel|\btrip\b|abroad|visited|moved from|emigrat|immigrat|\bflight\b|sick contacts", FactSlot.TRAVEL)
SEXUAL = _rule(r"sexual|sexually|condom|\bpartners\b|intercourse", FactSlot.SEXUAL_HISTORY)
OCCUPATION = _rule(r"\bworks?\b|\bjob\b|employ|retired|occupation|student|teacher|farmer|engineer|\boffice\b|manager|worker|driver", FactSlot.OCCUPATION)
HOME = _rule(r"\blives?\b|\bliving\b|married|wife|husband|partner|children|\bhome\b|divorced|widow", FactSlot.HOME)
DIET = _rule(r"\bdiet\b|vegetarian|vegan|\beats?\b|nutrition", FactSlot.DIET)
MEDS = _rule(r"medication|medicine|\btak(es|ing)\b|prescribed|tablet|\bpills?\b|inhaler|insulin|contracepti|therapy|treated with|regimen|"
             r"\b\w+(pril|olol|statin|sartan|prazole|formin|cillin|mycin|azepam|oxetine|dipine)\b", FactSlot.MEDICATIONS)
SURGERY = _rule(r"surg|operation|operated|\w+ectomy\b|\w+otomy\b|\brepair\b", FactSlot.PAST_SURGICAL_HISTORY)
IMMUNISATION = _rule(r"vaccin|immunis|immuniz", FactSlot.IMMUNISATIONS)
OBS_GYN = _rule(r"pregnan|menstru|\bperiods?\b|gravida|\bpara\b|\blmp\b|menopaus|miscarriage", FactSlot.OBSTETRIC_GYNAE_HISTORY)
BIRTH = _rule(r"\bbirth\b|delivered|gestation|newborn|neonat|apgar|milestone|developmental", FactSlot.BIRTH_DEVELOPMENT)
FAMILY: Rule = (_FAMILY, FactSlot.FAMILY_HISTORY)

_HISTORY_RULES: list[Rule] = [ALLERGY, SMOKING, ALCOHOL, DRUGS, TRAVEL, MEDS, SURGERY, BIRTH, FAMILY, OBS_GYN, IMMUNISATION]
_PMH_RULES: list[Rule] = [ALLERGY, MEDS, SURGERY, FAMILY, SMOKING, ALCOHOL, IMMUNISATION, OBS_GYN, BIRTH]
_SOCIAL_RULES: list[Rule] = [SMOKING, ALCOHOL, DRUGS, TRAVEL, SEXUAL, FAMILY, OCCUPATION, HOME, DIET]
_SOCRATES: list[Rule] = [
    _rule(r"radiat|spreads?\b|moves? (to|down|up)", FactSlot.RADIATION),
    _rule(r"\bworse\b|worsen|\bbetter\b|improv|reliev|aggravat|\beases?\b|trigger|exacerbat", FactSlot.EXACERBATING_RELIEVING),
    _rule(r"\d+[- ](minute|hour|day|week|month|year)s?\b|\bago\b|\bsince\b|\bstarted\b|\bbegan\b|\bonset\b|for the (past|last)|sudden", FactSlot.ONSET),
    _rule(r"\bsevere\b|\d+\s*/\s*10\b|out of (10|ten)|\bmild\b|\bmoderate\b|worst", FactSlot.SEVERITY),
    _rule(r"intermittent|constant|episod|comes and goes|\bdaily\b|at night|each time|every", FactSlot.TIMING),
    _rule(r"\bsharp\b|\bdull\b|burning|stabbing|cramp|throbbing|aching|pressure|tight|described as", FactSlot.CHARACTER),
    _rule(r"\blocated\b|\bsite\b|left (upper|lower)|right (upper|lower)|quadrant", FactSlot.SITE),
]
_ROS_SYSTEMS: list[Rule] = [
    _rule(r"chest pain|palpitat|syncope|faint|orthopn|ankle swelling|leg swelling|edema|oedema", FactSlot.ROS_CARDIOVASCULAR),
    _rule(r"cough|breath|wheez|sputum|dyspn|haemoptysis|hemoptysis", FactSlot.ROS_RESPIRATORY),
    _rule(r"nausea|vomit|diarrh|constipat|abdominal|stool|bowel|appetite|swallow|dysphag|heartburn|jaundice", FactSlot.ROS_GASTROINTESTINAL),
    _rule(r"urin|dysuria|haematuria|hematuria|bladder|flank|incontinen|discharge", FactSlot.ROS_GENITOURINARY),
    _rule(r"vision|visual|\beyes?\b|diplopia", FactSlot.ROS_EYES),
    _rule(r"headache|dizz|numb|tingl|weakness|seizure|confus|neurolog|memory", FactSlot.ROS_NEUROLOGICAL),
    _rule(r"joint|muscle|back pain|arthralg|myalg|stiffness", FactSlot.ROS_MUSCULOSKELETAL),
    _rule(r"rash|skin|itch|lesion|bruis", FactSlot.ROS_SKIN),
    _rule(r"mood|depress|anxi|sleep|psychiatric|suicid|hallucinat", FactSlot.ROS_PSYCHIATRIC),
    _rule(r"heat intolerance|cold intolerance|thirst|polyuria|weight gain|sweating", FactSlot.ROS_ENDOCRINE),
    _rule(r"bleed|lymph|swollen glands", FactSlot.ROS_HAEMATOLOGICAL),
    _rule(r"\bears?\b|hearing|sore throat|nasal|sinus|tinnitus", FactSlot.ROS_ENT),
]

# Patient_Actor keys beyond the standard ones, mapped by keyword on the key itself
_SECTION_SLOTS: list[Rule] = [
    _rule(r"family", FactSlot.FAMILY_HISTORY), _rule(r"allerg", FactSlot.ALLERGIES),
    _rule(r"medic|drug|prescri", FactSlot.MEDICATIONS), _rule(r"surg", FactSlot.PAST_SURGICAL_HISTORY),
    _rule(r"obst|gyn|menstr|pregn", FactSlot.OBSTETRIC_GYNAE_HISTORY), _rule(r"immun|vaccin", FactSlot.IMMUNISATIONS),
    _rule(r"birth|develop|perinatal|prenatal", FactSlot.BIRTH_DEVELOPMENT), _rule(r"diet|nutri|feed", FactSlot.DIET),
    _rule(r"travel", FactSlot.TRAVEL), _rule(r"sexual", FactSlot.SEXUAL_HISTORY),
    _rule(r"occupation|work|employ", FactSlot.OCCUPATION), _rule(r"psych|mental", FactSlot.ROS_PSYCHIATRIC),
    _rule(r"concern|worr", FactSlot.CONCERNS), _rule(r"expect", FactSlot.EXPECTATIONS), _rule(r"idea|belie", FactSlot.IDEAS),
]


def _first(rules: list[Rule], text: str) -> FactSlot | None:
    return next((slot for pattern, slot in rules if pattern.search(text)), None)


def section_slot(section: str) -> FactSlot | None:
    return _first(_SECTION_SLOTS, section.replace("_", " "))


def classify(text: str, section: str) -> FactSlot:
    """The FactSlot of one sentence from a Patient_Actor section (history, pmh, social, ros, symptoms...)."""
    if section == "pmh":
        return _first(_PMH_RULES, text) or FactSlot.PAST_MEDICAL_HISTORY
    if section == "social":
        return _first(_SOCIAL_RULES, text) or FactSlot.HOME
    if section == "ros":
        if _NEGATIVE.search(text):
            return FactSlot.PERTINENT_NEGATIVE
        return _first(_ROS_SYSTEMS, text) or FactSlot.ROS_GENERAL
    slot = _first(_HISTORY_RULES, text)
    if slot:
        return slot
    if _NEGATIVE.search(text):
        return FactSlot.PERTINENT_NEGATIVE
    if _PMH.search(text) and not _DURATION_HISTORY.search(text):
        return FactSlot.PAST_MEDICAL_HISTORY
    return _first(_SOCRATES, text) or FactSlot.ASSOCIATED_SYMPTOMS


def split_clauses(sentence: str, section: str) -> list[str]:
    """'Non-smoker, drinks wine occasionally, retired teacher.' -> one clause per slot, when every clause
    has its own distinct, keyword-matched slot. Otherwise the sentence stays whole."""
    clauses = [c.strip(" .") for c in re.split(r"[,;]\s+", sentence) if c.strip(" .")]
    if len(clauses) < 2:
        return [sentence]
    rules = _SOCIAL_RULES if section == "social" else _HISTORY_RULES
    slots = [_first(rules, c) for c in clauses]
    if None in slots or len(set(slots)) != len(slots):
        return [sentence]
    return [ensure_period(upper_first(c)) for c in clauses]


SLOT_PREFIX = {
    FactSlot.PRESENTING_COMPLAINT: "pc", FactSlot.PERTINENT_NEGATIVE: "neg", FactSlot.PAST_MEDICAL_HISTORY: "pmh",
    FactSlot.PAST_SURGICAL_HISTORY: "psh", FactSlot.MEDICATIONS: "meds", FactSlot.ALLERGIES: "allergy",
    FactSlot.FAMILY_HISTORY: "fh", FactSlot.ASSOCIATED_SYMPTOMS: "assoc", FactSlot.EXACERBATING_RELIEVING: "exac",
    FactSlot.OBSTETRIC_GYNAE_HISTORY: "obgyn", FactSlot.BIRTH_DEVELOPMENT: "birth", FactSlot.IMMUNISATIONS: "imms",
}


def fact_prefix(slot: FactSlot) -> str:
    if slot in SLOT_PREFIX:
        return SLOT_PREFIX[slot]
    return slot.value.replace("social_", "sh_")


# ------------------------------------------------------------------------------------------- aliases

STOPWORDS = set(
    "a an the and or but of to in on at for with from by as is are was were be been being has have had do does did "
    "not no nor any some this that these those it its i my me we our you your he she his her him they them their "
    "there here which who whom whose what when where why how also very about over under after before during "
    "since until than then into onto upon past last few much many more most other such only just still now "
    "patient patients reports reported report notes noted states describes mentions presents denies history "
    "significant recent recently experiencing having feeling noticed notice well would could should may might "
    "been being like ever never without within while because though although".split()
)


def keywords(text: str, limit: int = 5) -> list[str]:
    out: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'-]+", text):
        w = word.lower().strip("'-")
        if len(w) < 4 or w in STOPWORDS or w in out:
            continue
        out.append(w)
        if len(out) >= limit:
            break
    return out


def negative_items(text: str, limit: int = 8) -> list[str]:
    """'No fever, cough, or recent travel.' -> ['fever', 'cough', 'recent travel']"""
    body = _NEGATIVE.sub("", text.strip()).strip(" .")
    body = re.sub(r"^(any|experiencing|having)\s+", "", body, flags=re.I)
    items = [i.strip(" .") for i in re.split(r",\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+", body)]
    return [i for i in items if 2 < len(i) <= 40][:limit]


def remove_phrases(text: str, phrases: list[str]) -> str:
    """Delete each phrase (whole-word, case-insensitive, as Case's validator matches) and tidy up."""
    for phrase in sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"([,;:])\s*([,;:.])", r"\2", text)
    return " ".join(text.split()).strip(" ,;:")


def names_any(text: str, names: list[str]) -> bool:
    return any(mentions(text, n) for n in names)
