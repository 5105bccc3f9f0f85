"""Prompt and completion tokens per episode, and how they grow turn by turn, for two prompt layouts.

- append-only (what agentsim sends): a stable system prefix, then one message per action and reply, never
  rewritten; each request's prompt starts with the previous request's prompt and that request's answer.
- rebuilt: the same information re-sent each turn as one freshly rendered prompt: the same system message,
  then one user message holding the current state first (the doctor's "Turn k of N. Spent so far: $X.")
  and then the whole transcript ("Doctor: ...", "Patient: ...").

Episodes run with all three roles LLM-backed against the fake server (bench/_fake.py). Every request's
messages are captured on the way to the gateway; the rebuilt variant is made from those same messages and
both are counted with the fake server's own counter (one token per word, agentsim.testing.fake_server._count;
its figure for the append-only layout is checked against the usage the server reported).

"uncached" = prompt tokens minus the longest prefix shared with the same agent's previous request: what a
provider with prefix caching must process afresh. An upper bound on what caching saves: real providers
cache in blocks above a minimum length (e.g. 1,024 tokens), and the word count is only a stand-in for a
real tokenizer. Tool schemas are not counted (the fake server does not count them).

Run: .venv/bin/python bench/tokens.py [--cases 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from agentsim.engine.episode import episode_spec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._fake import fake_server  # noqa: E402

ROLES = ("doctor", "patient", "gatekeeper")
STATUS = re.compile(r"\s*Turn \d+ of \d+\. Spent so far: \$[^\n]*")
_episode: contextvars.ContextVar[str] = contextvars.ContextVar("episode", default="?")
CALLS: list[dict[str, Any]] = []  # {episode, role, messages, prompt_reported, completion}


def capture() -> None:
    """Wrap `complete` where each LLM agent imported it, to keep a copy of every request's messages."""
    import agentsim.agents.doctor.llm as doctor
    import agentsim.agents.gatekeeper.llm as gatekeeper
    import agentsim.agents.patient.llm as patient

    for role, module in (("doctor", doctor), ("patient", patient), ("gatekeeper", gatekeeper)):
        def wrapped(messages, *, _real=module.complete, _role=role, **kwargs):
            sent = list(messages)  # the agent appends to its list after the call

            async def call():
                completion = await _real(messages, **kwargs)
                CALLS.append({"episode": _episode.get(), "role": _role, "messages": sent,
                              "prompt_reported": completion.prompt_tokens,
                              "completion": completion.completion_tokens})
                return completion
            return call()
        module.complete = wrapped


def words_of(messages: list[dict[str, Any]]) -> list[str]:
    """The prompt as the fake server counts it: the words of each message's text, then of its tool calls."""
    from agentsim.testing.fake_roles import text_of, words

    out: list[str] = []
    for m in messages:
        out += words(text_of(m)) + words(str(m.get("tool_calls") or ""))
    return out


def rebuilt(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same request as one re-rendered prompt: system, then state first and the transcript after."""
    from agentsim.testing.fake_roles import text_of

    system, rest = messages[0], messages[1:]
    statuses = [s.strip() for m in rest for s in STATUS.findall(text_of(m))]
    lines = []
    for m in rest:
        text = STATUS.sub("", text_of(m)).strip()
        calls = "; ".join(f"{c['function']['name']}({c['function']['arguments']})" for c in m.get("tool_calls") or [])
        speaker = {"assistant": "You", "tool": "Result", "user": "Them"}.get(m.get("role"), m.get("role"))
        lines.append(f"{speaker}: {' '.join(p for p in (text, calls) if p)}")
    head = f"{statuses[-1]}\n\n" if statuses else ""
    return [system, {"role": "user", "content": head + "Consultation so far:\n" + "\n".join(lines)}]


def shared_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def analyse() -> dict[str, Any]:
    per_episode: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    growth: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    previous: dict[tuple[str, str], dict[str, list[str]]] = {}
    mismatches = 0
    step: dict[tuple[str, str], int] = defaultdict(int)
    for call in CALLS:
        agent = (call["episode"], call["role"])
        layouts = {"append": words_of(call["messages"]), "rebuilt": words_of(rebuilt(call["messages"]))}
        mismatches += len(layouts["append"]) != call["prompt_reported"]
        step[agent] += 1
        row = growth[(call["role"], step[agent])]
        totals = per_episode[call["episode"]]
        totals["completion"] += call["completion"]
        for name, tokens in layouts.items():
            cached = shared_prefix(previous.get(agent, {}).get(name, []), tokens)
            row[f"{name}_prompt"].append(len(tokens))
            row[f"{name}_uncached"].append(len(tokens) - cached)
            totals[f"{name}_prompt"] += len(tokens)
            totals[f"{name}_uncached"] += len(tokens) - cached
        previous[agent] = layouts
    episodes = list(per_episode.values())
    keys = ("append_prompt", "append_uncached", "rebuilt_prompt", "rebuilt_uncached", "completion")
    mean = {k: round(statistics.mean(e[k] for e in episodes), 1) for k in keys}
    table = [{"role": role, "call": n, "episodes": len(v["append_prompt"]),
              **{k: round(statistics.mean(v[k]), 1) for k in keys[:4]}}
             for (role, n), v in sorted(growth.items(), key=lambda kv: (ROLES.index(kv[0][0]), kv[0][1]))]
    return {
        "episodes": len(episodes), "llm_calls": len(CALLS), "recount_mismatches": mismatches,
        "per_episode_mean": mean,
        "prompt_tokens_per_episode": mean["append_prompt"],
        "completion_tokens_per_episode": mean["completion"],
        "uncached_prompt_tokens_per_episode": mean["append_uncached"],
        "rebuilt_prompt_tokens_per_episode": mean["rebuilt_prompt"],
        "rebuilt_uncached_prompt_tokens_per_episode": mean["rebuilt_uncached"],
        "uncached_share_append": round(mean["append_uncached"] / mean["append_prompt"], 3),
        "uncached_share_rebuilt": round(mean["rebuilt_uncached"] / mean["rebuilt_prompt"], 3),
        "per_call_growth": table,
    }


async def run(cases: list[str], server) -> None:
    from agentsim.engine.episode import arun_episode

    options = {"api_base": server.api_base, "api_key": "sk-fake", "max_concurrency": 8}
    for case in cases:
        _episode.set(case)
        await arun_episode(episode_spec(
            case, doctor="llm", patient="llm", gatekeeper="llm", max_turns=20,
            doctor_options={"model": "openai/fake-doctor", **options},
            patient_options={"model": "openai/fake-patient", **options},
            gatekeeper_options={"model": "openai/fake-gatekeeper", **options},
        ))


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'role':<11}{'call':>5}{'append':>9}{'uncached':>10}{'rebuilt':>9}{'uncached':>10}", file=sys.stderr)
    for r in rows:
        print(f"{r['role']:<11}{r['call']:>5}{r['append_prompt']:>9}{r['append_uncached']:>10}"
              f"{r['rebuilt_prompt']:>9}{r['rebuilt_uncached']:>10}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10, help="episodes: the first N shipped cases")
    args = parser.parse_args()
    from agentsim.cases.library import scenario_paths

    cases = sorted(p.stem for p in scenario_paths())[: args.cases]
    capture()
    with fake_server() as server:
        asyncio.run(run(cases, server))
    figures = analyse()
    print_table(figures["per_call_growth"])
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
