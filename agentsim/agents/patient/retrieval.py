"""The offline standardized patient: answers only from its facts, in the persona's voice.

Unknown things get "no" / "not that I know of", never invented findings.
"""

from __future__ import annotations

import random

from agentsim.agents.base import AgentReply
from agentsim.agents.patient.voice import Voice
from agentsim.match.facts import FactIndex
from agentsim.match.text import split_questions
from agentsim.model.case import PatientView
from agentsim.model.episode import TurnKind
from agentsim.model.persona import Persona


class RetrievalPatient:
    name = "retrieval"
    model: str | None = None  # offline: no model, no prompts
    prompt_hash: str | None = None

    def __init__(self, view: PatientView, *, persona: Persona | None = None, seed: int = 0):
        self.view = view
        self.index = FactIndex(view.script.facts)
        self.voice = Voice(persona, random.Random(f"patient:{view.case_id}:{seed}"))

    async def opening(self) -> AgentReply:
        script = self.view.script
        volunteered = [f for f in script.facts if f.volunteered]
        parts = [script.opening_statement]
        extra = [f for f in volunteered if f.text not in script.opening_statement]
        if extra:
            parts.append(" ".join(f.text for f in extra))
        bias = self.voice.opening_bias()
        if bias:
            parts.append(bias)
        return AgentReply(
            text=" ".join(parts),
            kind=TurnKind.OPENING,
            payload={"facts": [f.id for f in volunteered], "bias": bias},
        )

    async def answer(self, question: str) -> AgentReply:
        answers: list[str] = []
        revealed: list[str] = []
        slots: set[str] = set()
        noise: list[dict] = []
        for part in split_questions(question) or [question]:
            matches, part_slots = self.index.match(part)
            slots.update(s.value for s in part_slots)
            facts = [m.fact for m in matches if m.fact.id not in revealed]
            if not matches:
                answers.append(self.voice.unknown())
                continue
            if not facts:  # asked again about something already answered this turn
                continue
            text, told, applied = self.voice.tell(facts)
            answers.append(text)
            revealed.extend(f.id for f in told)
            noise.extend(applied)
        return AgentReply(
            text=self.voice.wrap(" ".join(answers)) if answers else self.voice.unknown(),
            kind=TurnKind.ANSWER,
            payload={"facts": revealed, "slots": sorted(slots)},
            noise=noise,
        )
