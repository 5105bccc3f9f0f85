"""Map a patient-directed question to the case facts that answer it: slot cues + aliases + word overlap +
semantic similarity. Deterministic for a given case and question."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agentsim.match.semantic import embed, similarities
from agentsim.match.slots import SYMPTOM_SLOTS, detect_slots
from agentsim.match.text import content_tokens, normalise, stem
from agentsim.model.case import Fact, FactSlot

# weights and thresholds tuned on bench/eval/patient_questions.yaml (see bench/README.md)
W_ALIAS, W_SLOT, W_OVERLAP, W_SEMANTIC = 1.0, 0.8, 0.7, 0.9
THRESHOLD = 0.95
KEEP_RATIO = 0.8
MAX_FACTS = 3
SLOT_ALONE = 0.75  # a slot cue this strong is enough on its own to pick that slot's best fact


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


@dataclass
class _Entry:
    fact: Fact
    aliases_norm: list[str]
    alias_stems: list[str | None]  # the stem of each one-word alias worth folding, else None
    stems: frozenset[str]


class FactIndex:
    def __init__(self, facts: list[Fact]):
        self.entries = [
            _Entry(
                fact=f,
                aliases_norm=[normalise(a) for a in f.aliases if normalise(a)],
                alias_stems=[stem(normalise(a)) if " " not in normalise(a) and len(normalise(a)) > 3 else None
                             for a in f.aliases if normalise(a)],
                stems=frozenset(stem(t) for t in content_tokens(" ".join([f.text, *f.aliases])) if t not in GENERIC),
            )
            for f in facts
        ]
        self._matrix: np.ndarray | None = None

    @property
    def matrix(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = embed([f"{e.fact.text} {' '.join(e.fact.aliases)}" for e in self.entries])
        return self._matrix

    def match(self, question: str) -> tuple[list[FactMatch], set[FactSlot]]:
        """The facts that answer `question` (best first) and the history slots it asked about."""
        slots = detect_slots(question)
        q_norm = normalise(question)
        q_stems = {stem(t) for t in content_tokens(question) if t not in GENERIC}
        q_word_stems = {stem(t) for t in q_norm.split()}
        padded = f" {q_norm} "
        sims = similarities(question, self.matrix)
        scored: list[FactMatch] = []
        for i, entry in enumerate(self.entries):
            alias = max((self._alias_strength(a, s, padded, q_word_stems)
                         for a, s in zip(entry.aliases_norm, entry.alias_stems, strict=True)), default=0.0)
            slot = slots.get(entry.fact.slot, 0.0)
            overlap = len(q_stems & entry.stems) / len(q_stems) if q_stems else 0.0
            sem = max(0.0, float(sims[i]))
            score = W_ALIAS * alias + W_SLOT * slot + W_OVERLAP * overlap + W_SEMANTIC * sem
            # a pertinent negative is only right when the question names the thing it denies
            if entry.fact.slot in SYMPTOM_SLOTS and alias == 0.0 and overlap == 0.0:
                score *= 0.6
            scored.append(FactMatch(entry.fact, score))
        scored.sort(key=lambda m: (-m.score, m.fact.id))
        keep: list[FactMatch] = []
        if scored and scored[0].score >= THRESHOLD:
            best = scored[0].score
            keep = [m for m in scored if m.score >= max(THRESHOLD, KEEP_RATIO * best)][:MAX_FACTS]
        # "What brought you in?" names no symptom but plainly asks for a history slot: answer with that
        # slot's best fact. Symptom slots are left out: "any rash?" must not be answered with another symptom.
        for slot, strength in slots.items():
            if strength < SLOT_ALONE or slot in SYMPTOM_SLOTS or any(m.fact.slot is slot for m in keep):
                continue
            best_of_slot = next((m for m in scored if m.fact.slot is slot), None)
            if best_of_slot is not None and len(keep) < MAX_FACTS:
                keep.append(best_of_slot)
        return keep, set(slots)

    @staticmethod
    def _alias_strength(alias: str, alias_stem: str | None, padded: str, q_word_stems: set[str]) -> float:
        if f" {alias} " in padded:
            if alias in GENERIC:
                return 0.2
            return 1.0 if " " in alias else 0.8
        # plural or tense variants of a one-word alias ('coughs', 'coughing')
        if alias_stem is not None and alias_stem in q_word_stems:
            return 0.7
        return 0.0
