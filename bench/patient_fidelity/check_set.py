"""Validate the patient-fidelity item set (data only: it never runs a patient).

Checks: every case exists (scenario or imported record), sits in the right split, every fact id named by an item
exists in its case, enum values are valid, item ids are unique and start with their case id; prints counts per
split, style and inquiry type, and the facts a case never asks directly or never in a paraphrase.

    PYTHONPATH=$PWD python bench/patient_fidelity/check_set.py                  # validate, print counts
    PYTHONPATH=$PWD python bench/patient_fidelity/check_set.py --write-manifest # freeze: rewrite MANIFEST.sha256
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere in the checkout

from agentsim.errors import UserError  # noqa: E402
from bench.patient_fidelity.itemset import (  # noqa: E402 - after the path set-up above
    HELDOUT_CASES,
    MANIFEST,
    RECORD_ITEMS,
    ROOT,
    CaseItems,
    ExpectKind,
    Split,
    Style,
    load_split,
    manifest_text,
    sha256,
)


def case_problems(ci: CaseItems) -> list[str]:
    where = ci.source.relative_to(ROOT).as_posix()
    facts = {f.id for f in ci.case.patient.facts}
    problems = []
    if ci.source.name != RECORD_ITEMS:
        wanted = Split.HELDOUT if ci.case.id in HELDOUT_CASES else Split.DEV
        if ci.split is not wanted:
            problems.append(f"{where}: case {ci.case.id} belongs in {wanted.value}/")
    for item in ci.items:
        if not item.id.startswith(f"{ci.case.id}-"):
            problems.append(f"{where}: {item.id}: an item id starts with its case id {ci.case.id!r}")
        for fact in [*item.expect.fact_ids(), *item.also_ok]:
            if fact not in facts:
                problems.append(f"{where}: {item.id}: no fact {fact!r} in case {ci.case.id}")
    return problems


def coverage_notes(ci: CaseItems) -> list[str]:
    """Facts never asked directly, or never in a paraphrase: worth a look, not an error."""
    direct: set[str] = set()
    paraphrased: set[str] = set()
    for item in ci.items:
        if item.expect.kind in (ExpectKind.FACTS, ExpectKind.ANY_OF):
            (direct if item.style is Style.DIRECT else paraphrased).update(item.expect.fact_ids())
    notes = []
    for fact in ci.case.patient.facts:
        missing = [name for name, seen in (("direct", direct), ("paraphrase", paraphrased)) if fact.id not in seen]
        if missing:
            notes.append(f"{ci.case.id}: {fact.id} never asked {' or '.join(missing)}")
    return notes


def validate() -> tuple[list[CaseItems], list[str]]:
    """All cases of both splits and every problem found (empty when the set is valid)."""
    cases: list[CaseItems] = []
    problems: list[str] = []
    for split in Split:
        try:
            cases += load_split(split)
        except UserError as exc:
            problems.append(str(exc))
    seen: dict[str, str] = {}
    for ci in cases:
        problems += case_problems(ci)
        for item in ci.items:
            if item.id in seen:
                problems.append(f"{item.id}: duplicate item id (also in {seen[item.id]})")
            seen[item.id] = ci.source.name
    return cases, problems


def manifest_problems() -> list[str]:
    """Differences between MANIFEST.sha256 and the data files on disk: a silent edit shows up here."""
    if not MANIFEST.exists():
        return [f"{MANIFEST.name} missing: run check_set.py --write-manifest"]
    listed = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    problems = []
    for name, digest in listed.items():
        path = ROOT / name
        if not path.exists():
            problems.append(f"{name}: listed in the manifest but missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: changed since the set was frozen (sha256 differs from the manifest)")
    on_disk = {line.partition("  ")[2] for line in manifest_text().splitlines()}
    problems += [f"{name}: data file not in the manifest" for name in sorted(on_disk - set(listed))]
    return problems


def print_counts(cases: list[CaseItems]) -> None:
    for split in Split:
        mine = [ci for ci in cases if ci.split is split]
        items = [item for ci in mine for item in ci.items]
        print(f"{split.value}: {len(mine)} cases, {len(items)} items")
        styles = Counter(item.style.value for item in items)
        print("  style:   " + ", ".join(f"{k} {v}" for k, v in sorted(styles.items())))
        kinds = Counter(item.expect.kind.value for item in items)
        print("  expect:  " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        inquiries = Counter(item.inquiry.value for item in items)
        print("  inquiry: " + ", ".join(f"{k} {v}" for k, v in sorted(inquiries.items())))
        for ci in mine:
            print(f"    {ci.case.id}: {len(ci.items)} items")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-manifest", action="store_true", help="rewrite MANIFEST.sha256 from the files")
    parser.add_argument("--quiet", action="store_true", help="problems only, no counts or coverage notes")
    args = parser.parse_args(argv)
    cases, problems = validate()
    if not args.quiet:
        print_counts(cases)
        for ci in cases:
            for note in coverage_notes(ci):
                print(f"  note: {note}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 2
    if args.write_manifest:
        MANIFEST.write_text(manifest_text(), encoding="utf-8")
        print(f"wrote {MANIFEST.relative_to(ROOT.parents[1])}")
    else:
        for problem in manifest_problems():
            print(f"manifest: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
