"""`agentsim play`: a person as the doctor, driven through piped stdin (and a real terminal via tmux)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from rich.console import Console

from agentsim import Ask, Diagnose, Examine, Order
from agentsim.agents.base import EpisodeAborted
from agentsim.agents.doctor.human import HELP, Command, CommandError, HumanDoctor, parse_line
from agentsim.model.action import Observation
from agentsim.model.episode import Role, Termination, TurnKind
from agentsim.store.queries import list_episodes, load_episode

CONSULT = "When did it start?\n/exam heart\n/order ECG, troponin\n/cost\n/dx STEMI; aortic dissection\n"


def agentsim(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          input=input, timeout=120)


def play(db_url: str, input: str, *extra: str) -> subprocess.CompletedProcess:
    return agentsim("play", "chest-pain-stemi", "--db", db_url, *extra, input=input)


# ---- the parser ----

@pytest.mark.parametrize(("line", "expected"), [
    ("When did it start?", Ask(question="When did it start?")),
    ("  /exam heart ", Examine(request="heart")),
    ("/EXAMINE abdomen, with palpation", Examine(request="abdomen, with palpation")),
    ("/order ECG, troponin", Order(tests=["ECG", "troponin"])),
    ("/order ECG;troponin,  ,chest x-ray", Order(tests=["ECG", "troponin", "chest x-ray"])),
    ("/dx STEMI; aortic dissection, pericarditis",
     Diagnose(diagnosis="STEMI", differential=["aortic dissection", "pericarditis"])),
    ("/dx inferior STEMI", Diagnose(diagnosis="inferior STEMI")),
    ("/cost", Command("cost")),
    ("/help", Command("help")),
    ("/?", Command("help")),
    ("/quit", Command("quit")),
    ("/exit", Command("quit")),
    ("", None),
    ("   ", None),
])
def test_parse_line(line, expected):
    assert parse_line(line) == expected


@pytest.mark.parametrize(("line", "message"), [
    ("/order", "/order needs at least one test"),
    ("/order , ;", "/order needs at least one test"),
    ("/exam", "/exam needs a system"),
    ("/dx ; pericarditis", "/dx needs a diagnosis"),
    ("/frobnicate now", "unknown command /frobnicate"),
    ("x" * 2001, "at most 2000"),
])
def test_parse_line_rejects_with_a_fix(line, message):
    with pytest.raises(CommandError, match=message):
        parse_line(line)


def _obs(**fields) -> Observation:
    return Observation(brief="A 58-year-old man with chest pain.", max_turns=10, **fields)


def _human(lines: list[str]) -> tuple[HumanDoctor, io.StringIO]:
    out = io.StringIO()
    feed = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return HumanDoctor(console=Console(file=out, width=100), input_fn=read), out


def test_human_doctor_retypes_instead_of_failing_the_episode():
    doctor, out = _human(["", "/bogus", "/cost", "/help", "/order FBC, U&E, CRP, LFTs", "/order FBC"])
    assert doctor.act(_obs(spent=410, budget=1000, turn=3)) == Order(tests=["FBC"])
    text = out.getvalue()
    assert "unknown command /bogus" in text and text.count(HELP.splitlines()[1]) == 2  # bad command + /help
    assert "Spent so far: $410 of a $1,000 budget · turn 4 of 10" in text
    assert "At most 3 tests per order" in text


def test_human_doctor_demands_a_diagnosis_on_the_final_turn():
    doctor, out = _human(["Any allergies?", "/dx STEMI"])
    assert doctor.act(_obs(final_turn=True, turn=9)) == Diagnose(diagnosis="STEMI")
    assert "a diagnosis is required now" in out.getvalue() and "final turn" in out.getvalue()


@pytest.mark.parametrize("lines", [["/quit"], []], ids=["quit", "eof"])
def test_human_doctor_quit_and_eof_abort(lines):
    doctor, _ = _human(lines)
    with pytest.raises(EpisodeAborted):
        doctor.act(_obs())


# ---- the command, end to end ----

def test_play_a_whole_consultation_through_piped_stdin(db_url):
    out = play(db_url, CONSULT)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "A 58-year-old man" in out.stdout  # the brief comes first
    assert "Patient · answer" in out.stdout and "Examiner · test_result" in out.stdout
    assert "Spent so far: $410" in out.stdout  # /cost
    card = out.stdout[out.stdout.index("Score · episode"):]
    assert "5/5 correct" in card and "termination: diagnosed" in card
    assert "missed:" in card and "expected ordered: ecg, troponin" in card and "Cost" in card
    assert "you ordered: ECG, troponin" in out.stdout

    [row] = list_episodes(db=db_url)
    assert row.doctor == "human" and row.termination == "diagnosed" and row.diagnosis == "STEMI"
    stored = load_episode(row.id, db=db_url)
    assert [t.kind for t in stored.turns if t.role is Role.DOCTOR] == [
        TurnKind.ASK, TurnKind.EXAMINE, TurnKind.ORDER, TurnKind.DIAGNOSE]
    assert stored.turns[-1].payload["differential"] == ["aortic dissection"]
    assert stored.score is not None and stored.score.diagnosis.correct

    replay = agentsim("replay", "latest", "--speed", "0", "--db", db_url)
    assert replay.returncode == 0, replay.stderr
    assert "It came on about an hour ago" in replay.stdout and "5/5 correct" in replay.stdout


@pytest.mark.parametrize("ending", ["/quit\n", ""], ids=["quit", "eof"])
def test_quit_and_end_of_input_store_an_aborted_episode_with_its_turns(db_url, ending):
    out = play(db_url, "When did it start?\n" + ending)
    assert out.returncode == 0, out.stderr
    assert "aborted" in out.stdout and "Score · episode" in out.stdout
    [row] = list_episodes(db=db_url)
    assert row.termination == Termination.ABORTED.value and row.status == "failed" and row.doctor == "human"
    stored = load_episode(row.id, db=db_url)
    assert [t.kind for t in stored.turns] == [TurnKind.OPENING, TurnKind.ASK, TurnKind.ANSWER, TurnKind.NOTICE]
    assert stored.turns[-1].payload == {"reason": "aborted"}
    assert stored.score is not None and stored.score.diagnosis.likert == 1  # scored: the trainee sees misses


def test_bad_commands_print_help_and_the_consultation_goes_on(db_url):
    out = play(db_url, "/order\n/teleport home\n/order   \n/dx STEMI\n")
    assert out.returncode == 0, out.stderr
    assert "/order needs at least one test" in out.stdout and "unknown command /teleport" in out.stdout
    assert out.stdout.count("Type a question for the patient, or a command:") == 3
    assert list_episodes(db=db_url)[0].termination == "diagnosed"


def test_final_turn_prompt_and_unknown_case_or_persona(db_url):
    out = play(db_url, "Where is the pain?\nDo you smoke?\n/dx STEMI\n", "--max-turns", "2")
    assert out.returncode == 0, out.stderr
    assert "Final turn: a diagnosis is required now" in out.stdout
    assert "This is the final turn" in out.stdout  # the question was refused, not sent
    assert list_episodes(db=db_url)[0].termination == "diagnosed"
    for bad in (["no-such-case"], ["chest-pain-stemi", "--persona", "no-such-persona"]):
        missing = agentsim("play", *bad, "--db", db_url, input="")
        assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
        assert "Brief" not in missing.stdout  # refused before the station starts


# ---- a real terminal ----

@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: the real-terminal test needs it")
def test_play_in_a_real_terminal_with_tmux(tmp_path, db_url):
    socket = f"agentsim-test-{uuid.uuid4().hex[:8]}"  # a private tmux server: never touches the user's
    tmux = ["tmux", "-L", socket]
    command = f"{sys.executable} -m agentsim.cli.app play chest-pain-stemi --db {db_url}; sleep 30"
    subprocess.run([*tmux, "new-session", "-d", "-s", "play", "-x", "120", "-y", "60", command], check=True)

    def screen() -> str:
        return subprocess.run([*tmux, "capture-pane", "-p", "-t", "play", "-S", "-500"], capture_output=True,
                              text=True, check=True).stdout

    def wait_for(text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{screen()}")

    def type_line(line: str) -> None:
        subprocess.run([*tmux, "send-keys", "-t", "play", "-l", line], check=True)
        subprocess.run([*tmux, "send-keys", "-t", "play", "Enter"], check=True)

    try:
        wait_for("doctor [1/40]>")  # the prompt counts turns; capture-pane trims the trailing space
        type_line("When did it start?")
        wait_for("It came on about an hour ago")
        type_line("/order ECG, troponin")
        wait_for("ST elevation")
        type_line("/cost")
        wait_for("Spent so far: $410")
        type_line("/dx STEMI; aortic dissection")
        shown = wait_for("Replay with: agentsim replay")
        assert "5/5 correct" in shown and "termination: diagnosed" in shown
        assert "Doctor · ask" not in shown  # a terminal echoes what was typed: no panel repeats it
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
    assert list_episodes(db=db_url)[0].doctor == "human"
