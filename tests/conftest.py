"""Shared fixtures. Every test runs offline; databases live in tmp_path."""

from __future__ import annotations

import os

import pytest

# litellm must never fetch its cost map from the network, in any test
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session")
def stemi():
    from agentsim import load_case

    return load_case("chest-pain-stemi")


@pytest.fixture(scope="session")
def catalogue():
    from agentsim.cases.library import load_catalogue

    return load_catalogue()
