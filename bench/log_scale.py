"""The log at scale: 10,000 episodes / ~200,000 turns in one run, then the reads a person waits for.

Build: one real batch (every shipped case, offline agents, in its own run), then its episodes, turns and
scores are bulk-copied with new ids (SQLAlchemy Core executemany) into one `scale` run until it holds
--episodes episodes. Then, on that database:

- turns: `GET /episodes/{id}/turns` through the real API app (in-process, httpx ASGITransport), for
  --samples random episodes: p50/p99 in ms.
- replay start: agentsim.store.queries.load_episode + the first turn panel rendered (cli.render.turn_panel),
  in-process, random episodes: p50/p95 ms. Also `agentsim replay ID --speed 0` as a subprocess until its
  first line of output (that includes Python's start-up and imports).
- report: `agentsim report RUN` over the whole run, as a subprocess (median of 3), and build_report
  in-process.

SQLite on a temp file always; PostgreSQL too with --pg URL or AGENTSIM_TEST_PG_URL (its tables are
dropped and re-created: use a scratch database).

Run: .venv/bin/python bench/log_scale.py [--episodes 10000] [--samples 500] [--pg URL]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AGENTSIM = [sys.executable, "-m", "agentsim.cli.app"]
CHUNK = 20_000
logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, round(q * (len(values) - 1)))], 2)


def build(url: str, episodes: int) -> tuple[str, list[str], int]:
    """The scale run: (run id, episode ids, turns)."""
    from sqlalchemy import insert, select

    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec
    from agentsim.store.db import get_engine
    from agentsim.store.runs import create_run, set_run_status
    from agentsim.store.tables import EpisodeRow, ScoreRow, TurnRow

    real = asyncio.run(run_batch(BatchSpec(name="templates", cases=["*"]), db=url))
    engine = get_engine(url)
    e_t, t_t, s_t = EpisodeRow.__table__, TurnRow.__table__, ScoreRow.__table__
    with engine.connect() as conn:
        templates = [dict(r._mapping) for r in conn.execute(select(e_t).where(e_t.c.run_id == real.run_id))]
        ids = [t["id"] for t in templates]
        turns: dict[str, list[dict]] = {i: [] for i in ids}
        for r in conn.execute(select(t_t).where(t_t.c.episode_id.in_(ids)).order_by(t_t.c.index)):
            turns[r.episode_id].append({k: v for k, v in r._mapping.items() if k != "id"})
        scores = {r.episode_id: {k: v for k, v in r._mapping.items() if k != "id"}
                  for r in conn.execute(select(s_t).where(s_t.c.episode_id.in_(ids)))}
    run_id = uuid.uuid4().hex
    create_run(run_id=run_id, name="scale", spec={"name": "scale", "cases": ["*"]}, db=url)
    new_ids: list[str] = []
    n_turns = 0
    pending: dict[str, list[dict]] = {"episodes": [], "turns": [], "scores": []}
    base = templates[0]["started_at"]

    def flush(conn) -> None:
        for table, key in ((e_t, "episodes"), (t_t, "turns"), (s_t, "scores")):
            if pending[key]:
                conn.execute(insert(table), pending[key])
                pending[key] = []

    with engine.begin() as conn:
        for i in range(episodes):
            template = templates[i % len(templates)]
            new = uuid.uuid4().hex
            started = base + timedelta(milliseconds=i)
            pending["episodes"].append({**template, "id": new, "run_id": run_id, "started_at": started,
                                        "key": f"{template['case_id']}|checklist|-|{i}", "seed": i})
            pending["turns"] += [{**t, "episode_id": new} for t in turns[template["id"]]]
            if template["id"] in scores:
                pending["scores"].append({**scores[template["id"]], "episode_id": new})
            new_ids.append(new)
            n_turns += len(turns[template["id"]])
            if len(pending["turns"]) >= CHUNK:
                flush(conn)
        flush(conn)
    set_run_status(run_id, "completed", db=url)
    return run_id, new_ids, n_turns


async def turns_latency(url: str, ids: list[str]) -> dict:
    import httpx

    from agentsim.api import ApiSettings, create_app

    app = create_app(ApiSettings(db=url))
    times = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for episode in ids[:20]:  # warm-up: first requests build the app's caches and connections
                (await client.get(f"/episodes/{episode}/turns")).raise_for_status()
            for episode in ids:
                t0 = time.perf_counter()
                response = await client.get(f"/episodes/{episode}/turns")
                times.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
                assert response.json()["items"], episode
    return {"turns_ms_p50": pct(times, 0.5), "turns_ms_p99": pct(times, 0.99), "turns_samples": len(times)}


def replay_start(url: str, ids: list[str]) -> dict:
    from rich.console import Console

    from agentsim.cli.render import running_spent, turn_panel
    from agentsim.store.queries import load_episode

    times = []
    for episode in ids:
        t0 = time.perf_counter()
        result = load_episode(episode, db=url)
        console = Console(file=io.StringIO(), width=100)
        console.print(turn_panel(result.turns[0], spent=running_spent(result.turns)[0]))
        times.append((time.perf_counter() - t0) * 1000)
    return {"replay_start_ms_p50": pct(times, 0.5), "replay_start_ms_p95": pct(times, 0.95)}


def cli_first_output(url: str, episode: str, repeats: int = 3) -> float:
    """Seconds from starting `agentsim replay ID --speed 0` to its first line of output (median)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.Popen([*AGENTSIM, "replay", episode, "--speed", "0", "--db", url],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "100"})
        proc.stdout.readline()
        times.append(time.perf_counter() - t0)
        proc.stdout.read()
        proc.wait(timeout=60)
    return round(statistics.median(times), 3)


def report_time(url: str, run_id: str, repeats: int = 3) -> dict:
    from agentsim.report import build_report

    cli = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([*AGENTSIM, "report", run_id, "--db", url], check=True, capture_output=True, timeout=300)
        cli.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    report = build_report(run_id, db=url)
    in_process = time.perf_counter() - t0
    assert report.episodes >= 1
    return {"report_cli_s": round(statistics.median(cli), 3), "report_build_s": round(in_process, 3)}


def measure(url: str, episodes: int, samples: int) -> dict:
    t0 = time.perf_counter()
    run_id, ids, n_turns = build(url, episodes)
    built = time.perf_counter() - t0
    rng = random.Random(0)
    chosen = rng.sample(ids, min(samples, len(ids)))
    figures = {"episodes": len(ids), "turns": n_turns, "build_s": round(built, 1)}
    figures.update(asyncio.run(turns_latency(url, chosen)))
    figures.update(replay_start(url, chosen[:100]))
    figures["replay_cli_first_output_s"] = cli_first_output(url, chosen[0])
    figures.update(report_time(url, run_id))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--pg", default=os.environ.get("AGENTSIM_TEST_PG_URL"), help="also a PostgreSQL URL")
    args = parser.parse_args()
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        out["sqlite"] = measure(f"sqlite:///{tmp}/scale.db", args.episodes, args.samples)
    if args.pg:
        from sqlmodel import SQLModel

        from agentsim.store.db import get_engine

        engine = get_engine(args.pg)
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        out["postgresql"] = measure(args.pg, args.episodes, args.samples)
    # the targets read the SQLite figures; PostgreSQL's are beside them when measured
    for key in ("turns_ms_p99", "replay_start_ms_p50", "replay_cli_first_output_s", "report_cli_s"):
        out[key] = out["sqlite"][key]
        if "postgresql" in out:
            out[f"pg_{key}"] = out["postgresql"][key]
    print(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
