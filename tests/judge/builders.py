"""Hand-built turns, rubrics and catalogues for the judge tests (no shipped rubric files needed)."""

from __future__ import annotations

from typing import Any

from agentsim.model.catalogue import Catalogue, CatalogueEntry
from agentsim.model.episode import Role, Turn, TurnKind
from agentsim.model.rubric import Axis, AxisConfig, JudgeKind, LikertLevel, RubricConfig


class TurnList:
    """Appends turns with running indexes."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []

    def add(self, role: Role, kind: TurnKind, text: str = "", **payload: Any) -> TurnList:
        self.turns.append(
            Turn(index=len(self.turns), role=role, kind=kind, text=text or kind.value, payload=payload)
        )
        return self

    def opening(self, *facts: str) -> TurnList:
        return self.add(Role.PATIENT, TurnKind.OPENING, "opening", facts=list(facts))

    def ask(self, question: str = "question?") -> TurnList:
        return self.add(Role.DOCTOR, TurnKind.ASK, question, action="ask", question=question)

    def answer(self, facts: list[str] | None = None, slots: list[str] | None = None) -> TurnList:
        return self.add(Role.PATIENT, TurnKind.ANSWER, "reply", facts=facts or [], slots=slots or [])

    def examine(self, request: str = "examine the chest") -> TurnList:
        return self.add(Role.DOCTOR, TurnKind.EXAMINE, request, action="examine", request=request)

    def exam_result(self, *systems: str) -> TurnList:
        return self.add(
            Role.GATEKEEPER, TurnKind.EXAM_RESULT, "findings", systems=list(systems), matched=True
        )

    def order(self, *tests: str) -> TurnList:
        return self.add(Role.DOCTOR, TurnKind.ORDER, ", ".join(tests), action="order", tests=list(tests))

    def results(self, *results: dict[str, Any]) -> TurnList:
        return self.add(Role.GATEKEEPER, TurnKind.TEST_RESULT, "results", results=list(results))

    def diagnose(self, diagnosis: str) -> TurnList:
        return self.add(
            Role.DOCTOR,
            TurnKind.DIAGNOSE,
            diagnosis,
            action="diagnose",
            diagnosis=diagnosis,
            differential=[],
            rationale="",
        )

    def notice(self, reason: str = "final turn") -> TurnList:
        return self.add(Role.SYSTEM, TurnKind.NOTICE, reason, reason=reason)


def result(
    test_id: str | None, price: float, status: str = "resulted", name: str | None = None
) -> dict[str, Any]:
    return {
        "requested": name or test_id or "something",
        "test_id": test_id,
        "name": name or test_id,
        "price_usd": price,
        "status": status,
        "synthetic": False,
    }


def make_catalogue(**prices: float) -> Catalogue:
    return Catalogue(
        visit_fee_usd=300.0,
        entries=[
            CatalogueEntry(
                id=i.replace("_", "-"), name=i, category="lab", price_usd=p, normal_result="normal"
            )
            for i, p in prices.items()
        ],
    )


SCALE = [LikertLevel(score=s, label=f"level {s}", description=f"level {s}") for s in range(1, 6)]


def make_rubric(
    weights: dict[Axis, float] | None = None,
    *,
    llm: tuple[Axis, ...] = (Axis.COMMUNICATION,),
    visit_fee: float = 300.0,
    cost_reference: float = 3000.0,
    reference_turns: int = 20,
    threshold: int = 4,
) -> RubricConfig:
    weights = weights or {
        Axis.HISTORY: 0.2,
        Axis.DIAGNOSIS: 0.4,
        Axis.COST: 0.1,
        Axis.EFFICIENCY: 0.1,
        Axis.SAFETY: 0.2,
        Axis.COMMUNICATION: 0.0,
    }
    return RubricConfig(
        id="test-rubric",
        description="hand-built for tests",
        axes=[
            AxisConfig(
                axis=axis,
                weight=w,
                description=axis.value,
                judged_by=JudgeKind.LLM if axis in llm else JudgeKind.DETERMINISTIC,
            )
            for axis, w in weights.items()
        ],
        diagnosis_scale=SCALE,
        correct_threshold=threshold,
        visit_fee_usd=visit_fee,
        cost_reference_usd=cost_reference,
        efficiency_reference_turns=reference_turns,
    )
