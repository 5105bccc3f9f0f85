"""A public bind needs a token long enough not to be guessed: 16 characters at least, and it says so."""

from __future__ import annotations

import subprocess
import sys

import pytest

from agentsim.api.settings import MIN_PUBLIC_TOKEN_LENGTH
from tests.api.test_serve import env_without_token


@pytest.mark.parametrize("token", ["x", "short-token", "a" * (MIN_PUBLIC_TOKEN_LENGTH - 1)])
def test_a_short_token_on_a_public_host_is_refused(tmp_path, token):
    result = subprocess.run([sys.executable, "-m", "agentsim.cli.app", "serve", "--host", "0.0.0.0"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env=env_without_token(AGENTSIM_API_TOKEN=token))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"at least {MIN_PUBLIC_TOKEN_LENGTH} characters" in lines[0]
    assert len(token) < 4 or token not in lines[0]  # the message never echoes the token
