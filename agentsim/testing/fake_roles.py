"""Scripted behaviour of the fake LLM, per role, decided from the system prompt (model name as fallback).

Each behaviour is a pure function of the request (messages, tools, tool_choice) and the server config:
no state between requests, so concurrent episodes against one server stay deterministic. A behaviour
returns a `Reply` (text and/or tool calls). `ROLE_HANDLERS` is the hook for new roles: fake_judge derives
the judge's verdicts, fake_panel registers the panel doctor's members (one role each) on import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentsim.match.text import STOPWORDS

_WORD = re.compile(r"[a-z0-9]+")
_STOP = STOPWORDS | {"yes", "no"}  # a reply's yes/no says nothing about which fact it gives

ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "patient": re.compile(r"\byou are the patient\b", re.I),
    "gatekeeper": re.compile(r"\byou are the (?:examiner|gatekeeper)\b", re.I),
    "judge": re.compile(r"\byou are the judge\b", re.I),
    "doctor": re.compile(r"\byou are the doctor\b", re.I),
}

# What the fake doctor does on its n-th turn; the last entry repeats until it diagnoses.
DOCTOR_SCRIPT: list[tuple[str, Any]] = [
    ("ask", "What brings you in today, and when did it start?"),
    ("ask", "Where exactly is the pain, and does it spread anywhere?"),
    ("ask", "Do you have any medical conditions, and do you smoke?"),
    ("examine", "vital signs"),
    ("order", ["ECG", "troponin"]),
    ("diagnose", None),
]
HALLUCINATION = "Yes, and I also have a terrible itchy rash all over my back, and I take warfarin every day."


@dataclass
class FakeRequest:
    messages: list[dict[str, Any]]
    model: str = ""
    tools: list[dict[str, Any]] | None = None
    tool_choice: Any = None
    response_format: dict[str, Any] | None = None


@dataclass
class Reply:
    text: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # [{"name": ..., "arguments": str}]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content(text: str) -> set[str]:
    """Content words, crudely folded ('started' is 'start', 'smokes' is 'smoke') so overlap means something."""
    return {re.sub(r"(?:ing|ed|es|s)$", "", w) if len(w) > 5 else w
            for w in words(text) if w not in _STOP and len(w) > 1}


def text_of(message: dict[str, Any]) -> str:
    body = message.get("content") or ""
    if isinstance(body, list):  # content parts
        body = " ".join(p.get("text", "") for p in body if isinstance(p, dict))
    return str(body)


def detect_role(messages: list[dict[str, Any]], model: str) -> str:
    system = " ".join(text_of(m) for m in messages if m.get("role") == "system")
    for role, pattern in ROLE_PATTERNS.items():
        if pattern.search(system):
            return role
    return next((role for role in ROLE_PATTERNS if role in model.lower()), "echo")


def _last(messages: list[dict[str, Any]], *roles: str) -> str:
    return next((text_of(m) for m in reversed(messages) if m.get("role") in roles), "")


# -- doctor ----------------------------------------------------------------------------------------------
def doctor(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "nonsense":
        return Reply(text="Hmm, let me think about this patient for a moment.")
    last = _last(req.messages, "user", "tool").lower()
    choice = req.tool_choice
    forced = isinstance(choice, dict) and choice.get("function", {}).get("name") == "give_diagnosis"
    step = sum(1 for m in req.messages if m.get("role") == "assistant")
    kind, arg = DOCTOR_SCRIPT[min(step, len(DOCTOR_SCRIPT) - 1)]
    if forced or "final turn" in last or "are you sure" in last:
        kind, arg = "diagnose", None
    if kind == "diagnose":
        arg = {"diagnosis": cfg.diagnosis, "differential": list(cfg.differential), "rationale": "scripted fake doctor"}
    use_tools = bool(req.tools) and fault != "no_tool"
    if not use_tools:
        return Reply(text=_tagged(kind, arg))
    name, args = {
        "ask": ("ask_patient", lambda: {"question": arg}),
        "examine": ("examine", lambda: {"request": arg}),
        "order": ("order_tests", lambda: {"tests": arg}),
        "diagnose": ("give_diagnosis", lambda: arg),
    }[kind]
    raw = json.dumps(args())
    if fault == "bad_args":
        raw = raw[: len(raw) // 2]  # truncated JSON, as a model cut off mid-call produces
    return Reply(tool_calls=[{"name": name, "arguments": raw}])


def _tagged(kind: str, arg: Any) -> str:
    if kind == "ask":
        return f"<question>{arg}</question>"
    if kind == "examine":
        return f"<exam>{arg}</exam>"
    if kind == "order":
        return "".join(f"<test>{t}</test>" for t in arg)
    return (f"<diagnosis>{arg['diagnosis']}</diagnosis><differential>{'; '.join(arg['differential'])}"
            f"</differential><rationale>{arg['rationale']}</rationale>")


# -- patient ---------------------------------------------------------------------------------------------
def patient_facts(system: str) -> list[str]:
    """The bullet lines after the 'Your facts:' line of the patient prompt."""
    facts: list[str] = []
    in_facts = False
    for line in system.splitlines():
        if re.match(r"^\s*your facts\s*:?\s*$", line, re.I):
            in_facts = True
            continue
        if in_facts and line.strip().startswith("- "):
            facts.append(line.strip()[2:].strip())
        elif in_facts and line.strip():
            break
    return facts


def patient(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    if fault == "hallucinate":
        return Reply(text=HALLUCINATION)
    system = " ".join(text_of(m) for m in req.messages if m.get("role") == "system")
    question = _last(req.messages, "user")
    if "question was:" in question:  # a correction: answer the original question again
        question = question.split("question was:", 1)[1]
    asked = content(question)
    scored = [(len(asked & content(f)), -i, f) for i, f in enumerate(patient_facts(system))]
    best = max(scored, default=(0, 0, ""))
    return Reply(text=best[2] if best[0] > 0 else "No.")


# -- gatekeeper ------------------------------------------------------------------------------------------
def gatekeeper(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    last = _last(req.messages, "user")
    data = last.split("\n", 2)[2] if last.count("\n") >= 2 and "Resolved data" in last else last
    if fault == "hallucinate":  # change every number: the gatekeeper's guard must catch it
        data = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), data) + "\nAlso: CT head shows a bleed."
    return Reply(text=f"Here is what was found.\n{data.strip()}")


# -- judge -----------------------------------------------------------------------------------------------
def instance_for_schema(schema: dict[str, Any]) -> Any:
    """A minimal valid instance of a JSON schema: enough for a judge that validates its reply."""
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        return {k: instance_for_schema(v) for k, v in schema.get("properties", {}).items()}
    return {"string": "fake", "integer": 3, "number": 3.0, "boolean": False, "array": [], "null": None}.get(
        kind if isinstance(kind, str) else "null")


def judge(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    # cfg.judge_reply fixes the verdict; the agentsim judge's prompt gets a verdict derived from it (see
    # fake_judge); any other json_schema response_format gets a minimal instance of its schema
    if fault == "bad_json":
        return Reply(text='Here is my verdict: {"justification": "the answer matches", "likert": ')
    if cfg.judge_reply is not None:
        return Reply(text=json.dumps(cfg.judge_reply))
    from agentsim.testing.fake_judge import verdict

    derived = verdict(req.messages, disagree=fault == "disagree")
    if derived is not None:
        return Reply(text=json.dumps(derived))
    schema = ((req.response_format or {}).get("json_schema") or {}).get("schema")
    if schema:
        return Reply(text=json.dumps(instance_for_schema(schema)))
    return Reply(text=json.dumps({"likert": 3, "correct": False, "rationale": "fake judge: fixed verdict"}))


def echo(req: FakeRequest, cfg: Any, fault: str | None) -> Reply:
    return Reply(text=_last(req.messages, "user") or "ok")


ROLE_HANDLERS: dict[str, Callable[[FakeRequest, Any, str | None], Reply]] = {
    "doctor": doctor, "patient": patient, "gatekeeper": gatekeeper, "judge": judge, "echo": echo,
}
