"""`agentsim serve`: refuses an exposed host without a token; really serves HTTP on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from agentsim.cli.serve import is_loopback
from tests.api.conftest import TOKEN


def env_without_token(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AGENTSIM_API_TOKEN", "AGENTSIM_ADMIN_TOKEN")}
    return {**env, **extra}


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com"])
def test_serve_refuses_an_exposed_host_without_a_token(host, tmp_path):
    result = subprocess.run([sys.executable, "-m", "agentsim.cli.app", "serve", "--host", host],
                            capture_output=True, text=True, timeout=60, env=env_without_token(), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "AGENTSIM_API_TOKEN" in lines[0] and host in lines[0]


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("10.0.0.1", False), ("my-laptop", False),
])
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_over_http(tmp_path):
    port = free_port()
    db = tmp_path / "served.db"
    command = [sys.executable, "-m", "agentsim.cli.app", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--db", str(db), "--log-level", "warning"]
    server = subprocess.Popen(command, env=env_without_token(AGENTSIM_API_TOKEN=TOKEN), cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, f"the server exited: {server.communicate()[1]}"
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.2)
        assert health.status_code == 200
        assert health.json()["status"] == "ok" and health.json()["auth"] is True
        assert httpx.get(f"{base}/doctors", timeout=5).status_code == 401
        doctors = httpx.get(f"{base}/doctors", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        assert doctors.status_code == 200 and "checklist" in {d["name"] for d in doctors.json()}
        assert db.exists()  # --db was used
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
