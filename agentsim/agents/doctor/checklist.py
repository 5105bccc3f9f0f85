"""The deterministic baseline doctor: a structured history, a focused exam, a standard panel plus the tests
its leading hypotheses call for, then a diagnosis ranked from the knowledge base (differential: next two).

It reads only what it is told (the brief and the replies), like any doctor plugged into agentsim.
"""

from __future__ import annotations

import re

from agentsim.agents.base import Doctor
from agentsim.model.action import Action, Ask, Diagnose, Examine, Observation, Order

HISTORY = [
    "What brought you in today, and when did it start?",
    "Where exactly is it, does it spread anywhere, and what does it feel like?",
    "Is it constant or does it come and go? Does anything make it better or worse? How bad is it out of 10?",
    "Have you noticed any other symptoms? Any fever, sweats or weight loss? Any cough or shortness of breath?",
    "Any nausea, vomiting or change in your bowels? Any urinary symptoms? Any headache, weakness or numbness?"
    " Any rash or joint pains?",
    "Do you have any medical conditions or previous operations? What medications do you take? Any allergies?",
    "Does anything run in your family? Do you smoke? How much alcohol do you drink? Any recreational drugs?",
    "What do you do for work, who lives with you at home, and have you travelled recently?",
]
WOMAN_QUESTION = "When was your last period, and could you be pregnant?"
CHILD_QUESTION = "Was the pregnancy and birth normal, how is feeding going, and are vaccinations up to date?"
CLOSING_QUESTION = "What do you think is going on, and is there anything you're particularly worried about?"
STANDARD_PANEL = ["cbc", "bmp", "crp"]


def _demographics(brief: str) -> tuple[int | None, str | None]:
    age_match = re.search(r"(\d+)-(year|month|week|day)-old", brief)
    age = None
    if age_match:
        age = int(age_match.group(1)) if age_match.group(2) == "year" else 0
    lowered = brief.lower()
    sex = None
    if re.search(r"\b(woman|girl|female|she|her|mother of)\b", lowered):
        sex = "female"
    elif re.search(r"\b(man|boy|male|he|his)\b", lowered):
        sex = "male"
    return age, sex


class ChecklistDoctor(Doctor):
    name = "checklist"

    def __init__(self, *, extra_tests: int = 3, panel: list[str] | None = None):
        self.extra_tests = extra_tests
        self.panel = panel or STANDARD_PANEL
        self._plan: list[Action] = []
        self._age: int | None = None
        self._sex: str | None = None
        self._heard: list[str] = []
        self._stage = 0

    async def reset(self, brief: str) -> None:
        from agentsim.agents.doctor.knowledge import load_knowledge

        self.kb = load_knowledge()
        self._age, self._sex = _demographics(brief)
        self._heard = [brief]
        questions = list(HISTORY)
        if self._sex == "female" and self._age is not None and 12 <= self._age <= 55:
            questions.append(WOMAN_QUESTION)
        if self._age is not None and self._age < 12:
            questions.append(CHILD_QUESTION)
        questions.append(CLOSING_QUESTION)
        self._plan = [Ask(question=q) for q in questions]
        self._plan.append(Examine(request="Vital signs and general appearance, please."))
        self._stage = 0

    def act(self, obs: Observation) -> Action:
        if obs.reply:
            self._heard.append(obs.reply)
        if obs.final_turn:
            return self._diagnose()
        if self._plan:
            return self._plan.pop(0)
        self._stage += 1
        if self._stage == 1:
            return Examine(request=self._focused_exam())
        if self._stage == 2:
            return Order(tests=self._test_names(self.panel[: obs.max_tests_per_order]))
        if self._stage == 3:
            tests = self._suggested_tests(limit=min(self.extra_tests, obs.max_tests_per_order))
            if tests:
                return Order(tests=self._test_names(tests))
        return self._diagnose()

    def _ranked(self, top: int = 3) -> list:
        # the knowledge base handles negation itself ("no neck stiffness" is not neck stiffness)
        return self.kb.rank("\n".join(self._heard), age=self._age, sex=self._sex, top=top)

    def _focused_exam(self) -> str:
        systems: list[str] = []
        for condition, _ in self._ranked(top=3):
            for system in condition.exams:
                if system not in systems and system not in {"vitals", "general"}:
                    systems.append(system)
        systems = systems[:3] or ["cardiovascular", "respiratory", "abdominal"]
        return "Please examine the " + ", ".join(s.replace("_", " ") for s in systems) + " system(s)."

    def _suggested_tests(self, limit: int) -> list[str]:
        conditions = [c for c, _ in self._ranked(top=3)]
        return [t for t in self.kb.suggest_tests(conditions, limit + len(self.panel)) if t not in self.panel][:limit]

    @staticmethod
    def _test_names(ids: list[str]) -> list[str]:
        from agentsim.cases.library import load_catalogue

        catalogue = load_catalogue()
        return [entry.name if (entry := catalogue.get(i)) else i for i in ids]

    def _diagnose(self) -> Diagnose:
        ranked = self._ranked(top=3)
        if not ranked:
            return Diagnose(diagnosis="undifferentiated illness", rationale="no knowledge-base condition matched")
        names = [c.name for c, _ in ranked]
        why = ", ".join(f"{c.name} ({score:.1f})" for c, score in ranked)
        return Diagnose(diagnosis=names[0], differential=names[1:3], rationale=f"feature match: {why}")
