"""`agentsim runs list`: the batch runs in a database."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from agentsim.cli.dbpath import DB_HELP

app = typer.Typer(help="Batch runs.", no_args_is_help=True)


@app.command("list")
def list_runs(
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    limit: Annotated[int, typer.Option(min=1, help="how many, newest first")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List runs, newest first: status, episodes done and failed, work-up cost."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from agentsim.cli.dbpath import existing_db
    from agentsim.store.runs import list_runs as query
    from agentsim.store.runs import run_counts

    url = existing_db(db)
    rows = [(r, run_counts(r.id, db=url)) for r in query(db=url, limit=limit)]
    if as_json:
        typer.echo(json.dumps([{"id": r.id, "name": r.name, "status": r.status, **c,
                                "created_at": r.created_at.isoformat(),
                                "finished_at": r.finished_at.isoformat() if r.finished_at else None}
                               for r, c in rows], indent=2))
        return
    table = Table(title=f"{len(rows)} runs", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=0)
    table.add_column("id", no_wrap=True, min_width=8)
    table.add_column("name", overflow="fold")
    table.add_column("status", no_wrap=True)
    for name in ("done", "failed", "running", "cost"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("created", overflow="fold")
    for r, c in rows:
        table.add_row(r.id[:8], r.name or "-", r.status, str(c["completed"]), str(c["failed"]), str(c["running"]),
                      f"${c['cost_usd']:,.0f}", f"{r.created_at:%Y-%m-%d %H:%M}")
    Console(highlight=False).print(table)
