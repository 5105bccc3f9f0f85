"""`agentsim report RUN`: a run's accuracy, cost and failures per doctor, specialty or persona."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentsim.report.model import Grouping, RunReport

from agentsim.cli.episodes import JudgeChoice


class ReportFormat(StrEnum):
    TABLE = "table"
    MD = "md"
    CSV = "csv"
    JSON = "json"


class GroupBy(StrEnum):
    DOCTOR = "doctor"
    SPECIALTY = "specialty"
    PERSONA = "persona"


def report(
    run: Annotated[str, typer.Argument(help="run id, a unique prefix of one, or 'latest'")],
    format: Annotated[ReportFormat, typer.Option("--format", help="table, md, csv or json (the whole report)")]
    = ReportFormat.TABLE,
    plot: Annotated[Path | None, typer.Option(help="also write the cost/accuracy Pareto plot (.png or .svg)")]
    = None,
    by: Annotated[GroupBy, typer.Option(help="group rows by doctor, specialty or persona")] = GroupBy.DOCTOR,
    judge: Annotated[JudgeChoice, typer.Option(help="whose grades: rubric (deterministic) or llm (--judge-model "
                                                    "runs)")] = JudgeChoice.RUBRIC,
    db: Annotated[str | None, typer.Option(help="database URL or SQLite path [env AGENTSIM_DB; ./agentsim.db]")]
    = None,
) -> None:
    """Summarise a batch run: accuracy (Likert >= 4) with a 95% bootstrap CI, Likert, coverage, cost, turns."""
    from agentsim.cli.dbpath import check_prefix, existing_db
    from agentsim.report import build_report, plot_pareto
    from agentsim.report import text as render

    result = build_report(check_prefix(run, what="run"), db=existing_db(db), judge=judge.value)
    if plot is not None:
        # before the report is printed, so a bad suffix fails without half an output
        written = plot_pareto(result, plot)
        typer.echo(f"wrote {written}", err=True)
    if format is ReportFormat.JSON:
        typer.echo(result.model_dump_json(indent=2))
    elif format is ReportFormat.MD:
        typer.echo(render.markdown(result, by.value))
    elif format is ReportFormat.CSV:
        typer.echo(render.csv_text(result, by.value), nl=False)
    else:
        _print_table(result, by.value)


def _print_table(result: RunReport, by: Grouping) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from agentsim.report import text as render

    # light box, no wrapping: nine figures still fit an 80-column terminal beside a long doctor label
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1), pad_edge=False, show_edge=False)
    table.add_column(by, overflow="fold", min_width=12)
    groups = result.groups(by)
    passes = render.pass_k_columns(groups)
    for column in [*render.COLUMNS, *passes]:
        table.add_column(column, justify="right", no_wrap=True)
    for g in groups:
        # Text, not markup: a label such as "gpt[beta]" must print as written
        name = Text(g.name, style="bold") + " *" if g.on_frontier else Text(g.name)
        table.add_row(name, *render.cells(g), *(render.pass_k_cells(g) if passes else []))
    console = Console(highlight=False)
    console.print(render.heading(result), soft_wrap=True, markup=False)  # not a title: that wraps to the table
    console.print(table)
    if by == "doctor" and result.frontier:
        console.print(f"* on the cost/accuracy Pareto frontier: {', '.join(result.frontier)}", markup=False)
    if passes:
        console.print(f"{passes[0]}: a task (case x persona) correct in all {passes[0][5:]} repeats; "
                      f"{passes[1]}: in any of them", markup=False)
    prices = render.prices_line(result)
    if prices:
        console.print(prices, soft_wrap=True, markup=False)
