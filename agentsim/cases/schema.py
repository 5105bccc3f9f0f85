"""JSON Schema for case scripts, written to scenarios/schema.json (a test fails when it is stale).

Regenerate with: python -m agentsim.cases.schema
"""

from __future__ import annotations

import json
from pathlib import Path

from agentsim.cases.library import scenarios_dir
from agentsim.model.case import Case


def case_schema_text() -> str:
    schema = Case.model_json_schema()
    schema["$id"] = "https://agentsim.dev/schema/case.json"
    schema["title"] = "agentsim case script"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path | None = None) -> Path:
    path = path or scenarios_dir() / "schema.json"
    path.write_text(case_schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_schema()}")
