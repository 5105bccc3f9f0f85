"""Peak RSS of a 1,000-episode batch (offline agents, SQLite), measured on the child process.

Run: .venv/bin/python bench/memory.py [--episodes 1000]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parents[1]))
    from agentsim.cases.library import scenario_paths

    n_cases = len(scenario_paths())
    repeats = math.ceil(args.episodes / n_cases)
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.yaml"
        spec.write_text(f"name: memory\ncases: ['*']\nrepeats: {repeats}\nconcurrency: {args.concurrency}\n")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "agentsim.cli.app", "batch", str(spec), "--db", f"{tmp}/m.db",
                        "--quiet"], check=True, capture_output=True)
        wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: kilobytes
    print(json.dumps({"episodes": n_cases * repeats, "concurrency": args.concurrency, "wall_s": round(wall, 1),
                      "peak_rss_mb": round(peak_kb / 1024, 1)}, indent=2))


if __name__ == "__main__":
    main()
