"""Reading stored episodes back. Keyword-only where a call would otherwise be a riddle."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import desc
from sqlmodel import col, select

from agentsim.errors import NotFoundError
from agentsim.model.episode import AgentConfig, EpisodeResult, Role, Termination, Turn, TurnKind
from agentsim.model.score import Score
from agentsim.store.db import by_id_or_prefix, session
from agentsim.store.tables import EpisodeRow, ScoreRow, TurnRow


def list_episodes(*, db: str | Path | None = None, limit: int = 50, offset: int = 0,
                  case_id: str | None = None, run_id: str | None = None) -> list[EpisodeRow]:
    with session(db) as s:
        query = select(EpisodeRow).order_by(desc(col(EpisodeRow.started_at)), desc(col(EpisodeRow.id)))
        if case_id:
            query = query.where(EpisodeRow.case_id == case_id)
        if run_id:
            query = query.where(EpisodeRow.run_id == run_id)
        return list(s.exec(query.offset(offset).limit(limit)))


def get_episode_row(episode_id: str, *, db: str | Path | None = None) -> EpisodeRow:
    """By id, unique id prefix, or 'latest'."""
    with session(db) as s:
        if episode_id == "latest":
            row = s.exec(select(EpisodeRow).order_by(desc(col(EpisodeRow.started_at))).limit(1)).first()
        else:
            row = by_id_or_prefix(s, EpisodeRow, episode_id, noun="episode")
        if row is None:
            raise NotFoundError(f"no episode {episode_id!r} in this database (see `agentsim episodes list`)")
        return row


def get_turns(episode_id: str, *, db: str | Path | None = None) -> list[Turn]:
    with session(db) as s:
        rows = s.exec(select(TurnRow).where(TurnRow.episode_id == episode_id).order_by(col(TurnRow.index)))
        return [turn_from_row(r) for r in rows]


def turn_from_row(r: TurnRow) -> Turn:
    return Turn(index=r.index, role=Role(r.role), kind=TurnKind(r.kind), text=r.text, payload=r.payload or {},
                cost=r.cost, tokens_prompt=r.tokens_prompt, tokens_completion=r.tokens_completion,
                latency_ms=r.latency_ms, synthetic=r.synthetic, noise=r.noise or [], created_at=r.created_at)


LLM_JUDGE_PREFIX = "llm:"  # agentsim.judge.llm.JUDGE_PREFIX; not imported: the store stays light


def latest_score(episode_id: str, *, db: str | Path | None = None, judge: str | None = None) -> Score | None:
    """The newest score of `judge`; by default the newest deterministic one: an LLM judge's rows
    ("llm:<model>") sit beside the rubric's and are only returned when asked for by name."""
    row = latest_score_row(episode_id, db=db, judge=judge)
    return Score.model_validate(row.detail) if row else None


def latest_score_row(episode_id: str, *, db: str | Path | None = None, judge: str | None = None) -> ScoreRow | None:
    with session(db) as s:
        query = select(ScoreRow).where(ScoreRow.episode_id == episode_id)
        if judge:
            query = query.where(ScoreRow.judge == judge)
        else:
            query = query.where(~col(ScoreRow.judge).startswith(LLM_JUDGE_PREFIX))
        return s.exec(query.order_by(desc(col(ScoreRow.id))).limit(1)).first()


def score_rows(episode_id: str, *, db: str | Path | None = None) -> list[ScoreRow]:
    """Every stored score of an episode, oldest first, whichever judge gave it."""
    with session(db) as s:
        return list(s.exec(select(ScoreRow).where(ScoreRow.episode_id == episode_id).order_by(col(ScoreRow.id))))


def load_episode(episode_id: str, *, db: str | Path | None = None) -> EpisodeResult:
    row = get_episode_row(episode_id, db=db)
    config = row.agent_config or {}
    return EpisodeResult(
        episode_id=row.id, case_id=row.case_id, persona=row.persona, seed=row.seed,
        agents=AgentConfig.model_validate(config) if config else AgentConfig(
            doctor=row.doctor, patient=row.patient, gatekeeper=row.gatekeeper),
        termination=Termination(row.termination) if row.termination else Termination.ABORTED,
        turns=get_turns(row.id, db=db), score=latest_score(row.id, db=db), error=row.error,
        started_at=row.started_at, finished_at=row.finished_at,
    )


def save_score(episode_id: str, score: Score, *, db: str | Path | None = None, extra: dict | None = None) -> None:
    from agentsim.store.recorder import write_score

    with session(db) as s:
        write_score(s.execute, episode_id, score, extra)
        s.commit()
