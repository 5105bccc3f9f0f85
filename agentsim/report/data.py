"""Reading a run back as flat records: one query for its episodes, one for their scores, one for turns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import col, select

from agentsim.errors import NotFoundError, UserError
from agentsim.model.score import Score
from agentsim.report import stats
from agentsim.report.model import EpisodeRecord, TurnRecord
from agentsim.store.db import session
from agentsim.store.runs import get_run, list_runs
from agentsim.store.tables import EpisodeRow, RunRow, ScoreRow, TurnRow

Db = str | Path | None


def resolve_run(run_id: str, *, db: Db) -> RunRow:
    """By id, unique id prefix, or 'latest' (the most recently created run)."""
    if run_id == "latest":
        newest = list_runs(db=db, limit=1)
        if not newest:
            raise NotFoundError("no runs in this database (start one with `agentsim batch SPEC`)")
        return newest[0]
    return get_run(run_id, db=db)


def find_run(run_id: str, *, db: Db) -> RunRow | None:
    """The run `run_id` names, or None if it names none (it may be an episode)."""
    try:
        return get_run(run_id, db=db)
    except NotFoundError:
        return None


def split_key(key: str | None) -> tuple[str, str | None, int] | None:
    """(doctor label, persona, seed) from "case|label|persona|seed". The label is free text and may itself
    contain '|', so the fixed fields are taken from both ends."""
    parts = (key or "").split("|")
    if len(parts) < 4:
        return None
    try:
        seed = int(parts[-1])
    except ValueError:
        return None
    persona = None if parts[-2] == "-" else parts[-2]
    return "|".join(parts[1:-2]), persona, seed


def episode_records(run_id: str, *, db: Db, judge: str = "rubric") -> list[EpisodeRecord]:
    """Every episode of the run (oldest first) with its latest score by `judge`: "rubric" (the default: the
    deterministic judge, comparable across runs) or "llm" (the LLM judge's rows; a failed judge call is no
    verdict and leaves the episode unscored)."""
    with session(db) as s:
        episodes = list(s.exec(select(EpisodeRow).where(col(EpisodeRow.run_id) == run_id)
                               .order_by(col(EpisodeRow.started_at), col(EpisodeRow.id))))
        scores: dict[str, ScoreRow] = {}
        # ascending id: a re-score written later replaces the earlier one in the dict
        llm_rows = col(ScoreRow.judge).startswith("llm:")
        for row in s.exec(select(ScoreRow).join(EpisodeRow, col(ScoreRow.episode_id) == col(EpisodeRow.id))
                          .where(col(EpisodeRow.run_id) == run_id, llm_rows if judge == "llm" else ~llm_rows)
                          .order_by(col(ScoreRow.id))):
            if not row.detail.get("failed"):
                scores[row.episode_id] = row
    cases: dict[str, tuple[str | None, int | None]] = {}
    return [_record(e, scores.get(e.id), cases) for e in episodes]


def turn_records(run_id: str, *, db: Db, batch: int = 5000) -> Iterator[TurnRecord]:
    """The run's turns in episode then turn order, streamed in batches so a large run never sits in memory."""
    with session(db) as s:
        episodes = {e.id: e for e in s.exec(select(EpisodeRow).where(col(EpisodeRow.run_id) == run_id))}
        query = (select(TurnRow).join(EpisodeRow, col(TurnRow.episode_id) == col(EpisodeRow.id))
                 .where(col(EpisodeRow.run_id) == run_id)
                 .order_by(col(EpisodeRow.started_at), col(EpisodeRow.id), col(TurnRow.index)))
        for row in s.exec(query.execution_options(yield_per=batch)):
            e = episodes[row.episode_id]
            label, persona, seed = split_key(e.key) or (e.doctor, e.persona, e.seed)
            yield TurnRecord(
                run_id=e.run_id, episode_id=e.id, key=e.key, case_id=e.case_id, doctor=label, persona=persona,
                seed=seed, index=row.index, role=row.role, kind=row.kind, text=row.text, cost=row.cost,
                tokens_prompt=row.tokens_prompt, tokens_completion=row.tokens_completion,
                latency_ms=row.latency_ms, synthetic=row.synthetic, payload=row.payload or {},
                created_at=row.created_at,
            )


def _record(e: EpisodeRow, score_row: ScoreRow | None, cases: dict) -> EpisodeRecord:
    label, persona, seed = split_key(e.key) or (e.doctor, e.persona, e.seed)
    specialty, difficulty = _case_facts(e.case_id, cases)
    likert = coverage = turns = None
    cost = e.total_cost
    if score_row is not None:
        try:
            score = Score.model_validate(score_row.detail)
            likert, coverage = score.diagnosis.likert, score.history.coverage
            cost, turns = score.cost.total, score.efficiency.turns
        except ValidationError:  # a detail from an older judge: the flat columns still hold the figures
            likert, coverage, cost = score_row.diagnosis_likert, score_row.history_coverage, score_row.total_cost
    models = (e.agent_config or {}).get("models") or {}
    return EpisodeRecord(
        run_id=e.run_id, episode_id=e.id, key=e.key, case_id=e.case_id, specialty=specialty,
        difficulty=difficulty, doctor=label, doctor_name=e.doctor, doctor_model=models.get("doctor"),
        persona=persona, seed=seed, status=e.status, termination=e.termination, error=e.error,
        diagnosis=e.diagnosis, likert=likert, correct=None if likert is None else stats.is_correct(likert),
        coverage=coverage, cost=cost, turns=turns, n_turns=e.n_turns, duration_ms=e.duration_ms,
        started_at=e.started_at, finished_at=e.finished_at,
    )


def _case_facts(case_id: str, cache: dict) -> tuple[str | None, int | None]:
    """Specialty and difficulty live in the case file, not the episode row; a run may outlive its cases."""
    if case_id not in cache:
        from agentsim.cases.library import load_case

        try:
            case = load_case(case_id)
            cache[case_id] = (case.specialty.value, case.difficulty)
        except UserError:
            cache[case_id] = (None, None)
    found: tuple[str | None, int | None] = cache[case_id]
    return found


def export_target(target: str, *, db: Db, prefer_run: bool) -> tuple[str, str]:
    """("run" | "episode", full id) for what `agentsim export TARGET` names. An exact id wins over a prefix;
    a prefix of both a run and an episode is refused. 'latest' is the latest episode, as it always was,
    unless the export can only be a run's (csv, parquet, --level): then it is the latest run."""
    from agentsim.store.queries import get_episode_row

    if target == "latest":
        return ("run", resolve_run(target, db=db).id) if prefer_run \
            else ("episode", get_episode_row(target, db=db).id)
    run = find_run(target, db=db)
    try:
        episode = get_episode_row(target, db=db)
    except NotFoundError:
        episode = None
    if run is not None and episode is not None and target not in {run.id, episode.id}:
        raise UserError(f"{target!r} is a prefix of both run {run.id} and episode {episode.id}: give more of it")
    if run is not None and (episode is None or run.id == target):
        return "run", run.id
    if episode is not None:
        return "episode", episode.id
    raise NotFoundError(f"no episode or run {target!r} in this database (see `agentsim episodes list`)")
