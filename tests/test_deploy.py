"""docker-compose.yml is checked here as far as this machine allows: structure always, `docker compose
config` where the compose client exists (it is skipped, with the reason, where it does not)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]


def test_compose_file_has_api_postgres_and_worker():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "postgres", "worker"} <= set(services)
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["api"]
    assert services["api"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pgdata" in compose["volumes"]
    assert services["api"]["environment"]["AGENTSIM_DB"].startswith("postgresql+psycopg://")
    assert services["worker"]["profiles"] == ["worker"]  # optional: not started by a plain `up`


def test_env_example_names_every_variable_the_compose_file_reads():
    import re

    compose_text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", compose_text))
    example = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    assert used <= example, used - example
    assert "AGENTSIM_API_TOKEN" in example


def test_docker_compose_config_accepts_the_file(tmp_path):
    if shutil.which("docker") is None:
        pytest.skip("docker client not installed")
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed on this machine")
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text())
    result = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "--env-file", str(env),
                             "config", "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
