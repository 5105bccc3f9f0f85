"""Bearer-token auth: every route but /health, constant-time compare, same error body everywhere."""

from __future__ import annotations

import importlib.util

import pytest

from agentsim.api import ApiSettings
from agentsim.api.middleware import token_matches
from tests.api.conftest import ADMIN, TOKEN, api, bearer

pytestmark = pytest.mark.anyio
# the reports module is built alongside; its own route test (test_runs.py) skips visibly without it
HAVE_REPORTS = importlib.util.find_spec("agentsim.report") is not None


def routes(seeded) -> list[tuple[str, str, int]]:
    """(method, path, status with the right token) for every route."""
    r, e = seeded.run_id, seeded.episode_id
    return [
        ("GET", "/runs", 200), ("GET", f"/runs/{r}", 200), ("GET", f"/runs/{r}/episodes", 200),
        *([("GET", f"/runs/{r}/report", 200)] if HAVE_REPORTS else []), ("POST", f"/runs/{r}/cancel", 409),
        ("GET", f"/episodes/{e}", 200), ("GET", f"/episodes/{e}/turns", 200), ("GET", f"/episodes/{e}/score", 200),
        ("GET", f"/episodes/{e}/stream", 200), ("GET", "/cases", 200), ("GET", "/cases/renal-colic", 200),
        ("GET", "/personas", 200), ("GET", "/doctors", 200), ("GET", "/openapi.json", 200), ("GET", "/docs", 200),
    ]


async def test_every_route_but_health_needs_the_token(seeded):
    async with api(ApiSettings(db=seeded.url, api_token=TOKEN)) as client:
        for method, path, ok in routes(seeded) + [("POST", "/runs", 202), ("GET", "/no-such-route", 404)]:
            body = {"cases": ["renal-colic"]} if path == "/runs" and method == "POST" else None
            for headers in ({}, bearer("wrong-token"), bearer(TOKEN + "x"), {"Authorization": f"Basic {TOKEN}"},
                            {"Authorization": TOKEN}):
                response = await client.request(method, path, headers=headers, json=body)
                assert response.status_code == 401, (method, path, headers, response.text)
                assert response.json() == {"error": "unauthorized", "detail": "missing or wrong bearer token"}
                assert response.headers["www-authenticate"] == "Bearer"
            response = await client.request(method, path, headers=bearer(TOKEN), json=body)
            assert response.status_code == ok, (method, path, response.text)
        health = await client.get("/health")
        assert health.status_code == 200 and health.json()["auth"] is True


async def test_the_admin_token_is_also_an_api_token(seeded):
    async with api(ApiSettings(db=seeded.url, api_token=TOKEN, admin_token=ADMIN)) as client:
        assert (await client.get("/runs", headers=bearer(ADMIN))).status_code == 200


async def test_without_a_token_configured_every_route_is_open(seeded):
    async with api(ApiSettings(db=seeded.url)) as client:
        for method, path, ok in routes(seeded):
            response = await client.request(method, path)
            assert response.status_code == ok, (method, path, response.text)
        health = (await client.get("/health")).json()
        assert health["status"] == "ok" and health["auth"] is False


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AGENTSIM_API_TOKEN", "from-env")
    monkeypatch.setenv("AGENTSIM_MAX_BODY_BYTES", "1234")
    monkeypatch.setenv("AGENTSIM_DB", "/tmp/somewhere.db")
    settings = ApiSettings()
    assert settings.api_token.get_secret_value() == "from-env" and settings.max_body_bytes == 1234
    assert settings.db_url == "sqlite:////tmp/somewhere.db"
    assert "from-env" not in repr(settings)  # a SecretStr: never printed in logs or tracebacks
    monkeypatch.setenv("AGENTSIM_API_TOKEN", "  ")
    assert ApiSettings().auth_enabled is False  # blank means unset, not "the empty token"


def test_token_compare():
    assert token_matches("abc", "abc")
    assert token_matches("abc", None, "abc")
    assert not token_matches("abd", "abc")
    assert not token_matches(None, "abc")
    assert not token_matches("abc", None)


async def test_a_strangers_oversized_body_gets_401_not_413(seeded):
    """Auth runs before the body is read: without the token, a large body is refused unread."""
    async with api(ApiSettings(db=seeded.url, api_token=TOKEN, max_body_bytes=1000)) as client:
        response = await client.post("/runs", content=b"x" * 50_000, headers={"content-type": "application/json"})
        assert response.status_code == 401
        response = await client.post("/runs", content=b"x" * 50_000,
                                     headers={"content-type": "application/json", **bearer(TOKEN)})
        assert response.status_code == 413
