"""The offline standardized patient: answers only from its facts and demographics, in the persona's voice,
following the answer policy (agentsim/agents/patient/policy.py, docs/answer-policy.md).

Items the case does not hold get "no" / "not that I know of", never invented findings.
"""

from __future__ import annotations

import random
from typing import Any

from agentsim.agents.base import AgentReply
from agentsim.agents.patient.policy import AnswerPolicy, PartDecision
from agentsim.agents.patient.voice import Voice
from agentsim.match.slots import detect_slots
from agentsim.match.text import split_questions
from agentsim.model.case import PatientView
from agentsim.model.episode import TurnKind
from agentsim.model.persona import Persona
from agentsim.model.provenance import AnswerAct, AnswerProvenance

_SILENT = {AnswerAct.ABSENT, AnswerAct.NOTHING_TO_ADD, AnswerAct.ALREADY_TOLD}


class RetrievalPatient:
    name = "retrieval"
    model: str | None = None  # offline: no model, no prompts
    prompt_hash: str | None = None

    def __init__(self, view: PatientView, *, persona: Persona | None = None, seed: int = 0):
        self.view = view
        script = view.script
        self.policy = AnswerPolicy(script.facts, script.demographics, informant=script.informant)
        self.index = self.policy.index
        self.voice = Voice(persona, random.Random(f"patient:{view.case_id}:{seed}"))
        self.told: set[str] = set()  # facts told so far in the consultation: "anything else?" moves past them

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
        self.told.update(f.id for f in volunteered)
        return AgentReply(
            text=" ".join(parts),
            kind=TurnKind.OPENING,
            payload={"facts": [f.id for f in volunteered], "bias": bias},
        )

    async def answer(self, question: str) -> AgentReply:
        revealed: list[str] = []
        noise: list[dict[str, Any]] = []
        provenance = AnswerProvenance()
        said: list[tuple[PartDecision, str]] = []
        slots: set[str] = set()
        for part in split_questions(question) or [question]:
            slots.update(s.value for s in detect_slots(part))
            decision = self.policy.decide(part, told=self.told | set(revealed))
            provenance.parts.append(decision.provenance)
            text = ""
            if decision.act in (AnswerAct.FACTS, AnswerAct.NEXT_SYMPTOMS):
                facts = [f for f in decision.facts if f.id not in revealed]
                if not facts:  # asked again about something already answered this turn
                    decision.provenance.act = decision.act = AnswerAct.ALREADY_TOLD
                else:
                    text, told, applied = self.voice.tell(facts, first=not said)
                    revealed.extend(f.id for f in told)
                    noise.extend(applied)
                    if decision.act is AnswerAct.NEXT_SYMPTOMS:
                        text = self.voice.also(text)
            elif decision.act is AnswerAct.DEMOGRAPHICS:
                text = decision.demographics_text
            elif decision.act is AnswerAct.NOTHING_MORE:
                text = self.voice.nothing_more()
            elif decision.act is AnswerAct.UNKNOWABLE:
                text = self.voice.dont_know()
            said.append((decision, text))
        provenance.hpo_version = self._hpo_version()
        self.told.update(revealed)
        return AgentReply(
            text=self.voice.wrap(self._compose(said)),
            kind=TurnKind.ANSWER,
            payload={"facts": revealed, "slots": sorted(slots),
                     "provenance": provenance.model_dump(mode="json")},
            noise=noise,
            provenance=provenance,
        )

    def _compose(self, said: list[tuple[PartDecision, str]]) -> str:
        """One reply from the parts' answers: a "no" is said once, and not at all beside a real answer to the
        same kind of question (a stray "No." before "I had a hysterectomy")."""
        answered = [d for d, text in said if text]
        answered_kinds = {k for d in answered for k in d.provenance.inquiry[:1]}
        texts: list[str] = []
        no_said = False
        for decision, text in said:
            if text:
                texts.append(text)
                continue
            if decision.act not in _SILENT or decision.act is AnswerAct.ALREADY_TOLD:
                continue
            same_topic = bool(set(decision.provenance.inquiry[:1]) & answered_kinds)
            if no_said or (answered and (same_topic or not decision.provenance.concepts)):
                continue
            texts.append(self.voice.unknown() if decision.act is AnswerAct.ABSENT else self.voice.nothing_to_add())
            no_said = True
        return " ".join(texts) if texts else self.voice.unknown()

    @staticmethod
    def _hpo_version() -> str:
        from agentsim.vocab.concepts import vocabulary

        return vocabulary().hpo_version
