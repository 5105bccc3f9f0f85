"""Run every benchmark and write bench/results/latest.json and latest.md. bench/README.md says what each measures.

Run: make bench   (or .venv/bin/python bench/run_all.py [--only concurrency,tokens])
PostgreSQL figures for log_scale too: AGENTSIM_TEST_PG_URL=$(bash .ci/postgres.sh) make bench
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
BENCHMARKS = {
    "engine_overhead": ["engine_overhead.py", "--episodes", "100"],
    "agent_quality": ["agent_quality.py"],
    "concurrency": ["concurrency.py"],
    "tokens": ["tokens.py"],
    "log_scale": ["log_scale.py"],
    "memory": ["memory.py", "--episodes", "1000"],
}
# (benchmark, figure) -> (comparison, bound)
TARGETS = {
    ("engine_overhead", "per_turn_ms_p50"): ("<=", 2.0),
    ("engine_overhead", "wall_s"): ("<=", 10.0),
    ("engine_overhead", "help_s_median"): ("<=", 0.5),
    ("agent_quality", "patient_fact_accuracy"): (">=", 0.85),
    ("agent_quality", "gatekeeper_resolution_accuracy"): (">=", 0.90),
    ("agent_quality", "leak_replies_naming_diagnosis"): ("<=", 0),
    ("concurrency", "wall_over_ideal_c32"): ("<=", 1.15),
    ("log_scale", "turns_ms_p99"): ("<=", 50.0),
    ("log_scale", "replay_start_ms_p50"): ("<=", 200.0),
    ("log_scale", "report_cli_s"): ("<=", 5.0),
    ("memory", "peak_rss_mb"): ("<=", 500.0),
}
# figures shown beside the targets, with no target of their own
SHOWN = [
    ("engine_overhead", "per_turn_ms_p95"),
    ("concurrency", "wall_over_ideal_c1"), ("concurrency", "wall_over_ideal_c8"),
    ("concurrency", "wall_over_ideal_c64"), ("concurrency", "wall_over_bound_c32"),
    ("concurrency", "wall_over_ideal_c32_slow"), ("concurrency", "client_cpu_ms_per_llm_call"),
    ("tokens", "prompt_tokens_per_episode"), ("tokens", "completion_tokens_per_episode"),
    ("tokens", "uncached_prompt_tokens_per_episode"), ("tokens", "rebuilt_prompt_tokens_per_episode"),
    ("tokens", "rebuilt_uncached_prompt_tokens_per_episode"),
    ("log_scale", "replay_start_ms_p95"), ("log_scale", "replay_cli_first_output_s"),
    ("log_scale", "pg_turns_ms_p99"), ("log_scale", "pg_replay_start_ms_p50"),
    ("log_scale", "pg_report_cli_s"), ("memory", "wall_s"),
]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return (f"{platform.machine()} {cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
            f"{platform.system()}")


def run(name: str, args: list[str]) -> dict:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-800:]}"}
    out = proc.stdout
    figures = json.loads(out[out.index("{"):])
    figures["bench_s"] = round(time.perf_counter() - started, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    args = parser.parse_args()
    chosen = [n for n in BENCHMARKS if not args.only or n in args.only.split(",")]
    figures: dict[str, dict] = {}
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures[name] = run(name, BENCHMARKS[name])
        if "error" in figures[name]:
            print(f"  {name} failed: {figures[name]['error']}", file=sys.stderr)
    checks = []
    for (bench, key), (op, bound) in TARGETS.items():
        if bench not in figures:
            continue
        value = figures[bench].get(key)
        met = value is not None and (value <= bound if op == "<=" else value >= bound)
        checks.append({"benchmark": bench, "figure": key, "value": value, "target": f"{op} {bound}", "met": met})
    shown = [{"benchmark": b, "figure": k, "value": figures[b].get(k)} for b, k in SHOWN
             if b in figures and figures[b].get(k) is not None]
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
              "figures": figures, "targets": checks, "shown": shown}
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps(report, indent=2, default=str))
    lines = [f"Benchmarks, {report['when']} on {report['machine']}", "",
             "| benchmark | figure | value | target | met |", "|---|---|---|---|---|"]
    lines += [f"| {c['benchmark']} | {c['figure']} | {c['value']} | {c['target']} | {'yes' if c['met'] else 'NO'} |"
              for c in checks]
    lines += [f"| {s['benchmark']} | {s['figure']} | {s['value']} | - | - |" for s in shown]
    lines += [f"\n{name} failed: {f['error']}" for name, f in figures.items() if "error" in f]
    (results / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
