"""The same storage and batch code against a real PostgreSQL server (skipped, with the reason, without one)."""

from __future__ import annotations

import asyncio

from agentsim import run_episode
from agentsim.batch.runner import run_batch
from agentsim.batch.spec import BatchSpec
from agentsim.store.queries import list_episodes, load_episode
from agentsim.store.runs import discard_unfinished, run_counts


def test_an_episode_round_trips_through_postgres(stemi, pg_url):
    result = run_episode(stemi, persona="anxious-catastrophiser", seed=4, db=pg_url)
    stored = load_episode(result.episode_id, db=pg_url)
    assert [t.text for t in stored.turns] == [t.text for t in result.turns]
    assert [t.noise for t in stored.turns] == [t.noise for t in result.turns]
    assert stored.score.summary() == result.score.summary()
    assert list_episodes(db=pg_url)[0].status == "completed"


def test_a_batch_runs_and_resumes_on_postgres(pg_url):
    spec = BatchSpec(cases=["chest-pain-stemi", "renal-colic"], repeats=2, concurrency=3)
    outcome = asyncio.run(run_batch(spec, db=pg_url))
    assert outcome.status == "completed" and outcome.progress.done == 4
    counts = run_counts(outcome.run_id, db=pg_url)
    assert counts["completed"] == 4 and counts["cost_usd"] > 0
    again = asyncio.run(run_batch(spec, db=pg_url, run_id=outcome.run_id))
    assert again.progress.skipped == 4 and again.progress.done == 0
    assert discard_unfinished(outcome.run_id, db=pg_url) == 0
