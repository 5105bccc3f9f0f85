"""CPU time per offline turn (process CPU, the SQL writer thread included), for before/after comparisons
on a shared machine: CPU time moves far less with the machine's load than wall time does.

    python bench/engine_cpu.py --episodes 40
To compare two checkouts, run it alternately in each (A B A B ...) and quote the median of the ratios.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from agentsim import run_episode
from agentsim.cases.library import load_all_cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=40)
    args = parser.parse_args()
    cases = load_all_cases()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.db"
        run_episode(cases[0], db=db)  # warm: imports, model load, graph compile
        cpu, wall, turns = time.process_time(), time.perf_counter(), 0
        for i in range(args.episodes):
            turns += len(run_episode(cases[i % len(cases)], db=db, seed=i).turns)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"episodes": args.episodes, "turns": turns, "cpu_ms_per_turn": round(cpu * 1000 / turns, 3),
                      "wall_ms_per_turn": round(wall * 1000 / turns, 3)}))


if __name__ == "__main__":
    main()
