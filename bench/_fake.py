"""Shared by the LLM benchmarks: the fake OpenAI-compatible server in its own process on 127.0.0.1.

A separate process, so the server's own CPU time (JSON, HTTP) does not come out of the client's event
loop, as it would not with a real provider. Stopped by its pid when the `with` block ends.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import httpx

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # litellm never fetches its cost map


class FakeServer:
    def __init__(self, url: str):
        self.url = url
        self.api_base = f"{url}/v1"

    def configure(self, **config: Any) -> None:
        """Replace the server's config; this also clears its request log."""
        httpx.post(f"{self.url}/_admin/config", json=config, timeout=10).raise_for_status()

    def requests(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.url}/_admin/stats", timeout=30).json()["requests"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def fake_server(**config: Any) -> Iterator[FakeServer]:
    port = _free_port()
    log = tempfile.TemporaryFile()  # not a pipe: a server that logs a lot would block on a full one
    proc = subprocess.Popen([sys.executable, "-m", "agentsim.cli.app", "fake-llm", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=log)
    server = FakeServer(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{server.url}/v1/models", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    detail = log.read().decode(errors="replace")[-500:] or "timed out"
                    raise RuntimeError(f"the fake LLM server did not start: {detail}") from None
                time.sleep(0.1)
        server.configure(**config)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
