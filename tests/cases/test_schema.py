from agentsim.cases.library import scenarios_dir
from agentsim.cases.schema import case_schema_text


def test_published_schema_is_current():
    on_disk = (scenarios_dir() / "schema.json").read_text(encoding="utf-8")
    assert on_disk == case_schema_text(), "scenarios/schema.json is stale: run python -m agentsim.cases.schema"
