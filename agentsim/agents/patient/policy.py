"""The offline patient's answer policy (docs/answer-policy.md): what to do with one question part, by its
inquiry type. Decides which facts or demographics to tell and records why; the voice decides how to say it.

- never a fact about something not asked (facts must be tied to the question: agentsim/match/facts.py)
- "no" only for a specific item the case does not hold (the OSCE convention: unlisted findings are absent)
- "anything else?" tells the next one or two untold associated symptoms, then "that's everything"
- demographics always from the case; lab values and measurements a lay patient would not know: "I don't know"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agentsim.match.facts import FactIndex, FactMatch, QuestionConcepts, question_concepts
from agentsim.match.inquiry import SLOT_INQUIRY, TOPICS, classify, demographic_fields, only_generic_history_cues
from agentsim.match.slots import detect_slots
from agentsim.match.text import TypoFixer, normalise, split_questions
from agentsim.model.case import Demographics, Fact, FactSlot, Sex
from agentsim.model.provenance import (
    AnswerAct,
    AnswerProvenance,
    Evidence,
    EvidenceKind,
    FactUse,
    InquiryType,
    PartProvenance,
)
from agentsim.vocab.concepts import vocabulary

NEXT_SYMPTOMS = 1  # "anything else?" tells the next untold symptom; asked again, the one after
_NEGATIVE_START = re.compile(r"^(no\b|not\b|never\b|nothing\b|none\b|i (?:have not|haven't|don't|do not|didn't|"
                             r"did not|am not|'m not)|i've (?:not|never)|i'm not|there's no|there is no)", re.I)
_NEGATION = re.compile(r"\b(no|not|never|nothing|none|n't)\b|n't\b", re.I)
_FAMILY = re.compile(r"\b(?:in (?:the|your|his|her) family|family history|runs? in (?:the|your) family|fhx|"
                     r"relatives|anyone in (?:the|your) family)\b", re.I)
_YES_NO = re.compile(r"^(any|do|does|did|have|has|had|are|is|was|were|can|could|ever|you|no)\b", re.I)


@dataclass
class PartDecision:
    act: AnswerAct
    provenance: PartProvenance
    facts: list[Fact] = field(default_factory=list)
    demographics_text: str = ""


def is_negative(fact: Fact) -> bool:
    """A fact that denies something ('No allergies.', "I haven't had a fever"): not a symptom to volunteer."""
    return fact.slot is FactSlot.PERTINENT_NEGATIVE or bool(_NEGATIVE_START.match(fact.text))


def known_words(facts: list[Fact]) -> set[str]:
    """Words a question to this patient is likely to use: the history cues, the lexicon, the case's facts."""
    from agentsim.match.slots import SLOT_CUES

    words = {w for cues in SLOT_CUES.values() for c in cues for w in normalise(c).split()}
    words.update(w for e in vocabulary().lexicon.values() for t in e.terms for w in t.split())
    for fact in facts:
        words.update(normalise(" ".join([fact.text, *fact.aliases])).split())
    words.update(_COMMON)
    return words


# everyday words a typo fixer must leave alone or may mend towards
_COMMON = set("""today yesterday before better worse since sometimes usually really anything something everything
people family children breathe breathing pregnancy pregnant medical medicine problem problems pressure operation
operations surgery thirsty eyesight blurry propped feeling lately recently tablets vision vomiting diarrhoea
happened happening started starting notice noticed change changed worried worrying""".split())


def symptoms_to_volunteer(facts: list[Fact]) -> list[Fact]:
    """Symptoms the patient has, most relevant first: associated symptoms as the case lists them, then other
    positive review-of-systems facts. What "anything else?" works through."""
    assoc = [f for f in facts if f.slot is FactSlot.ASSOCIATED_SYMPTOMS and not is_negative(f)]
    ros = [f for f in facts if f.slot.value.startswith("ros_") and not is_negative(f) and not _NEGATION.search(f.text)]
    return assoc + ros


def concept_inquiries(concepts: QuestionConcepts) -> set[InquiryType]:
    vocab = vocabulary()
    found: set[InquiryType] = set()
    for concept in concepts.all:
        if concept.startswith("HP:"):
            found.add(InquiryType.SPECIFIC_SYMPTOM)
            continue
        entry = vocab.lexicon.get(concept)
        if entry is not None and entry.inquiry:
            found.add(InquiryType(entry.inquiry))
    return found


class AnswerPolicy:
    def __init__(self, facts: list[Fact], demographics: Demographics, *, informant: str | None = None):
        self.facts = facts
        self.index = FactIndex(facts)
        self.demographics = demographics
        self.informant = informant
        self.typos = TypoFixer(known_words(facts))

    def decide(self, part: str, *, told: set[str]) -> PartDecision:
        asked = part
        part = self.typos.fix(part)
        concepts = question_concepts(part)
        named = concept_inquiries(concepts)
        ranked = classify(part, names_symptom=InquiryType.SPECIFIC_SYMPTOM in named)
        strengths = dict(ranked)
        for kind in named:
            strengths.setdefault(kind, 0.85)
        kinds = sorted(strengths, key=lambda k: (-strengths[k], list(InquiryType).index(k)))
        prov = PartProvenance(question=asked, inquiry=kinds, concepts=sorted(concepts.all), act=AnswerAct.ABSENT)

        fields = demographic_fields(part)
        if fields:
            return self._demographics(fields, prov)
        if InquiryType.ANYTHING_ELSE in strengths and concepts.strong <= self._told_concepts(told):
            # "anything else alongside the fluttering?" names only what was told already
            return self._anything_else(told, prov)
        slots = {s: v for s, v in detect_slots(part).items() if SLOT_INQUIRY.get(s) in strengths}
        if named & TOPICS - {InquiryType.PAST_MEDICAL_HISTORY} and only_generic_history_cues(part):
            # "ever had your gallbladder out?" names surgery: the generic "ever had" is no medical-history question
            slots.pop(FactSlot.PAST_MEDICAL_HISTORY, None)
        matches, _ = self.index.match(part, slots=slots, concepts=concepts)
        if _FAMILY.search(part):  # the family's illnesses, not the patient's own symptoms
            matches = [m for m in matches if m.fact.slot is FactSlot.FAMILY_HISTORY]
        if InquiryType.LAY_UNKNOWABLE in strengths:
            # only a fact the question names outright (an alias or a concept) is something the patient was told
            matches = [m for m in matches if m.alias >= 1.0 and " " in m.alias_label]
            if not matches:
                prov.act = AnswerAct.UNKNOWABLE
                return PartDecision(AnswerAct.UNKNOWABLE, prov)
        if matches:
            prov.act = AnswerAct.FACTS
            prov.facts = [_use(m) for m in matches]
            return PartDecision(AnswerAct.FACTS, prov, facts=[m.fact for m in matches])
        if InquiryType.SOCIAL_OCCUPATION in strengths and self.demographics.occupation:
            return self._demographics(["occupation"], prov)
        specific = bool(concepts.strong) or InquiryType.SPECIFIC_SYMPTOM in strengths or bool(_YES_NO.match(part))
        prov.act = AnswerAct.ABSENT if specific else AnswerAct.NOTHING_TO_ADD
        return PartDecision(prov.act, prov)

    def explain(self, question: str, revealed: list[str], *, told: set[str]) -> AnswerProvenance:
        """Provenance for an answer someone else wrote (the LLM patient): each part's inquiry types and concepts
        as this policy reads them, and the revealed facts with this policy's evidence where it would have told
        them too (else with none: the model chose them)."""
        out = AnswerProvenance(hpo_version=vocabulary().hpo_version)
        placed: set[str] = set()
        for part in split_questions(question) or [question]:
            decision = self.decide(part, told=told)
            prov = decision.provenance
            prov.facts = [u for u in prov.facts if u.fact_id in revealed and u.fact_id not in placed]
            placed.update(u.fact_id for u in prov.facts)
            prov.act = AnswerAct.FACTS if prov.facts else prov.act
            out.parts.append(prov)
        rest = [FactUse(fact_id=f, score=0.0) for f in revealed if f not in placed]
        if rest and out.parts:
            out.parts[0].facts.extend(rest)
            out.parts[0].act = AnswerAct.FACTS
        return out

    def _told_concepts(self, told: set[str]) -> frozenset[str]:
        return frozenset().union(*(e.concepts for e in self.index.entries if e.fact.id in told))

    def _anything_else(self, told: set[str], prov: PartProvenance) -> PartDecision:
        untold = [f for f in self.symptom_order() if f.id not in told][:NEXT_SYMPTOMS]
        if not untold:
            prov.act = AnswerAct.NOTHING_MORE
            return PartDecision(AnswerAct.NOTHING_MORE, prov)
        prov.act = AnswerAct.NEXT_SYMPTOMS
        prov.facts = [FactUse(fact_id=f.id, score=1.0, evidence=[Evidence(
            kind=EvidenceKind.INQUIRY, score=1.0, label=f.slot.value)]) for f in untold]
        return PartDecision(AnswerAct.NEXT_SYMPTOMS, prov, facts=untold)

    def symptom_order(self) -> list[Fact]:
        return symptoms_to_volunteer(self.facts)

    def _demographics(self, fields: list[str], prov: PartProvenance) -> PartDecision:
        texts, told = [], []
        for name in fields:
            text = self.demographic_text(name)
            if text:
                texts.append(text)
                told.append(name)
        prov.act = AnswerAct.DEMOGRAPHICS
        prov.demographics = told
        return PartDecision(AnswerAct.DEMOGRAPHICS, prov, demographics_text=" ".join(texts))

    def demographic_text(self, name: str) -> str:
        d = self.demographics
        child = self.informant is not None
        if name == "age":
            if d.age_years == 0:
                months = d.age_months or 0
                age = f"{months} month{'s' if months != 1 else ''} old" if months else "a newborn, just days old"
            elif d.age_years < 2 and d.age_months:
                age = f"{d.age_years * 12 + d.age_months} months old"
            else:
                age = f"{d.age_years}"
            return f"{_pronoun(d.sex)}'s {age}." if child else f"I'm {age}."
        if name == "sex":
            nouns = {Sex.FEMALE: ("a woman", "a girl"), Sex.MALE: ("a man", "a boy"),
                     Sex.INTERSEX: ("intersex", "intersex")}
            adult, young = nouns[d.sex] if d.sex is not None else ("not going to say", "not going to say")
            noun = young if child or d.age_years < 16 else adult
            return f"{_pronoun(d.sex)}'s {noun}." if child else f"I'm {noun}."
        if name == "name":
            if not d.name:
                return "It should be on the form you've got there."
            return f"{'Her' if d.sex is Sex.FEMALE else 'His' if d.sex is Sex.MALE else 'The'} name's {d.name}." \
                if child else f"My name's {d.name}."
        if name == "occupation" and d.occupation:
            return f"I'm {_article(d.occupation)}." if not child else ""
        return ""


def _pronoun(sex: Sex | None) -> str:
    if sex is Sex.FEMALE:
        return "She"
    return "He" if sex is Sex.MALE else "They"


def _article(noun: str) -> str:
    if re.match(r"(a|an|the)\b", noun, re.I):
        return noun
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _use(match: FactMatch) -> FactUse:
    return FactUse(fact_id=match.fact.id, score=match.score, evidence=list(match.evidence))
