"""`agentsim doctors list` and `agentsim schema doctor-io`: what a researcher needs to bring a doctor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Doctor agents: built-ins and installed plug-ins.", no_args_is_help=True)
schema_app = typer.Typer(help="JSON Schemas: the HTTP doctor protocol, the batch spec.", no_args_is_help=True)


@app.command("list")
def list_doctors(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
) -> None:
    """Built-in doctors and those installed under the `agentsim.doctors` entry-point group."""
    from agentsim.agents.registry import ENTRY_POINT_GROUP, FORMS, list_doctors

    rows = list_doctors()
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} doctors")
    for column in ("name", "source", "description"):
        table.add_column(column)
    for r in rows:
        source = r.source + (f" ({r.package})" if r.package else "") + (" [shadowed]" if r.shadowed else "")
        table.add_row(r.name, source, r.description)
    console = Console(highlight=False)
    console.print(table)
    console.print(f"--doctor also takes {FORMS}; packages add names under the {ENTRY_POINT_GROUP!r} "
                  "entry-point group. See docs/writing-a-doctor.md.")


@schema_app.command("doctor-io")
def doctor_io(
    out: Annotated[Path | None, typer.Option(help="write request and response schema files into this folder")]
    = None,
) -> None:
    """The HTTP doctor protocol: the request agentsim sends and the action it expects back."""
    from agentsim.model.doctor_io import DOCTOR_IO_VERSION, doctor_io_schemas

    schemas = doctor_io_schemas()
    if out is None:
        typer.echo(json.dumps(schemas, indent=2))
        return
    from agentsim.errors import UserError

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {out}: {exc.strerror or exc}") from None
    stem = DOCTOR_IO_VERSION.replace("/", "-")  # agentsim.doctor-io-v2
    for part in ("request", "response"):
        path = out / f"{stem}.{part}.schema.json"
        path.write_text(json.dumps(schemas[part], indent=2) + "\n", encoding="utf-8")
        typer.echo(str(path))


@schema_app.command("batch")
def batch_schema() -> None:
    """The batch spec (`agentsim batch SPEC`, POST /runs) as JSON Schema; examples/batch.yaml shows every field."""
    from agentsim.batch.spec import BatchSpec

    typer.echo(json.dumps(BatchSpec.model_json_schema(), indent=2))
