"""docs/limits-and-guarantees.md states every bound: the tables must match the ranges declared in code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from annotated_types import Ge, Gt, Le

from agentsim.agents.options import PanelOptions
from agentsim.api.settings import MIN_PUBLIC_TOKEN_LENGTH, ApiSettings
from agentsim.batch.lease import DEFAULT_LEASE_SECONDS, LEASE_SECONDS_RANGE
from agentsim.batch.spec import BatchSpec
from agentsim.cases import yamlio
from agentsim.llm.settings import LLMSettings
from agentsim.model.bounds import SEED_MAX, SEED_MIN
from agentsim.store.db import MIN_PREFIX

DOC = (Path(__file__).parents[1] / "docs" / "limits-and-guarantees.md").read_text(encoding="utf-8")


def table_row(label: str) -> list[str]:
    for line in DOC.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].split(" (")[0] == label:
            return cells[1:]
    raise AssertionError(f"no row for {label!r} in the limits page")


def declared(model: type, field: str) -> tuple[float | None, float | None, object]:
    info = model.model_fields[field]
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    gt = next((m.gt for m in info.metadata if isinstance(m, Gt)), None)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
    return (low if low is not None else gt), high, info.default


def number(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.mark.parametrize(("model", "field"), [
    (BatchSpec, "repeats"), (BatchSpec, "max_turns"), (BatchSpec, "concurrency"), (BatchSpec, "retries"),
    (LLMSettings, "max_retries"), (LLMSettings, "retry_base_delay"), (LLMSettings, "retry_max_delay"),
    (LLMSettings, "max_concurrency"), (LLMSettings, "endpoint_concurrency"), (LLMSettings, "temperature"),
    (LLMSettings, "max_tokens"),
    (PanelOptions, "max_rounds"), (LLMSettings, "timeout"),
])
def test_each_option_range_and_default_is_the_declared_one(model, field):
    low, high, default = declared(model, field)
    range_text, default_text = table_row(field)
    numbers = [number(n) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", range_text)]
    if range_text.startswith(">"):  # "> 0, at most 600"
        assert numbers == [low, high]
    else:
        assert numbers == [low if field != "max_tokens" else 1, high], (field, range_text)
    if default is not None:
        assert number(default_text) == default
    else:
        # an unset limit means something per option: say which, exactly
        meaning = {"max_concurrency": "the run's concurrency", "endpoint_concurrency": "unlimited"}
        assert default_text == meaning.get(field, "provider's")


def test_seed_and_lease_rows():
    assert table_row("seed")[0] == f"{SEED_MIN}..{SEED_MAX}"
    low, high = LEASE_SECONDS_RANGE
    assert table_row("AGENTSIM_LEASE_SECONDS") == [f"{low:g}..{high:g}", f"{DEFAULT_LEASE_SECONDS:g}"]


@pytest.mark.parametrize("field", ["max_run_episodes", "max_active_runs", "max_open_streams", "max_body_bytes",
                                   "max_page_size"])
def test_each_server_default_is_the_declared_one(field):
    assert number(table_row(field)[0]) == ApiSettings.model_fields[field].default


def test_file_bounds_and_the_rest():
    assert number(table_row("file size")[0].split()[0]) == yamlio.MAX_FILE_BYTES
    assert number(table_row("nesting of mappings and lists")[0].split()[0]) == yamlio.MAX_DEPTH
    assert number(table_row("digits of an integer")[0]) == yamlio.MAX_INT_DIGITS
    assert (f"at least {MIN_PUBLIC_TOKEN_LENGTH} characters"
            in table_row("AGENTSIM_API_TOKEN on a non-loopback address")[0])
    assert f"need at least **{MIN_PREFIX}** characters" in DOC
