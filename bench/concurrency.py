"""Batch concurrency with LLM-backed doctor and patient against the fake server at a fixed latency.

Each level runs a batch through agentsim.batch.runner.run_batch (doctor `llm` with openai/fake-doctor,
patient `llm` with openai/fake-patient, gatekeeper offline `rules`, SQLite on a temp file) and reports

    efficiency = wall time / ideal,   ideal = (LLM calls x latency) / concurrency

with the calls counted from the fake server's own request log. Also reported: the scheduling bound
(`bound_s`), the least wall time any runner could reach with whole episodes: episodes run their calls one
after another, so with E equal episodes of C calls, ceil(E / concurrency) x C x latency. With 200 episodes
at 32, 200/32 = 6.25 waves round up to 7, so the bound alone is 7/6.25 = 1.12 x the ideal.

With a 100 ms fake latency the client's own CPU (litellm and the OpenAI SDK spend ~10 ms per call here;
`client_cpu_ms_per_call` reports it) is the bottleneck from concurrency 8 up on a 2-core machine, so one
more level runs at concurrency 32 with a 1 s latency (`--slow-latency-ms`), closer to a real provider,
where the runner's own scheduling shows.

The gateway's per-model semaphore (max_concurrency, default 4) would cap every level at 4 requests in
flight per model; the benchmark raises it through AGENTSIM_LLM_MAX_CONCURRENCY. The fake server runs in its
own process (bench/_fake.py), as a provider would.

Run: .venv/bin/python bench/concurrency.py [--levels 1,8,32,64] [--latency-ms 100] [--slow-latency-ms 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._fake import fake_server  # noqa: E402

# fewer episodes where a level would take minutes; 200 where the target applies
EPISODES = {1: 20, 8: 80, 32: 200, 64: 200}
N_CASES = 20  # episodes = N_CASES cases x repeats


def configure_env(api_base: str, max_concurrency: int) -> None:
    os.environ.update({
        "AGENTSIM_API_BASE": api_base, "AGENTSIM_API_KEY": "sk-fake",
        "AGENTSIM_LLM_MAX_CONCURRENCY": str(max_concurrency), "AGENTSIM_LLM_TIMEOUT": "30",
    })


def spec_for(episodes: int, concurrency: int):
    from agentsim.batch.spec import BatchSpec
    from agentsim.cases.library import scenario_paths

    cases = sorted(p.stem for p in scenario_paths())[:N_CASES]
    repeats = max(1, episodes // len(cases))
    return BatchSpec(name=f"concurrency-{concurrency}", cases=cases, repeats=repeats, concurrency=concurrency,
                     doctors=[{"name": "llm", "model": "openai/fake-doctor"}], patient="llm",
                     patient_model="openai/fake-patient", gatekeeper="rules", max_turns=20)


async def run_level(server, concurrency: int, episodes: int, latency_ms: float, db: str) -> dict:
    from agentsim.batch.runner import run_batch
    from agentsim.store.queries import list_episodes

    spec = spec_for(episodes, concurrency)
    server.configure(latency_ms=latency_ms)  # also clears the request log
    started, cpu = time.perf_counter(), time.process_time()
    outcome = await run_batch(spec, db=db)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    log = server.requests()
    rows = list_episodes(db=db, run_id=outcome.run_id, limit=100_000)
    calls = len(log)
    per_episode = calls / len(rows)
    ideal = calls * latency_ms / 1000 / concurrency
    bound = math.ceil(len(rows) / concurrency) * per_episode * latency_ms / 1000
    return {
        "concurrency": concurrency, "episodes": len(rows), "status": outcome.status,
        "terminations": dict(Counter(r.termination for r in rows)), "llm_calls": calls,
        "calls_by_role": dict(Counter(r["role"] for r in log)), "faults": sum(bool(r["fault"]) for r in log),
        "wall_s": round(wall, 3), "ideal_s": round(ideal, 3), "bound_s": round(bound, 3),
        "wall_over_ideal": round(wall / ideal, 3) if ideal else None,
        "wall_over_bound": round(wall / bound, 3) if bound else None,
        "client_cpu_s": round(cpu, 2), "client_cpu_ms_per_call": round(cpu * 1000 / calls, 2),
        "episode_ms_p50": round(statistics.median(r.duration_ms or 0 for r in rows), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="1,8,32,64")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--episodes", type=int, default=None, help="the same count at every level")
    parser.add_argument("--slow-latency-ms", type=float, default=1000.0,
                        help="one more run at concurrency 32 with this latency (0: none), where the client's CPU "
                             "is no longer the bottleneck")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    results: list[dict] = []
    slow: list[dict] = []
    with fake_server(latency_ms=args.latency_ms) as server, tempfile.TemporaryDirectory() as tmp:
        configure_env(server.api_base, max(levels))
        db = f"sqlite:///{tmp}/concurrency.db"

        async def all_levels() -> None:
            # warm-up, unmeasured: imports litellm, loads the case library, opens the HTTP client
            await run_level(server, 2, 2, 0.0, db)
            for level in levels:
                print(f"  concurrency {level} ...", file=sys.stderr, flush=True)
                n = args.episodes or EPISODES.get(level, 200)
                results.append(await run_level(server, level, n, args.latency_ms, db))
            if args.slow_latency_ms:
                print(f"  concurrency 32 at {args.slow_latency_ms:g} ms ...", file=sys.stderr, flush=True)
                slow.append(await run_level(server, 32, args.episodes or 200, args.slow_latency_ms, db))

        asyncio.run(all_levels())
    figures: dict = {"latency_ms": args.latency_ms, "levels": results,
                     "note": "episodes per level: " + ", ".join(f"{r['episodes']} at {r['concurrency']}"
                                                                  for r in results)}
    for r in results:
        figures[f"wall_over_ideal_c{r['concurrency']}"] = r["wall_over_ideal"]
        figures[f"wall_over_bound_c{r['concurrency']}"] = r["wall_over_bound"]
    for r in slow:
        figures["slow_latency"] = {"latency_ms": args.slow_latency_ms, **r}
        figures["wall_over_ideal_c32_slow"] = r["wall_over_ideal"]
    if results:
        figures["client_cpu_ms_per_llm_call"] = round(statistics.median(r["client_cpu_ms_per_call"]
                                                                        for r in results), 2)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
