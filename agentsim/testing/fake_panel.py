"""Scripted answers for the panel doctor's members (agentsim/agents/doctor/panel.py), one fake role each.

Importing this module registers the roles ("panel_hypothesis", ..., "panel_consensus") in fake_roles'
ROLE_PATTERNS and ROLE_HANDLERS, so faults can target one member ("panel_hypothesis:nonsense") and the
stats tell which member each request was. Like every fake role, each answer is a pure function of the
request: the member reads the labelled lines of its task and counts the "Panel action" lines of the
panel's shared notes to know how far the consultation has got. The chair asks twice (three times in the
question-only variant, which offers no order_tests tool), orders the approved tests once, then diagnoses
Dr Hypothesis's leading diagnosis; the final turn (or a forced give_diagnosis) diagnoses at once.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agentsim.testing import fake_roles
from agentsim.testing.fake_roles import DOCTOR_SCRIPT, FakeRequest, Reply, text_of

PATTERNS = {
    "panel_hypothesis": r"\byou are dr hypothesis\b",
    "panel_test_chooser": r"\byou are dr test-chooser\b",
    "panel_challenger": r"\byou are dr challenger\b",
    "panel_stewardship": r"\byou are dr stewardship\b",
    "panel_checklist": r"\byou are dr checklist\b",
    "panel_consensus": r"\byou are the panel chair\b",
}
JUNK = "Let us discuss this patient a little longer before committing to anything."
QUESTIONS = [arg for kind, arg in DOCTOR_SCRIPT if kind == "ask"]


def _task(req: FakeRequest) -> str:
    return next((text_of(m) for m in reversed(req.messages) if m.get("role") == "user"), "")


def _notes(req: FakeRequest) -> str:
    # the first user message: the shared notes and the original task (a repair prompt follows it)
    return next((text_of(m) for m in req.messages if m.get("role") == "user"), "")


def _field(text: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}: (.*)$", text, re.M)
    return match.group(1).strip() if match else ""


def _items(value: str) -> list[str]:
    return [] if value in ("", "none") else [part.strip() for part in value.split("; ") if part.strip()]


def _actions(req: FakeRequest) -> list[str]:
    return re.findall(r"^Panel action \(turn \d+\): (\w+)", _notes(req), re.M)


def _json(data: dict[str, Any]) -> Reply:
    return Reply(text=json.dumps(data))


def hypothesis(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "nonsense":
        return Reply(text=JUNK)
    lead = min(0.9, 0.5 + 0.1 * len(_actions(req)))  # firmer with every finding
    rest = list(cfg.differential)[:2]
    shares = [0.6, 0.4][: len(rest)]
    differential = [{"diagnosis": cfg.diagnosis, "probability": round(lead, 2), "evidence": "the story fits"}]
    differential += [{"diagnosis": d, "probability": round((1 - lead) * s, 2), "evidence": "not yet excluded"}
                     for d, s in zip(rest, shares, strict=True)]
    return _json({"differential": differential, "update": f"{len(_actions(req))} actions so far"})


def test_chooser(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "nonsense":
        return Reply(text=JUNK)
    task = _task(req).lower()
    ordered = {t.lower() for t in _items(_field(_task(req), "Already ordered"))}
    issues = _field(task, "checklist issues to fix")
    tests = [t for t in cfg.panel_tests if t.lower() not in ordered and t.lower() not in issues][:2]
    return _json({"tests": [{"name": t, "rationale": "separates the leading diagnoses"} for t in tests],
                  "note": "" if tests else "history first"})


def challenger(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "nonsense":
        return Reply(text=JUNK)
    alternative = cfg.differential[0] if cfg.differential else ""
    return _json({"anchoring": False, "contradicting_evidence": [], "alternative": alternative,
                  "falsifying_step": "a test that would show the alternative", "note": ""})


def stewardship(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "nonsense":
        return Reply(text=JUNK)
    task = _task(req)
    proposed: list[tuple[str, float]] = []
    for item in _items(_field(task, "Proposed tests")):
        found = re.search(r"\(\$([\d,.]+)\)$", item)
        proposed.append((item.split(" (")[0], float(found.group(1).replace(",", "")) if found else 0.0))
    budget = re.search(r"^Budget: \$([\d.]+)", task, re.M)
    spent = re.search(r"^Spent so far: \$([\d.]+)", task, re.M)
    approved: list[str] = []
    vetoed: list[dict[str, str]] = []
    left: float | None = float(budget.group(1)) - float(spent.group(1) if spent else 0) if budget else None
    for name, price in proposed:
        if left is not None and price > left:
            vetoed.append({"test": name, "reason": f"over budget: ${max(left, 0):.0f} left"})
            continue
        approved.append(name)
        left = None if left is None else left - price
    return _json({"approved": approved, "vetoed": vetoed, "note": "budget checked" if budget else ""})


def checklist(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "nonsense":
        return Reply(text=JUNK)
    checks = _field(_task(req), "Automatic checks")
    ok = checks in ("", "no problems found")
    return _json({"ok": ok, "issues": [] if ok else [checks], "note": ""})


def consensus(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "nonsense":
        return Reply(text=JUNK)
    notes, actions = _notes(req), _actions(req)
    offered = {t.get("function", {}).get("name") for t in req.tools or []}
    choice = req.tool_choice
    forced = isinstance(choice, dict) and choice.get("function", {}).get("name") == "give_diagnosis"
    leading = _field(notes, "Leading diagnosis")
    approved = _items(_field(notes, "Approved tests"))
    question_only = bool(offered) and "order_tests" not in offered
    if forced or "final turn" in notes.lower():
        kind, arg = "diagnose", None
    elif len(actions) < (3 if question_only else 2):
        kind, arg = "ask", QUESTIONS[len(actions) % len(QUESTIONS)]
    elif not question_only and approved and "order" not in actions:
        kind, arg = "order", approved
    else:
        kind, arg = "diagnose", None
    if kind == "diagnose":
        top = leading.split(" (")[0] if leading and leading != "none yet" else cfg.diagnosis
        alternatives = [a.split(" (")[0] for a in leading.split("alternatives: ", 1)[1].split("; ")] \
            if "alternatives: " in leading else list(cfg.differential)
        arg = {"diagnosis": top, "differential": alternatives, "rationale": "panel consensus"}
    if not req.tools:
        return Reply(text=fake_roles._tagged(kind, arg))
    name, args = {"ask": ("ask_patient", {"question": arg}), "order": ("order_tests", {"tests": arg}),
                  "diagnose": ("give_diagnosis", arg)}[kind]
    return Reply(tool_calls=[{"name": name, "arguments": json.dumps(args)}])


HANDLERS = {"panel_hypothesis": hypothesis, "panel_test_chooser": test_chooser, "panel_challenger": challenger,
            "panel_stewardship": stewardship, "panel_checklist": checklist, "panel_consensus": consensus}


def register() -> None:
    fake_roles.ROLE_PATTERNS.update({role: re.compile(p, re.I) for role, p in PATTERNS.items()})
    fake_roles.ROLE_HANDLERS.update(HANDLERS)


register()
