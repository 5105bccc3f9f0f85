"""A person at the terminal as the doctor: OSCE practice against the offline patient and examiner.

Each turn reads one line. Free text is a question to the patient; slash commands examine, order,
diagnose, or control the session. The parser is a pure function (`parse_line`) so it can be tested
without a terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from agentsim.agents.base import Doctor, EpisodeAborted
from agentsim.match.exam import detect_systems, is_vague
from agentsim.model.action import Action, Ask, Diagnose, Examine, Observation, Order

HELP = """\
Type a question for the patient, or a command:
  /exam SYSTEM                 examine, e.g. /exam heart
  /order TEST, TEST            order tests, e.g. /order ECG, troponin
  /dx DIAGNOSIS [; DIFF, ...]  diagnose and finish, e.g. /dx STEMI; pericarditis
  /cost                        what you have spent so far
  /help                        this list
  /quit                        stop now, without a diagnosis (also Ctrl-D)"""

# several spellings per command: people type what they are used to, and a miss costs a re-prompt only
_ALIASES = {
    "exam": "exam", "examine": "exam", "ex": "exam",
    "order": "order", "test": "order", "tests": "order",
    "dx": "dx", "diagnose": "dx", "diagnosis": "dx",
    "cost": "cost", "spent": "cost",
    "help": "help", "h": "help", "?": "help",
    "quit": "quit", "exit": "quit", "q": "quit",
}


@dataclass(frozen=True)
class Command:
    """A session command that is not a consultation action."""

    name: Literal["cost", "help", "quit"]


class CommandError(ValueError):
    """A line that looks like a command but cannot be carried out; the message says how to fix it."""


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;]", text) if item.strip()]


def parse_line(line: str) -> Action | Command | None:
    """One typed line -> an action, a session command, or None for a blank line. Raises CommandError."""
    line = line.strip()
    if not line:
        return None
    if not line.startswith("/"):
        return _build(Ask, question=line)
    word, _, rest = line[1:].partition(" ")
    rest = rest.strip()
    name = _ALIASES.get(word.lower())
    if name is None:
        raise CommandError(f"unknown command /{word}")
    if name == "cost":
        return Command("cost")
    if name == "help":
        return Command("help")
    if name == "quit":
        return Command("quit")
    if name == "exam":
        if not rest:
            raise CommandError("/exam needs a system or manoeuvre, e.g. /exam heart")
        return _build(Examine, request=rest)
    if name == "order":
        tests = _split_list(rest)
        if not tests:
            raise CommandError("/order needs at least one test, e.g. /order ECG, troponin")
        return _build(Order, tests=tests)
    diagnosis, _, differential = rest.partition(";")
    if not diagnosis.strip():
        raise CommandError("/dx needs a diagnosis, e.g. /dx STEMI; aortic dissection")
    return _build(Diagnose, diagnosis=diagnosis.strip(), differential=_split_list(differential))


def _build(cls: type[Action], **fields: object) -> Action:
    try:
        return cls(**fields)  # each caller passes its class's own fields
    except ValidationError as exc:  # e.g. a question over the length limit
        raise CommandError(exc.errors()[0]["msg"]) from None


class HumanDoctor(Doctor):
    """Reads the doctor's actions from `input_fn` (default: the console, so piped stdin works too).

    /quit, end of input and Ctrl-C raise EpisodeAborted: the engine stores the episode as `aborted`
    with every turn so far, and still scores it so the trainee sees what was missed."""

    name = "human"

    def __init__(self, *, console: Console | None = None, input_fn: Callable[[str], str] | None = None,
                 prompt: str = "doctor [{turn}/{max_turns}]> "):
        self.console = console or Console(highlight=False)
        self.input_fn = input_fn or self._read
        self.prompt = prompt

    def _read(self, prompt: str) -> str:
        try:
            line = self.console.input(prompt)
        except (EOFError, KeyboardInterrupt):
            self.console.print()  # the cursor is still after the prompt
            raise
        if not sys.stdin.isatty():  # piped input is not echoed: show it so the transcript reads as a dialogue
            self.console.print(Text(line))
        return line

    def say(self, message: str, style: str = "") -> None:
        self.console.print(Text(message, style=style))  # Text, not markup: the user's words may hold "["

    def act(self, obs: Observation) -> Action:
        if obs.final_turn:
            self.say("Final turn: a diagnosis is required now (/dx DIAGNOSIS; DIFFERENTIAL, ...)", "bold yellow")
        while True:
            try:
                # the turn counter is in the prompt: a trainee sees the limit coming
                line = self.input_fn(self.prompt.format(turn=obs.turn + 1, max_turns=obs.max_turns))
            except EOFError:
                raise EpisodeAborted("end of input") from None
            except KeyboardInterrupt:
                raise EpisodeAborted("interrupted") from None
            try:
                parsed = parse_line(line)
            except CommandError as exc:
                self.say(str(exc), "red")
                self.say(HELP)
                continue
            if parsed is None:
                continue
            if isinstance(parsed, Command):
                if parsed.name == "quit":
                    raise EpisodeAborted("the doctor quit")
                self.say(self._spent(obs) if parsed.name == "cost" else HELP)
                continue
            problem = self._refuse(parsed, obs)
            if problem:
                self.say(problem, "red")
                continue
            return parsed

    @staticmethod
    def _spent(obs: Observation) -> str:
        budget = f" of a ${obs.budget:,.0f} budget" if obs.budget is not None else ""
        return f"Spent so far: ${obs.spent:,.0f}{budget} · turn {obs.turn + 1} of {obs.max_turns}"

    @staticmethod
    def _refuse(action: Action, obs: Observation) -> str | None:
        """Mistakes the engine would punish by ending the episode; a trainee gets to retype instead."""
        if obs.final_turn and not isinstance(action, Diagnose):
            return "This is the final turn: give your diagnosis with /dx (or /quit)."
        if isinstance(action, Examine) and is_vague(action.request) and not detect_systems(action.request):
            # the examiner would refuse it, and the visit it opens would still be charged
            return (f"'{action.request}' is too vague for the examiner: name a system or manoeuvre, "
                    "e.g. /exam heart, /exam abdomen, /exam vital signs. Nothing was charged.")
        if isinstance(action, Order) and len(action.tests) > obs.max_tests_per_order:
            return f"At most {obs.max_tests_per_order} tests per order; split them over several /order lines."
        return None
