"""Questions that ask a case's facts back: per fact, phrasings of several styles (direct from its aliases, lay
words from the lexicon and HPO's layperson synonyms, the clinical HPO term, a UK/US spelling variant), plus
"anything else?", demographics and absent items (concepts no fact of the case holds).

Generated from the case alone, never from the patient under audit, so any patient (offline or LLM) can be probed.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

from agentsim.match.facts import GENERIC, fact_concepts
from agentsim.match.inquiry import SLOT_INQUIRY
from agentsim.match.text import content_tokens, normalise, us_spelling
from agentsim.model.case import Case, Fact, FactSlot
from agentsim.model.provenance import InquiryType
from agentsim.vocab.concepts import vocabulary


class ProbeStyle(StrEnum):
    DIRECT = "direct"
    LAY = "lay"
    CLINICAL = "clinical"
    SPELLING = "spelling"  # the UK or US spelling the case did not use
    ANYTHING_ELSE = "anything_else"
    DEMOGRAPHICS = "demographics"
    ABSENT = "absent"


class Probe(BaseModel):
    question: str
    style: ProbeStyle
    inquiry: InquiryType
    fact_id: str | None = None  # the fact that must be told; None for absent, anything-else, demographics
    expect: str | None = None  # demographics: text the answer must contain


_TEMPLATES: dict[InquiryType, str] = {
    InquiryType.MEDICATIONS: "Do you take any {x}?",
    InquiryType.PAST_MEDICAL_HISTORY: "Have you ever had {x}?",
    InquiryType.PAST_SURGICAL_HISTORY: "Have you had any {x}?",
    InquiryType.ALLERGIES: "Are you allergic to {x}?",
    InquiryType.FAMILY_HISTORY: "Does anyone in your family have {x}?",
    InquiryType.SOCIAL_SMOKING: "Tell me about {x}.",
    InquiryType.SOCIAL_ALCOHOL: "What about {x}?",
    InquiryType.SOCIAL_OCCUPATION: "Tell me about your {x}.",
    InquiryType.SOCIAL_HOME: "Tell me about your {x}.",
    InquiryType.OBSTETRIC_GYNAE: "What about your {x}?",
    InquiryType.IDEAS: "What do you think is causing this?",
    InquiryType.CONCERNS: "Is anything worrying you?",
    InquiryType.EXPECTATIONS: "What are you hoping we can do today?",
    InquiryType.PRESENTING_COMPLAINT: "What brings you in today?",
}
_QUESTION_START = re.compile(r"^(what|when|where|how|which|who|why|do|does|did|is|are|have|has|any|can|tell)\b",
                             re.I)
# symptoms a case may not hold: asked as absent items when no fact names them
ABSENT_ITEMS = ("a rash", "a fever", "a cough", "headaches", "chest pain", "diarrhoea", "blood in your urine",
                "ankle swelling", "double vision", "hair loss", "a sore throat", "joint pain", "palpitations",
                "nosebleeds", "a seizure", "itching", "night sweats", "vomiting", "back pain", "hearing loss")
ABSENT_OPERATIONS = ("your appendix out", "your gallbladder removed", "a hip replacement")


def _ask(inquiry: InquiryType, phrase: str) -> str:
    if _QUESTION_START.match(phrase) and len(phrase.split()) >= 2:
        return phrase[0].upper() + phrase[1:].rstrip("?") + "?"
    template = _TEMPLATES.get(inquiry)
    if template is None or "{x}" not in template:
        if inquiry in (InquiryType.IDEAS, InquiryType.CONCERNS, InquiryType.EXPECTATIONS,
                       InquiryType.PRESENTING_COMPLAINT):
            return template or f"Tell me about the {phrase}."
        if inquiry in (InquiryType.SITE, InquiryType.ONSET, InquiryType.CHARACTER, InquiryType.RADIATION,
                       InquiryType.TIMING, InquiryType.EXACERBATING_RELIEVING, InquiryType.SEVERITY):
            return f"Can you tell me about the {phrase}?"
        return f"Have you had any {phrase}?"
    return template.format(x=phrase)


def fact_inquiry(fact: Fact) -> InquiryType:
    if fact.slot is FactSlot.ASSOCIATED_SYMPTOMS:
        return InquiryType.SPECIFIC_SYMPTOM
    return SLOT_INQUIRY.get(fact.slot, InquiryType.SPECIFIC_SYMPTOM)


def _spelling_variant(text: str) -> str | None:
    words = text.split()
    swapped = [us_spelling(w.lower()) for w in words]
    if swapped != [w.lower() for w in words]:
        return " ".join(swapped)
    return None


# which concepts make a fair lay or clinical rewording of a fact, by what the fact is about
_WORDING_KINDS: dict[InquiryType, frozenset[str]] = {
    InquiryType.SPECIFIC_SYMPTOM: frozenset({"hpo", "idiom", "lay_link"}),
    InquiryType.PAST_MEDICAL_HISTORY: frozenset({"hpo"}),
    InquiryType.FAMILY_HISTORY: frozenset({"hpo"}),
    InquiryType.MEDICATIONS: frozenset({"drug_class", "contraception", "otc"}),
}


def _kind(concept: str) -> str:
    if concept.startswith("HP:"):
        return "hpo"
    entry = vocabulary().lexicon.get(concept)
    return entry.kind if entry else ""


def fact_probes(fact: Fact, others: frozenset[str] = frozenset()) -> list[Probe]:
    """Phrasings asking for `fact`. `others`: concepts other facts of the case hold; a rewording through one of
    them would be a fair question about another fact too, so it is not used."""
    inquiry = fact_inquiry(fact)
    probes: list[Probe] = []
    seen: set[str] = set()

    def add(phrase: str, style: ProbeStyle) -> None:
        question = _ask(inquiry, phrase)
        if normalise(question) in seen:
            return
        seen.add(normalise(question))
        probes.append(Probe(question=question, style=style, inquiry=inquiry, fact_id=fact.id))

    aliases = [a for a in fact.aliases if len(a) > 2 and set(content_tokens(a)) - GENERIC - {"else"}]
    specific = sorted(aliases, key=lambda a: (-len(a.split()), -len(a)))[:2]
    for alias in specific:
        add(alias, ProbeStyle.DIRECT)
    vocab = vocabulary()
    kinds = _WORDING_KINDS.get(inquiry, frozenset())
    concepts = sorted(c for c in fact_concepts(fact.text, tuple(fact.aliases)) if _kind(c) in kinds and c not in others)
    lay: list[str] = []
    for concept in concepts:
        entry = vocab.lexicon.get(concept)
        if entry is not None:
            lay.extend(t for t in entry.terms if t not in normalise(fact.text))
        lay.extend(s.lower() for s in vocab.lay_synonyms(concept))
    if lay:
        add(lay[0], ProbeStyle.LAY)
    clinical = [vocab.name(c).lower() for c in concepts if c.startswith("HP:")]
    if clinical:
        add(clinical[0], ProbeStyle.CLINICAL)
    for alias in aliases:
        variant = _spelling_variant(alias)
        if variant:
            add(variant, ProbeStyle.SPELLING)
            break
    return probes


def case_probes(case: Case) -> list[Probe]:
    facts = case.patient.facts
    tags = {f.id: fact_concepts(f.text, tuple(f.aliases)) for f in facts}
    probes = [p for f in facts if not f.volunteered
              for p in fact_probes(f, frozenset().union(*(t for i, t in tags.items() if i != f.id)))]
    demo = case.patient.demographics
    age = str(demo.age_years) if demo.age_years >= 2 else "month"
    probes.append(Probe(question="How old are you?", style=ProbeStyle.DEMOGRAPHICS,
                        inquiry=InquiryType.DEMOGRAPHICS, expect=age))
    if demo.name:
        probes.append(Probe(question="What's your name?", style=ProbeStyle.DEMOGRAPHICS,
                            inquiry=InquiryType.DEMOGRAPHICS, expect=demo.name.split()[0]))
    probes.append(Probe(question="Anything else you've noticed?", style=ProbeStyle.ANYTHING_ELSE,
                        inquiry=InquiryType.ANYTHING_ELSE))
    held = set().union(*(fact_concepts(f.text, tuple(f.aliases)) for f in facts)) if facts else set()
    texts = normalise(" ".join(f"{f.text} {' '.join(f.aliases)}" for f in facts))
    vocab = vocabulary()
    for item in ABSENT_ITEMS:
        named = {h.concept for h in vocab.tag(item)}
        words = set(normalise(item).split()) - {"a", "your", "in"}
        if named & held or any(re.search(rf"\b{re.escape(w)}", texts) for w in words):
            continue
        probes.append(Probe(question=f"Have you had {item}?", style=ProbeStyle.ABSENT,
                            inquiry=InquiryType.SPECIFIC_SYMPTOM))
    for operation in ABSENT_OPERATIONS:
        key = normalise(operation).split()[1]
        if key not in texts:
            probes.append(Probe(question=f"Have you ever had {operation}?", style=ProbeStyle.ABSENT,
                                inquiry=InquiryType.PAST_SURGICAL_HISTORY))
    return probes
