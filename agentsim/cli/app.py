"""The `agentsim` command. Heavy imports happen inside commands so `agentsim --help` stays fast."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from agentsim.cli import batch, cases, consult, doctors, episodes, judge, llm, play, report, runs, serve, view

app = typer.Typer(
    name="agentsim",
    help="Multi-agent diagnostic consultation simulator: doctor, patient and gatekeeper over OSCE case scripts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: text in brackets ("agentsim[ray]", "[env AGENTSIM_DB]") prints as written instead of
    # being eaten as rich markup, and a switch shows no "<bool>" value
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"agentsim {version('agentsim')}")
        except PackageNotFoundError:  # a source tree on PYTHONPATH, not installed
            typer.echo("agentsim (not installed: no version)")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version,
                                          help="print the version and exit")] = False,
) -> None:
    """Multi-agent diagnostic consultation simulator: doctor, patient and gatekeeper over OSCE case scripts."""

app.add_typer(cases.app, name="cases")
app.add_typer(cases.import_app, name="import")
app.add_typer(episodes.app, name="episodes")
app.add_typer(runs.app, name="runs")
app.add_typer(doctors.app, name="doctors")
app.add_typer(doctors.schema_app, name="schema")
app.add_typer(judge.app, name="judge")
app.command("validate")(cases.validate)
app.command("run")(consult.run)
app.command("play")(play.play)
app.command("replay")(episodes.replay)
app.command("export")(episodes.export)
app.command("score")(episodes.score)
app.command("batch")(batch.batch)
app.command("serve")(serve.serve)
app.command("view")(view.view)
app.command("report")(report.report)
app.command("fake-llm")(llm.fake_llm)


def main() -> None:
    from agentsim.errors import UserError

    try:
        app()
    except UserError as exc:
        print(f"agentsim: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("agentsim: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
