"""Stored episodes: list, replay, export, re-score. Everything here reads the log; nothing re-simulates."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentsim.model.episode import EpisodeResult
    from agentsim.report.export import RunFormat

app = typer.Typer(help="Stored episodes.", no_args_is_help=True)

DbOption = Annotated[str | None, typer.Option(help="database URL or SQLite path [env AGENTSIM_DB; ./agentsim.db]")]
EpisodeArg = Annotated[str, typer.Argument(help="episode id, a unique prefix of one, or 'latest'")]


class ExportFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"
    CSV = "csv"  # csv and parquet: runs only
    PARQUET = "parquet"


class ExportLevel(StrEnum):
    EPISODE = "episode"
    TURN = "turn"


EPISODE_FORMATS = {ExportFormat.JSON, ExportFormat.JSONL, ExportFormat.MD}
RUN_FORMATS = {ExportFormat.JSONL, ExportFormat.CSV, ExportFormat.PARQUET}
# the same formats as export_run names them
_RUN_FORMAT_NAMES: dict[ExportFormat, RunFormat] = {
    ExportFormat.JSONL: "jsonl", ExportFormat.CSV: "csv", ExportFormat.PARQUET: "parquet"}


SHORT_ID = 8  # a prefix every lookup accepts (4+ characters); never cut further, never with an ellipsis


@app.command("list")
def list_episodes(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="how many, newest first")] = 20,
    run: Annotated[str | None, typer.Option(help="only this run (id, unique prefix or 'latest')")] = None,
    doctor: Annotated[str | None, typer.Option(help="only this doctor (registered name or batch label)")] = None,
    case: Annotated[str | None, typer.Option(help="only this case id")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List stored episodes, newest first, with their score and run."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from agentsim.cli.dbpath import check_prefix, existing_db
    from agentsim.report.data import resolve_run, split_key
    from agentsim.store.browse import filtered_episodes
    from agentsim.store.queries import latest_score_row

    url = existing_db(db)
    run_id = resolve_run(check_prefix(run, what="run"), db=url).id if run else None
    rows = filtered_episodes(db=url, limit=limit, run_id=run_id, doctor=doctor, case_id=case)
    scores = {r.id: latest_score_row(r.id, db=url) for r in rows}
    if as_json:
        typer.echo(json.dumps([{**r.model_dump(mode="json"), "likert": s.diagnosis_likert if s else None,
                                "correct": s.diagnosis_correct if s else None}
                               for r in rows for s in [scores[r.id]]], indent=2, default=str))
        return
    # ids and case ids are what users type next: never cut; the other columns fold onto a second line
    table = Table(title=f"{len(rows)} episodes", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=0)
    table.add_column("id", no_wrap=True, min_width=SHORT_ID)
    table.add_column("run", no_wrap=True, min_width=SHORT_ID)
    table.add_column("case", no_wrap=True)
    table.add_column("doctor", overflow="fold")
    table.add_column("outcome", overflow="fold")
    table.add_column("likert", justify="right", no_wrap=True)
    table.add_column("cost", justify="right", no_wrap=True)
    table.add_column("started", overflow="fold")
    for r in rows:
        score = scores[r.id]
        label = (split_key(r.key) or (r.doctor, None, 0))[0]
        likert = "-" if score is None else f"{score.diagnosis_likert}{'✓' if score.diagnosis_correct else ''}"
        table.add_row(r.id[:SHORT_ID], (r.run_id or "-")[:SHORT_ID], r.case_id, label,
                      r.termination or r.status, likert, f"${r.total_cost:,.0f}", f"{r.started_at:%m-%d %H:%M}")
    Console(highlight=False).print(table)


def replay(
    episode: EpisodeArg,
    db: DbOption = None,
    speed: Annotated[float, typer.Option(min=0, help="seconds between turns (0: all at once)")] = 0.6,
    step: Annotated[bool, typer.Option("--step", help="one turn at a time: [Enter] next, [b] back, [q] quit")]
    = False,
) -> None:
    """Replay a stored consultation in the terminal."""
    import time

    from rich.console import Console

    from agentsim.cases.library import load_case
    from agentsim.cli.dbpath import check_prefix, existing_db
    from agentsim.cli.render import case_card, running_spent, score_card, turn_panel
    from agentsim.store.queries import load_episode

    result = load_episode(check_prefix(episode, what="episode"), db=existing_db(db))
    console = Console(highlight=False)
    try:
        console.print(case_card(load_case(result.case_id)))
    except Exception:  # noqa: BLE001 - a replay must work even if the case file has since gone
        console.print(f"[bold]Case[/] {result.case_id} (case file not available)")
    spent, n = running_spent(result.turns), len(result.turns)
    if step:
        if not step_through(n, show=lambda i: console.print(turn_panel(result.turns[i], spent=spent[i],
                                                                       counter=f"{i + 1}/{n}")),
                            read=lambda: console.input(STEP_HINT)):
            console.print("[dim]replay stopped[/]")
            return
    else:
        for i, turn in enumerate(result.turns):
            console.print(turn_panel(turn, spent=spent[i], counter=f"{i + 1}/{n}"))
            if speed:
                time.sleep(speed)
    console.print(score_card(result.score, termination=result.termination.value, episode_id=result.episode_id))


STEP_HINT = "[dim]\\[Enter] next  \\[b] back  \\[q] quit[/] "


def step_through(n: int, *, show: Callable[[int], None], read: Callable[[], str]) -> bool:
    """Show turn 0, then move on each key: Enter next, b back, q quit. True when the last turn was passed
    (the score follows), False on q or end of input."""
    i = 0
    while i < n:
        show(i)
        while True:
            try:
                key = read().strip().lower()
            except (EOFError, KeyboardInterrupt):
                return False
            if key in ("q", "quit"):
                return False
            if key in ("b", "back"):
                if i == 0:
                    continue  # already at the first turn: wait for another key
                i -= 1
                break
            i += 1
            break
    return True


def export(
    target: Annotated[str, typer.Argument(metavar="EPISODE|RUN",
                                          help="an episode or a run: id, unique prefix, or 'latest'")],
    db: DbOption = None,
    format: Annotated[ExportFormat | None, typer.Option(
        "--format", help="episode: json (default), jsonl (one turn a line) or md; "
                         "run: jsonl (default), csv or parquet")] = None,
    level: Annotated[ExportLevel | None, typer.Option(help="run: a row per episode (default) or per turn")] = None,
    out: Annotated[Path | None, typer.Option(help="write to this file (csv and parquet need one)")] = None,
) -> None:
    """Export a stored episode, or a whole run as rows for pandas, datasets or a spreadsheet."""
    from agentsim.cli.dbpath import check_prefix, existing_db
    from agentsim.errors import UserError
    from agentsim.report.data import export_target

    db = existing_db(db)
    check_prefix(target, what="run or episode")
    run_only = format in {ExportFormat.CSV, ExportFormat.PARQUET} or level is not None
    kind, ident = export_target(target, db=db, prefer_run=run_only)
    if kind == "run":
        from agentsim.report.export import export_run

        format = format or ExportFormat.JSONL
        run_format = _RUN_FORMAT_NAMES.get(format)
        if run_format is None:
            raise UserError(f"a run exports as jsonl, csv or parquet, not {format.value}")
        n = export_run(ident, db=db, fmt=run_format, level=(level or ExportLevel.EPISODE).value, out=out)
        if out is not None:
            typer.echo(f"wrote {n} rows to {out}", err=True)
        return
    format = format or ExportFormat.JSON
    if format not in EPISODE_FORMATS or level is not None:
        raise UserError(f"{ident[:12]} is an episode: it exports as json, jsonl or md (csv, parquet and "
                        "--level are for runs)")
    from agentsim.store.queries import load_episode

    result = load_episode(ident, db=db)
    if format is ExportFormat.JSON:
        text = result.model_dump_json(indent=2)
    elif format is ExportFormat.JSONL:
        text = "\n".join(json.dumps({"episode_id": result.episode_id, **turn.model_dump(mode="json")})
                         for turn in result.turns)
    else:
        text = markdown(result)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


def markdown(result: EpisodeResult) -> str:
    lines = [f"# Episode {result.episode_id}", "", f"- case: `{result.case_id}`",
             f"- doctor: {result.agents.doctor}; patient: {result.agents.patient}; "
             f"gatekeeper: {result.agents.gatekeeper}; persona: {result.persona or 'none'}; seed: {result.seed}",
             f"- termination: {result.termination.value}", ""]
    for turn in result.turns:
        cost = f" (${turn.cost:,.0f})" if turn.cost else ""
        lines.append(f"**{turn.role.value} · {turn.kind.value}**{cost}: {turn.text}".replace("\n", "  \n"))
        lines.append("")
    if result.score:
        s = result.score
        correct = "correct" if s.diagnosis.correct else "incorrect"
        lines += ["## Score", "", f"- diagnosis: {s.diagnosis.likert}/5 ({correct}) — {s.diagnosis.explanation}",
                  f"- history coverage: {s.history.coverage:.0%}; missed: {', '.join(s.history.missed) or 'none'}",
                  f"- cost: ${s.cost.total:,.0f}", f"- overall: {s.overall:.2f}"]
    return "\n".join(lines)


class JudgeChoice(StrEnum):
    RUBRIC = "rubric"
    LLM = "llm"


JudgeModelOption = Annotated[str | None, typer.Option(
    envvar="AGENTSIM_JUDGE_MODEL", help="litellm model for the LLM judge (default: the one recorded with the "
                                        "episode by `run --judge-model`)")]
ApiBaseOption = Annotated[str | None, typer.Option(envvar="AGENTSIM_API_BASE", help="base URL for the judge model")]
JudgeSamplesOption = Annotated[int, typer.Option(min=1, help="LLM judge: ask k times, keep the modal Likert and "
                                                             "report the agreement")]
JudgeOptOption = Annotated[list[str] | None, typer.Option("--judge-opt", help="key=value for the LLM judge "
                                                                            "(timeout, temperature, ...)")]


def score(
    episode: EpisodeArg,
    db: DbOption = None,
    rubric: Annotated[str, typer.Option(help="rubric id or path")] = "default",
    judge: Annotated[JudgeChoice, typer.Option(help="rubric (deterministic, the default) or llm")] \
        = JudgeChoice.RUBRIC,
    judge_model: JudgeModelOption = None,
    judge_samples: JudgeSamplesOption = 1,
    judge_opt: JudgeOptOption = None,
    api_base: ApiBaseOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    save: Annotated[bool, typer.Option(help="store the new score with the episode")] = True,
) -> None:
    """Re-score a stored episode from its turns (no re-run). --judge llm stores its verdict beside the rubric's."""
    from rich.console import Console

    from agentsim.cases.library import load_case, load_catalogue, load_rubric
    from agentsim.cli.dbpath import check_prefix, existing_db
    from agentsim.cli.render import judgement_card, score_card
    from agentsim.judge.rubric import score_turns
    from agentsim.store.queries import load_episode, save_score

    db = existing_db(db, write=save)  # storing the new score writes
    check_prefix(episode, what="episode")
    console = Console(highlight=False)
    if judge is JudgeChoice.LLM:
        from agentsim.cli.consult import parse_options
        from agentsim.judge.stored import judge_stored

        (both,) = judge_stored([episode], db=db, model=judge_model, api_base=api_base, samples=judge_samples,
                               options=parse_options(judge_opt or [], "--judge-opt"), rubric=rubric, save=save)
        if as_json:
            typer.echo(json.dumps({"episode_id": both.episode.episode_id, "score": both.llm.summary(),
                                   "llm": both.judgement.model_dump(mode="json")}, indent=2))
            return
        console.print(score_card(both.llm, termination=both.episode.termination.value,
                                 episode_id=both.episode.episode_id))
        console.print(judgement_card(both.judgement, rubric_likert=both.rubric.diagnosis.likert))
        return
    result = load_episode(episode, db=db)
    new = score_turns(load_case(result.case_id), result.turns, rubric=load_rubric(rubric), catalogue=load_catalogue(),
                      termination=result.termination)
    if save:
        save_score(result.episode_id, new, db=db)
    if as_json:
        typer.echo(json.dumps({"episode_id": result.episode_id, "score": new.summary()}, indent=2))
        return
    console.print(score_card(new, termination=result.termination.value, episode_id=result.episode_id))
