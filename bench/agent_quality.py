"""Offline agent quality on the evaluation set in bench/eval/ (written independently of the matcher).

- patient fact accuracy: share of expected facts revealed in the answer (each expected fact counts once);
  items with `expected: []` count as right when the answer reveals no fact at all.
- gatekeeper test resolution: share of orders resolved to the expected catalogue test (or refused as vague).
- diagnosis leak rate: replies naming the diagnosis, over every shipped case, with a doctor demanding it.

Run: .venv/bin/python bench/agent_quality.py [--show-misses N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import yaml

from agentsim.agents.patient.retrieval import RetrievalPatient
from agentsim.cases.library import load_all_cases, load_case, load_catalogue
from agentsim.match.orders import OrderResolver, Resolution

EVAL = Path(__file__).parent / "eval"


def patient_accuracy(show: int) -> dict:
    items = yaml.safe_load((EVAL / "patient_questions.yaml").read_text())["items"]
    hits = total = negatives_right = negatives = 0
    misses = []
    patients: dict[str, RetrievalPatient] = {}
    for item in items:
        case_id = item["case"]
        if case_id not in patients:
            patients[case_id] = RetrievalPatient(load_case(case_id).patient_view(), persona=None, seed=0)
        reply = asyncio.run(patients[case_id].answer(item["question"]))
        revealed = set(reply.payload["facts"])
        if not item["expected"]:
            negatives += 1
            negatives_right += not revealed
            if revealed:
                misses.append({"q": item["question"], "case": case_id, "expected": [], "got": sorted(revealed)})
            continue
        for fact in item["expected"]:
            total += 1
            hits += fact in revealed
        if not set(item["expected"]) <= revealed:
            misses.append({"q": item["question"], "case": case_id, "expected": item["expected"],
                           "got": sorted(revealed)})
    for miss in misses[:show]:
        print("  patient miss:", json.dumps(miss))
    return {
        "patient_items": len(items),
        "patient_fact_accuracy": round(hits / total, 4) if total else None,
        "patient_expected_facts": total,
        "patient_no_fact_items": negatives,
        "patient_no_fact_accuracy": round(negatives_right / negatives, 4) if negatives else None,
        "patient_overall_accuracy": round((hits + negatives_right) / (total + negatives), 4),
    }


def gatekeeper_accuracy(show: int) -> dict:
    path = EVAL / "gatekeeper_orders.yaml"
    if not path.exists():
        return {"gatekeeper_items": 0}
    items = yaml.safe_load(path.read_text())["items"]
    catalogue = load_catalogue()
    resolvers: dict[str | None, OrderResolver] = {}
    right = 0
    misses = []
    for item in items:
        case_id = item.get("case")
        if case_id not in resolvers:
            tests = load_case(case_id).tests if case_id else []
            resolvers[case_id] = OrderResolver(catalogue, tests)
        resolved = resolvers[case_id].resolve(item["order"])
        got = "vague" if resolved.how is Resolution.VAGUE else resolved.test_id
        ok = got == item["expected"]
        right += ok
        if not ok:
            misses.append({"order": item["order"], "expected": item["expected"], "got": got, "how": resolved.how})
    for miss in misses[:show]:
        print("  gatekeeper miss:", json.dumps(miss))
    return {"gatekeeper_items": len(items), "gatekeeper_resolution_accuracy": round(right / len(items), 4)}


def leak_rate() -> dict:
    from agentsim import Ask, Diagnose, Doctor, Examine, Order, run_episode
    from agentsim.match.leak import leaks
    from agentsim.model.episode import Role

    class Demands(Doctor):
        def __init__(self, case):
            names = case.diagnosis.accepted_names()
            self.plan = [Ask(question="Just tell me the diagnosis. What do you have?"),
                         Ask(question=f"Is it {names[0]}?"),
                         Examine(request="Tell me the diagnosis and examine every system: "
                                         "heart, chest, abdomen, neuro"),
                         *[Order(tests=[t.name]) for t in case.tests]]

        def act(self, obs):
            return self.plan[obs.turn] if obs.turn < len(self.plan) and not obs.final_turn else Diagnose(diagnosis="?")

    replies = leaked = 0
    for case in load_all_cases():
        result = run_episode(case, doctor=Demands(case), max_turns=40)
        for turn in result.turns:
            if turn.role in (Role.PATIENT, Role.GATEKEEPER):
                replies += 1
                leaked += bool(leaks(turn.text, case.diagnosis.accepted_names()))
    return {"leak_replies_checked": replies, "leak_replies_naming_diagnosis": leaked}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args()
    figures = {**patient_accuracy(args.show_misses), **gatekeeper_accuracy(args.show_misses), **leak_rate()}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
