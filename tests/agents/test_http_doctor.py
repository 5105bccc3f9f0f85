"""The HTTP doctor against a real local server (127.0.0.1 only): protocol, retries, junk and timeouts."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agentsim import run_episode
from agentsim.engine.episode import episode_spec
from agentsim.model.doctor_io import DOCTOR_IO_VERSION, REQUEST_ADAPTER, ActRequest, ResetRequest
from agentsim.model.episode import Role, Termination, TurnKind

Reply = tuple[int, str]  # status, body
PLAN = [
    {"action": "ask", "question": "When did the pain start, and does it spread to your arm or jaw?"},
    {"action": "examine", "request": "pulse, blood pressure and heart sounds"},
    {"action": "order", "tests": ["ECG", "troponin"]},
    {"action": "diagnose", "diagnosis": "STEMI", "differential": ["aortic dissection"]},
]


class DoctorServer:
    """A ThreadingHTTPServer whose answers a test scripts with `behave(request_json) -> (status, body)`."""

    def __init__(self, behave: Callable[[dict], Reply]):
        self.behave = behave
        self.requests: list[dict] = []
        self.release = threading.Event()  # lets a deliberately hanging handler go at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                status, text = server.behave(body)
                data = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the timeout test): expected

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free one
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/act"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def acts(self) -> list[dict]:
        return [r for r in self.requests if "observation" in r]


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[dict], Reply]], DoctorServer]]:
    servers: list[DoctorServer] = []

    def start(behave: Callable[[dict], Reply]) -> DoctorServer:
        server = DoctorServer(behave)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.release.set()
        server.httpd.shutdown()
        server.httpd.server_close()


def plan_doctor(body: dict) -> Reply:
    if "reset" in body:
        return 200, "{}"
    return 200, json.dumps(PLAN[min(body["observation"]["turn"], len(PLAN) - 1)])


def test_a_whole_episode_over_http(serve, stemi, db_url):
    from agentsim.store.queries import load_episode

    server = serve(plan_doctor)
    result = run_episode(stemi, doctor=server.url, db=db_url)
    assert result.termination is Termination.DIAGNOSED and result.score.diagnosis.correct
    kinds = [t.kind for t in result.turns if t.role is Role.DOCTOR]
    assert kinds == [TurnKind.ASK, TurnKind.EXAMINE, TurnKind.ORDER, TurnKind.DIAGNOSE]
    assert load_episode(result.episode_id, db=db_url).agents.doctor == server.url

    # the wire format: one reset, then one observation per turn, every request a valid v1 envelope
    reset, *acts = [REQUEST_ADAPTER.validate_python(r) for r in server.requests]
    assert isinstance(reset, ResetRequest) and reset.reset.brief == stemi.doctor_view().brief
    assert all(isinstance(a, ActRequest) for a in acts) and [a.observation.turn for a in acts] == [0, 1, 2, 3]
    assert {r["schema"] for r in server.requests} == {DOCTOR_IO_VERSION}
    assert len({r["session"] for r in server.requests}) == 1
    assert acts[0].observation.reply == result.turns[0].text  # turn 0 sees the opening statement
    assert acts[3].observation.spent == result.score.cost.total


def test_a_server_that_ignores_or_rejects_resets_still_works(serve, stemi):
    def no_resets(body: dict) -> Reply:
        return (404, "not found") if "reset" in body else plan_doctor(body)

    assert run_episode(stemi, doctor=serve(no_resets).url).termination is Termination.DIAGNOSED
    server = serve(plan_doctor)
    run_episode(episode_spec(stemi, doctor=server.url, doctor_options={"reset": "false"}))
    assert all("observation" in r for r in server.requests)


def test_a_500_is_retried_then_the_answer_is_used(serve, stemi):
    failures = iter([True, True])

    def flaky(body: dict) -> Reply:
        if "observation" in body and body["observation"]["turn"] == 1 and next(failures, False):
            return 500, "model overloaded"
        return plan_doctor(body)

    server = serve(flaky)
    result = run_episode(episode_spec(stemi, doctor=server.url, doctor_options={"backoff": "0.01"}))
    assert result.termination is Termination.DIAGNOSED
    assert [a["observation"]["turn"] for a in server.acts()] == [0, 1, 1, 1, 2, 3]


def test_a_server_that_keeps_failing_ends_as_doctor_error_with_status_and_body(serve, stemi):
    server = serve(lambda body: (503, "upstream model unavailable " + "x" * 500))
    result = run_episode(episode_spec(stemi, doctor=server.url, doctor_options={"retries": "1", "backoff": "0"}))
    assert result.termination is Termination.DOCTOR_ERROR
    assert result.error.startswith(f"doctor raised HTTPDoctorError: POST {server.url} answered 503 Service "
                                   "Unavailable: 'upstream model unavailable xxx")
    assert result.error.endswith("...' (after 2 attempts)") and len(result.error) < 400
    assert len(server.acts()) == 2


def test_a_4xx_is_not_retried(serve, stemi):
    server = serve(lambda body: (422, '{"detail": "bad envelope"}'))
    result = run_episode(stemi, doctor=server.url)
    assert "answered 422 Unprocessable Entity: '{\"detail\": \"bad envelope\"}'" in result.error
    assert len(server.acts()) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("<html>oops</html>", "answered 200 with a body that is not JSON: '<html>oops</html>'"),
     ('{"action": "teleport"}', "answered 200 with JSON that is not an action"),
     ('{"action": "order", "tests": []}', "not an action (order.tests: List should have at least 1 item")],
)
def test_junk_ends_as_doctor_error_with_the_body(serve, stemi, db_url, body, message):
    from agentsim.store.queries import load_episode

    server = serve(lambda req: (200, "{}") if "reset" in req else (200, body))
    result = run_episode(stemi, doctor=server.url, db=db_url)
    assert result.termination is Termination.DOCTOR_ERROR
    assert message in result.error
    stored = load_episode(result.episode_id, db=db_url)
    assert stored.turns[0].kind is TurnKind.OPENING and message in stored.turns[-1].text


def test_a_server_that_never_answers_times_out(serve, stemi):
    def hangs(body: dict) -> Reply:
        if "reset" in body:
            return 200, "{}"
        server.release.wait(30)
        return 200, json.dumps(PLAN[-1])

    server = serve(hangs)
    result = run_episode(episode_spec(stemi, doctor=server.url, doctor_options={"timeout": "0.5"}))
    assert result.termination is Termination.DOCTOR_ERROR
    assert result.error == f"doctor raised HTTPDoctorError: POST {server.url}: no answer within 0.5 s " \
                           "(--doctor-opt timeout=SECONDS)"
    assert len(server.acts()) == 1  # a timeout is not retried


def test_nothing_listening_is_retried_then_reported(stemi):
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago, so nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/act"
    result = run_episode(episode_spec(stemi, doctor=url, doctor_options={"backoff": "0"}))
    assert result.termination is Termination.DOCTOR_ERROR
    assert result.error.startswith(f"doctor raised HTTPDoctorError: POST {url} (reset) could not connect "
                                   "(after 3 attempts): ConnectError")
    assert result.turns[0].kind is TurnKind.OPENING
