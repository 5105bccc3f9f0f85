"""build_report: a run's episodes grouped by doctor, specialty and persona, with the Pareto front."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from agentsim.model.episode import EpisodeStatus
from agentsim.report import stats
from agentsim.report.data import Db, episode_records, resolve_run
from agentsim.report.model import EpisodeRecord, GroupStats, RunReport
from agentsim.report.prices import price_sources

NO_PERSONA = "none"
UNKNOWN_SPECIALTY = "unknown"


def build_report(run_id: str, *, db: Db, judge: str = "rubric") -> RunReport:
    """The report for a run (id, unique prefix, or 'latest'), graded by `judge` ("rubric" or "llm"). Episodes
    still running are counted in the header but left out of every group, so a report taken mid-run is a fair
    snapshot of what finished."""
    run = resolve_run(run_id, db=db)
    records = episode_records(run.id, db=db, judge=judge)
    finished = [r for r in records if r.status != EpisodeStatus.RUNNING]
    by_doctor = group_stats(finished, key=lambda r: r.doctor)
    points = {g.name: (g.mean_cost, g.accuracy) for g in by_doctor
              if g.mean_cost is not None and g.accuracy is not None}
    frontier = stats.pareto_frontier(points)
    for g in by_doctor:
        g.on_frontier = g.name in frontier
    repeats = int((run.spec or {}).get("repeats") or 1)
    if repeats > 1:
        add_pass_k(by_doctor, finished, k=repeats)
    return RunReport(
        run_id=run.id, name=run.name, status=run.status, created_at=run.created_at, finished_at=run.finished_at,
        episodes=len(records), completed=sum(r.status == EpisodeStatus.COMPLETED for r in records),
        failed=sum(r.status == "failed" for r in records), running=len(records) - len(finished),
        total_cost=math.fsum(r.cost for r in finished),
        by_doctor=by_doctor,
        by_specialty=group_stats(finished, key=lambda r: r.specialty or UNKNOWN_SPECIALTY),
        by_persona=group_stats(finished, key=lambda r: r.persona or NO_PERSONA),
        frontier=frontier,
        prices=price_sources(run.id, db=db),
    )


def add_pass_k(groups: list[GroupStats], records: list[EpisodeRecord], *, k: int) -> None:
    """pass^k and pass@k per doctor: a task is one case with one persona, repeated k times (seeds)."""
    tasks: dict[str, dict[tuple[str, str | None], list[bool]]] = defaultdict(lambda: defaultdict(list))
    for r in sorted(records, key=lambda r: r.seed):
        tasks[r.doctor][(r.case_id, r.persona)].append(stats.is_correct(r.likert))
    for g in groups:
        outcomes = list(tasks[g.name].values())
        both = stats.pass_k(outcomes, k=k)
        g.k, g.tasks = k, sum(len(o) >= k for o in outcomes)
        if both is not None:
            g.pass_all_k, g.pass_any_k = both


def group_stats(records: Iterable[EpisodeRecord], *, key: Callable[[EpisodeRecord], str]) -> list[GroupStats]:
    """One GroupStats per distinct key, sorted by name."""
    groups: dict[str, list[EpisodeRecord]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return [summarise(name, groups[name]) for name in sorted(groups)]


def summarise(name: str, records: list[EpisodeRecord]) -> GroupStats:
    outcomes = [1.0 if stats.is_correct(r.likert) else 0.0 for r in records]
    scored = [r for r in records if r.likert is not None]
    ci = stats.bootstrap_ci(outcomes)
    return GroupStats(
        name=name, n=len(records), scored=len(scored), correct=int(sum(outcomes)),
        accuracy=stats.mean(outcomes), ci_low=ci[0] if ci else None, ci_high=ci[1] if ci else None,
        mean_likert=stats.mean([r.likert for r in scored]), mean_coverage=stats.mean([r.coverage for r in scored]),
        mean_cost=stats.mean([r.cost for r in records]), mean_turns=stats.mean([r.turns for r in scored]),
        failures=sum(r.status == "failed" for r in records),
    )
