"""Checks on what an LLM patient says, using the offline matcher: which facts a reply reveals, and which
medical claims in it the script does not support (hallucinations).

A claim is an affirmative clause (no negation, not a question) naming a symptom, condition or medicine;
it is supported when each medical word in it (and the body parts it names) appears somewhere in the
patient's script: facts, aliases, opening statement, or the persona's bias statements. Lay synonyms fold
together ("tummy" is "abdomen"). Deliberately simple and cautious: a false alarm only costs a
regeneration, or the offline answer, which is always faithful.
"""

from __future__ import annotations

import re

from agentsim.match.facts import FactIndex
from agentsim.match.text import content_tokens, split_questions, stem, tokens
from agentsim.model.case import Fact, FactSlot, PatientView
from agentsim.model.persona import Persona

SYMPTOMS = """pain ache sore hurt rash itch itchy fever chill cough sputum phlegm wheeze breathless vomit nausea
diarrhea constipation bleed bleeding blood bruise headache migraine dizzy dizziness vertigo faint blackout numb
numbness tingling weakness swelling swollen lump fatigue palpitation seizure discharge cramp stiffness jaundice
thirst insomnia tremor ulcer sweating burning""".split()
CONDITIONS = """diabetes asthma hypertension cancer tumor stroke epilepsy arthritis copd emphysema bronchitis pneumonia
infection angina cholesterol thyroid hiv hepatitis allergy allergic eczema psoriasis gout dementia pregnant pregnancy
clot thrombosis anemia depression attack""".split()
MEDICINES = """warfarin aspirin ibuprofen paracetamol acetaminophen metformin insulin statin amlodipine inhaler
salbutamol albuterol antibiotic antibiotics amoxicillin codeine morphine tramadol levothyroxine steroid steroids
prednisolone prednisone diuretic furosemide antidepressant clopidogrel contraceptive chemotherapy""".split()
BODY = """chest back leg arm head neck abdomen throat ear eye knee hip shoulder foot feet hand skin jaw groin joint
ankle wrist mouth nose kidney bladder bowel heart lung liver side""".split()
DRUG_SUFFIX = re.compile(r"^[a-z]{3,}(?:olol|pril|sartan|statin|prazole|cillin|mycin|floxacin|parin|xaban|gliptin"
                         r"|gliflozin|tidine|dipine|zepam|oxetine|triptan)$")
# lay words -> one canonical word, applied to the script and to the reply alike
FOLD = {
    "tummy": "abdomen", "belly": "abdomen", "stomach": "abdomen", "abdominal": "abdomen", "sick": "nausea",
    "nauseous": "nausea", "vomiting": "vomit", "breath": "breathless", "breathlessness": "breathless",
    "dyspnea": "breathless", "sweaty": "sweat", "clammy": "sweat", "sweating": "sweat", "aching": "ache",
    "hurts": "hurt", "painful": "pain", "sore": "pain", "ache": "pain", "hurt": "pain", "blackout": "faint",
    "fainted": "faint", "lightheaded": "dizzy", "dizziness": "dizzy", "tired": "fatigue", "exhausted": "fatigue",
    "temperature": "fever", "feverish": "fever", "legs": "leg", "arms": "arm", "eyes": "eye", "ears": "ear",
    "lungs": "lung", "joints": "joint", "hands": "hand", "pressure": "hypertension", "bleeding": "bleed",
    "swollen": "swelling", "numbness": "numb", "itchy": "itch", "pills": "medicine", "tablets": "medicine",
}
NEGATIONS = frozenset("no not never nothing none nor without neither dont didnt doesnt havent hasnt isnt wasnt "
                      "cant".split())
_CLAUSE = re.compile(r"[.!;:\n]+|,|\bbut\b|\band\b|\bthough\b", re.IGNORECASE)


def fold(word: str) -> str:
    word = FOLD.get(word, word)
    return FOLD.get(stem(word), stem(word))


_MEDICAL = {fold(w) for w in (*SYMPTOMS, *CONDITIONS, *MEDICINES)}
_BODY = {fold(w) for w in BODY}


def _medical(word: str) -> bool:
    return fold(word) in _MEDICAL or bool(DRUG_SUFFIX.match(word))


class HallucinationGuard:
    def __init__(self, view: PatientView, persona: Persona | None = None):
        script = view.script
        texts = [script.opening_statement, *(f.text for f in script.facts),
                 *(a for f in script.facts for a in f.aliases),
                 *(b.statement for b in (persona.biases if persona else []))]
        self.vocabulary = {fold(w) for text in texts for w in tokens(text)}

    def unsupported(self, reply: str) -> list[str]:
        """Medical words the reply asserts that the script nowhere mentions, in order, without repeats."""
        found: list[str] = []
        for clause in _CLAUSE.split(reply):
            if not clause.strip() or clause.strip().endswith("?"):
                continue
            words = tokens(clause)
            if any(w in NEGATIONS or w.endswith("n't") for w in words):
                continue
            medical = [w for w in words if _medical(w)]
            if not medical:
                continue
            named = medical + [w for w in words if fold(w) in _BODY]
            found.extend(w for w in named if fold(w) not in self.vocabulary and w not in found)
        return found


class FactReader:
    """Which facts an answer reveals and which history slots the question asked about: the question is
    matched as the offline patient matches it; a matched fact counts when the reply reflects it (shares a
    content word, or denies a pertinent negative). Facts the reply plainly restates count too."""

    def __init__(self, index: FactIndex):
        self.index = index

    def read(self, question: str, reply: str) -> tuple[list[str], list[str]]:
        reply_stems = {fold(t) for t in content_tokens(reply)}
        negated = any(w in NEGATIONS or w.endswith("n't") for w in tokens(reply))
        revealed: list[str] = []
        slots: set[str] = set()
        for part in split_questions(question) or [question]:
            matches, part_slots = self.index.match(part)
            slots.update(s.value for s in part_slots)
            for m in matches:
                if m.fact.id not in revealed and self._reflects(m.fact, reply_stems, negated):
                    revealed.append(m.fact.id)
        for entry in self.index.entries:  # the matcher's per-fact stems; the offline patient builds them once
            shared = {fold(s) for s in entry.stems} & reply_stems
            if entry.fact.id not in revealed and len(shared) >= 2 and len(shared) >= 0.5 * len(entry.stems):
                revealed.append(entry.fact.id)
        return revealed, sorted(slots)

    @staticmethod
    def _reflects(fact: Fact, reply_stems: set[str], negated: bool) -> bool:
        if fact.slot is FactSlot.PERTINENT_NEGATIVE and negated:
            return True
        return bool({fold(t) for t in content_tokens(" ".join([fact.text, *fact.aliases]))} & reply_stems)

