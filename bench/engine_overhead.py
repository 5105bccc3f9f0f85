"""Engine overhead with offline agents, SQLite commit included.

Per-turn overhead = wall time of an episode divided by its turns, over many episodes (median and p95), plus
the wall time of 100 episodes in one process and of `agentsim --help`. Prints JSON.

Run: .venv/bin/python bench/engine_overhead.py [--episodes 100]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from agentsim import run_episode
from agentsim.cases.library import load_all_cases


def per_turn(episodes: int, db: str) -> dict:
    cases = load_all_cases()
    run_episode(cases[0], db=db)  # warm: model load, imports, graph compile
    per_turn_ms: list[float] = []
    turns_total = 0
    started = time.perf_counter()
    for i in range(episodes):
        t0 = time.perf_counter()
        result = run_episode(cases[i % len(cases)], db=db, seed=i)
        elapsed = (time.perf_counter() - t0) * 1000
        per_turn_ms.append(elapsed / len(result.turns))
        turns_total += len(result.turns)
    wall = time.perf_counter() - started
    per_turn_ms.sort()
    return {
        "episodes": episodes,
        "turns": turns_total,
        "wall_s": round(wall, 3),
        "per_turn_ms_p50": round(statistics.median(per_turn_ms), 3),
        "per_turn_ms_p95": round(per_turn_ms[int(0.95 * (len(per_turn_ms) - 1))], 3),
    }


def help_time(repeats: int = 7) -> dict:
    exe = Path(sys.executable).with_name("agentsim")
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return {"help_s_median": round(statistics.median(times), 3), "help_s_max": round(max(times), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = per_turn(args.episodes, f"sqlite:///{tmp}/bench.db")
    figures.update(help_time())
    figures["machine"] = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
