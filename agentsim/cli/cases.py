"""`agentsim cases ...`, `agentsim validate`, `agentsim import agentclinic`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Browse the case library.", no_args_is_help=True)
import_app = typer.Typer(help="Convert cases from other simulators.", no_args_is_help=True)


@app.command("list")
def list_cases(
    specialty: Annotated[str | None, typer.Option(help="only this specialty, e.g. cardiology")] = None,
    difficulty: Annotated[int | None, typer.Option(min=1, max=3, help="only this difficulty (1-3)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
) -> None:
    """List the scenarios."""
    from rich.console import Console

    from agentsim.cases.library import load_all_cases

    cases = [
        c for c in load_all_cases()
        if (specialty is None or c.specialty.value == specialty) and (difficulty is None or c.difficulty == difficulty)
    ]
    if as_json:
        rows = [{"id": c.id, "title": c.title, "specialty": c.specialty.value, "setting": c.setting.value,
                 "difficulty": c.difficulty, "tags": c.tags} for c in cases]
        typer.echo(json.dumps(rows, indent=2))
        return
    # one line a case, laid out by hand: the id is never cut (it is what you type next), the title gives way
    console = Console(highlight=False)
    lines = [(c.id, c.specialty.value, c.setting.value, str(c.difficulty), c.title) for c in cases]
    header = ("id", "specialty", "setting", "diff", "title")
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(4)]
    console.print(f"{len(cases)} cases", style="bold", markup=False)
    for i, row in enumerate([header, *lines]):
        cells = enumerate(zip(row[:4], widths, strict=True))
        head = " ".join(cell.rjust(w) if j == 3 else cell.ljust(w) for j, (cell, w) in cells)
        room = console.width - len(head) - 1
        title = row[4] if len(row[4]) <= room else (row[4][:room - 1] + "…" if room > 1 else "")
        console.print(f"{head} {title}".rstrip(), style="bold" if i == 0 else None, markup=False, soft_wrap=True)


@app.command("show")
def show_case(
    case_id: Annotated[str, typer.Argument(help="case id or path")],
    reveal: Annotated[bool, typer.Option(help="also show the diagnosis and rubric (for markers)")] = False,
) -> None:
    """Show a case card: what the doctor is handed (and with --reveal, the marker's sheet)."""
    from rich.console import Console

    from agentsim.cases.library import load_case
    from agentsim.cli.render import case_card

    Console().print(case_card(load_case(case_id), reveal=reveal))


def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="files or folders (default: scenarios, personas, rubrics)")]
    = None,
) -> None:
    """Validate scenarios, personas, rubrics and the test catalogue, with leak and reference lints."""
    from rich.console import Console

    from agentsim.cases.library import personas_dir, rubrics_dir, scenarios_dir
    from agentsim.cases.lint import validate_paths
    from agentsim.errors import UserError

    targets = paths or [scenarios_dir(), personas_dir(), rubrics_dir()]
    missing = [p for p in targets if not p.exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(map(str, missing))}")
    reports = validate_paths(list(targets))
    # paths and messages are data, not markup; one problem per line even when piped
    console = Console(highlight=False, soft_wrap=True)
    bad = [r for r in reports if not r.ok]
    for report in bad:
        console.print(f"✗ {report.path} ({report.kind.value})", markup=False, style="red")
        for error in report.errors:
            console.print(f"    {error}", markup=False)
    warned = [r for r in reports if r.warnings]
    for report in warned:
        console.print(f"! {report.path} ({report.kind.value}): warning", markup=False, style="yellow")
        for warning in report.warnings:
            console.print(f"    {warning}", markup=False)
    console.print(f"{len(reports) - len(bad)} valid, {len(bad)} invalid, {len(reports)} files"
                  + (f", {len(warned)} with warnings" if warned else ""))
    if bad:
        raise typer.Exit(2)
    if not reports:
        raise UserError("no YAML files found to validate")


@import_app.command("agentclinic")
def import_agentclinic(
    source: Annotated[Path, typer.Argument(help="AgentClinic JSONL file (OSCE or NEJM schema)")],
    out: Annotated[Path, typer.Option("--out", help="folder for the converted case files")],
) -> None:
    """Convert AgentClinic's public JSONL files into agentsim case scripts."""
    from rich.console import Console

    from agentsim.cases.importers.agentclinic import import_agentclinic as convert

    report = convert(source, out)
    Console(highlight=False, soft_wrap=True).print(report.summary(), markup=False)
