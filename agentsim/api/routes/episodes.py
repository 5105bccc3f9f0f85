"""/episodes/{id}: one stored episode, its turns (paged or as a live SSE stream) and its score."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from agentsim.api import crud
from agentsim.api.deps import DbDep, PageDep, SettingsDep, StreamsDep
from agentsim.api.errors import NOT_FOUND, STREAMS_BUSY, not_found
from agentsim.api.models import EpisodePublic, Page, TurnPublic
from agentsim.api.sse import limited, parse_last_event_id, turn_events
from agentsim.model.score import Score
from agentsim.store import browse
from agentsim.store.tables import EpisodeRow

router = APIRouter(prefix="/episodes", tags=["episodes"])


def _episode_or_404(episode_id: str, db: str) -> EpisodeRow:
    row = browse.find_episode(episode_id, db=db)
    if row is None:
        raise not_found(f"no episode {episode_id!r}")
    return row


@router.get("/{episode_id}", response_model=EpisodePublic, responses=NOT_FOUND, summary="One episode")
def get_episode(episode_id: str, db: DbDep) -> EpisodePublic:
    return crud.episode_public(_episode_or_404(episode_id, db))


@router.get("/{episode_id}/turns", response_model=Page[TurnPublic], responses=NOT_FOUND,
            summary="An episode's turns in order")
def list_turns(episode_id: str, db: DbDep, page: PageDep) -> Page[TurnPublic]:
    _episode_or_404(episode_id, db)
    turns, total = browse.turn_page(episode_id, db=db, limit=page.limit, offset=page.offset)
    return Page[TurnPublic](items=[TurnPublic.model_validate(t.model_dump()) for t in turns], total=total,
                            limit=page.limit, offset=page.offset)


@router.get("/{episode_id}/score", response_model=Score, responses=NOT_FOUND,
            summary="The judge's latest score of an episode")
def get_score(episode_id: str, db: DbDep) -> Score:
    from agentsim.store.queries import latest_score

    row = _episode_or_404(episode_id, db)
    score = latest_score(episode_id, db=db)
    if score is None:
        raise not_found(f"episode {episode_id!r} has no score ({row.status}"
                        + (f", {row.termination})" if row.termination else ")"))
    return score


@router.get("/{episode_id}/stream", response_class=StreamingResponse, responses={
    **NOT_FOUND, **STREAMS_BUSY, 200: {"content": {"text/event-stream": {"example": (
        'id: 0\ndata: {"index": 0, "role": "patient", "kind": "opening", "text": "..."}\n\n'
        'event: end\ndata: {"episode_id": "...", "status": "completed", "turns": 19}\n\n')}},
        "description": "one `data:` JSON turn per event, then `event: end`"}},
    summary="Stream an episode's turns as server-sent events, live or after the fact")
async def stream_turns(
    episode_id: str, db: DbDep, settings: SettingsDep, streams: StreamsDep,
    last_event_id: Annotated[str | None, Header(
        alias="Last-Event-ID", description="resume after this turn; an id the server never sent is ignored")]
    = None,
) -> StreamingResponse:
    """Sends every stored turn, then each new one as it is written (polled every ~100 ms), and ends with
    `event: end` when the episode is no longer running. A finished episode streams all turns, then ends.
    At most `max_open_streams` streams are open at once; one more is a 503 with Retry-After."""
    await run_in_threadpool(_episode_or_404, episode_id, db)
    if not streams.claim():
        raise HTTPException(503, detail=f"{streams.limit} streams are open (the server's limit); retry shortly",
                            headers={"Retry-After": "5"})
    events = turn_events(episode_id, db=db, after_index=parse_last_event_id(last_event_id),
                         poll_seconds=settings.stream_poll_seconds, idle_seconds=settings.stream_idle_seconds)
    return StreamingResponse(limited(events, streams), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
