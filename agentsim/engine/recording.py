"""The Recorder protocol: where an episode is written as it happens. Store-agnostic; the SQL one lives in
agentsim.store.recorder. Every method is awaited, so an implementation may write off the event loop."""

from __future__ import annotations

from typing import Protocol

from agentsim.model.episode import Turn
from agentsim.model.record import EpisodeEnd, EpisodeStart


class Recorder(Protocol):
    async def start(self, header: EpisodeStart) -> None: ...

    async def add_turn(self, episode_id: str, turn: Turn) -> None:
        """Durable when it returns: the engine shows the doctor nothing more before that."""

    async def complete(self, end: EpisodeEnd) -> None:
        """Status and scores in one transaction."""
