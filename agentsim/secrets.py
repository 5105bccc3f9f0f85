"""Keeping credentials out of everything agentsim stores, exports, logs or returns: the one redaction.

A secret is kept usable in memory for the run that needs it (LLMSettings holds it as a SecretStr); what
is written anywhere goes through `redact` first: values under key-like names ("api_key", "token", ...)
become REDACTED, and user:password@ inside URLs (an --api-base, a PostgreSQL URL) loses the password.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "***"
_SECRET_NAME = re.compile(r"key|token|secret|password|passwd|credential|authorization|cookie", re.IGNORECASE)
# scheme://user:password@host  and  scheme://token@host (a bare user part is often a token too)
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
# ?api_key=... &token=... in a query string
_QUERY_SECRET = re.compile(r"(?P<name>[?&][^=&\s]*(?:key|token|secret|password|sig)[^=&\s]*=)[^&\s#]+",
                           re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return _SECRET_NAME.search(name) is not None


def redact_text(text: str) -> str:
    """Credentials inside URLs in free text: an error message, a log line, a stored option."""
    def userinfo(match: re.Match[str]) -> str:
        user, sep, _password = match["userinfo"].partition(":")
        return f"{match['scheme']}{user}:{REDACTED}@" if sep else f"{match['scheme']}{REDACTED}@"

    return _QUERY_SECRET.sub(lambda m: m["name"] + REDACTED, _URL_CREDENTIALS.sub(userinfo, text))


def redact(value: Any) -> Any:
    """A copy of a JSON-like value fit to store or show: secret-named values and URL credentials hidden."""
    if isinstance(value, dict):
        return {k: (REDACTED if is_secret_name(str(k)) and v not in (None, "") else redact(v))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value
