"""LLM failures, without importing litellm: the engine and the CLI catch these by type.

Every LLMError is a UserError, so `agentsim run` prints one line and exits 2 instead of a traceback.
"""

from __future__ import annotations

from agentsim.errors import FatalError, UserError


class LLMError(UserError):
    """An LLM call failed in a way retrying will not fix here."""


class LLMConfigError(LLMError, FatalError):
    """Authentication failed, the model is unknown, or no model was configured. Fails at once, no retry,
    and stops the run: every episode would fail alike."""


class LLMUnavailableError(LLMError):
    """Transient failures (rate limits, 5xx, timeouts, broken responses) outlasted the retry budget.
    Patient and gatekeeper fall back to their offline answers on this; the doctor ends as doctor_error."""
