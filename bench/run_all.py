"""Run every benchmark and write bench/results/latest.json and latest.md.

Run: make bench   (or .venv/bin/python bench/run_all.py)
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
BENCHMARKS = {
    "engine_overhead": ["engine_overhead.py", "--episodes", "100"],
    "agent_quality": ["agent_quality.py"],
}
TARGETS = {
    "per_turn_ms_p50": ("<=", 2.0),
    "wall_s": ("<=", 10.0),
    "help_s_median": ("<=", 0.5),
    "patient_fact_accuracy": (">=", 0.85),
    "gatekeeper_resolution_accuracy": (">=", 0.90),
    "leak_replies_naming_diagnosis": ("<=", 0),
}


def machine() -> str:
    cpus = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{platform.machine()}, {cpus} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    figures: dict[str, dict] = {}
    for name, args in BENCHMARKS.items():
        print(f"running {name} ...", file=sys.stderr, flush=True)
        out = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], capture_output=True, text=True,
                             check=True).stdout
        figures[name] = json.loads(out[out.index("{"):])
    flat = {k: v for bench in figures.values() for k, v in bench.items()}
    checks = []
    for key, (op, bound) in TARGETS.items():
        value = flat.get(key)
        met = value is not None and (value <= bound if op == "<=" else value >= bound)
        checks.append({"figure": key, "value": value, "target": f"{op} {bound}", "met": met})
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
              "figures": figures, "targets": checks}
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps(report, indent=2))
    lines = [f"Benchmarks, {report['when']} on {report['machine']}", "", "| figure | value | target | met |",
             "|---|---|---|---|"]
    lines += [f"| {c['figure']} | {c['value']} | {c['target']} | {'yes' if c['met'] else 'NO'} |" for c in checks]
    (results / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
