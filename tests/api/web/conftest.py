"""Viewer fixtures: a finished two-doctor run, a live server in a thread, and headless Chromium.

The browser is Debian's Chromium driven by Playwright (never a downloaded one). Where either is missing the
browser tests skip, saying why; in CI (CI=true) they fail instead, so a broken install cannot pass quietly.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agentsim.api import ApiSettings, create_app

CHROMIUM = os.environ.get("AGENTSIM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Viewed:
    url: str
    run_id: str
    doctors: tuple[str, str]
    episode_id: str  # a checklist episode of the run: tests, answers and a diagnosis


@pytest.fixture(scope="session")
def viewed(tmp_path_factory) -> Viewed:
    """Two doctors on two cases, twice each (repeats: pass^k), in one run."""
    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec, DoctorSpec
    from agentsim.store.queries import list_episodes

    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'viewer.db'}"
    spec = BatchSpec(name="viewer", cases=["chest-pain-stemi", "renal-colic"], repeats=2, doctors=[
        DoctorSpec(name="checklist"),
        DoctorSpec(name=f"{ROOT / 'examples' / 'minimal_doctor.py'}:MinimalDoctor", label="minimal")])
    outcome = asyncio.run(run_batch(spec, db=url))
    assert outcome.status == "completed", outcome
    episode = next(e for e in list_episodes(db=url, run_id=outcome.run_id, limit=100)
                   if e.doctor == "checklist" and e.case_id == "renal-colic")
    return Viewed(url=url, run_id=outcome.run_id, doctors=("checklist", "minimal"), episode_id=episode.id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn in a thread on a free loopback port; stopped (and joined) at the end of the test."""

    def __init__(self, settings: ApiSettings):
        import uvicorn

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive(), "the server thread died at startup"
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; never `playwright install`)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module, with a fresh profile. Not per session: Playwright's sync API
    keeps an event loop running in this thread, which later asyncio tests could not start beside."""
    reason = browser_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="agentsim-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                       headless=True, viewport={"width": 1280, "height": 800})
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    """A tab that may reach only 127.0.0.1: any other request is aborted and fails the test."""
    tab = browser.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def only_loopback(route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    tab.route("**/*", only_loopback)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    tab.close()
    assert not outside, f"the page tried to reach beyond this machine: {outside}"
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Screenshots land here (a tmp dir); AGENTSIM_SCREENSHOTS keeps them somewhere to look at."""
    target = os.environ.get("AGENTSIM_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
