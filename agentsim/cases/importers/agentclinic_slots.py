"""Fact slots for the AgentClinic importer: keyword rules that put one sentence of a Patient_Actor section
into a FactSlot, and the id prefix each slot gets."""

from __future__ import annotations

import re

from agentsim.cases.importers.agentclinic_text import ensure_period, upper_first
from agentsim.model.case import FactSlot

# --------------------------------------------------------------------------------------------- slots

_R = re.IGNORECASE
_NEGATIVE = re.compile(r"^(no|not|none|negative|never|without|denies|there (is|was|were|are) no|"
                       r"i (haven't|have not|don't|do not|didn't))\b", _R)
_FAMILY = re.compile(
    r"\bfamily\b|\bruns in\b|\b(mother|father|sister|brother|sibling|grandmother|grandfather|aunt|uncle)'?s?\b"
    r"(?!\s+(reports|notes|says|states|believes|describes|noticed|brought|found|called|is worried|mentions))", _R)
_ON_MEDS = re.compile(r"^(i\s+)?(take|takes|taking|on|currently|medications?|current medications?|i'm on|not on)\b", _R)
_PMH = re.compile(r"\b(medical history|past history|diagnosed|known (case|history)|history of|chronic)\b", _R)
_DURATION_HISTORY = re.compile(r"\d+[- ](hour|day|week|month|year)s?[- ]history", _R)

Rule = tuple[re.Pattern[str], FactSlot]


def _rule(pattern: str, slot: FactSlot) -> Rule:
    return re.compile(pattern, _R), slot


ALLERGY = _rule(r"allerg", FactSlot.ALLERGIES)
SMOKING = _rule(r"smok|cigar|tobacco|\bvap(e|ing)\b|pack[- ]years?", FactSlot.SMOKING)
ALCOHOL = _rule(r"alcohol|\bdrinks?\b|\bdrinking\b|\bbeer\b|\bwine\b|\bethanol\b|\bunits\b", FactSlot.ALCOHOL)
DRUGS = _rule(r"recreational|illicit|cocaine|heroin|cannabis|marijuana|drug use|\binject|methamphetamine|opioid use",
              FactSlot.DRUGS)
TRAVEL = _rule(r"travel|\btrip\b|abroad|visited|moved from|emigrat|immigrat|\bflight\b|sick contacts", FactSlot.TRAVEL)
SEXUAL = _rule(r"sexual|sexually|condom|\bpartners\b|intercourse", FactSlot.SEXUAL_HISTORY)
OCCUPATION = _rule(r"\bwork(s|ed|ing)?\b|\bjob\b|employ|retired|occupation|student|teacher|farmer|engineer|\boffice\b|"
                   r"manager|worker|driver", FactSlot.OCCUPATION)
HOME = _rule(r"\blives?\b|\bliving\b|married|wife|husband|partner|children|\bhome\b|divorced|widow", FactSlot.HOME)
DIET = _rule(r"\bdiet\b|vegetarian|vegan|\beats?\b|nutrition", FactSlot.DIET)
MEDS = _rule(r"medication|medicine|\btak(es|ing)\b|prescribed|tablet|\bpills?\b|inhaler|insulin|contracepti|therapy|"
             r"treated with|regimen|"
             r"\b\w+(pril|olol|statin|sartan|prazole|formin|cillin|mycin|azepam|oxetine|dipine)\b",
             FactSlot.MEDICATIONS)
SURGERY = _rule(r"surg|operation|operated|\w+ectomy\b|\w+otomy\b|\brepair\b", FactSlot.PAST_SURGICAL_HISTORY)
IMMUNISATION = _rule(r"vaccin|immunis|immuniz", FactSlot.IMMUNISATIONS)
OBS_GYN = _rule(r"pregnan|menstru|\bperiods?\b|gravida|\bpara\b|\blmp\b|menopaus|miscarriage",
                FactSlot.OBSTETRIC_GYNAE_HISTORY)
BIRTH = _rule(r"\bbirth\b|delivered|gestation|newborn|neonat|apgar|milestone|developmental|prenatal|antenatal|"
              r"perinatal",
              FactSlot.BIRTH_DEVELOPMENT)
FAMILY: Rule = (_FAMILY, FactSlot.FAMILY_HISTORY)

_HISTORY_RULES: list[Rule] = [ALLERGY, SMOKING, ALCOHOL, DRUGS, TRAVEL, MEDS, SURGERY, BIRTH, FAMILY, OBS_GYN,
                              IMMUNISATION]
_PMH_RULES: list[Rule] = [ALLERGY, MEDS, SURGERY, FAMILY, SMOKING, ALCOHOL, IMMUNISATION, OBS_GYN, BIRTH]
_SOCIAL_RULES: list[Rule] = [SMOKING, ALCOHOL, DRUGS, TRAVEL, SEXUAL, FAMILY, OCCUPATION, HOME, DIET]
_SOCRATES: list[Rule] = [
    _rule(r"radiat|spreads?\b|moves? (to|down|up)", FactSlot.RADIATION),
    _rule(r"\bworse\b|worsen|\bbetter\b|improv|reliev|aggravat|\beases?\b|trigger|exacerbat",
          FactSlot.EXACERBATING_RELIEVING),
    _rule(r"\d+[- ](minute|hour|day|week|month|year)s?\b(?![- ]old)|\bago\b|\bsince\b|\bstarted\b|\bbegan\b|\bonset\b|"
          r"for the (past|last)|sudden", FactSlot.ONSET),
    _rule(r"\bsevere\b|\d+\s*/\s*10\b|out of (10|ten)|\bmild\b|\bmoderate\b|worst", FactSlot.SEVERITY),
    _rule(r"intermittent|constant|episod|comes and goes|\bdaily\b|at night|each time|every", FactSlot.TIMING),
    _rule(r"\bsharp\b|\bdull\b|burning|stabbing|cramp|throbbing|aching|pressure|tight|described as",
          FactSlot.CHARACTER),
    _rule(r"\blocated\b|\bsite\b|left (upper|lower)|right (upper|lower)|quadrant", FactSlot.SITE),
]
_ROS_SYSTEMS: list[Rule] = [
    _rule(r"chest pain|palpitat|syncope|faint|orthopn|ankle swelling|leg swelling|edema|oedema",
          FactSlot.ROS_CARDIOVASCULAR),
    _rule(r"cough|breath|wheez|sputum|dyspn|haemoptysis|hemoptysis", FactSlot.ROS_RESPIRATORY),
    _rule(r"nausea|vomit|diarrh|constipat|abdominal|stool|bowel|appetite|swallow|dysphag|heartburn|jaundice",
          FactSlot.ROS_GASTROINTESTINAL),
    _rule(r"urin|dysuria|haematuria|hematuria|bladder|flank|incontinen|discharge", FactSlot.ROS_GENITOURINARY),
    _rule(r"vision|visual|\beyes?\b|diplopia", FactSlot.ROS_EYES),
    _rule(r"headache|dizz|numb|tingl|weakness|tremor|seizure|confus|neurolog|memory", FactSlot.ROS_NEUROLOGICAL),
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
    _rule(r"concern|worr", FactSlot.CONCERNS), _rule(r"expect", FactSlot.EXPECTATIONS),
    _rule(r"idea|belie", FactSlot.IDEAS),
]


def _first(rules: list[Rule], text: str) -> FactSlot | None:
    return next((slot for pattern, slot in rules if pattern.search(text)), None)


def section_slot(section: str) -> FactSlot | None:
    return _first(_SECTION_SLOTS, section.replace("_", " "))


def classify(text: str, section: str) -> FactSlot:
    """The FactSlot of one sentence from a Patient_Actor section (history, pmh, social, ros, symptoms...)."""
    if section == "pmh":
        rules = _PMH_RULES if _ON_MEDS.match(text) else [r for r in _PMH_RULES if r is not MEDS]
        return _first(rules, text) or FactSlot.PAST_MEDICAL_HISTORY
    if section == "social":
        return _first(_SOCIAL_RULES, text) or FactSlot.HOME
    if section == "ros":
        if _NEGATIVE.search(text):
            return FactSlot.PERTINENT_NEGATIVE
        return _first(_ROS_SYSTEMS, text) or FactSlot.ROS_GENERAL
    slot = _first(_HISTORY_RULES, text)
    if slot:
        return slot
    if section == "narrative":  # NEJM patient_info mixes background into the story
        slot = _first([OCCUPATION, HOME], text)
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


def negative_items(text: str, limit: int = 8) -> list[str]:
    """'No fever, cough, or recent travel.' -> ['fever', 'cough', 'recent travel']"""
    body = _NEGATIVE.sub("", text.strip()).strip(" .")
    body = re.sub(r"^(any|experiencing|having)\s+", "", body, flags=re.I)
    items = [i.strip(" .") for i in re.split(r",\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+", body)]
    return [i for i in items if 2 < len(i) <= 40][:limit]
