"""The API's settings: one typed object, read from AGENTSIM_* environment variables (or passed in)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from agentsim.store.db import resolve_url


class ApiSettings(BaseSettings):
    """Every field can be set from the environment, e.g. AGENTSIM_API_TOKEN, AGENTSIM_MAX_BODY_BYTES."""

    model_config = SettingsConfigDict(env_prefix="AGENTSIM_", extra="ignore")

    db: str = Field(default="", description="SQLAlchemy URL or SQLite path (AGENTSIM_DB; default ./agentsim.db)")
    api_token: SecretStr | None = Field(
        default=None, description="when set, every route but /health needs `Authorization: Bearer <token>`")
    admin_token: SecretStr | None = Field(
        default=None, description="unlocks GET /cases/{id}?full=true (the diagnosis and marking sheet)")
    viewer_full_cases: bool = Field(
        default=False, description="the viewer shows every case's marker sheet to anyone (`agentsim view` only)")
    max_body_bytes: int = Field(default=1_000_000, ge=1, description="larger request bodies get a 413")
    page_size: int = Field(default=50, ge=1, description="`limit` when a list request gives none")
    max_page_size: int = Field(default=500, ge=1)
    max_run_episodes: int = Field(default=10_000, ge=1, description="POST /runs planning more is refused (422)")
    max_active_runs: int = Field(default=4, ge=1, description="POST /runs beyond this many running ones gets a 429")
    stream_poll_seconds: float = Field(default=0.1, gt=0, le=5)
    stream_idle_seconds: float = Field(
        default=900, gt=0, description="a stream of an episode with no new turn for this long ends")
    shutdown_grace_seconds: float = Field(default=10, ge=0)

    @field_validator("api_token", "admin_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `AGENTSIM_API_TOKEN=` in a shell or compose file means "no token", not "the empty token"
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def db_url(self) -> str:
        return resolve_url(self.db or None)

    @property
    def auth_enabled(self) -> bool:
        return self.api_token is not None
