"""What the LLM doctor may say, and how its output becomes an action: tool schemas and the tagged-text
fallback (<question>, <exam>, <test>, <diagnosis>). Pure functions, no litellm."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from agentsim.llm.gateway import Completion, ToolCall
from agentsim.model.action import Action, Ask, Diagnose, Examine, Order

TOOL_FOR = {"ask": "ask_patient", "examine": "examine", "order": "order_tests", "diagnose": "give_diagnosis"}
FORCE_DIAGNOSIS = {"type": "function", "function": {"name": "give_diagnosis"}}


def _tool(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required},
    }}


def tool_schemas(max_tests: int) -> list[dict[str, Any]]:
    text = {"type": "string"}
    return [
        _tool("ask_patient", "Ask the patient a question (history taking).",
              {"question": {**text, "description": "what you say to the patient"}}, ["question"]),
        _tool("examine", "Request a physical examination or a named manoeuvre from the examiner.",
              {"request": {**text, "description": "e.g. 'examine the abdomen', 'vital signs', 'Murphy's sign'"}},
              ["request"]),
        _tool("order_tests", f"Order investigations by name (at most {max_tests} at once).",
              {"tests": {"type": "array", "items": text, "minItems": 1, "maxItems": max_tests,
                         "description": "specific test names, e.g. 'troponin', 'CT head without contrast'"}},
              ["tests"]),
        _tool("give_diagnosis", "Commit to the final diagnosis. Ends the consultation.",
              {"diagnosis": {**text, "description": "the single most likely, specific diagnosis"},
               "differential": {"type": "array", "items": text, "description": "alternatives, most likely first"},
               "rationale": {**text, "description": "the key findings behind it, briefly"}},
              ["diagnosis"]),
    ]


def parse(completion: Completion, max_tests: int) -> tuple[Action | None, str | None]:
    """(action, None) or (None, what is wrong with the output). The first tool call wins; without one,
    the text is read for tags (models that ignore `tools`, and tools=False)."""
    if completion.tool_calls:
        return _from_tool(completion.tool_calls[0], max_tests)
    action = from_tags(completion.text)
    if action is None:
        return None, "it had no tool call and none of the <question>, <exam>, <test> or <diagnosis> tags"
    return _checked(action, max_tests)


def _from_tool(call: ToolCall, max_tests: int) -> tuple[Action | None, str | None]:
    if not call.valid:
        return None, f"the arguments of {call.name or 'the tool call'} are not a valid JSON object"
    args: dict[str, Any] = dict(call.arguments)  # type: ignore[arg-type]
    try:
        if call.name == "ask_patient":
            action: Action = Ask(question=args.get("question", ""))
        elif call.name == "examine":
            action = Examine(request=args.get("request", ""))
        elif call.name == "order_tests":
            tests = args.get("tests", [])
            action = Order(tests=[tests] if isinstance(tests, str) else tests)
        elif call.name == "give_diagnosis":
            differential = args.get("differential") or []
            action = Diagnose(diagnosis=args.get("diagnosis", ""), rationale=str(args.get("rationale") or ""),
                              differential=[differential] if isinstance(differential, str) else differential)
        else:
            return None, f"there is no tool called {call.name!r}"
    except ValidationError as exc:
        error = exc.errors()[0]
        return None, f"{call.name}: {'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
    return _checked(action, max_tests)


def _checked(action: Action, max_tests: int) -> tuple[Action | None, str | None]:
    # the engine would end the episode for this; a repair prompt gives the model one chance to fix it
    if isinstance(action, Order) and len(action.tests) > max_tests:
        return None, f"it ordered {len(action.tests)} tests at once; the limit is {max_tests}"
    return action, None


def _tags(text: str, tag: str) -> list[str]:
    return [m.strip() for m in re.findall(rf"<{tag}>(.*?)</{tag}>", text, re.S | re.I) if m.strip()]


def from_tags(text: str) -> Action | None:
    """The earliest-appearing kind of tag decides the action; None when there is no usable tag."""
    found = []
    for tag in ("question", "exam", "test", "diagnosis"):
        match = re.search(rf"<{tag}>", text, re.I)
        if match and _tags(text, tag):
            found.append((match.start(), tag))
    if not found:
        return None
    _, tag = min(found)
    try:
        if tag == "question":
            return Ask(question=" ".join(_tags(text, "question")))
        if tag == "exam":
            return Examine(request=_tags(text, "exam")[0])
        if tag == "test":
            return Order(tests=_tags(text, "test"))
        differential = [d.strip() for part in _tags(text, "differential") for d in re.split(r"[;\n]", part)]
        return Diagnose(diagnosis=_tags(text, "diagnosis")[0], differential=[d for d in differential if d],
                        rationale=" ".join(_tags(text, "rationale")))
    except ValidationError:
        return None
