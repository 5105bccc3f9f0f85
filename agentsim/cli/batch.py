"""`agentsim batch SPEC` and `agentsim batch resume RUN`: many episodes, concurrently, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.progress import TaskID

    from agentsim.batch.runner import BatchOutcome
    from agentsim.batch.runner import Progress as BatchProgress


def batch(
    target: Annotated[str, typer.Argument(help="a batch spec file (YAML or JSON), or the word 'resume'")],
    run_id: Annotated[str | None, typer.Argument(help="with 'resume': the run id (or a unique prefix)")] = None,
    db: Annotated[str | None, typer.Option(help="database URL or SQLite path [env AGENTSIM_DB; ./agentsim.db]")]
    = None,
    concurrency: Annotated[int | None, typer.Option(min=1, help="override the spec's concurrency")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar; one summary line")] = False,
    executor: Annotated[str, typer.Option(help="local (asyncio) or ray (needs agentsim[ray])")] = "local",
    ray_address: Annotated[str | None, typer.Option(help="a Ray cluster address; default: a local Ray")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="worker processes for the local executor "
                                                 "[default: the CPU count]")] = None,
    doctor_opt: Annotated[list[str] | None, typer.Option("--doctor-opt", help="key=value for every doctor")] = None,
    patient_opt: Annotated[list[str] | None, typer.Option("--patient-opt", help="key=value for the patient")] = None,
    gatekeeper_opt: Annotated[list[str] | None, typer.Option("--gatekeeper-opt",
                                                             help="key=value for the gatekeeper")] = None,
) -> None:
    """Run a batch spec (cases x doctors x personas x repeats); resume an interrupted run.

    The spec is YAML or JSON: examples/batch.yaml shows and explains every field, and `agentsim schema batch`
    prints its JSON Schema. Exit codes: 0 every episode completed, 1 an episode failed or the run was
    interrupted (resume it), 2 a bad spec or flag. Credentials are not stored with a run: a resume takes
    them from the environment or agentsim.toml.
    """
    import asyncio
    import signal

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from agentsim.batch.pool import default_workers
    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec, load_spec, with_options
    from agentsim.cli.consult import parse_options
    from agentsim.errors import UserError
    from agentsim.model.episode import RunStatus
    from agentsim.store.db import resolve_url
    from agentsim.store.runs import get_run

    url = resolve_url(db)
    if target == "resume":
        if not run_id:
            raise UserError("usage: agentsim batch resume RUN_ID")
        run = get_run(run_id, db=url)
        spec, run_id = BatchSpec.model_validate(run.spec), run.id
        spec, dropped = spec.without_redacted()
        for field in dropped:  # secrets are never stored with a run: say where this resume takes them from
            typer.echo(resume_secret_note(field), err=True)
    else:
        spec, run_id = load_spec(Path(target)), None
    if concurrency:
        spec = spec.model_copy(update={"concurrency": concurrency})
    if doctor_opt or patient_opt or gatekeeper_opt:
        spec = with_options(spec, doctor=parse_options(doctor_opt or []),
                            patient=parse_options(patient_opt or [], "--patient-opt"),
                            gatekeeper=parse_options(gatekeeper_opt or [], "--gatekeeper-opt"))

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("failed {task.fields[failed]} · ${task.fields[cost]:,.0f}"), TimeRemainingColumn(),
                   disable=quiet)

    async def main() -> BatchOutcome:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGINT, stop.set)  # Ctrl-C: stop cleanly, resumable
        task_id: TaskID | None = None

        def on_progress(p: BatchProgress) -> None:
            if task_id is None:  # not reached: the task is added before the batch reports progress
                return
            bar.update(task_id, total=p.total, completed=p.skipped + p.done + p.failed, failed=p.failed,
                   cost=p.cost_usd)

        with bar:
            task_id = bar.add_task("episodes", total=None, failed=0, cost=0.0)
            outcome = await run_batch(spec, db=url, run_id=run_id, on_progress=on_progress, stop=stop,
                                      executor=executor, ray_address=ray_address,
                                      workers=workers or default_workers())
            bar.update(task_id, total=outcome.progress.total,
                       completed=outcome.progress.skipped + outcome.progress.done + outcome.progress.failed)
        return outcome

    outcome = asyncio.run(main())
    p = outcome.progress
    typer.echo(f"run {outcome.run_id} {outcome.status}: {p.done} done, {p.failed} failed, {p.skipped} already "
               f"done, of {p.total}; ${p.cost_usd:,.0f} of work-up")
    for error in p.errors[:10]:
        typer.echo(f"  {error}", err=True)
    if outcome.status is not RunStatus.COMPLETED:
        typer.echo(f"resume with: agentsim batch resume {outcome.run_id[:12]}" + (f" --db {db}" if db else ""))
        raise typer.Exit(1)
    broken = failed_episodes(outcome.run_id, db=url)
    if broken:  # the run finished, but not every consultation did: scripts must be able to tell
        typer.echo(f"{broken} episode(s) failed (doctor_error, aborted or crashed): see "
                   f"`agentsim episodes list --run {outcome.run_id[:8]}`", err=True)
        raise typer.Exit(1)


def failed_episodes(run_id: str, *, db: str) -> int:
    """Episodes of the run that crashed, or whose doctor failed (doctor_error) or that were aborted."""
    from agentsim.report.data import episode_records

    return sum(r.status == "failed" or r.termination in ("doctor_error", "aborted")
               for r in episode_records(run_id, db=db))


def resume_secret_note(field: str) -> str:
    from agentsim.llm.settings import key_source

    if field.endswith(".api_key"):
        source = key_source("doctor")
        return (f"note: {field} is not stored with the run; using the key from {source}" if source else
                f"note: {field} is not stored with the run and no key is set: set AGENTSIM_DOCTOR_API_KEY (or "
                "AGENTSIM_API_KEY, or api_key in agentsim.toml), or the provider's own variable")
    return (f"note: {field} held a credential that is not stored with the run; give it again through the "
            "environment (e.g. AGENTSIM_API_BASE) if the resumed episodes need it")
