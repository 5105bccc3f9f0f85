"""The episode pipeline as a user relies on it: a fresh score equals a re-score of the stored episode, and
no crash between the last turn and the score leaves an episode completed without its score."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from agentsim.cli.app import app
from agentsim.engine.episode import run_episode
from agentsim.model.spec import EpisodeSpec, RoleSpec
from agentsim.store.db import get_engine
from agentsim.store.queries import load_episode, score_rows


def test_a_fresh_score_and_a_stored_rescore_are_the_same(db_url):
    result = run_episode("renal-colic", db=db_url, seed=3)
    out = CliRunner().invoke(app, ["score", result.episode_id, "--db", db_url, "--json", "--no-save"])
    assert out.exit_code == 0, out.output
    assert result.score is not None
    assert json.loads(out.output)["score"] == result.score.summary()
    assert load_episode(result.episode_id, db=db_url).score == result.score


def test_a_spec_round_trips_as_json_naming_its_agents():
    spec = EpisodeSpec(case="renal-colic", patient=RoleSpec(ref="retrieval"), doctor=RoleSpec(ref="checklist"), seed=4)
    again = EpisodeSpec.model_validate_json(spec.model_dump_json())
    assert again == spec and run_episode(again).case_id == "renal-colic"


def _status(db_url: str) -> list[tuple[str, int]]:
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(text("SELECT e.status, (SELECT count(*) FROM turns t WHERE t.episode_id = e.id) "
                                 "FROM episodes e")).all()
    return [(str(status), int(turns)) for status, turns in rows]


@pytest.mark.parametrize("where", [
    "agentsim.engine.episode.score_episode",  # after the last turn, before the score is computed
    "agentsim.store.recorder.write_score",  # inside the completion's transaction, status already updated
])
def test_a_process_killed_between_the_last_turn_and_the_score_leaves_no_completed_episode(db_url, tmp_path, where):
    module, name = where.rsplit(".", 1)
    script = tmp_path / "crash.py"
    script.write_text(textwrap.dedent(f"""
        import importlib, os
        from agentsim.engine.episode import run_episode

        def die(*args, **kwargs):
            os._exit(9)

        setattr(importlib.import_module({module!r}), {name!r}, die)
        run_episode("renal-colic", db={db_url!r})
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    (status, turns), = _status(db_url)
    assert status == "running" and turns > 3  # every turn was durable; nothing claims completion


def test_a_failing_score_write_rolls_the_completion_back(db_url, monkeypatch):
    import agentsim.store.recorder as recorder

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(recorder, "write_score", broken)
    try:
        run_episode("renal-colic", db=db_url)
    except RuntimeError as exc:
        assert "disk gone" in str(exc)
    else:  # pragma: no cover - the write must fail
        raise AssertionError("the score write did not fail")
    (status, _), = _status(db_url)
    assert status == "running"
    episode_id = _only_episode(db_url)
    assert score_rows(episode_id, db=db_url) == []


def _only_episode(db_url: str) -> str:
    with get_engine(db_url).connect() as conn:
        return str(conn.execute(text("SELECT id FROM episodes")).scalar_one())
