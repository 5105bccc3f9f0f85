"""The wire format between agentsim and a doctor served over HTTP (`--doctor http://...`).

Requests are versioned envelopes so a server can refuse a format it does not know; the response is a
bare action, the same tagged union the Python contract uses. Within one version, changes are additive
only: servers should ignore fields they do not know. `agentsim schema doctor-io` publishes both sides
as JSON Schema (generated from these models, so the schema cannot drift from the code).
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from agentsim.model.action import ACTION_ADAPTER, Observation

DOCTOR_IO_VERSION: Final = "agentsim.doctor-io/v2"  # v2: Observation.images
# one base URL for every published agentsim schema (the case schema uses it too)
SCHEMA_BASE = "https://agentsim.dev/schema"


class _Envelope(BaseModel):
    # `schema` would shadow a (deprecated) BaseModel method, hence the alias; every field is always sent,
    # so the published schema (serialization mode) marks them all required
    model_config = ConfigDict(frozen=True, populate_by_name=True, json_schema_serialization_defaults_required=True)

    schema_: Literal["agentsim.doctor-io/v2"] = Field(
        DOCTOR_IO_VERSION, alias="schema", description="format version; a server may reject versions it does not know")
    session: str = Field(description="one id per episode, the same in its reset and every act request, so a "
                                     "stateful server can keep concurrent episodes apart")


class ResetBody(BaseModel):
    model_config = ConfigDict(frozen=True)

    brief: str = Field(description="the doctor-visible case brief (also in every observation)")


class ResetRequest(_Envelope):
    """Sent once before the first turn. Optional for the server: any answer, even an error, is ignored."""

    reset: ResetBody


class ActRequest(_Envelope):
    """Sent every turn; the answer must be one action."""

    observation: Observation


DoctorRequest = ActRequest | ResetRequest
REQUEST_ADAPTER: TypeAdapter[ActRequest | ResetRequest] = TypeAdapter(DoctorRequest)


def _finish(schema: dict[str, Any], part: str, title: str, description: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{DOCTOR_IO_VERSION}/{part}.json",
        "title": title,
        "description": description,
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def request_schema() -> dict[str, Any]:
    return _finish(
        # serialization mode: the request describes what agentsim sends, defaults included
        REQUEST_ADAPTER.json_schema(by_alias=True, mode="serialization"), "request", f"{DOCTOR_IO_VERSION} request",
        "What agentsim POSTs to an HTTP doctor: a reset envelope once per episode, then one act envelope "
        "per turn carrying the observation.",
    )


def response_schema() -> dict[str, Any]:
    return _finish(
        # validation mode: the response describes what agentsim accepts, so defaulted fields stay optional
        ACTION_ADAPTER.json_schema(mode="validation"), "response", f"{DOCTOR_IO_VERSION} response",
        "What an HTTP doctor answers to an act request: one action, tagged by `action`.",
    )


def doctor_io_schemas() -> dict[str, Any]:
    return {"version": DOCTOR_IO_VERSION, "request": request_schema(), "response": response_schema()}
