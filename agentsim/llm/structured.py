"""Structured (JSON) output: a pydantic model as a `response_format`, and a lenient reader for the reply.

Used by the LLM judge and the panel doctor's members. The schema sent is the model's JSON schema made
acceptable to OpenAI's strict mode (every object closed, every property required, $refs inlined) and
stripped of the keywords strict mode or smaller servers reject (bounds, defaults, titles): pydantic
validates those on our side, and an invalid reply gets the caller's repair prompt. No litellm here.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

# keywords pydantic emits that strict mode refuses or that only add noise; validation covers them
_DROP = {"title", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems",
         "maxItems", "minLength", "maxLength", "pattern", "format", "examples"}
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S | re.I)


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's schema, inlined and closed: {"type": "object", "properties": ..., "required": [...]}."""
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return clean(defs[node["$ref"].rsplit("/", 1)[-1]])
        out = {k: clean(v) for k, v in node.items() if k not in _DROP and k != "properties"}
        if isinstance(node.get("properties"), dict):  # field names are data, never keywords to drop
            out["properties"] = {name: clean(sub) for name, sub in node["properties"].items()}
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
            out["required"] = list(out["properties"])
        return out

    cleaned: dict[str, Any] = clean(raw)
    return cleaned


def response_format(model: type[BaseModel], name: str | None = None) -> dict[str, Any]:
    """An OpenAI-style json_schema response_format; litellm maps it for other providers."""
    return {"type": "json_schema", "json_schema": {
        "name": name or model.__name__.lower(), "strict": True, "schema": json_schema(model)}}


def parse_json(text: str, model: type[M]) -> tuple[M | None, str | None]:
    """(instance, None) or (None, what is wrong). Tolerates a ```json fence and prose around one object,
    which models add even when asked not to."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    if not body.startswith("{") and "{" in body and "}" in body:
        body = body[body.index("{"): body.rindex("}") + 1]
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        return None, f"it is not valid JSON ({exc.msg} at character {exc.pos})"
    if not isinstance(data, dict):
        return None, f"it is JSON but not an object (got {type(data).__name__})"
    try:
        return model.model_validate(data), None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "the object"
        return None, f"it does not match the schema: {where}: {error['msg']}"
