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


@pytest.fixture
def pg_url() -> str:
    """A real PostgreSQL (started by .ci/run); the tests using it skip, saying why, when there is none."""
    url = os.environ.get("AGENTSIM_TEST_PG_URL")
    if not url:
        pytest.skip("PostgreSQL not available: set AGENTSIM_TEST_PG_URL (bash .ci/postgres.sh starts one)")
    from sqlmodel import SQLModel

    from agentsim.store.db import get_engine

    engine = get_engine(url)
    SQLModel.metadata.drop_all(engine)  # each test starts from empty tables
    SQLModel.metadata.create_all(engine)
    return url
