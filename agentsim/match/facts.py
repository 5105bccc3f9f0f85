"""Map a patient-directed question to the case facts that answer it: concepts (HPO and the lexicon) + slot cues
+ aliases + word overlap + semantic similarity, with the evidence for each. Deterministic for a given case and
question.

A fact is only a candidate when something ties it to the question (a shared concept, an alias, a shared content
word, or its history slot being what the question asks about): embedding similarity alone ranks candidates but
never makes one, so a question is never answered with a fact about something it did not ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from agentsim.match.semantic import embed, similarities
from agentsim.match.slots import SYMPTOM_SLOTS, cue_words, detect_slots
from agentsim.match.text import content_tokens, normalise, stem
from agentsim.model.case import Fact, FactSlot
from agentsim.model.provenance import Evidence, EvidenceKind
from agentsim.vocab.concepts import ConceptHit, vocabulary

# weights and thresholds tuned on development questions only (bench/eval/ and the dev split; see bench/README.md)
W_ALIAS, W_SLOT, W_OVERLAP, W_SEMANTIC, W_CONCEPT = 1.0, 0.8, 0.7, 0.9, 0.9
THRESHOLD = 0.95
KEEP_RATIO = 0.95  # a second fact is told only when it is nearly as good a match as the best
MAX_FACTS = 1
MAX_SLOT_FACTS = 3  # with one best fact for each further history slot the question names
SLOT_ALONE = 0.75  # a slot cue this strong is enough on its own to pick that slot's best fact
CONCEPT_MISS = 0.6
TOLD_IN_OPENING = 0.7  # the question names concepts some fact shares, but not this one
# What a question is about: a symptom or finding (HPO, lay idioms) or a medicine. Body parts ("tummy") say where,
# not what; history and social entries ("family", "a and e") name a topic the slot cues already cover.
STRONG_KINDS = frozenset({"hpo", "idiom", "lay_link", "drug_class", "contraception", "otc", "procedure"})
# kinds whose items exclude each other: a fact naming another operation or another drug class does not answer
# a question about this one ("your gallbladder out?" is not answered by the hysterectomy)
EXCLUSIVE_KINDS = frozenset({"procedure", "drug_class"})
SUBJECT_KINDS = STRONG_KINDS | {"body_part"}
_LIST = re.compile(r",|/|\bor\b|\band\b", re.IGNORECASE)
# parts of the history asked about item by item: a question naming an item needs a fact naming it
ITEM_SLOTS = frozenset({FactSlot.FAMILY_HISTORY, FactSlot.PAST_MEDICAL_HISTORY, FactSlot.PAST_SURGICAL_HISTORY,
                        FactSlot.MEDICATIONS, FactSlot.ALLERGIES})
SOCRATES_SLOTS = frozenset({FactSlot.SITE, FactSlot.ONSET, FactSlot.CHARACTER, FactSlot.RADIATION, FactSlot.TIMING,
                            FactSlot.EXACERBATING_RELIEVING, FactSlot.SEVERITY})  # they describe the complaint
_WEIGHT_BY_KIND = {"history": 0.7, "social": 0.7, "body_part": 0.4}  # a shared concept of a weaker kind
# parts of the history that answer no symptom question unless they name the symptom asked about
# ("any tummy pain?" is not answered by the injections given in the tummy)
# a fact that mentions none of these the question names is off-topic
TOPIC_SLOTS = frozenset({FactSlot.MEDICATIONS, FactSlot.ALLERGIES, FactSlot.FAMILY_HISTORY,
                         FactSlot.PAST_SURGICAL_HISTORY, *(s for s in FactSlot if s.value.startswith("social_"))})

# Words that say "a symptom" without saying which: sharing only these is no evidence of the right fact
# ("any chest pain?" must not be answered with the abdominal pain).
GENERIC = frozenset(
    "pain pains painful ache aches hurt hurts hurting problem problems trouble issues issue symptoms symptom "
    "feel feeling felt notice noticed having had get getting bad worse better any".split()
)


@dataclass(frozen=True)
class FactMatch:
    fact: Fact
    score: float
    # what tied the fact to the question; turned into Evidence models only for the facts told (the hot path
    # scores every fact of the case on every question)
    shared: frozenset[str] = frozenset()
    strong: frozenset[str] = frozenset()
    alias: float = 0.0
    alias_label: str = ""
    overlap: float = 0.0
    slot: float = 0.0
    semantic: float = 0.0
    phrases: dict[str, str] = field(default_factory=dict)  # concept -> the question's words that named it

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        # the label is the question's words that named the concept: term names would load the HPO term table
        out = [Evidence(kind=EvidenceKind.CONCEPT, score=1.0 if cid in self.strong else
                        _WEIGHT_BY_KIND.get(_kind(cid), 0.4), concept=cid, label=self.phrases.get(cid))
               for cid in sorted(self.shared)]
        if self.alias:
            out.append(Evidence(kind=EvidenceKind.ALIAS, score=self.alias, label=self.alias_label))
        if self.overlap:
            out.append(Evidence(kind=EvidenceKind.OVERLAP, score=round(self.overlap, 3)))
        if self.slot:
            out.append(Evidence(kind=EvidenceKind.INQUIRY, score=round(self.slot, 3), label=self.fact.slot.value))
        out.append(Evidence(kind=EvidenceKind.SEMANTIC, score=round(self.semantic, 3)))
        return tuple(out)


@dataclass(frozen=True)
class QuestionConcepts:
    hits: tuple[ConceptHit, ...]

    @property
    def strong(self) -> frozenset[str]:
        return frozenset(h.concept for h in self.hits if _kind(h.concept) in STRONG_KINDS)

    @property
    def subject(self) -> frozenset[str]:
        return frozenset(h.concept for h in self.hits if _kind(h.concept) in SUBJECT_KINDS)

    @property
    def all(self) -> frozenset[str]:
        return frozenset(h.concept for h in self.hits)

    @property
    def phrases(self) -> dict[str, str]:
        return {h.concept: h.phrase for h in self.hits}


@lru_cache(maxsize=65536)
def _kind(concept: str) -> str:
    if concept.startswith("HP:"):
        return "hpo"
    entry = vocabulary().lexicon.get(concept)
    return entry.kind if entry else "unknown"


@lru_cache(maxsize=8192)
def fact_concepts(text: str, aliases: tuple[str, ...]) -> frozenset[str]:
    """Concepts a fact is about, from its text and aliases. Cached by content, so a case file's facts are tagged
    once per process per version of the file."""
    vocab = vocabulary()
    found = {h.concept for h in vocab.tag(text)}
    for alias in aliases:
        found.update(h.concept for h in vocab.tag(alias))
    return frozenset(found)


def question_concepts(question: str) -> QuestionConcepts:
    return QuestionConcepts(tuple(vocabulary().tag(question)))


@dataclass
class _Entry:
    fact: Fact
    aliases_norm: list[str]
    alias_stems: list[str | None]  # the stem of each one-word alias worth folding, else None
    stems: frozenset[str]
    concepts: frozenset[str]


class FactIndex:
    def __init__(self, facts: list[Fact]):
        self.entries = []
        for f in facts:
            aliases = [normalise(a) for a in f.aliases if normalise(a)]
            self.entries.append(_Entry(
                fact=f,
                aliases_norm=aliases,
                alias_stems=[stem(a) if " " not in a and len(a) > 3 else None for a in aliases],
                stems=frozenset(stem(t) for t in content_tokens(" ".join([f.text, *f.aliases])) if t not in GENERIC),
                concepts=fact_concepts(f.text, tuple(f.aliases)),
            ))
        self._matrix: np.ndarray | None = None

    @property
    def matrix(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = embed([f"{e.fact.text} {' '.join(e.fact.aliases)}" for e in self.entries])
        return self._matrix

    def match(self, question: str, *, slots: dict[FactSlot, float] | None = None,
              concepts: QuestionConcepts | None = None) -> tuple[list[FactMatch], set[FactSlot]]:
        """The facts that answer `question` (best first) and the history slots it asked about. `slots` (from the
        inquiry classifier) replaces the raw slot cues when given."""
        slots = detect_slots(question) if slots is None else slots
        concepts = question_concepts(question) if concepts is None else concepts
        q_norm = normalise(question)
        q_stems = {stem(t) for t in content_tokens(question) if t not in GENERIC}
        words = q_norm.split()
        q_word_stems = {stem(t) for t in words}
        # every run of up to four words: an alias matches whole words when it is one of these
        q_grams = {" ".join(words[i:i + n]) for n in range(1, 5) for i in range(len(words) - n + 1)}
        # words inside a strong concept's phrase ("blood" in "blood thinners") are that concept's, not evidence of
        # their own; words outside the slot cues name the item asked about ("bowel cancer" in a family question)
        concept_words = {w for h in concepts.hits if h.concept in concepts.strong for w in h.phrase.split()}
        cue_set = cue_words(question)
        item_stems = {stem(t) for t in content_tokens(question) if t not in GENERIC} - {stem(w) for w in cue_set}
        sims = similarities(question, self.matrix)
        strong = concepts.strong
        named = concepts.all
        subject = concepts.subject
        phrases = concepts.phrases
        any_shares = any(e.concepts & strong for e in self.entries)
        pc_asked = slots.get(FactSlot.PRESENTING_COMPLAINT, 0.0) > 0
        exclusive = {_kind(c) for c in strong} & EXCLUSIVE_KINDS
        symptom_asked = any(c.startswith("HP:") or _kind(c) in {"idiom", "lay_link"} for c in strong)
        scored: list[FactMatch] = []
        for i, entry in enumerate(self.entries):
            alias, alias_label = 0.0, ""
            for a, s in zip(entry.aliases_norm, entry.alias_stems, strict=True):
                strength = _alias_strength(a, s, q_grams, q_word_stems, padded_long=len(a.split()) > 4,
                                           padded=f" {q_norm} ")
                if strength > alias:
                    alias, alias_label = strength, a
            shared = entry.concepts & named
            shared_strong = shared & strong
            if alias and not shared_strong and set(alias_label.split()) <= concept_words:
                alias = 0.0
            concept = 1.0 if shared_strong else max((_WEIGHT_BY_KIND.get(_kind(c), 0.4) for c in shared), default=0.0)
            slot = slots.get(entry.fact.slot, 0.0)
            overlap = len(q_stems & entry.stems) / len(q_stems) if q_stems else 0.0
            sem = max(0.0, float(sims[i]))
            if not (alias or concept or overlap or slot):
                continue  # nothing ties this fact to the question
            if subject and not (alias or concept or overlap) and not (
                    entry.fact.slot in SOCRATES_SLOTS and slot >= SLOT_ALONE):
                continue  # the question names something ("your eyesight") this fact does not mention
            if exclusive and not shared_strong and alias < 1.0 and any(
                    _kind(c) in exclusive for c in entry.concepts):
                continue
            alias_on_item = alias and not set(alias_label.split()) <= cue_set
            if (entry.fact.slot in ITEM_SLOTS and subject and not (subject & entry.concepts)
                    and not (alias_on_item or item_stems & entry.stems)):
                continue  # "anyone in the family had bowel cancer?" is not answered by the gallbladders
            if entry.fact.slot in TOPIC_SLOTS and symptom_asked and not shared_strong and alias < 0.8 and slot == 0.0:
                continue
            score = W_ALIAS * alias + W_SLOT * slot + W_OVERLAP * overlap + W_SEMANTIC * sem + W_CONCEPT * concept
            # a pertinent negative is only right when the question names the thing it denies
            if entry.fact.slot in SYMPTOM_SLOTS and alias == 0.0 and overlap == 0.0 and not shared_strong:
                score *= 0.6
            if strong and any_shares and not shared_strong and slot < SLOT_ALONE:
                score *= CONCEPT_MISS
            if entry.fact.volunteered and not pc_asked:
                score *= TOLD_IN_OPENING  # said in the opening: "when did the headache start?" asks for more
            scored.append(FactMatch(entry.fact, round(score, 4), shared=shared, strong=shared_strong, alias=alias,
                                    alias_label=alias_label, overlap=overlap, slot=slot, semantic=sem,
                                    phrases=phrases))
        scored.sort(key=lambda m: (-m.score, m.fact.id))
        keep: list[FactMatch] = []
        if scored and scored[0].score >= THRESHOLD:
            best = scored[0].score
            keep = [m for m in scored if m.score >= max(THRESHOLD, KEEP_RATIO * best)][:MAX_FACTS]
        # "What brought you in?" names no symptom but plainly asks for a history slot: answer with that
        # slot's best fact. Symptom slots are left out: "any rash?" must not be answered with another symptom.
        # Each further part of the history the question plainly asks about ("do you smoke, drink or take drugs?")
        # adds its best fact. The caller passes only the slots its inquiry classifier kept, so a generic cue
        # ("when it started" in a question about ideas) adds nothing.
        listing = not keep or bool(_LIST.search(question))  # "smoke, drink or drugs": a list of parts
        for slot_kind, strength in sorted(slots.items(), key=lambda kv: -kv[1]):
            if not listing:
                break
            if strength < SLOT_ALONE or slot_kind in SYMPTOM_SLOTS or any(m.fact.slot is slot_kind for m in keep):
                continue
            best_of_slot = next((m for m in scored if m.fact.slot is slot_kind), None)
            if best_of_slot is not None and len(keep) < MAX_SLOT_FACTS and (
                    not keep or best_of_slot.alias or best_of_slot.overlap or best_of_slot.shared):
                keep.append(best_of_slot)
        return keep, set(slots)


def _alias_strength(alias: str, alias_stem: str | None, q_grams: set[str], q_word_stems: set[str], *,
                    padded_long: bool, padded: str) -> float:
    if alias in q_grams or (padded_long and f" {alias} " in padded):
        if alias in GENERIC:
            return 0.2
        return 1.0 if " " in alias else 0.8
    # plural or tense variants of a one-word alias ('coughs', 'coughing')
    if alias_stem is not None and alias_stem in q_word_stems:
        return 0.7
    return 0.0
