"""The viewer's pages: runs, a run, an episode, a comparison. Server-rendered; every read goes through
agentsim.store and agentsim.report, off the event loop (sync routes run in the thread pool)."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from agentsim.api.deps import DbDep, RunsDep
from agentsim.api.web.access import can_see_full_cases
from agentsim.api.web.render import page
from agentsim.api.web.views import (
    Side,
    compare,
    final_diagnosis,
    marker_sheet,
    run_summary,
    score_rows,
    transcript,
)
from agentsim.store import browse
from agentsim.store.tables import RunRow

router = APIRouter(include_in_schema=False)
RUN_LIMIT = 200
STANDALONE_LIMIT = 30


def _run_or_404(run_id: str, db: str) -> RunRow:
    row = browse.find_run(run_id, db=db)
    if row is None:
        raise HTTPException(404, detail=f"no run {run_id!r}")
    return row


@router.get("/", response_class=HTMLResponse, name="view_runs")
def runs_page(
    request: Request, db: DbDep, runs: RunsDep,
    doctor: Annotated[str | None, Query(max_length=200)] = None,
    case: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    from agentsim.api.crud import planned_episodes
    from agentsim.report.data import episode_records
    from agentsim.store.queries import latest_score
    from agentsim.store.runs import list_runs

    doctor, case, status = doctor or None, case or None, status or None
    summaries, doctors, cases, statuses = [], set(), set(), set()
    for row in list_runs(db=db, limit=RUN_LIMIT):
        records = episode_records(row.id, db=db)
        summary = run_summary(row, records, planned_episodes(row.spec or {}))
        doctors |= set(summary.doctors)
        cases |= set(summary.cases)
        statuses.add(row.status)
        if (doctor is None or doctor in summary.doctors) and (case is None or case in summary.cases) \
                and (status is None or row.status == status):
            summaries.append(summary)
    singles = [(e, latest_score(e.id, db=db)) for e in browse.standalone_episodes(db=db, limit=STANDALONE_LIMIT)
               if (case is None or e.case_id == case) and (doctor is None or e.doctor == doctor)
               and (status is None or e.status == status)]
    return page(request, "runs.html", title="Runs", runs=summaries, singles=singles,
                filters={"doctor": doctor, "case": case, "status": status},
                options={"doctor": sorted(doctors), "case": sorted(cases), "status": sorted(statuses)},
                active={r.id for r in summaries if runs.get(r.id) is not None})


@router.get("/view/runs/{run_id}", response_class=HTMLResponse, name="view_run")
def run_page(request: Request, run_id: str, db: DbDep) -> HTMLResponse:
    from agentsim.api.crud import planned_episodes
    from agentsim.report import build_report
    from agentsim.report import text as report_text
    from agentsim.report.data import episode_records

    row = _run_or_404(run_id, db)
    report = build_report(row.id, db=db)
    records = episode_records(row.id, db=db)
    summary = run_summary(row, records, planned_episodes(row.spec or {}))
    groups = [("doctor", report.by_doctor), ("specialty", report.by_specialty), ("persona", report.by_persona)]
    return page(request, "run.html", title=f"Run {row.name or row.id[:12]}", run=summary, report=report,
                groups=groups, columns=report_text.MD_COLUMNS, cells=report_text.cells,
                pass_columns=report_text.pass_k_columns(report.by_doctor), pass_cells=report_text.pass_k_cells,
                records=records, has_plot=_have_matplotlib())


@router.get("/view/runs/{run_id}/pareto.svg", name="view_pareto")
def pareto_svg(run_id: str, db: DbDep) -> Response:
    from agentsim.errors import UserError
    from agentsim.report import build_report
    from agentsim.report.plot import render_pareto

    row = _run_or_404(run_id, db)
    try:
        svg = render_pareto(build_report(row.id, db=db), fmt="svg")
    except UserError as exc:  # matplotlib missing: the page says so instead of a broken image
        raise HTTPException(501, detail=str(exc)) from None
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/view/runs/{run_id}/export.{fmt}", name="view_export")
def export_run(run_id: str, fmt: str, db: DbDep,
               level: Annotated[str, Query(pattern="^(episode|turn)$")] = "episode") -> Response:
    from agentsim.report.export import run_rows, write_csv, write_jsonl

    if fmt not in {"csv", "jsonl"}:
        raise HTTPException(404, detail=f"no export format {fmt!r} (csv or jsonl)")
    row = _run_or_404(run_id, db)
    out = io.StringIO()
    model, rows = run_rows(row.id, db=db, level="turn" if level == "turn" else "episode")
    (write_csv if fmt == "csv" else write_jsonl)(model, rows, out)
    name = f"run-{row.id[:12]}-{level}s.{fmt}"
    return Response(out.getvalue(), media_type="text/csv" if fmt == "csv" else "application/x-ndjson",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/view/episodes/{episode_id}", response_class=HTMLResponse, name="view_episode")
def episode_page(request: Request, episode_id: str, db: DbDep) -> HTMLResponse:
    from agentsim.api.crud import episode_public, find_case
    from agentsim.report.data import split_key
    from agentsim.store.queries import get_turns, latest_score

    row = browse.find_episode(episode_id, db=db)
    if row is None:
        raise HTTPException(404, detail=f"no episode {episode_id!r}")
    case = find_case(row.case_id)
    reveal = case is not None and can_see_full_cases(request)
    entries = transcript(get_turns(row.id, db=db), case, reveal=reveal)
    score = latest_score(row.id, db=db)
    label = (split_key(row.key) or (row.doctor, None, 0))[0]
    return page(request, "episode.html", title=f"Episode {row.id[:12]}", episode=episode_public(row), label=label,
                case=case, entries=entries, final=final_diagnosis(entries), score=score,
                score_rows=score_rows(score) if score else [], sheet=marker_sheet(case) if reveal and case else None,
                brief=case.doctor_view().brief if case else None)


@router.get("/view/compare", response_class=HTMLResponse, name="view_compare")
def compare_page(
    request: Request, db: DbDep,
    a_run: Annotated[str, Query(max_length=64)], b_run: Annotated[str | None, Query(max_length=64)] = None,
    a_doctor: Annotated[str | None, Query(max_length=200)] = None,
    b_doctor: Annotated[str | None, Query(max_length=200)] = None,
    only: Annotated[str | None, Query(pattern="^(disagree)?$")] = None,
) -> HTMLResponse:
    from agentsim.report.data import episode_records

    a = Side(run_id=_run_or_404(a_run, db).id, doctor=a_doctor or None)
    b = Side(run_id=_run_or_404(b_run or a_run, db).id, doctor=b_doctor or None)
    a_records = episode_records(a.run_id, db=db)
    b_records = a_records if b.run_id == a.run_id else episode_records(b.run_id, db=db)
    result = compare(a, b, a_records, b_records)
    rows = [r for r in result.rows if r.disagree] if only == "disagree" else result.rows
    doctors = {"a": sorted({r.doctor for r in a_records}), "b": sorted({r.doctor for r in b_records})}
    return page(request, "compare.html", title="Compare", cmp=result, rows=rows, tally=result.tally(),
                doctors=doctors, only=only)


def _have_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None
