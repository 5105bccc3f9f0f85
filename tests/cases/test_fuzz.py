"""Property-based fuzzing of every file a user hands us: only validation errors, never a crash."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentsim.batch.spec import load_spec
from agentsim.cases.library import (
    load_case_file,
    load_persona,
    load_rubric,
    personas_dir,
    rubrics_dir,
    scenarios_dir,
)
from agentsim.errors import CaseFileError, UserError

VALID_CASE = yaml.safe_load((scenarios_dir() / "chest-pain-stemi.yaml").read_text())
VALID_PERSONA = yaml.safe_load((personas_dir() / "anxious-catastrophiser.yaml").read_text())
VALID_RUBRIC = yaml.safe_load((rubrics_dir() / "default.yaml").read_text())

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=30),
                    # far past a seed's or an int column's range, and past Python's 4,300-digit parse limit
                    st.integers(min_value=10**18, max_value=10**4000), st.just(2**63 - 1))
json_like = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                         max_leaves=12)


def paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from paths(v, (*prefix, i))


def mutate(doc, data):
    """Replace or delete one node anywhere in a valid document."""
    doc = copy.deepcopy(doc)
    target = data.draw(st.sampled_from([p for p in paths(doc) if p]))
    parent = doc
    for part in target[:-1]:
        parent = parent[part]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[target[-1]]
    else:
        parent[target[-1]] = data.draw(json_like)
    return doc


def loads_cleanly(loader, text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8")
    try:
        loader(path)
    except (CaseFileError, UserError):
        pass  # a validation error is the right answer to a bad file


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.data())
def test_mutated_cases_only_fail_validation(tmp_path, data):
    doc = mutate(VALID_CASE, data)
    loads_cleanly(load_case_file, yaml.safe_dump(doc, allow_unicode=True), tmp_path / "chest-pain-stemi.yaml")


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text_as_a_case_file_only_fails_validation(tmp_path, text):
    loads_cleanly(load_case_file, text, tmp_path / "x.yaml")


@FUZZ
@given(data=st.data())
def test_mutated_personas_only_fail_validation(tmp_path, data):
    doc = mutate(VALID_PERSONA, data)
    loads_cleanly(load_persona, yaml.safe_dump(doc, allow_unicode=True), tmp_path / "anxious-catastrophiser.yaml")


@FUZZ
@given(data=st.data())
def test_mutated_rubrics_only_fail_validation(tmp_path, data):
    doc = mutate(VALID_RUBRIC, data)
    loads_cleanly(load_rubric, yaml.safe_dump(doc, allow_unicode=True), tmp_path / "default.yaml")


@FUZZ
@given(doc=st.dictionaries(st.sampled_from(["cases", "doctors", "personas", "repeats", "seed", "max_turns",
                                            "budget", "concurrency", "specialty", "difficulty", "name", "x"]),
                           json_like, max_size=6))
def test_batch_specs_only_fail_validation(tmp_path, doc):
    loads_cleanly(load_spec, yaml.safe_dump(doc, allow_unicode=True), tmp_path / "spec.yaml")
