"""The fake judge's verdict on the agentsim judge prompt: the Likert comes from the deterministic grader
run on the diagnosis and answer named in the prompt, so a test knows what a faithful judge would say, and
`disagree` flips it (correct -> 1, incorrect -> 5) to make samples or judges disagree on purpose."""

from __future__ import annotations

import re
from typing import Any

_LINE = re.compile(r"^(Correct diagnosis|Also accepted|Category|Reference differential|The doctor's final diagnosis)"
                   r": (.*)$", re.M)


def _fields(messages: list[dict[str, Any]]) -> dict[str, str]:
    from agentsim.testing.fake_roles import text_of

    text = "\n".join(text_of(m) for m in messages if m.get("role") == "user")
    return {name: value.strip() for name, value in _LINE.findall(text)}


def _names(value: str | None) -> list[str]:
    if not value or value in ("none", "not given"):
        return []
    return [part.split(" (")[0].strip() for part in value.split("; ") if part.strip()]


def verdict(messages: list[dict[str, Any]], *, disagree: bool = False) -> dict[str, Any] | None:
    """The JSON the agentsim judge asks for, or None when the prompt is not the agentsim judge's."""
    from agentsim.judge.diagnosis import grade_diagnosis
    from agentsim.model.case import Diagnosis, DifferentialItem

    fields = _fields(messages)
    if "Correct diagnosis" not in fields:
        return None
    answer = fields.get("The doctor's final diagnosis", "")
    reference = Diagnosis(primary=fields["Correct diagnosis"], synonyms=_names(fields.get("Also accepted")),
                          category=next(iter(_names(fields.get("Category"))), None),
                          differential=[DifferentialItem(diagnosis=n, why_less_likely="")
                                        for n in _names(fields.get("Reference differential"))])
    likert = 1 if answer.startswith("(no diagnosis") else grade_diagnosis(answer, reference).likert
    if disagree:
        likert = 1 if likert >= 4 else 5
    transcript = "\n".join(m.get("content") or "" for m in messages if m.get("role") == "user")
    asks = len(re.findall(r"Doctor \(ask\)", transcript))
    return {
        "justification": f"fake judge: {answer!r} against {fields['Correct diagnosis']!r} grades {likert}",
        "likert": likert,
        "axes": {
            "history_taking": {"justification": f"fake judge: {asks} questions asked", "score": min(5, 1 + asks)},
            "clinical_reasoning": {"justification": "fake judge: follows the diagnosis grade", "score": likert},
            "communication": {"justification": "fake judge: clear questions", "score": 4},
            "empathy": {"justification": "fake judge: polite but brisk", "score": 3},
        },
    }
