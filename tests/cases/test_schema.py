from agentsim.cases.library import scenarios_dir
from agentsim.cases.schema import case_schema_text


def test_published_schema_is_current():
    on_disk = (scenarios_dir() / "schema.json").read_text(encoding="utf-8")
    assert on_disk == case_schema_text(), "scenarios/schema.json is stale: run python -m agentsim.cases.schema"


def test_library_table_is_current():
    from agentsim.cases.readme import library_markdown

    on_disk = (scenarios_dir() / "README.md").read_text(encoding="utf-8")
    assert on_disk == library_markdown(), "scenarios/README.md is stale: run python -m agentsim.cases.readme"


def test_library_meets_the_content_bar():
    from agentsim.cases.library import load_all_cases

    cases = load_all_cases()
    assert len(cases) >= 30
    assert len({c.specialty for c in cases}) >= 10
    assert {c.difficulty for c in cases} == {1, 2, 3}
    for c in cases:
        assert len(c.patient.facts) >= 15 and len(c.exam) >= 5 and len(c.tests) >= 4, c.id
        assert len(c.diagnosis.differential) >= 2 and len(c.rubric.must_ask) >= 5, c.id


def test_personas_and_catalogue_meet_the_content_bar():
    from agentsim.cases.library import load_catalogue, load_persona, persona_paths
    from agentsim.model.persona import BiasKind, NoiseKind

    personas = [load_persona(p) for p in persona_paths()]
    assert len(personas) >= 10
    assert {b.kind for p in personas for b in p.biases} == set(BiasKind)
    assert {k for p in personas for k in p.noise} == set(NoiseKind)
    catalogue = load_catalogue()
    assert len(catalogue.tests()) >= 150 and catalogue.visit_fee_usd == 300
