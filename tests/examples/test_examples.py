"""The examples in examples/ run as documented: for real, offline, against 127.0.0.1 only."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from agentsim import run_episode
from agentsim.model.episode import Termination

EXAMPLES = Path(__file__).parents[2] / "examples"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"the example server did not listen on port {port} within {seconds} s")


def test_minimal_doctor_runs_and_prints_its_score():
    result = subprocess.run([sys.executable, str(EXAMPLES / "minimal_doctor.py")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    termination, summary = result.stdout.strip().split(" ", 1)
    assert termination == "diagnosed" and json.loads(summary)["diagnosis_correct"]


def test_minimal_doctor_also_loads_as_a_plugin(stemi):
    result = run_episode(stemi, doctor=f"{EXAMPLES / 'minimal_doctor.py'}:MinimalDoctor")
    assert result.termination is Termination.DIAGNOSED and result.score.diagnosis.correct


def test_http_doctor_server_plays_an_episode_from_another_process(stemi):
    port = free_port()
    server = subprocess.Popen([sys.executable, str(EXAMPLES / "http_doctor_server.py"), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(port, server)
        result = run_episode(stemi, doctor=f"http://127.0.0.1:{port}/act")
        assert result.termination is Termination.DIAGNOSED, result.error
        assert result.score.diagnosis.correct and result.score.efficiency.tests == 2
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
        server.stderr.close()
