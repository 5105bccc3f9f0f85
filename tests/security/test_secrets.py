"""A planted API key and URL password never reach the database file, an export, a log line or an API
response; a resume says where it takes the key from instead."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from agentsim.api import ApiSettings
from agentsim.secrets import redact, redact_text
from agentsim.store.queries import list_episodes
from tests.api.conftest import api

KEY = "sk-PLANTED-7f3a9c1e5b"
PASSWORD = "PLANTEDpw-41d2"


def agentsim(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith("AGENTSIM_")} | (env or {})
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          timeout=180, env=environment)


def leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [s for s in (KEY, PASSWORD) if s.encode() in data]


def test_redaction_rules():
    assert redact({"api_key": KEY, "nested": [{"Token": "t"}], "seed": 1}) == \
        {"api_key": "***", "nested": [{"Token": "***"}], "seed": 1}
    assert redact_text(f"postgresql://me:{PASSWORD}@db/x") == "postgresql://me:***@db/x"
    assert redact_text(f"https://{KEY}@host/v1 and ?api_key={KEY}&x=1") == "https://***@host/v1 and ?api_key=***&x=1"
    assert redact_text("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"


def test_a_planted_key_is_nowhere_but_in_memory(fake, tmp_path):
    db = tmp_path / "secrets.db"
    host = fake.api_base.removeprefix("http://")
    spec = tmp_path / "spec.yaml"
    spec.write_text(json.dumps({"cases": ["renal-colic"], "doctors": [{
        "name": "llm", "model": "openai/fake-doctor",
        "options": {"api_key": KEY, "api_base": f"http://{host}", "timeout": 5, "max_retries": 0}}]}))
    ran = agentsim("batch", str(spec), "--db", str(db), "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert not leaks(ran.stdout + ran.stderr)
    (episode,) = list_episodes(db=str(db))
    assert episode.status == "completed", episode.error
    assert fake.requests("doctor"), "the key was not usable in memory: the doctor never called the model"

    for file in tmp_path.glob("secrets.db*"):  # the database and its WAL
        assert not leaks(file.read_bytes()), file

    for args in (["export", episode.id, "--format", "json"], ["export", episode.id, "--format", "jsonl"],
                 ["export", episode.run_id], ["replay", episode.id], ["episodes", "list"]):
        out = agentsim(*args, "--db", str(db))
        assert out.returncode == 0, (args, out.stderr)
        assert not leaks(out.stdout + out.stderr), args

    async def served() -> str:
        async with api(ApiSettings(db=f"sqlite:///{db}")) as client:
            paths = [f"/runs/{episode.run_id}", f"/runs/{episode.run_id}/episodes", f"/episodes/{episode.id}",
                     f"/episodes/{episode.id}/turns", "/runs"]
            return "".join([(await client.get(p)).text for p in paths])

    assert not leaks(asyncio.run(served()))

    resumed = agentsim("batch", "resume", episode.run_id, "--db", str(db), "--quiet")
    assert resumed.returncode == 0 and not leaks(resumed.stdout + resumed.stderr)
    assert "doctors[0].options.api_key is not stored with the run and no key is set" in resumed.stderr
    with_env = agentsim("batch", "resume", episode.run_id, "--db", str(db), "--quiet",
                        env={"AGENTSIM_DOCTOR_API_KEY": KEY})
    assert "using the key from AGENTSIM_DOCTOR_API_KEY" in with_env.stderr and not leaks(with_env.stderr)


@pytest.mark.parametrize("url", [f"postgresql://agentsim:{PASSWORD}@127.0.0.1:1/agentsim",
                                 f"postgresql+psycopg://agentsim:{PASSWORD}@127.0.0.1:1/x",
                                 f"mysql://root:{PASSWORD}@127.0.0.1:1/x"])
def test_a_database_password_is_not_echoed_in_errors(url):
    done = agentsim("episodes", "list", "--db", url)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert not leaks(done.stderr) and "***" in done.stderr


def test_a_password_in_an_api_base_is_not_stored_logged_or_exported(fake, tmp_path, caplog):
    """Whether or not the provider accepts URL credentials (aiohttp refuses them beside a key), the
    episode's stored config, its error, the run's log and its export carry no password."""
    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec
    from agentsim.store.queries import load_episode

    host = fake.api_base.removeprefix("http://")
    options = {"api_base": f"http://user:{PASSWORD}@{host}", "timeout": 5, "max_retries": 0}
    spec = BatchSpec(cases=["renal-colic"], doctors=[{"name": "llm", "model": "openai/fake-doctor",
                                                      "options": options}], retries=0)
    db = f"sqlite:///{tmp_path / 'log.db'}"
    with caplog.at_level("DEBUG"):
        outcome = asyncio.run(run_batch(spec, db=db))
    (episode,) = list_episodes(db=db)
    assert load_episode(episode.id, db=db).agents.options["api_base"] == f"http://user:***@{host}"
    assert not leaks(caplog.text) and not leaks("".join(outcome.progress.errors))
    assert not leaks(load_episode(episode.id, db=db).model_dump_json())
    for file in tmp_path.glob("log.db*"):
        assert not leaks(file.read_bytes()), file
