"""Batch throughput at the physical limit: default settings, workers, client CPU per call, start-up.

    .venv/bin/python bench/throughput.py [--repeats 3] [--only batch,layers,workers,startup]

- batch:   LLM-doctor batches (patient and examiner offline) with default settings, nothing lifted: no
           max_concurrency, run_batch's own default of one process: 60 episodes at concurrency 20 with
           0.4 s latency, 200 at 32 and 64 with 100 ms; wall / ideal, ideal = calls x latency / concurrency
           (calls from the fake server's log). The same at concurrency 64 with 2 workers.
- layers:  client CPU per call (process CPU time / calls, 200 calls, 16 in flight) for: a bare httpx POST,
           the direct path's POST (openai_http.post), gateway.complete (direct), litellm.acompletion, and
           gateway.complete through litellm.
- workers: offline batches (checklist / retrieval / rules) and LLM-doctor batches at 1 and 2 workers;
           peak RSS per worker; engine time per offline turn.
- startup: `agentsim run CASE --quiet` (offline) whole process, and an LLM `agentsim run` from process
           start to the fake server's first request.
Medians over `--repeats` runs. The fake server runs in its own process (bench/_fake.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._fake import fake_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CASE = "chest-pain-stemi"
MSG = [{"role": "system", "content": "You are the doctor."}, {"role": "user", "content": "A patient."}]
TOOLS = [{"type": "function", "function": {"name": "ask_patient", "parameters": {
    "type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}}}]


def _spec(episodes: int, concurrency: int, *, llm: bool):  # noqa: ANN202 - BatchSpec
    from agentsim.batch.spec import BatchSpec
    from agentsim.cases.library import scenario_paths

    cases = sorted(p.stem for p in scenario_paths())[:20]
    repeats = max(1, episodes // len(cases))
    doctors = [{"name": "llm", "model": "openai/fake-doctor"}] if llm else ["checklist"]
    return BatchSpec(name=f"throughput-{concurrency}", cases=cases, repeats=repeats, concurrency=concurrency,
                     doctors=doctors, patient="retrieval", gatekeeper="rules", max_turns=20)


async def _batch(server, *, episodes: int, concurrency: int, latency_ms: float, workers: int = 1) -> dict:
    from agentsim.batch.runner import run_batch

    server.configure(latency_ms=latency_ms)
    with tempfile.TemporaryDirectory() as tmp:
        started, cpu = time.perf_counter(), time.process_time()
        outcome = await run_batch(_spec(episodes, concurrency, llm=True), db=f"sqlite:///{tmp}/b.db",
                                  workers=workers)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    calls = len(server.requests())
    ideal = calls * latency_ms / 1000 / concurrency
    return {"episodes": outcome.progress.done, "failed": outcome.progress.failed, "calls": calls, "wall_s": wall,
            "ideal_s": ideal, "ratio": wall / ideal, "parent_cpu_ms_per_call": cpu * 1000 / max(1, calls)}


def bench_batch(repeats: int) -> dict:
    os.environ.pop("AGENTSIM_LLM_MAX_CONCURRENCY", None)
    levels = [(60, 20, 400.0, 1), (200, 32, 100.0, 1), (200, 64, 100.0, 1), (200, 64, 100.0, 2)]
    out = {}
    with fake_server() as server:
        os.environ.update({"AGENTSIM_API_BASE": server.api_base, "AGENTSIM_API_KEY": "sk-fake"})
        for episodes, concurrency, latency, workers in levels:
            runs = [asyncio.run(_batch(server, episodes=episodes, concurrency=concurrency, latency_ms=latency,
                                       workers=workers)) for _ in range(repeats)]
            name = f"c{concurrency}_{int(latency)}ms_w{workers}"
            out[name] = {**runs[0], "ratio_median": statistics.median(r["ratio"] for r in runs),
                         "wall_median_s": statistics.median(r["wall_s"] for r in runs),
                         "ratios": [round(r["ratio"], 3) for r in runs]}
            print(name, json.dumps(out[name]), file=sys.stderr)
    return out


async def _layer(name: str, api_base: str, calls: int = 200, width: int = 16) -> float:
    import httpx

    from agentsim.llm import gateway, openai_http
    from agentsim.llm.limits import run_width
    from agentsim.llm.settings import LLMSettings

    settings = LLMSettings(model="openai/fake-doctor", api_base=api_base, api_key="sk-fake")
    client = httpx.AsyncClient()
    body = {"model": "fake-doctor", "messages": MSG, "tools": TOOLS}
    if name == "litellm.acompletion" or name == "gateway.complete (litellm)":
        gateway._litellm()
    real_applies = openai_http.applies

    async def one() -> None:
        if name == "httpx POST":
            (await client.post(f"{api_base}/chat/completions", json=body,
                               headers={"Authorization": "Bearer sk-fake"})).json()
        elif name == "openai_http.post":
            await openai_http.post(MSG, settings=settings, tools=TOOLS)
        elif name == "litellm.acompletion":
            await gateway._litellm().acompletion(model=settings.model, messages=MSG, tools=TOOLS, api_base=api_base,
                                                 api_key="sk-fake", num_retries=0, max_retries=0)
        else:
            await gateway.complete(MSG, settings=settings, tools=TOOLS)

    if name == "gateway.complete (litellm)":
        openai_http.applies = lambda _s: False  # type: ignore[assignment]
    try:
        with run_width(width):
            for _ in range(20):  # warm: connections, imports, caches
                await one()
            sem = asyncio.Semaphore(width)

            async def gated() -> None:
                async with sem:
                    await one()

            cpu = time.process_time()
            await asyncio.gather(*(gated() for _ in range(calls)))
            cpu = time.process_time() - cpu
    finally:
        openai_http.applies = real_applies  # type: ignore[assignment]
        await client.aclose()
    return cpu * 1000 / calls


def bench_layers(repeats: int) -> dict:
    names = ["httpx POST", "openai_http.post", "gateway.complete (direct)", "litellm.acompletion",
             "gateway.complete (litellm)"]
    out = {}
    with fake_server() as server:
        for name in names:
            values = [asyncio.run(_layer(name, server.api_base)) for _ in range(repeats)]
            out[name] = {"cpu_ms_per_call_median": statistics.median(values), "runs": [round(v, 2) for v in values]}
            print(name, json.dumps(out[name]), file=sys.stderr)
    return out


def _cli(args: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "agentsim.cli.app", *args], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def bench_startup(repeats: int) -> dict:
    offline = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            started = time.perf_counter()
            proc = _cli(["run", CASE, "--quiet", "--db", f"{tmp}/r.db"])
            proc.wait()
            offline.append(time.perf_counter() - started)
        first = []
        with fake_server() as server:
            for _ in range(repeats):
                server.configure(latency_ms=0)
                started = time.perf_counter()
                proc = _cli(["run", CASE, "--quiet", "--db", f"{tmp}/l.db", "--doctor-model", "openai/fake-doctor",
                             "--api-base", server.api_base], AGENTSIM_API_KEY="sk-fake")
                while not server.requests():
                    if proc.poll() is not None:
                        raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "the run failed")
                    time.sleep(0.01)
                first.append(time.perf_counter() - started)
                proc.wait()
    return {"run_quiet_offline_s_median": statistics.median(offline), "run_quiet_offline_s": offline,
            "llm_start_to_first_request_s_median": statistics.median(first), "llm_start_to_first_request_s": first}


def _offline_batch(episodes: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.json"
        spec.write_text(_spec(episodes, 8, llm=False).model_dump_json())
        started = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "agentsim.cli.app", "batch", str(spec),
                               "--db", f"{tmp}/o.db", "--quiet", "--workers", str(workers)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        rss = next(int(line.split()[-1]) for line in proc.stderr.splitlines() if "Maximum resident" in line)
    # /usr/bin/time reports the largest single process of the tree: the parent or one worker
    return {"wall_s": wall, "peak_rss_mb_largest_process": rss / 1024}


def bench_workers(repeats: int, episodes: int) -> dict:
    out: dict = {"offline_episodes": episodes}
    for workers in (1, 2):
        runs = [_offline_batch(episodes, workers) for _ in range(repeats)]
        out[f"offline_w{workers}"] = {"wall_median_s": statistics.median(r["wall_s"] for r in runs),
                                      "rss_mb_max": max(r["peak_rss_mb_largest_process"] for r in runs),
                                      "walls": [round(r["wall_s"], 2) for r in runs]}
        print(workers, json.dumps(out[f"offline_w{workers}"]), file=sys.stderr)
    out["offline_scaling_2_vs_1"] = out["offline_w1"]["wall_median_s"] / out["offline_w2"]["wall_median_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="layers,batch,startup,workers")
    parser.add_argument("--offline-episodes", type=int, default=1000)
    args = parser.parse_args()
    only = set(args.only.split(","))
    results: dict = {"load_average_at_start": os.getloadavg()}
    if "layers" in only:
        results["layers"] = bench_layers(args.repeats)
    if "batch" in only:
        results["batch"] = bench_batch(args.repeats)
    if "startup" in only:
        results["startup"] = bench_startup(args.repeats)
    if "workers" in only:
        results["workers"] = bench_workers(args.repeats, args.offline_episodes)
    results["load_average_at_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
