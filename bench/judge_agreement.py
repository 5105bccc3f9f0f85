"""How far the deterministic diagnosis grader agrees with the clinician-graded label set in bench/judge_labels/.

Grades every (reference, answer) triple of a split with `grade_diagnosis` and compares the grader's Likert
with the label's: agreement on correct/incorrect (Likert >= 4) and Cohen's kappa on that binary,
quadratic-weighted kappa and exact agreement on the 5-point scale, a confusion matrix, agreement per kind,
and how many of the references' own listed synonyms, graded as answers, score below 4.

Run: .venv/bin/python bench/judge_agreement.py --split dev|heldout|all [--json OUT] [--failures N]
`--failures` lists disagreements for the dev split only: the held-out split is for figures, never for reading.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from agentsim.errors import UserError
from agentsim.judge.agreement import cohen_kappa
from agentsim.judge.diagnosis import grade_diagnosis

sys.path.insert(0, str(Path(__file__).parent))  # bench/ is a folder of scripts, not a package
from judge_labels.labels import Label, LabelKind, Split, load_split  # noqa: E402

LIKERT = (1, 2, 3, 4, 5)
CORRECT_FROM = 4


class Graded(BaseModel):
    label: Label
    judge: int
    explanation: str


def confusion(human: Sequence[int], judge: Sequence[int]) -> list[list[int]]:
    """Rows: the label's Likert 1..5; columns: the grader's."""
    matrix = [[0] * len(LIKERT) for _ in LIKERT]
    for h, j in zip(human, judge, strict=True):
        matrix[h - 1][j - 1] += 1
    return matrix


def quadratic_kappa(human: Sequence[int], judge: Sequence[int]) -> float | None:
    """Quadratic-weighted kappa on the 5-point scale; None when expected disagreement is zero."""
    n = len(human)
    if n == 0:
        return None
    observed = confusion(human, judge)
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(len(LIKERT))) for j in range(len(LIKERT))]
    span = (len(LIKERT) - 1) ** 2
    seen = expected = 0.0
    for i in range(len(LIKERT)):
        for j in range(len(LIKERT)):
            weight = (i - j) ** 2 / span
            seen += weight * observed[i][j]
            expected += weight * rows[i] * cols[j] / n
    return None if expected == 0 else 1 - seen / expected


def grade(labels: Sequence[Label]) -> list[Graded]:
    graded = []
    for label in labels:
        score = grade_diagnosis(label.answer, label.diagnosis())
        graded.append(Graded(label=label, judge=score.likert, explanation=score.explanation))
    return graded


def listed_synonyms_below(labels: Sequence[Label]) -> tuple[int, int, list[str]]:
    """Each reference's own listed synonyms graded as answers: (how many below 4, how many graded, which)."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    below: list[str] = []
    total = 0
    for label in labels:
        key = (label.reference, tuple(label.synonyms))
        if key in seen:
            continue
        seen.add(key)
        for synonym in label.synonyms:
            total += 1
            likert = grade_diagnosis(synonym, label.diagnosis()).likert
            if likert < CORRECT_FROM:
                below.append(f"{synonym!r} for {label.reference!r}: {likert}")
    return len(below), total, below


def _ratio(hits: int, n: int) -> float | None:
    return round(hits / n, 3) if n else None


def summary(graded: Sequence[Graded]) -> dict:
    human = [g.label.likert for g in graded]
    judge = [g.judge for g in graded]
    h_ok = [h >= CORRECT_FROM for h in human]
    j_ok = [j >= CORRECT_FROM for j in judge]
    kappa, qwk = cohen_kappa(h_ok, j_ok), quadratic_kappa(human, judge)
    per_kind = {}
    for kind in LabelKind:
        rows = [g for g in graded if g.label.kind == kind]
        per_kind[kind.value] = {
            "n": len(rows),
            "binary": _ratio(sum((g.label.likert >= CORRECT_FROM) == (g.judge >= CORRECT_FROM) for g in rows),
                             len(rows)),
            "exact": _ratio(sum(g.label.likert == g.judge for g in rows), len(rows)),
        }
    below, total, which = listed_synonyms_below([g.label for g in graded])
    return {
        "n": len(graded),
        "binary_agreement": _ratio(sum(a == b for a, b in zip(h_ok, j_ok, strict=True)), len(graded)),
        "cohen_kappa_binary": None if kappa is None else round(kappa, 3),
        "quadratic_weighted_kappa": None if qwk is None else round(qwk, 3),
        "exact_likert_agreement": _ratio(sum(a == b for a, b in zip(human, judge, strict=True)), len(graded)),
        "confusion_label_rows_judge_cols": confusion(human, judge),
        "per_kind": per_kind,
        "listed_synonyms_below_4": below,
        "listed_synonyms_graded": total,
        "listed_synonyms_below_4_which": which,
    }


def render(split: str, figures: dict) -> str:
    lines = [
        f"split {split}: n = {figures['n']}",
        f"correct/incorrect (>= 4) agreement: {figures['binary_agreement']}   "
        f"Cohen's kappa: {figures['cohen_kappa_binary']}",
        f"5-point: quadratic-weighted kappa {figures['quadratic_weighted_kappa']}   "
        f"exact agreement {figures['exact_likert_agreement']}",
        "confusion (rows = label, columns = grader):",
        "        " + " ".join(f"{j:>4}" for j in LIKERT),
    ]
    for likert, row in zip(LIKERT, figures["confusion_label_rows_judge_cols"], strict=True):
        lines.append(f"  {likert:>4}  " + " ".join(f"{c:>4}" for c in row))
    lines.append(f"{'kind':<18}{'n':>4}{'binary':>9}{'exact':>8}")
    for kind, row in figures["per_kind"].items():
        lines.append(f"{kind:<18}{row['n']:>4}{row['binary']!s:>9}{row['exact']!s:>8}")
    lines.append(
        f"listed synonyms graded below 4: {figures['listed_synonyms_below_4']} of {figures['listed_synonyms_graded']}"
    )
    lines.extend(f"  {w}" for w in figures["listed_synonyms_below_4_which"])
    return "\n".join(lines)


def failures(graded: Sequence[Graded], limit: int) -> str:
    wrong = [g for g in graded if g.judge != g.label.likert]
    wrong.sort(key=lambda g: (-abs(g.judge - g.label.likert), g.label.id))
    lines = [f"{len(wrong)} disagreements; the {min(limit, len(wrong))} largest:"]
    for g in wrong[:limit]:
        lab = g.label
        lines.append(
            f"{lab.id} [{lab.kind.value}] label {lab.likert} grader {g.judge}: {lab.answer!r} for {lab.reference!r}"
            f"{' syn ' + repr(lab.synonyms) if lab.synonyms else ''} -- {g.explanation}"
        )
    return "\n".join(lines)


def run(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--failures", type=int, default=0, metavar="N", help="list N disagreements (dev only)")
    args = parser.parse_args(argv)
    if args.failures and args.split != "dev":
        raise UserError("--failures is for the dev split only: the held-out labels must stay unread by whoever tunes")
    splits = list(Split) if args.split == "all" else [Split(args.split)]
    graded = grade([label for split in splits for label in load_split(split)])
    figures = summary(graded)
    if args.json:
        args.json.write_text(json.dumps({"split": args.split, **figures}, indent=2) + "\n", encoding="utf-8")
    out = render(args.split, figures)
    return out + ("\n" + failures(graded, args.failures) if args.failures else "")


def main() -> None:
    try:
        print(run())
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None


if __name__ == "__main__":
    main()
