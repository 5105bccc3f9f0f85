"""The stored episode is the contract: every turn committed as it happens, readable by any consumer."""

from __future__ import annotations

import sqlite3

from agentsim import Ask, Diagnose, Doctor, run_episode
from agentsim.store.queries import get_turns, list_episodes, load_episode


def test_each_turn_is_committed_as_it_happens(stemi, tmp_path):
    path = tmp_path / "live.db"
    counts: list[int] = []

    class Peeker(Doctor):
        def act(self, obs):
            # another connection sees every turn so far, before the episode ends
            with sqlite3.connect(path) as conn:
                counts.append(conn.execute("select count(*) from turns").fetchone()[0])
            return Ask(question="Do you smoke?") if obs.turn < 3 else Diagnose(diagnosis="STEMI")

    run_episode(stemi, doctor=Peeker(), db=f"sqlite:///{path}")
    assert counts == [1, 3, 5, 7]


def test_sqlite_runs_in_wal_mode(stemi, db_url):
    run_episode(stemi, db=db_url)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_stored_episode_round_trips(stemi, db_url):
    result = run_episode(stemi, persona="verbose-tangential", seed=2, db=db_url)
    stored = load_episode(result.episode_id, db=db_url)
    assert [t.model_dump(exclude={"created_at"}) for t in stored.turns] == \
        [t.model_dump(exclude={"created_at"}) for t in result.turns]
    assert stored.score.summary() == result.score.summary()
    row = list_episodes(db=db_url)[0]
    assert row.status == "completed" and row.termination == "diagnosed"
    assert row.persona == "verbose-tangential" and row.seed == 2
    assert row.n_turns == len(result.turns) and row.total_cost == result.score.cost.total


def test_env_var_chooses_the_database(stemi, tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTSIM_DB", str(tmp_path / "env.db"))
    from agentsim.store.db import resolve_url

    url = resolve_url(None)
    assert url == f"sqlite:///{tmp_path / 'env.db'}"
    result = run_episode(stemi, db=url)
    assert get_turns(result.episode_id, db=url)
