"""`agentsim play`: you are the doctor. OSCE practice against the offline patient and examiner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentsim.model.case import Case
    from agentsim.model.episode import EpisodeResult, Turn


HUMAN_MAX_TURNS = 40  # a careful history takes more turns than an agent's: a student hit 20 at turn 15


def play(
    case: Annotated[str | None, typer.Argument(help="case id (see `agentsim cases list`) or path to a case file")]
    = None,
    random_case: Annotated[bool, typer.Option("--random", help="a case picked for you, its id and title hidden "
                                                               "until the end")] = False,
    specialty: Annotated[str | None, typer.Option(help="with --random: only this specialty")] = None,
    difficulty: Annotated[int | None, typer.Option(min=1, max=3, help="with --random: only this difficulty")]
    = None,
    persona: Annotated[str | None, typer.Option(help="patient persona id (see personas/)")] = None,
    seed: Annotated[int, typer.Option(help="seed for persona noise")] = 0,
    max_turns: Annotated[int, typer.Option(min=1, help="your turns; the last must be a diagnosis")]
    = HUMAN_MAX_TURNS,
    budget: Annotated[float | None, typer.Option(min=0, help="USD; when spent, the next turn must diagnose")] = None,
    db: Annotated[str | None, typer.Option(help="database URL or SQLite path [env AGENTSIM_DB; ./agentsim.db]")]
    = None,
) -> None:
    """Take the history yourself: type questions, /exam, /order, /dx (see /help). Logged and scored."""
    import asyncio

    from rich.console import Console
    from rich.markup import escape

    from agentsim.agents.doctor.human import HumanDoctor
    from agentsim.cases.library import load_persona
    from agentsim.cli.render import case_card, score_card, turn_panel
    from agentsim.engine.episode import arun_episode
    from agentsim.model.episode import Role, Termination
    from agentsim.model.spec import EpisodeSpec, RoleSpec
    from agentsim.store.db import resolve_url

    console = Console(highlight=False)
    # an unknown case or persona fails here, before the brief is shown and the trainee starts typing
    loaded = pick_case(case, random_case=random_case, specialty=specialty, difficulty=difficulty)
    patient_persona = load_persona(persona) if persona else None
    console.print(case_card(loaded, hide_identity=random_case))
    console.print("Type a question for the patient, or /help for the commands.")
    spent = 0.0

    def show(turn: Turn) -> None:
        nonlocal spent
        spent += turn.cost
        if turn.role is not Role.DOCTOR:
            console.print(turn_panel(turn, spent=spent))
        elif turn.cost:  # the user has just typed the action: a panel repeating it is noise, its price is not
            console.print(f"[dim]  +${turn.cost:,.0f} · ${spent:,.0f} spent[/]")

    human = HumanDoctor(console=console)
    spec = EpisodeSpec(case=loaded, doctor=RoleSpec(ref=human.name, instance=human), persona=patient_persona,
                       seed=seed, max_turns=max_turns, budget=budget)
    episode = arun_episode(spec, db=resolve_url(db), on_turn=show)
    # run_until_complete, not asyncio.run: asyncio.run turns Ctrl-C into a task cancel that only lands after
    # the blocking input() returns; the default handler raises KeyboardInterrupt inside input() at once,
    # which HumanDoctor turns into a clean `aborted` ending with the score card.
    loop = asyncio.new_event_loop()
    try:
        result = loop.run_until_complete(episode)
    finally:
        loop.close()
    if result.termination is Termination.ABORTED:
        console.print("[yellow]Consultation ended before a diagnosis (aborted); the turns so far are logged.[/]")
    console.print(score_card(result.score, termination=result.termination.value, episode_id=result.episode_id))
    console.print(tests_line(result, loaded))
    if random_case:
        console.print(f"[bold]The case was[/] {escape(loaded.title)} ({loaded.id})")
    console.print(f"Replay with: agentsim replay {result.episode_id[:12]}" + (f" --db {db}" if db else ""))


def pick_case(case: str | None, *, random_case: bool, specialty: str | None, difficulty: int | None) -> Case:
    """The named case, or with --random one drawn from the library (filtered), so the trainee cannot read
    the diagnosis off its id."""
    import random

    from agentsim.cases.library import load_all_cases, load_case
    from agentsim.errors import UserError

    if not random_case:
        if case is None:
            raise UserError("give a case id (see `agentsim cases list`) or --random")
        if specialty or difficulty:
            raise UserError("--specialty and --difficulty choose a --random case; leave them out with a case id")
        return load_case(case)
    if case is not None:
        raise UserError("give a case id or --random, not both")
    pool = [c for c in load_all_cases() if (specialty is None or c.specialty.value == specialty)
            and (difficulty is None or c.difficulty == difficulty)]
    if not pool:
        raise UserError(f"no case with specialty={specialty} difficulty={difficulty} (see `agentsim cases list`)")
    return random.SystemRandom().choice(pool)


def tests_line(result: EpisodeResult, case: Case) -> str:
    """Everything the trainee ordered beside what the marker expected: the score card lists only the
    expected ones, and the unexpected extras are what costs money."""
    from rich.markup import escape

    from agentsim.model.episode import Role, TurnKind

    ordered = [t for turn in result.turns if turn.role is Role.DOCTOR and turn.kind is TurnKind.ORDER
               for t in turn.payload.get("tests", [])]
    expected = case.rubric.expected_tests
    return (f"[bold]Tests[/]  you ordered: {escape(', '.join(ordered)) or 'none'} · "
            f"expected: {', '.join(expected) or 'none'}")
