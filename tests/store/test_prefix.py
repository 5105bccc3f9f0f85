"""Id prefixes are literal text, at least four characters, and never pick one of several runs silently."""

from __future__ import annotations

import pytest

from agentsim.errors import NotFoundError, UserError
from agentsim.store import runs


@pytest.fixture
def two_runs(db_url) -> str:
    runs.create_run(run_id="abcd1111" + "0" * 24, name="one", spec={}, db=db_url)
    runs.create_run(run_id="abcd2222" + "0" * 24, name="two", spec={}, db=db_url)
    runs.create_run(run_id="ffff9999" + "0" * 24, name="three", spec={}, db=db_url)
    return db_url


@pytest.mark.parametrize("pattern", ["____", "%%%%", "ab_d1", "a%", "____1111"])
def test_like_wildcards_match_nothing(two_runs, pattern):
    with pytest.raises(NotFoundError):
        runs.get_run(pattern, db=two_runs)


def test_an_ambiguous_prefix_names_the_candidates(two_runs):
    with pytest.raises(UserError, match="more than one run") as exc:
        runs.get_run("abcd", db=two_runs)
    assert "abcd1111" in str(exc.value) and "abcd2222" in str(exc.value)


def test_a_short_prefix_says_how_long_it_must_be(two_runs):
    with pytest.raises(NotFoundError, match="at least 4"):
        runs.get_run("ff", db=two_runs)


def test_a_unique_prefix_and_a_full_id_resolve(two_runs):
    assert runs.get_run("ffff", db=two_runs).name == "three"
    assert runs.get_run("abcd2", db=two_runs).name == "two"
    assert runs.get_run("abcd1111" + "0" * 24, db=two_runs).name == "one"


def test_cli_resume_of_a_wildcard_is_one_line_exit_2(two_runs, tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "agentsim.cli.app", "batch", "resume", "____", "--db",
                           two_runs], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no run '____'" in done.stderr and "Traceback" not in done.stderr
