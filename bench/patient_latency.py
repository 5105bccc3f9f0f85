"""Offline patient answer latency: p50/p95 per question over bench/eval/patient_questions.yaml, after warm-up
(the first answer of a process loads the vocabularies and the embedding model once; reported separately).

Run: .venv/bin/python bench/patient_latency.py [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import yaml

from agentsim.agents.patient.retrieval import RetrievalPatient
from agentsim.cases.library import load_case

EVAL = Path(__file__).parent / "eval" / "patient_questions.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items = yaml.safe_load(EVAL.read_text())["items"]
    start = time.perf_counter()
    first = RetrievalPatient(load_case(items[0]["case"]).patient_view(), persona=None, seed=0)
    asyncio.run(first.answer(items[0]["question"]))
    cold_ms = (time.perf_counter() - start) * 1000
    patients = {c: RetrievalPatient(load_case(c).patient_view(), persona=None, seed=0)
                for c in dict.fromkeys(i["case"] for i in items)}
    for patient in patients.values():  # build each case's fact embeddings before timing
        asyncio.run(patient.answer("hello"))
    loop = asyncio.new_event_loop()
    per_question: list[float] = []
    per_part: list[float] = []
    for _ in range(args.repeat):
        for item in items:
            patient = patients[item["case"]]
            t = time.perf_counter()
            reply = loop.run_until_complete(patient.answer(item["question"]))
            ms = (time.perf_counter() - t) * 1000
            per_question.append(ms)
            per_part.append(ms / max(1, len(reply.provenance.parts) if reply.provenance else 1))
    loop.close()
    q = statistics.quantiles(per_question, n=100)
    print(json.dumps({
        "questions": len(per_question), "cold_first_answer_ms": round(cold_ms, 1),
        "answer_p50_ms": round(statistics.median(per_question), 3), "answer_p95_ms": round(q[94], 3),
        "per_question_part_p50_ms": round(statistics.median(per_part), 3),
    }, indent=2))


if __name__ == "__main__":
    main()
