"""Demographics from AgentClinic text: '45-year-old male', '4-day-old newborn', '23-year-old college student',
'1100-g (2-lb 7-oz) newborn, 31 weeks' gestation'. An age is required; sex, occupation, weight and gestation
are kept when the text gives them and left unknown (None) when it does not."""

from __future__ import annotations

import re

from agentsim.model.case import Demographics, Sex

_GESTATION = re.compile(r"(\d{2})(?:\s*(?:\+|and)\s*\d/7)?\s*[- ]?\s*(?:weeks?|wks?)['’]?\s*(?:of\s+)?gestation\w*"
                        r"|gestation(?:al age)?\s*(?:of\s*)?(\d{2})\s*(?:weeks?|wks?)", re.I)
_WEIGHT = re.compile(r"(\d+(?:[.,]\d+)?)\s*[- ]?\s*(kg|kilograms?|g|grams?)\b", re.I)
_AGE = re.compile(
    r"(\d+(?:\.\d+)?)\s*[- ]?\s*(years?|yrs?|y/o|y\.o\.?|yo|y|months?|mos?|mo|weeks?|wks?|wk|days?|d|hours?|hrs?|h)"
    r"(?:[- ]old)?\b",
    re.IGNORECASE,
)
_FEMALE = r"\b(female|woman|girl|lady|f)\b"
_MALE = r"\b(male|man|boy|gentleman|m)\b"
_SEX_WORDS = {"female", "male", "woman", "man", "girl", "boy", "lady", "gentleman", "f", "m", "intersex"}
_NOT_OCCUPATION = {"patient", "person", "individual", "adult", "child", "infant", "newborn", "neonate", "baby",
                   "toddler", "adolescent", "teenager", "teen", "previously", "otherwise", "healthy", "presenting",
                   "primigravid", "primigravida", "multigravida", "white", "black", "asian", "hispanic", "caucasian"}
_OCCUPATION_STOP = re.compile(r"[,.;:()]|\b(who|with|presents?|presented|presenting|is|was|has|had|from|comes|came|"
                              r"brought|in|at|on|and|for|of)\b", re.I)


def parse_demographics(text: str) -> Demographics | None:
    """None only when no age can be read; the caller reports that as the reason."""
    lowered = " ".join(text.lower().split())
    gestation = _gestation(lowered)
    rest = _GESTATION.sub(" ", lowered)  # '31 weeks' gestation' is not the age
    weight = _weight_kg(rest)
    rest = _WEIGHT.sub(" ", rest)
    age = _age(rest)
    if age is None:
        return None
    years, months, days = age
    if years > 120:
        return None
    return Demographics(age_years=years, age_months=months if years < 2 else None, age_days=days,
                        sex=_parse_sex(rest), occupation=_occupation(rest), weight_kg=weight,
                        gestation_weeks=gestation)


def _age(lowered: str) -> tuple[int, int | None, int | None] | None:
    """(years, months, days): days only for ages given in days, weeks or hours."""
    match = _AGE.search(lowered)
    if match:
        number, unit = float(match.group(1)), match.group(2)
        if unit.startswith("y"):
            return int(number), None, None
        if unit.startswith("mo"):
            years, months = divmod(int(number), 12)
            return years, months, None
        if unit.startswith("w"):
            days = int(number * 7)
        elif unit.startswith("h"):
            days = int(number // 24)
        else:
            days = int(number)
        if days > 365:
            return days // 365, None, None
        return 0, min(11, int(days // 30.44)), days
    if re.search(r"\b(newborn|neonate|neonatal|new-born)\b", lowered):
        return 0, 0, 0
    bare = re.search(r"\bage[:\s]+(\d{1,3})\b", lowered) or re.search(
        r"\b(\d{1,3})\s*[-,]?\s*(?:[mf]|male|female|man|woman|boy|girl)\b", lowered)
    return (int(bare.group(1)), None, None) if bare else None


def _gestation(lowered: str) -> int | None:
    match = _GESTATION.search(lowered)
    if not match:
        return None
    weeks = int(match.group(1) or match.group(2))
    return weeks if 20 <= weeks <= 44 else None


def _weight_kg(lowered: str) -> float | None:
    match = _WEIGHT.search(lowered)
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    kg = value if match.group(2).startswith("k") else value / 1000
    return round(kg, 3) if 0 < kg <= 400 else None


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


def _occupation(lowered: str) -> str | None:
    """The noun phrase right after the age: 'a 53-year-old landscaper presented' -> 'landscaper'."""
    match = _AGE.search(lowered)
    if not match:
        return None
    tail = _OCCUPATION_STOP.split(lowered[match.end():], maxsplit=1)[0]
    words = re.findall(r"[a-z][a-z-]*", tail)[:3]
    if not words or any(w in _SEX_WORDS or w in _NOT_OCCUPATION for w in words):
        return None
    return " ".join(words)


def describe(demo: Demographics) -> str:
    """Demographics.describe(), but 'newborn girl' rather than '0-day-old infant'."""
    if demo.age_years == 0 and not demo.age_months and not demo.age_days:
        noun = {Sex.FEMALE: "newborn girl", Sex.MALE: "newborn boy"}.get(demo.sex, "newborn") if demo.sex else "newborn"
        if demo.gestation_weeks is not None:
            noun += f" born at {demo.gestation_weeks} weeks' gestation"
        return noun
    return demo.describe()
