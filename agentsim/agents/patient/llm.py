"""LLMPatient: a standardized patient played by an LLM, kept honest by the offline matcher.

It is built from a PatientView only (persona and facts: never the diagnosis, exam or tests), so the
model cannot reveal what it was never given. After each reply the hallucination guard looks for medical
claims the script does not support; such a reply is regenerated once with a correction, and if the
second one fails too it is replaced by the offline RetrievalPatient's answer. The opening statement is
the script's own (as the offline patient gives it), so every episode starts from the same words.

Payload as the offline patient's (docs/turn-payloads.md), plus `guard` {regenerated, replaced,
unsupported} and `llm` {model, cost_usd, cost_known, latency_ms, calls, attempts}.
"""

from __future__ import annotations

from typing import Any

from agentsim.agents.base import AgentReply
from agentsim.agents.loading import as_flag
from agentsim.agents.patient.guard import FactReader, HallucinationGuard
from agentsim.agents.patient.retrieval import RetrievalPatient
from agentsim.errors import FatalError, UserError
from agentsim.llm.errors import LLMError
from agentsim.llm.gateway import LLMSettings, complete
from agentsim.llm.prompts import prompt_set_hash, render
from agentsim.model.case import PatientView
from agentsim.model.episode import TurnKind
from agentsim.model.persona import Persona
from agentsim.model.usage import Usage

SETTING_KEYS = frozenset(LLMSettings.model_fields) | {"config"}


class LLMPatient:
    name = "llm"

    def __init__(self, view: PatientView, *, persona: Persona | None = None, seed: int = 0,
                 guard: bool | str = True, **options: Any):
        unknown = sorted(set(options) - SETTING_KEYS)
        if unknown:
            raise UserError(f"unknown patient option(s) {', '.join(unknown)}; known: guard, "
                            f"{', '.join(sorted(SETTING_KEYS))}")
        # the episode seed doubles as the provider's sampling seed (where supported) unless one is given
        self.settings = LLMSettings.resolve("patient", {"seed": seed, **options})
        self.model = self.settings.model
        self.prompt_hash = prompt_set_hash()
        self.offline = RetrievalPatient(view, persona=persona, seed=seed)
        self.reader = FactReader(self.offline.index)
        self.guard = HallucinationGuard(view, persona) if as_flag(guard) else None
        self.messages: list[dict[str, Any]] = [{"role": "system", "content": _system(view, persona)}]

    async def opening(self) -> AgentReply:
        reply = await self.offline.opening()
        self.messages += [{"role": "user", "content": render("patient", "greeting")},
                          {"role": "assistant", "content": reply.text}]
        return reply

    async def answer(self, question: str) -> AgentReply:
        usage = Usage(model=self.model)
        base = len(self.messages)
        self.messages.append({"role": "user", "content": question})
        guard: dict[str, Any] = {"regenerated": 0, "replaced": False}
        llm: dict[str, Any] = {}
        try:
            text = await self._generate(usage)
            claims = self._check(text)
            if claims:
                guard["regenerated"] = 1
                guard["unsupported"] = claims
                self.messages += [{"role": "assistant", "content": text}, {"role": "user", "content": render(
                    "patient", "correction", claims=", ".join(claims), question=question)}]
                text = await self._generate(usage)
                claims = self._check(text)
                # the failed attempt and the correction leave the history: later turns see a clean dialogue
                del self.messages[base + 1:]
            guard["replaced"] = bool(claims)
        except LLMError as exc:  # retries ran out, or the provider refused this request: answer offline
            if isinstance(exc, FatalError):  # a bad key or model: every answer would fail, so the run stops
                raise
            del self.messages[base + 1:]
            guard["replaced"], llm["error"] = True, str(exc)
        if guard["replaced"]:
            offline = await self.offline.answer(question)
            text, payload, noise = offline.text, dict(offline.payload), offline.noise
        else:
            facts, slots = self.reader.read(question, text)
            payload, noise = {"facts": facts, "slots": slots}, []
        self.messages.append({"role": "assistant", "content": text})
        payload.update(guard=guard, **({"llm": llm} if llm else {}))  # the engine adds the usage under "llm"
        return AgentReply(text=text, kind=TurnKind.ANSWER, payload=payload, noise=noise, usage=usage)

    async def _generate(self, usage: Usage) -> str:
        completion = await complete(self.messages, settings=self.settings)
        usage.add(completion.usage())
        return completion.text

    def _check(self, text: str) -> list[str]:
        if not text.strip():
            return ["(an empty reply)"]
        return self.guard.unsupported(text) if self.guard else []


def _system(view: PatientView, persona: Persona | None) -> str:
    script = view.script
    d = script.demographics
    who = ", ".join(p for p in (d.name, f"a {d.describe()}", d.occupation) if p)
    informant = (f"You are answering for the patient, as their {script.informant}; speak about them, not as them."
                 if script.informant else "")
    return render("patient", "system", who=who, informant=informant, persona=_persona(persona),
                  facts="\n".join(f"- {f.text}" for f in script.facts))


def _persona(persona: Persona | None) -> str:
    if persona is None:
        return "plain and cooperative; you answer clearly and briefly."
    parts = [persona.description.rstrip("."),
             f"style {persona.communication_style.value}, verbosity {persona.verbosity.value}, health literacy "
             f"{persona.health_literacy.value}, feeling {persona.emotional_state.value}, trust in doctors "
             f"{persona.trust.value}"]
    parts += [f'you may say: "{b.statement}"' for b in persona.biases]
    return "; ".join(parts) + "."
