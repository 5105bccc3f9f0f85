"""LLMSettings: which model a role talks to and how patiently. No litellm import here.

Precedence, highest first: agent options (what `agentsim run --doctor-model/--api-base/--doctor-opt`
pass) > environment variables > the config file. The config file is TOML (stdlib `tomllib`, no extra
dependency): `agentsim.toml` in the working directory, or the path in AGENTSIM_CONFIG or the `config`
option::

    [llm]                       # every role
    api_base = "http://localhost:11434"
    timeout = 60
    max_retries = 3

    [llm.doctor]                # one role; overrides [llm]
    model = "ollama/llama3.1"

Environment: AGENTSIM_<ROLE>_MODEL, AGENTSIM_<ROLE>_API_BASE, AGENTSIM_API_BASE, AGENTSIM_<ROLE>_API_KEY,
AGENTSIM_API_KEY, AGENTSIM_LLM_TIMEOUT, AGENTSIM_LLM_MAX_RETRIES, AGENTSIM_LLM_MAX_CONCURRENCY,
AGENTSIM_LLM_ENDPOINT_CONCURRENCY (how the limits compose: agentsim.llm.limits). Provider
keys (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) are left for litellm to read itself when no key is set here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from agentsim.llm.errors import LLMConfigError
from agentsim.model.bounds import SEED_MAX, SEED_MIN

ROLES = ("doctor", "patient", "gatekeeper", "judge")
CONFIG_FILE = "agentsim.toml"

# environment variables that apply to every role -> setting
_SHARED_ENV = {
    "AGENTSIM_API_BASE": "api_base",
    "AGENTSIM_API_KEY": "api_key",
    "AGENTSIM_LLM_TIMEOUT": "timeout",
    "AGENTSIM_LLM_MAX_RETRIES": "max_retries",
    "AGENTSIM_LLM_MAX_CONCURRENCY": "max_concurrency",
    "AGENTSIM_LLM_ENDPOINT_CONCURRENCY": "endpoint_concurrency",
}
_ROLE_ENV = {"MODEL": "model", "API_BASE": "api_base", "API_KEY": "api_key"}


class LLMSettings(BaseModel):
    """One role's connection to one model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(min_length=1, description="a litellm model string: openai/gpt-4o-mini, ollama/llama3.1")
    api_base: str | None = None
    api_key: SecretStr | None = None  # SecretStr: never printed, never stored with an episode
    # every bound is documented in docs/limits-and-guarantees.md (a test compares the two)
    timeout: float = Field(default=60.0, gt=0, le=600, description="seconds per request")
    max_retries: int = Field(default=3, ge=0, le=10,
                             description="retries after the first attempt, transient errors only")
    retry_base_delay: float = Field(default=1.0, ge=0, le=60, description="seconds; doubles each retry, with jitter")
    # at least 0.1 s: a zero cap made retries ignore Retry-After (690 provider calls in 15 s)
    retry_max_delay: float = Field(default=30.0, ge=0.1, le=300, description="cap on one wait, Retry-After included")
    # None: the run's width governs (a batch of concurrency N has N in flight); see agentsim.llm.limits
    max_concurrency: int | None = Field(default=None, ge=1, le=256, description="requests in flight per model string")
    endpoint_concurrency: int | None = Field(default=None, ge=1, le=1024, description="requests in flight per api_base")
    temperature: float | None = Field(default=None, ge=0, le=2)  # None: the provider's default
    seed: int | None = Field(default=None, ge=SEED_MIN, le=SEED_MAX)
    max_tokens: int | None = Field(default=None, gt=0, le=200_000)

    @classmethod
    def resolve(cls, role: str, options: Mapping[str, Any] | None = None, *,
                env: Mapping[str, str] | None = None) -> LLMSettings:
        """Settings for `role` from options > env > config file. Unknown option keys are ignored here (the
        agent owns its other options); a missing model is a clear LLMConfigError."""
        options = dict(options or {})
        env = os.environ if env is None else env
        merged: dict[str, Any] = {}
        config = _load_config(options.get("config") or env.get("AGENTSIM_CONFIG"))
        merged.update({k: v for k, v in config.items() if not isinstance(v, dict)})
        role_section = config.get(role)
        merged.update(role_section if isinstance(role_section, dict) else {})
        merged.update({field: env[name] for name, field in _SHARED_ENV.items() if env.get(name)})
        prefix = f"AGENTSIM_{role.upper()}_"
        merged.update({field: env[prefix + suffix] for suffix, field in _ROLE_ENV.items() if env.get(prefix + suffix)})
        merged.update({k: v for k, v in options.items() if k in cls.model_fields and v is not None and v != ""})
        if not merged.get("model"):
            raise LLMConfigError(
                f"no model for the {role}: pass --{role}-model (e.g. openai/gpt-4o-mini), set "
                f"AGENTSIM_{role.upper()}_MODEL, or add `model` under [llm.{role}] in {CONFIG_FILE}"
            )
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise LLMConfigError(f"bad LLM setting for the {role}: {where}: {first['msg']}") from None

    @classmethod
    def check_bounds(cls, options: Mapping[str, Any]) -> None:
        """ValueError naming the first option out of its range, for the numeric settings among `options`:
        a batch spec or an API body is refused at once, not episode by episode."""
        numeric = {k: v for k, v in options.items()
                   if k in cls.model_fields and k not in {"model", "api_base", "api_key"} and v not in (None, "")}
        try:
            cls.model_validate({"model": "bounds-check", **numeric})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ValueError(f"option {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None

    def public(self) -> dict[str, Any]:
        """What may be logged with an episode: everything but the key."""
        return self.model_dump(mode="json", exclude={"api_key"}, exclude_none=True)


def key_source(role: str, *, env: Mapping[str, str] | None = None) -> str | None:
    """Where `role`'s API key would come from when no option gives it (None: nowhere agentsim reads)."""
    env = os.environ if env is None else env
    for name in (f"AGENTSIM_{role.upper()}_API_KEY", "AGENTSIM_API_KEY"):
        if env.get(name):
            return name
    config = _load_config(env.get("AGENTSIM_CONFIG"))
    section = config.get(role)
    if (isinstance(section, dict) and section.get("api_key")) or config.get("api_key"):
        return env.get("AGENTSIM_CONFIG") or CONFIG_FILE
    return None


def _load_config(path: str | Path | None) -> dict[str, Any]:
    """The [llm] table of the config file, {} when there is none. An explicit path must exist."""
    explicit = path is not None
    file = Path(path) if path else Path(CONFIG_FILE)
    if not file.is_file():
        if explicit:
            raise LLMConfigError(f"config file not found: {file}")
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LLMConfigError(f"{file}: cannot read the LLM config: {exc}") from None
    section = data.get("llm", {})
    if not isinstance(section, dict):
        raise LLMConfigError(f"{file}: [llm] must be a table")
    return section
