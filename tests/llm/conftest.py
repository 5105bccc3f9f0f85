"""The fake LLM server on 127.0.0.1 for every test here, and a network guard: any connection (or name
lookup) to a host that is not loopback fails the test, whichever library makes it (httpx, aiohttp, ...)."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from typing import Any

import httpx
import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# small, fast and safe defaults for every test; a test changes what it needs with fake.configure(...)
BASE_CONFIG: dict[str, Any] = {"retry_after": 0.05, "hang_s": 10.0}


def is_loopback(host: Any) -> bool:
    if host is None:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkGuard:
    """Patches the socket layer every client library ends up in: connect, create_connection, getaddrinfo."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self._mp = pytest.MonkeyPatch()

    def _check(self, what: str, host: Any) -> None:
        if not is_loopback(host):
            self.violations.append(f"{what} {host!r}")
            raise ConnectionRefusedError(f"network guard: {what} to non-loopback host {host!r} refused in tests")

    def install(self) -> None:
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_getaddrinfo, real_create = socket.getaddrinfo, socket.create_connection

        def connect(sock: socket.socket, address: Any) -> Any:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                self._check("connect", address[0])
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> Any:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                self._check("connect_ex", address[0])
            return real_connect_ex(sock, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            self._check("getaddrinfo", host)
            return real_getaddrinfo(host, *args, **kwargs)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
            self._check("create_connection", address[0])
            return real_create(address, *args, **kwargs)

        self._mp.setattr(socket.socket, "connect", connect)
        self._mp.setattr(socket.socket, "connect_ex", connect_ex)
        self._mp.setattr(socket, "getaddrinfo", getaddrinfo)
        self._mp.setattr(socket, "create_connection", create_connection)

    def uninstall(self) -> None:
        self._mp.undo()


@pytest.fixture(scope="session")
def network_guard():
    guard = NetworkGuard()
    guard.install()
    yield guard
    guard.uninstall()


@pytest.fixture(autouse=True)
def _no_network(network_guard):
    """Fails a test that tried to leave loopback, even when a library swallowed the refusal."""
    before = len(network_guard.violations)
    yield
    new = network_guard.violations[before:]
    del network_guard.violations[before:]
    assert not new, f"a test tried to reach beyond 127.0.0.1: {new}"


class FakeLLM:
    def __init__(self, url: str):
        self.url = url
        self.api_base = f"{url}/v1"

    def configure(self, **config: Any) -> None:
        response = httpx.post(f"{self.url}/_admin/config", json={**BASE_CONFIG, **config}, timeout=5)
        response.raise_for_status()

    def requests(self, role: str | None = None) -> list[dict[str, Any]]:
        log = httpx.get(f"{self.url}/_admin/stats", timeout=5).json()["requests"]
        return [r for r in log if role is None or r["role"] == role]

    def options(self, role: str, **extra: Any) -> dict[str, Any]:
        """Agent options for `role` against this server: tiny retry delays so fault tests stay fast."""
        return {"model": f"openai/fake-{role}", "api_base": self.api_base, "api_key": "sk-fake", "timeout": 5.0,
                "max_retries": 2, "retry_base_delay": 0.005, "retry_max_delay": 0.5, **extra}

    def settings(self, role: str = "doctor", **extra: Any):
        from agentsim.llm.settings import LLMSettings

        return LLMSettings.resolve(role, self.options(role, **extra), env={})


@pytest.fixture(scope="session")
def fake_server(network_guard):
    import uvicorn

    from agentsim.testing.fake_server import create_app

    # uvicorn binds the socket itself: a socket made with proto 0 would miss asyncio's TCP_NODELAY and
    # every keep-alive response would wait ~40 ms on delayed ACKs
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name="fake-llm", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake LLM server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield FakeLLM(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def fake(fake_server: FakeLLM) -> FakeLLM:
    fake_server.configure()  # defaults: no faults, no latency, fresh stats
    return fake_server
