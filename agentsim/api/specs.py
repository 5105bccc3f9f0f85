"""The body of POST /runs: a BatchSpec that can only name registered agents and known personas.

From the command line a doctor may be a plug-in file, a module or a URL; over HTTP that would let a
caller load code into the server or point it (and the server's LLM keys) at a host of their choosing. So
this model accepts registry names only, refuses doctor options that name files, hosts or credentials, and
refuses persona paths. Each refusal is a pydantic error, so the 422 names the field path.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict

from agentsim.batch.spec import BatchSpec, DoctorSpec
from agentsim.model.case import SLUG

MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$")
# any option whose name contains one of these could read a file, reach a host or carry a credential
_REFUSED_OPTION_PARTS = ("key", "token", "secret", "password", "base", "url", "host", "path", "file",
                         "script", "config", "dir", "module", "plugin")
_OPTION_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
_FILE_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".toml", ".txt", ".cfg")
_EXAMPLE: JsonDict = {
    "name": "smoke",
    "cases": ["chest-pain-stemi", "renal-colic"],
    "doctors": [{"name": "checklist"}],
    "personas": [None, "anxious-catastrophiser"],
    "repeats": 1,
    "seed": 0,
    "max_turns": 20,
    "concurrency": 4,
}


def _model_id(value: str | None) -> str | None:
    if value is not None and (not MODEL_ID.fullmatch(value) or "://" in value or ".." in value):
        raise ValueError("must be a model id such as openai/gpt-4o-mini (no URLs or paths)")
    return value


ModelId = Annotated[str | None, AfterValidator(_model_id)]


def _plain_value(key: str, value: Any) -> None:
    if isinstance(value, list):
        if len(value) > 100:
            raise ValueError(f"option {key!r}: at most 100 items")
        for item in value:
            if isinstance(item, list | dict):
                raise ValueError(f"option {key!r}: a list of plain values only")
            _plain_value(key, item)
        return
    if value is None or isinstance(value, bool | int | float):
        return
    if not isinstance(value, str):
        raise ValueError(f"option {key!r}: only strings, numbers, booleans and lists of them")
    text = value.strip()
    if len(text) > 500:
        raise ValueError(f"option {key!r}: at most 500 characters")
    if ("://" in text or text.startswith(("/", "~", ".", "\\")) or "\\" in text or "/../" in text
            or text.lower().endswith(_FILE_SUFFIXES)):
        raise ValueError(f"option {key!r}: files, paths and URLs are not accepted over the API")


class ApiDoctorSpec(DoctorSpec):
    name: str = Field(min_length=1, max_length=64, description="a registered doctor (see GET /doctors)")
    label: str | None = Field(default=None, max_length=100)
    model: ModelId = None

    @field_validator("name")
    @classmethod
    def _registered(cls, name: str) -> str:
        from agentsim.agents.registry import DOCTORS

        if name not in DOCTORS:
            raise ValueError(f"{name!r} is not a registered doctor; use one of {', '.join(sorted(DOCTORS))} "
                             "(plug-in files, modules and URLs are accepted only from the command line)")
        return name

    @field_validator("options")
    @classmethod
    def _safe_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        for key, value in options.items():
            if not _OPTION_NAME.fullmatch(key):
                raise ValueError(f"option name {key!r} must be lowercase_with_underscores")
            if any(part in key for part in _REFUSED_OPTION_PARTS):
                raise ValueError(f"option {key!r} is not accepted over the API (it could name a file, a host "
                                 "or a credential); set it in the server's environment")
            _plain_value(key, value)
        return options


def _known_persona(name: str) -> str:
    from agentsim.cases.library import MAX_ID_LENGTH, personas_dir

    # the length first: a 5,000-character name made is_file() raise "File name too long" (a 500)
    if len(name) > MAX_ID_LENGTH or not re.fullmatch(SLUG, name) or not (personas_dir() / f"{name}.yaml").is_file():
        raise ValueError(f"{name!r} is not a known persona (see GET /personas)")
    return name



def _plain_patient_only() -> list[str | None]:
    return [None]


class RunCreate(BatchSpec):
    """What to run: cases x doctors x personas x repeats. Agents are named, never loaded from a path."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    name: str = Field(default="", max_length=200)
    cases: list[str] = Field(default_factory=lambda: ["*"], min_length=1, max_length=1000,
                             description="case ids or globs, e.g. chest-* (never paths)")
    # narrower than BatchSpec's list[DoctorSpec] on purpose (pydantic validates the subclass); mypy flags any
    # override of a mutable list's item type (invariance), though every ApiDoctorSpec is a DoctorSpec
    doctors: list[ApiDoctorSpec] = Field(  # type: ignore[assignment]
        default_factory=lambda: [ApiDoctorSpec(name="checklist")], min_length=1, max_length=50)
    personas: list[Annotated[str, AfterValidator(_known_persona)] | None] = Field(
        default_factory=_plain_patient_only, min_length=1, max_length=100,
        description="persona ids (GET /personas); null for the plain patient")
    patient_model: ModelId = None
    gatekeeper_model: ModelId = None

    @field_validator("patient", "gatekeeper")
    @classmethod
    def _registered_agent(cls, name: str, info: ValidationInfo) -> str:
        from agentsim.agents.registry import GATEKEEPERS, PATIENTS

        known = PATIENTS if info.field_name == "patient" else GATEKEEPERS
        if name not in known:
            raise ValueError(f"{name!r} is not a registered {info.field_name}; use one of {', '.join(sorted(known))}")
        return name

    def to_batch_spec(self) -> BatchSpec:
        """The plain spec the runner takes and the run row stores (resumable from the CLI)."""
        return BatchSpec.model_validate(self.model_dump(mode="json"))
