"""The library table in scenarios/README.md, generated from the case files (a test fails when stale).

Regenerate with: python -m agentsim.cases.readme
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from agentsim.cases.library import load_all_cases, scenarios_dir

HEADER = """# The scenario library

OSCE-style case scripts written by the agentsim team (CC-BY-4.0). Each file holds what a standardized
patient, an examiner and a marker would be handed: the doctor's brief, the patient's facts (with history
slots and the words a question may use), exam findings, test results, the diagnosis with its accepted
synonyms and differential, and the marking rubric. The schema is `schema.json` beside this file
(`python -m agentsim.cases.schema` regenerates it); `agentsim validate` checks every file, including the
leak lints (the diagnosis must not appear in the brief, the facts, the exam or a non-pathognomonic result).

This table is generated: `python -m agentsim.cases.readme`.
"""


def library_markdown() -> str:
    cases = load_all_cases()
    by_specialty = Counter(c.specialty.value for c in cases)
    by_difficulty = Counter(c.difficulty for c in cases)
    lines = [HEADER, f"{len(cases)} cases, {len(by_specialty)} specialties; difficulty "
             + ", ".join(f"{d}: {by_difficulty[d]}" for d in sorted(by_difficulty)) + ".", "",
             "| id | specialty | setting | difficulty | diagnosis | facts | exam | tests |",
             "|---|---|---|---|---|---|---|---|"]
    for c in sorted(cases, key=lambda c: (c.specialty.value, c.difficulty, c.id)):
        lines.append(f"| `{c.id}` | {c.specialty.value} | {c.setting.value} | {c.difficulty} | "
                     f"{c.diagnosis.primary} | {len(c.patient.facts)} | {len(c.exam)} | {len(c.tests)} |")
    return "\n".join(lines) + "\n"


def write_readme(path: Path | None = None) -> Path:
    path = path or scenarios_dir() / "README.md"
    path.write_text(library_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_readme()}")
