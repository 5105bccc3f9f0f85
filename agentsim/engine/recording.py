"""The Recorder protocol: where an episode is written as it happens. Store-agnostic; the SQL one lives in
agentsim.store.recorder. Every method is awaited, so an implementation may write off the event loop."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol

from agentsim.model.episode import Turn
from agentsim.model.record import EpisodeEnd, EpisodeStart


class Recorder(Protocol):
    async def start(self, header: EpisodeStart) -> None: ...

    def add_turn(self, episode_id: str, turn: Turn) -> Awaitable[None]:
        """Queued at once, in order; durable when the awaitable is done. The engine awaits every queued turn
        before the doctor's next turn, so a reply and the action after it may share one commit."""

    async def complete(self, end: EpisodeEnd) -> None:
        """Status and scores in one transaction."""
