"""Graph state (what changes turn to turn) and context (what the episode depends on, fixed while it runs)."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, TypedDict

from agentsim.engine.build import BuiltEpisode
from agentsim.model.action import Action
from agentsim.model.episode import Role, Termination, Turn, TurnKind, utcnow


class TurnSink(Protocol):
    """Where logged turns go: `take` queues a turn at once; `flush` returns when every taken turn is durable
    and shown. The doctor node flushes before each doctor turn."""

    def take(self, turn: Turn) -> None: ...

    async def flush(self) -> None: ...


class ConsultationState(TypedDict, total=False):
    turn: int  # doctor actions taken so far
    spent: float
    visit_open: bool
    pending: Action | None  # the doctor's last action, for the patient or gatekeeper node
    turns: Annotated[list[Turn], operator.add]  # the episode's log, in order: each node appends its own
    termination: Termination | None
    error: str | None


@dataclass
class EpisodeContext:
    """The graph's runtime context. `new_turn` numbers each turn and hands it to the sink (the recorder and
    a live display); `flush` waits until they are durable, so the doctor sees nothing that is not logged."""

    episode: BuiltEpisode
    episode_id: str
    brief: str
    sink: TurnSink | None = None
    logged: int = field(default=0)  # turns numbered so far: the next turn's index

    def new_turn(self, role: Role, kind: TurnKind, text: str, **fields: Any) -> Turn:
        turn = Turn(index=self.logged, role=role, kind=kind, text=text, created_at=utcnow(), **fields)
        self.logged += 1
        if self.sink is not None:
            self.sink.take(turn)
        return turn

    async def flush(self) -> None:
        if self.sink is not None:
            await self.sink.flush()
