"""`agentsim run`: one consultation, shown live, scored, logged."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from agentsim.model.bounds import SEED_MAX, SEED_MIN

if TYPE_CHECKING:
    from agentsim.model.episode import EpisodeResult, Termination, Turn


def parse_options(pairs: list[str], flag: str = "--doctor-opt") -> dict[str, str]:
    from agentsim.errors import UserError

    options: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise UserError(f"{flag} expects key=value, got {pair!r}")
        key, value = pair.split("=", 1)
        options[key.strip()] = value
    return options


def llm_role(agent: str, offline: str, model: str | None, api_base: str | None,
             options: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A model for a role implies the `llm` agent, unless another agent than the offline default was named
    (e.g. a panel doctor), and implies {"model", "api_base"} options; --<role>-opt keys win over both."""
    if model and agent == offline:
        agent = "llm"
    implied = {"model": model} if model else {}
    if api_base and (model or agent == "llm"):
        implied["api_base"] = api_base
    return agent, {**implied, **options}


def run(
    case: Annotated[str, typer.Argument(help="case id (see `agentsim cases list`) or path to a case file")],
    doctor: Annotated[str, typer.Option(help="built-in name, path/file.py:Class, module:attr, plug-in name or "
                                             "http(s):// URL (see `agentsim doctors list`)")] = "checklist",
    patient: Annotated[str, typer.Option(help="patient agent")] = "retrieval",
    gatekeeper: Annotated[str, typer.Option(help="gatekeeper agent")] = "rules",
    persona: Annotated[str | None, typer.Option(help="patient persona id (see personas/)")] = None,
    max_turns: Annotated[int, typer.Option(min=1, help="doctor turns; the last must be a diagnosis")] = 20,
    budget: Annotated[float | None, typer.Option(min=0, help="USD; when spent, the next turn must diagnose")] = None,
    seed: Annotated[int, typer.Option(min=SEED_MIN, max=SEED_MAX, help="seed for persona noise")] = 0,
    db: Annotated[str | None, typer.Option(help="database URL or SQLite path [env AGENTSIM_DB; ./agentsim.db]")]
    = None,
    doctor_opt: Annotated[list[str] | None, typer.Option("--doctor-opt", help="key=value for the doctor")] = None,
    patient_opt: Annotated[list[str] | None, typer.Option("--patient-opt", help="key=value for the patient")] = None,
    gatekeeper_opt: Annotated[list[str] | None, typer.Option("--gatekeeper-opt", help="key=value for the gatekeeper")]
    = None,
    doctor_model: Annotated[str | None, typer.Option(
        envvar="AGENTSIM_DOCTOR_MODEL", help="litellm model for an LLM doctor, e.g. openai/gpt-4o-mini")] = None,
    patient_model: Annotated[str | None, typer.Option(
        envvar="AGENTSIM_PATIENT_MODEL", help="litellm model for an LLM patient")] = None,
    gatekeeper_model: Annotated[str | None, typer.Option(
        envvar="AGENTSIM_GATEKEEPER_MODEL", help="litellm model for an LLM gatekeeper")] = None,
    judge_model: Annotated[str | None, typer.Option(
        envvar="AGENTSIM_JUDGE_MODEL", help="litellm model for an LLM judge (recorded with the episode)")] = None,
    api_base: Annotated[str | None, typer.Option(
        envvar="AGENTSIM_API_BASE", help="base URL for every LLM role, e.g. http://localhost:8000/v1")] = None,
    no_validate: Annotated[bool, typer.Option(
        "--no-validate", help="run a case even if it fails the checks of `agentsim validate`")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object instead of panels")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="only the final summary line")] = False,
) -> None:
    """Play a whole consultation offline (or with configured agents), log it, and score it."""
    from rich.console import Console

    from agentsim.cli.render import score_card, turn_panel
    from agentsim.engine.episode import run_episode
    from agentsim.model.spec import EpisodeSpec, JudgeSpec, RoleSpec
    from agentsim.store.db import resolve_url

    console = Console(highlight=False)
    spent = 0.0

    def show(turn: Turn) -> None:
        nonlocal spent
        spent += turn.cost
        console.print(turn_panel(turn, spent=spent))

    if not no_validate:
        check_case(case)
    live = not (as_json or quiet)
    doctor, doctor_options = llm_role(doctor, "checklist", doctor_model, api_base, parse_options(doctor_opt or []))
    patient, patient_options = llm_role(patient, "retrieval", patient_model, api_base,
                                        parse_options(patient_opt or [], "--patient-opt"))
    gatekeeper, gatekeeper_options = llm_role(gatekeeper, "rules", gatekeeper_model, api_base,
                                              parse_options(gatekeeper_opt or [], "--gatekeeper-opt"))
    spec = EpisodeSpec(
        case=case, doctor=RoleSpec(ref=doctor, options=doctor_options),
        patient=RoleSpec(ref=patient, options=patient_options), gatekeeper=RoleSpec(ref=gatekeeper,
                                                                                  options=gatekeeper_options),
        persona=persona, max_turns=max_turns, budget=budget, seed=seed,
        judge=JudgeSpec(model=judge_model, options={"api_base": api_base} if judge_model and api_base else {}),
    )
    result = run_episode(spec, db=resolve_url(db), on_turn=show if live else None)
    if as_json:
        typer.echo(json.dumps(episode_json(result), indent=2))
    elif quiet:
        s = result.score
        correct = "correct" if s and s.diagnosis.correct else "incorrect"
        verdict = f"likert {s.diagnosis.likert} ({correct})" if s else "unscored"
        typer.echo(f"{result.episode_id} {result.case_id} {result.termination.value} {verdict}")
    else:
        console.print(score_card(result.score, termination=result.termination.value, episode_id=result.episode_id))
        console.print(f"Replay with: agentsim replay {result.episode_id[:12]}" + (f" --db {db}" if db else ""))
    raise typer.Exit(run_exit_code(result.termination))


def check_case(case: str) -> None:
    """The checks of `agentsim validate` (e.g. a fact or an alias naming the diagnosis) before a run: a case
    that fails them is refused, naming each problem, unless --no-validate."""
    from agentsim.cases.library import load_case, load_catalogue
    from agentsim.cases.lint import lint_case
    from agentsim.errors import CaseFileError

    loaded = load_case(case)
    problems = lint_case(loaded, load_catalogue())
    if problems:
        raise CaseFileError(case, [*problems, "run it anyway with --no-validate"])


def run_exit_code(termination: Termination) -> int:
    """0 when the consultation ran to an end (whatever the grade), 1 when the doctor failed (doctor_error:
    an unreachable HTTP doctor, a model that never produced an action) or it was aborted."""
    from agentsim.model.episode import Termination

    return 1 if termination in (Termination.DOCTOR_ERROR, Termination.ABORTED) else 0


def episode_json(result: EpisodeResult) -> dict[str, object]:
    return {
        "episode_id": result.episode_id,
        "case_id": result.case_id,
        "persona": result.persona,
        "seed": result.seed,
        "agents": result.agents.model_dump(mode="json"),
        "termination": result.termination.value,
        "error": result.error,
        "diagnosis": result.diagnosis,
        "score": result.score.summary() if result.score else None,
        "turns": [
            {"index": t.index, "role": t.role.value, "kind": t.kind.value, "text": t.text, "cost": t.cost}
            for t in result.turns
        ],
    }
