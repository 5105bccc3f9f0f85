"""POST /runs bodies: 422 with the field path; registered agents only, never code, files or URLs; 413."""

from __future__ import annotations

import json

import pytest

from agentsim.api import ApiSettings
from agentsim.store.browse import count_runs
from tests.api.conftest import api, field_paths

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"doctors": [{"name": "tests/fixtures/plugins/evil.py:Doctor"}]}, ["body", "doctors", 0, "name"],
     "not a registered doctor"),
    ({"doctors": ["checklist", "os:system"]}, ["body", "doctors", 1, "name"], "not a registered doctor"),
    ({"doctors": ["http://127.0.0.1:9/doctor"]}, ["body", "doctors", 0, "name"], "not a registered doctor"),
    ({"doctors": ["some-installed-entry-point"]}, ["body", "doctors", 0, "name"], "only from the command line"),
    ({"doctors": [{"name": "scripted", "options": {"script": "/etc/passwd"}}]}, ["body", "doctors", 0, "options"],
     "not accepted over the API"),
    ({"doctors": [{"name": "llm", "options": {"api_base": "http://attacker.example"}}]},
     ["body", "doctors", 0, "options"], "not accepted over the API"),
    ({"doctors": [{"name": "llm", "options": {"api_key": "sk-123"}}]}, ["body", "doctors", 0, "options"],
     "credential"),
    ({"doctors": [{"name": "llm", "options": {"config": "~/.agentsim.toml"}}]}, ["body", "doctors", 0, "options"],
     "not accepted"),
    ({"doctors": [{"name": "checklist", "options": {"panel": ["../../secrets.yaml"]}}]},
     ["body", "doctors", 0, "options"], "paths and URLs"),
    ({"doctors": [{"name": "checklist", "options": {"extra": {"nested": 1}}}]}, ["body", "doctors", 0, "options"],
     "only strings"),
    ({"doctors": [{"name": "llm", "model": "http://attacker.example/v1"}]}, ["body", "doctors", 0, "model"],
     "model id"),
    ({"patient": "my_patient.py:Patient"}, ["body", "patient"], "not a registered patient"),
    ({"gatekeeper": "pkg.mod:Gate"}, ["body", "gatekeeper"], "not a registered gatekeeper"),
    ({"patient_model": "file:///etc/passwd"}, ["body", "patient_model"], "model id"),
    ({"personas": [None, "../../etc/passwd.yaml"]}, ["body", "personas", 1], "not a known persona"),
    ({"personas": ["no-such-persona"]}, ["body", "personas", 0], "not a known persona"),
    ({"cases": ["../../etc/passwd"]}, ["body", "cases"], "not a path"),
    ({"cases": []}, ["body", "cases"], "at least 1"),
    ({"concurrency": 0}, ["body", "concurrency"], "greater than or equal to 1"),
    ({"max_turns": "lots"}, ["body", "max_turns"], "integer"),
    ({"wat": 1}, ["body", "wat"], "Extra inputs"),
    ({"doctors": ["checklist", "checklist"]}, ["body"], "distinct labels"),
    ({"cases": ["no-such-case-*"]}, ["body", "cases"], "selects no case"),
])
async def test_bad_run_specs_are_422_naming_the_field(db_url, body, loc, message):
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.post("/runs", json=body)
    assert response.status_code == 422, response.text
    assert loc in field_paths(response)
    assert message in response.text
    assert count_runs(db=db_url) == 0  # nothing was recorded, nothing started


async def test_a_plugin_doctor_is_never_loaded(db_url, tmp_path):
    marker = tmp_path / "loaded"
    plugin = tmp_path / "evil.py"
    plugin.write_text(f"open({str(marker)!r}, 'w').write('pwned')\nclass Doctor:\n    def act(self, obs): ...\n")
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.post("/runs", json={"cases": ["renal-colic"], "doctors": [f"{plugin}:Doctor"]})
    assert response.status_code == 422
    assert not marker.exists()


async def test_malformed_json_is_422(db_url):
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.post("/runs", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["error"] == "validation_error"


async def test_a_run_larger_than_the_server_allows_is_refused(db_url):
    async with api(ApiSettings(db=db_url, max_run_episodes=3)) as client:
        response = await client.post("/runs", json={"cases": ["*"]})
    assert response.status_code == 422 and "at most 3" in response.text


async def test_oversized_bodies_are_413(db_url):
    padding = {"name": "x" * 150, "cases": ["renal-colic"] * 200}
    body = json.dumps(padding).encode()
    assert len(body) > 2000
    async with api(ApiSettings(db=db_url, max_body_bytes=2000)) as client:
        declared = await client.post("/runs", content=body, headers={"content-type": "application/json"})
        assert declared.status_code == 413
        assert declared.json() == {"error": "payload_too_large", "detail": "request body larger than 2000 bytes"}

        async def chunks():  # no Content-Length: the bound is enforced while reading
            for i in range(0, len(body), 500):
                yield body[i:i + 500]

        streamed = await client.post("/runs", content=chunks(), headers={"content-type": "application/json"})
        assert "content-length" not in streamed.request.headers
        assert streamed.status_code == 413 and streamed.json()["error"] == "payload_too_large"

        small = await client.post("/runs", json={"cases": ["no-such-*"]})
        assert small.status_code == 422  # under the bound, the body reaches validation as usual
    assert count_runs(db=db_url) == 0


async def test_the_default_body_bound_is_about_a_megabyte(db_url):
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.post("/runs", content=b" " * 1_000_001, headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_what_fuzzing_found_is_a_4xx_not_a_500(db_url):
    """Regressions from tests/api/test_fuzz.py: an OFFSET past SQLite's 64-bit integers, and names too long
    for the file system (a persona, a case id)."""
    async with api(ApiSettings(db=db_url)) as client:
        for path in ("/runs", "/cases"):
            response = await client.get(path, params={"offset": 2**63})
            assert response.status_code == 422 and ["query", "offset"] in field_paths(response), path
        response = await client.post("/runs", json={"cases": ["renal-colic"], "personas": ["a" * 5000]})
        assert response.status_code == 422 and ["body", "personas", 0] in field_paths(response)
        assert (await client.get("/cases/" + "a" * 5000)).status_code == 404
