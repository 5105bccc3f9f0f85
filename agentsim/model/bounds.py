"""Bounds shared by the CLI, batch specs and the API where no settings model owns them. Seeds fit a
signed 32-bit integer: every store column, numpy's RandomState and most providers take them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

SEED_MIN = 0
SEED_MAX = 2**31 - 1

Seed = Annotated[int, Field(ge=SEED_MIN, le=SEED_MAX, description=f"{SEED_MIN}..{SEED_MAX}")]
