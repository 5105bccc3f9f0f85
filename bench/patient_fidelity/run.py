"""Score a simulated patient on the patient-fidelity item set.

For each item: a fresh patient from the public registry, its opening, the item's `before:` questions, then the
item's question; the answer TEXT is classified (scoring.py), never the reply's payload or provenance.

    PYTHONPATH=$PWD python bench/patient_fidelity/run.py --split all
    PYTHONPATH=$PWD python bench/patient_fidelity/run.py --split dev --failures 20
    PYTHONPATH=$PWD python bench/patient_fidelity/run.py --patient llm --json /tmp/fidelity.json

Failures are printed for the dev split only: heldout items must stay unseen by anyone tuning the patient.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere in the checkout

from pydantic import BaseModel  # noqa: E402

from agentsim.agents.registry import make_patient  # noqa: E402
from agentsim.errors import UserError  # noqa: E402
from bench.patient_fidelity.itemset import CaseItems, ExpectKind, InquiryType, Item, Split, Style, load_split  # noqa: E402
from bench.patient_fidelity.scoring import Outcome, Verdict, classify  # noqa: E402

FACT_KINDS = (ExpectKind.FACTS, ExpectKind.ANY_OF)
EXPECTING = (ExpectKind.FACTS, ExpectKind.ANY_OF, ExpectKind.KEYWORDS)


class Result(BaseModel):
    split: Split
    case_id: str
    item: Item
    answer: str
    verdict: Verdict
    latency_ms: float


async def ask(patient_name: str, ci: CaseItems, item: Item) -> Result:
    patient = make_patient(patient_name, ci.case.patient_view(), persona=None, seed=0)
    await patient.opening()
    for earlier in item.before:
        await patient.answer(earlier)
    start = time.perf_counter()
    reply = await patient.answer(item.question)
    latency = (time.perf_counter() - start) * 1000
    return Result(split=ci.split, case_id=ci.case.id, item=item, answer=reply.text,
                  verdict=classify(item, ci.case, reply.text), latency_ms=latency)


async def run_all(patient_name: str, cases: list[CaseItems]) -> list[Result]:
    return [await ask(patient_name, ci, item) for ci in cases for item in ci.items]


def _rate(hits: int, n: int) -> float | None:
    return round(hits / n, 3) if n else None


def summarise(results: list[Result]) -> dict[str, Any]:
    """The figures of one group of results: rates over the items each rate is about."""
    outcomes = Counter(r.verdict.outcome for r in results)

    def count(pred: Callable[[Result], bool], outcome: Outcome) -> tuple[int, int]:
        chosen = [r for r in results if pred(r)]
        return sum(r.verdict.outcome is outcome for r in chosen), len(chosen)

    fact = count(lambda r: r.item.expect.kind in FACT_KINDS, Outcome.RIGHT)
    false_no = count(lambda r: r.item.expect.kind in EXPECTING, Outcome.FALSE_NO)
    absent = count(lambda r: r.item.expect.kind is ExpectKind.ABSENT, Outcome.ABSENT_OK)
    dont_know = count(lambda r: r.item.expect.kind is ExpectKind.DONT_KNOW, Outcome.DONT_KNOW_OK)
    demo = count(lambda r: r.item.inquiry is InquiryType.DEMOGRAPHICS, Outcome.RIGHT)
    latencies = sorted(r.latency_ms for r in results)
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else None
    return {
        "n": len(results),
        "right_fact": _rate(*fact), "false_no": _rate(*false_no),
        "unrelated": _rate(outcomes[Outcome.UNRELATED], len(results)),
        "absent_as_absent": _rate(*absent), "dont_know": _rate(*dont_know), "demographics": _rate(*demo),
        "leaks": sum(r.verdict.leak for r in results),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(p95, 2) if p95 is not None else None,
        "outcomes": {o.value: outcomes[o] for o in Outcome},
    }


def report(results: list[Result]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for split in Split:
        mine = [r for r in results if r.split is split]
        if not mine:
            continue
        styles = {"direct": [r for r in mine if r.item.style is Style.DIRECT],
                  "paraphrase": [r for r in mine if r.item.style is not Style.DIRECT]}
        inquiries = {i.value: [r for r in mine if r.item.inquiry is i] for i in InquiryType}
        out[split.value] = {
            "all": summarise(mine),
            "style": {name: summarise(rs) for name, rs in styles.items() if rs},
            "inquiry": {name: summarise(rs) for name, rs in inquiries.items() if rs},
        }
    return out


_COLUMNS = ("n", "right_fact", "false_no", "unrelated", "absent_as_absent", "dont_know", "demographics", "leaks",
            "p50_ms", "p95_ms")
_HEAD = ("n", "right", "false-no", "unrel", "absent", "dont-kn", "demog", "leaks", "p50ms", "p95ms")


def _row(label: str, figures: dict[str, Any]) -> str:
    cells = ["-" if figures[c] is None else str(figures[c]) for c in _COLUMNS]
    return f"  {label:<24}" + "".join(f"{cell:>9}" for cell in cells)


def print_report(rep: dict[str, Any], patient_name: str) -> None:
    print(f"patient-fidelity: patient={patient_name}  (rates: right over fact items, false-no over items expecting "
          "something, unrelated over all, absent/dont-know/demographics over their items)")
    for split, block in rep.items():
        print(f"\n{'[' + split + ']':<26}" + "".join(f"{h:>9}" for h in _HEAD))
        print(_row("all", block["all"]))
        for name, figures in block["style"].items():
            print(_row(f"style {name}", figures))
        for name, figures in block["inquiry"].items():
            print(_row(name, figures))
        print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in block["all"]["outcomes"].items()))


def print_failures(results: list[Result], limit: int) -> None:
    failing = [r for r in results if r.split is Split.DEV
               and (r.verdict.outcome not in (Outcome.RIGHT, Outcome.ABSENT_OK, Outcome.DONT_KNOW_OK)
                    or r.verdict.leak)]
    print(f"\nfailures (dev): {len(failing)}; showing {min(limit, len(failing))}")
    for r in failing[:limit]:
        expect = r.item.expect.model_dump(exclude_none=True)
        print(f"- {r.item.id} [{r.verdict.outcome.value}{', LEAK' if r.verdict.leak else ''}] "
              f"{r.item.style.value}/{r.item.inquiry.value}")
        for earlier in r.item.before:
            print(f"    before:   {earlier}")
        print(f"    question: {r.item.question}")
        print(f"    expected: {expect}  also_ok: {r.item.also_ok}")
        print(f"    answer:   {r.answer}")
        print(f"    conveyed: {r.verdict.conveyed}  extra: {r.verdict.extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    parser.add_argument("--patient", default="retrieval", help="a patient name from the registry")
    parser.add_argument("--json", type=Path, help="write the figures (and dev items' results) here")
    parser.add_argument("--failures", type=int, default=0, metavar="N", help="print N failing dev items")
    args = parser.parse_args(argv)
    splits = list(Split) if args.split == "all" else [Split(args.split)]
    try:
        cases = [ci for split in splits for ci in load_split(split)]
        results = asyncio.run(run_all(args.patient, cases))
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rep = report(results)
    print_report(rep, args.patient)
    if args.failures:
        if Split.DEV in splits:
            print_failures(results, args.failures)
        if Split.HELDOUT in splits:
            print("\nheldout failures are never printed: nobody tuning the patient may look at held-back items.")
    if args.json:
        dev_items = [r.model_dump(mode="json") for r in results if r.split is Split.DEV]
        args.json.write_text(json.dumps({"patient": args.patient, "report": rep, "dev_items": dev_items}, indent=1))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
