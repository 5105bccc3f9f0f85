"""`agentsim judge compare`: the deterministic rubric and an LLM judge on the same stored episodes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentsim.judge.agreement import Agreement, JudgePair

from agentsim.cli.episodes import (
    ApiBaseOption,
    DbOption,
    JudgeModelOption,
    JudgeOptOption,
    JudgeSamplesOption,
)

app = typer.Typer(help="The LLM judge beside the deterministic one.", no_args_is_help=True)


def episode_ids(targets: list[str], *, db: str | None) -> list[str]:
    """Each target is a run (all its finished episodes) or an episode: id, unique prefix, or 'latest' (the
    latest episode). Order kept, duplicates dropped."""
    from agentsim.model.episode import EpisodeStatus
    from agentsim.report.data import export_target
    from agentsim.store.queries import list_episodes

    ids: list[str] = []
    for target in targets:
        kind, ident = export_target(target, db=db, prefer_run=False)
        if kind == "run":
            rows = list_episodes(db=db, run_id=ident, limit=1_000_000)
            ids += [r.id for r in sorted(rows, key=lambda r: (r.started_at, r.id)) if r.status != EpisodeStatus.RUNNING]
        else:
            ids.append(ident)
    return list(dict.fromkeys(ids))


@app.command("compare")
def compare(
    targets: Annotated[list[str], typer.Argument(metavar="RUN_OR_EPISODES...",
                                                 help="a run, or episodes: ids, unique prefixes or 'latest'")],
    db: DbOption = None,
    judge_model: JudgeModelOption = None,
    judge_samples: JudgeSamplesOption = 1,
    judge_opt: JudgeOptOption = None,
    api_base: ApiBaseOption = None,
    rubric: Annotated[str, typer.Option(help="rubric id or path")] = "default",
    save: Annotated[bool, typer.Option(help="store the LLM verdicts beside the rubric scores")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score stored episodes with both judges and print how far they agree: exact Likert agreement,
    correct/incorrect agreement and Cohen's kappa on correct."""
    from agentsim.cli.consult import _parse_options
    from agentsim.errors import UserError
    from agentsim.judge.agreement import JudgePair, agreement
    from agentsim.judge.stored import judge_stored

    ids = episode_ids(targets, db=db)
    if not ids:
        raise UserError("nothing to compare: the run has no finished episodes")
    graded = judge_stored(ids, db=db, model=judge_model, api_base=api_base, samples=judge_samples,
                          options=_parse_options(judge_opt or [], "--judge-opt"), rubric=rubric, save=save)
    pairs = [JudgePair(episode_id=g.episode.episode_id, case_id=g.episode.case_id, diagnosis=g.episode.diagnosis,
                       rubric_likert=g.rubric.diagnosis.likert, rubric_correct=g.rubric.diagnosis.correct,
                       llm_likert=g.judgement.likert, llm_correct=g.judgement.correct,
                       llm_agreement=g.judgement.agreement) for g in graded]
    summary = agreement(pairs)
    models = sorted({g.judgement.model for g in graded})
    if as_json:
        typer.echo(json.dumps({"models": models, "agreement": summary.model_dump(),
                               "episodes": [p.model_dump() for p in pairs]}, indent=2))
        return
    _print(pairs, summary, models)


def _print(pairs: list[JudgePair], summary: Agreement, models: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"rubric vs {', '.join(models)}: {summary.n} episode(s)")
    for column in ("episode", "case", "diagnosis", "rubric", "llm", "self-agreement"):
        table.add_column(column)
    for p in pairs:
        style = "" if p.rubric_correct == p.llm_correct else "red"
        table.add_row(p.episode_id[:12], p.case_id, p.diagnosis or "-",
                      f"{p.rubric_likert} {'✓' if p.rubric_correct else '✗'}",
                      f"{p.llm_likert} {'✓' if p.llm_correct else '✗'}", f"{p.llm_agreement:.0%}", style=style)
    console = Console(highlight=False)
    console.print(table)

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.0%}"

    kappa = "undefined (both judges gave every episode the same verdict)" if summary.kappa is None \
        else f"{summary.kappa:.2f}"
    console.print(f"exact Likert agreement {pct(summary.likert_exact)} (within one: {pct(summary.likert_within_one)})")
    console.print(f"correct/incorrect agreement {pct(summary.correct_agreement)} (correct: rubric "
                  f"{summary.rubric_correct}, llm {summary.llm_correct} of {summary.n})")
    console.print(f"Cohen's kappa on correct {kappa}")
