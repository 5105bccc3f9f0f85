"""`agentsim audit patient`: how truthfully a patient agent answers its cases, asked in many phrasings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Self-audits of agentsim's own agents.", no_args_is_help=True)


def _load_cases(items: list[str] | None) -> list:  # noqa: ANN401 - list of Case, imported lazily
    from agentsim.cases.library import load_all_cases, load_case

    if not items:
        return load_all_cases()
    cases = []
    for item in items:
        path = Path(item)
        cases.extend(load_all_cases(path) if path.is_dir() else [load_case(item)])
    return cases


@app.command("patient")
def patient(
    cases: Annotated[list[str] | None, typer.Argument(help="case ids, .yaml files or folders (default: the library)")]
    = None,
    patient_name: Annotated[str, typer.Option("--patient", help="patient agent: retrieval or llm")] = "retrieval",
    as_json: Annotated[bool, typer.Option("--json", help="print the whole audit as JSON")] = False,
    db: Annotated[str | None, typer.Option(help="also store the audit as a run in this database (URL or path)")]
    = None,
    failures: Annotated[int, typer.Option(help="show this many failed probes")] = 10,
) -> None:
    """Ask every fact back (direct, lay, clinical, UK/US wording), plus "anything else?", demographics and
    absent items; report right fact, false "no", unrelated answers and leaks per case and inquiry type."""
    from rich.console import Console
    from rich.table import Table

    from agentsim.audit.patient import audit_patient
    from agentsim.errors import UserError

    loaded = _load_cases(cases)
    if not loaded:
        raise UserError("no cases to audit")
    audit = asyncio.run(audit_patient(loaded, patient=patient_name))
    run_id = None
    if db is not None:
        from agentsim.store.audits import save_audit

        run_id = save_audit(audit, db=db)
    if as_json:
        typer.echo(json.dumps({"run_id": run_id, **audit.model_dump(mode="json")}, indent=2))
        return
    console = Console()
    for title, rows in (("per inquiry type", audit.by_inquiry), ("per phrasing", audit.by_style),
                        ("per case", {c.case_id: c.tally for c in audit.cases})):
        table = Table(title=f"{audit.patient}: {title}")
        for column in ("", "probes", "right", "false no", "unrelated", "leaks"):
            table.add_column(column, justify="left" if not column else "right")
        for name, tally in rows.items():
            table.add_row(name, str(tally.n), f"{tally.rate('right'):.1%}", f"{tally.rate('false_no'):.1%}",
                          f"{tally.rate('unrelated'):.1%}", str(tally.leaks))
        console.print(table)
    summary = audit.summary()
    console.print(f"overall: {summary['probes']} probes, right {summary['right']:.1%}, false no "
                  f"{summary['false_no']:.1%}, unrelated {summary['unrelated']:.1%}, leaks {summary['leaks']}")
    for case in audit.cases:
        if case.unretrievable:
            console.print(f"[bold]{case.case_id}[/]: no phrasing reached {', '.join(case.unretrievable)}")
    for result in audit.failures[:failures]:
        console.print(f"  {result.case_id} [{result.probe.style.value}/{result.probe.inquiry.value}] "
                      f"{result.probe.question!r} -> {result.outcome.value} {result.facts}", markup=False)
    if run_id:
        console.print(f"stored as run {run_id}")
