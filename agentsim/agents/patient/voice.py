"""How a persona tells facts: style and seeded, logged noise. Never which facts exist."""

from __future__ import annotations

import random
import re
from typing import Any

from agentsim.model.case import Fact, FactSlot
from agentsim.model.persona import BiasKind, CommunicationStyle, Level, NoiseKind, Persona

DEFAULT_UNKNOWN = ("No.", "Not that I know of.", "No, nothing like that.")
DEFAULT_DONT_KNOW = ("I don't know, I'm afraid. Nobody's told me that.", "I'm sorry, I wouldn't know that.",
                     "I don't know. You'd have to check my notes.")
DEFAULT_NOTHING_MORE = "No, that's everything."
DEFAULT_NOTHING_TO_ADD = ("Nothing really comes to mind.", "There's nothing much to say about that.")
# a fact written to follow another ("Otherwise I take HRT patches") loses its link word when told on its own
_CONNECTIVE = re.compile(r"^(?:otherwise|also|and|but|apart from that|other than that|besides that|as well as that)"
                         r",?\s+(?=\w)", re.IGNORECASE)

# Lay wording for a low-literacy voice: the meaning stays, the jargon goes.
_LAY = {
    "hypertension": "high blood pressure", "hyperlipidaemia": "high cholesterol",
    "myocardial infarction": "heart attack", "diabetes mellitus": "sugar diabetes",
    "dyspnoea": "trouble breathing", "dyspnea": "trouble breathing", "nausea": "feeling sick",
    "diaphoretic": "sweaty", "palpitations": "heart fluttering", "haematuria": "blood in my wee",
    "hematuria": "blood in my pee", "syncope": "passing out", "analgesia": "painkillers",
}

_SWAPS = {
    NoiseKind.BODY_PART_SWAP: [("left", "right"), ("right", "left"), ("arm", "shoulder"), ("chest", "stomach"),
                               ("leg", "hip"), ("head", "neck"), ("back", "side")],
    NoiseKind.SYMPTOM_CONFUSION: [("dizzy", "tired"), ("light-headed", "tired"), ("nausea", "indigestion"),
                                  ("sick", "bloated"), ("short of breath", "tired"), ("numb", "weak"),
                                  ("sweating", "hot"), ("burning", "aching"), ("sharp", "dull")],
    NoiseKind.TEMPORAL_CHANGE: [("an hour ago", "this morning"), ("hours", "days"), ("days", "weeks"),
                                ("weeks", "months"), ("yesterday", "a few days ago"), ("today", "yesterday")],
}


class Voice:
    """Renders an answer in the persona's voice. `rng` is seeded per episode so noise is reproducible."""

    def __init__(self, persona: Persona | None, rng: random.Random):
        self.persona = persona
        self.rng = rng
        self._bias_told = False

    def unknown(self) -> str:
        options = self.persona.phrasing.unknown if self.persona and self.persona.phrasing.unknown else None
        return self.rng.choice(options or DEFAULT_UNKNOWN)

    def dont_know(self) -> str:
        """A lab value or measurement a lay patient is not told: "I don't know", never a made-up number."""
        if self.persona is not None and self.persona.health_literacy is Level.LOW:
            return "I wouldn't know about things like that, doctor."
        return self.rng.choice(DEFAULT_DONT_KNOW)

    def nothing_more(self) -> str:
        return DEFAULT_NOTHING_MORE

    def nothing_to_add(self) -> str:
        return self.rng.choice(DEFAULT_NOTHING_TO_ADD)

    @staticmethod
    def also(text: str) -> str:
        """Volunteered on "anything else?": said as an addition."""
        return text

    def opening_bias(self) -> str | None:
        """Biases show once, early: a patient with a self-diagnosis says so in the first minute."""
        if self.persona is None or not self.persona.biases or self._bias_told:
            return None
        self._bias_told = True
        return self.persona.biases[0].statement

    def tell(self, facts: list[Fact], *, first: bool = True) -> tuple[str, list[Fact], list[dict[str, Any]]]:
        """Text for these facts, the facts actually told (omission drops one), and the noise applied. `first`:
        nothing was said before these in the reply, so a leading link word ("Otherwise ...") is dropped."""
        noise: list[dict[str, Any]] = []
        told = list(facts)
        texts = [f.text for f in told]
        if first and texts:
            texts[0] = _unlink(texts[0])
        rates = self.persona.noise if self.persona else {}
        for kind in NoiseKind:
            rate = rates.get(kind, 0.0)
            if rate <= 0 or not told or self.rng.random() >= rate:
                continue
            i = self.rng.randrange(len(told))
            before = texts[i]
            after = self._apply(kind, told[i], before)
            if after is None:
                continue
            if kind is NoiseKind.OMISSION:
                noise.append({"kind": kind.value, "fact": told[i].id, "before": before, "after": ""})
                del told[i], texts[i]
            else:
                noise.append({"kind": kind.value, "fact": told[i].id, "before": before, "after": after})
                texts[i] = after
        if not told:
            return self.unknown(), [], noise
        return self._style(texts), told, noise

    def _apply(self, kind: NoiseKind, fact: Fact, text: str) -> str | None:
        if kind is NoiseKind.OMISSION:
            # the presenting complaint is never withheld: the patient came in about it
            return None if fact.slot is FactSlot.PRESENTING_COMPLAINT else ""
        if kind is NoiseKind.VAGUE_ANSWER:
            return f"I'm not really sure... {text[0].lower()}{text[1:]} I think, roughly."
        if kind is NoiseKind.SEVERITY_CHANGE:
            changed = re.sub(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b(?= out of)",
                             _shift_score, text, flags=re.IGNORECASE)
            if changed == text:
                changed = _replace_first(text, [("a bit", "really"), ("mild", "terrible"), ("quite", "extremely"),
                                                ("really", "a little"), ("awful", "not too bad")])
            return changed if changed != text else None
        if kind is NoiseKind.SELF_DIAGNOSIS:
            biases = self.persona.biases if self.persona else []
            guess = next((b.statement for b in biases if b.kind is BiasKind.SELF_DIAGNOSIS), None)
            return f"{text} {guess}" if guess else None
        changed = _replace_first(text, _SWAPS[kind])
        return changed if changed != text else None

    def _style(self, texts: list[str]) -> str:
        persona = self.persona
        if persona is None:
            return " ".join(texts)
        if persona.communication_style in {CommunicationStyle.TERSE, CommunicationStyle.STOIC}:
            texts = [_first_clause(t) for t in texts]
        if persona.health_literacy is Level.LOW:
            texts = [_lay(t) for t in texts]
        return " ".join(texts)

    def wrap(self, body: str) -> str:
        """One opener and maybe one tail per reply, however many questions it answers."""
        persona = self.persona
        if persona is None or not body:
            return body
        prefix = self.rng.choice(persona.phrasing.prefixes) if persona.phrasing.prefixes else ""
        suffix = ""
        if persona.phrasing.suffixes and persona.verbosity is not Level.LOW and self.rng.random() < 0.5:
            suffix = self.rng.choice(persona.phrasing.suffixes)
        if prefix.endswith(",") and len(prefix.split()) >= 4:
            # "I keep worrying about this," is a clause of its own: no comma splice into the answer
            prefix = prefix[:-1] + "."
        if prefix and prefix[-1] not in ".!?" and not re.match(r"I\b|I'", body):
            body = f"{body[0].lower()}{body[1:]}"
        if suffix and _same_filler(body, suffix):
            suffix = ""
        return f"{prefix} {body} {suffix}".strip()


_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _shift_score(match: re.Match[str]) -> str:
    """Anxious patients inflate a pain score and stoic ones deflate it: move it by two, within 1-10."""
    word = match.group(1).lower()
    value = int(word) if word.isdigit() else _NUMBERS.index(word)
    shifted = value - 2 if value >= 8 else value + 2
    return str(shifted) if word.isdigit() else _NUMBERS[shifted]


def _replace_first(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        pattern = re.compile(rf"\b{re.escape(old)}\b", re.IGNORECASE)
        if pattern.search(text):
            return pattern.sub(new, text, count=1)
    return text


def _first_clause(text: str) -> str:
    clause = re.split(r"(?<=[a-z0-9])[,;]\s|\s(?:and|but|so)\s", text, maxsplit=1)[0].rstrip(".!")
    return clause + "."


def _unlink(text: str) -> str:
    stripped = _CONNECTIVE.sub("", text, count=1)
    return stripped[:1].upper() + stripped[1:] if stripped != text else text


def _same_filler(body: str, suffix: str) -> bool:
    """'Not that I know of. Not that I know of.': a tail that repeats what the body already says."""
    norm = re.sub(r"[^a-z ]", "", suffix.lower()).strip()
    return bool(norm) and norm in re.sub(r"[^a-z ]", "", body.lower())


def _lay(text: str) -> str:
    for word, lay in _LAY.items():
        text = re.sub(rf"\b{word}\b", lay, text, flags=re.IGNORECASE)
    return text
