"""`--workers N`: disjoint shares in worker processes, the same store rows, byte-identical transcripts."""

from __future__ import annotations

import asyncio
import json

from agentsim.batch.pool import shares
from agentsim.batch.runner import plan, run_batch
from agentsim.batch.spec import BatchSpec
from agentsim.store.queries import get_turns, list_episodes

SPEC = BatchSpec(cases=["chest-pain-stemi", "renal-colic", "ischaemic-stroke"], repeats=2, seed=7, concurrency=3)


def transcripts(db: str, run_id: str) -> dict[str, str]:
    rows = list_episodes(db=db, run_id=run_id, limit=1000)
    return {row.key: json.dumps([[t.role, t.kind, t.text, t.payload] for t in get_turns(row.id, db=db)],
                                sort_keys=True, default=str) for row in rows}


def test_shares_are_disjoint_cover_the_plan_and_split_the_width():
    todo = plan(SPEC)
    parts = shares(todo, workers=4, concurrency=3)
    keys = [k for part, _ in parts for k in part]
    assert sorted(keys) == sorted(p.key for p in todo) and len(set(keys)) == len(keys)
    assert [width for _, width in parts] == [1, 1, 1, 1]  # never below one episode in flight
    assert [w for _, w in shares(todo, workers=2, concurrency=5)] == [3, 2]


def test_the_same_seed_gives_identical_transcripts_with_one_or_two_workers(tmp_path):
    one_db, two_db = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    one = asyncio.run(run_batch(SPEC, db=one_db, workers=1))
    two = asyncio.run(run_batch(SPEC, db=two_db, workers=2))
    assert one.progress.done == two.progress.done == len(plan(SPEC)) and two.progress.failed == 0
    assert str(two.status) == "completed"
    a, b = transcripts(one_db, one.run_id), transcripts(two_db, two.run_id)
    assert len(a) == len(plan(SPEC)) and a == b  # each key once, turn for turn the same bytes
