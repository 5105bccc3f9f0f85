"""/cases, /personas, /doctors: pagination, filters, slug-only ids, the admin-only full case."""

from __future__ import annotations

import pytest

from agentsim.api import ApiSettings
from agentsim.cases.library import load_case, scenario_paths
from tests.api.conftest import ADMIN, TOKEN, api, bearer, field_paths

pytestmark = pytest.mark.anyio


async def test_cases_are_paged_with_a_total(db_url):
    all_ids = sorted(p.stem for p in scenario_paths())
    async with api(ApiSettings(db=db_url)) as client:
        first = (await client.get("/cases", params={"limit": 5})).json()
        assert first["total"] == len(all_ids) and first["limit"] == 5 and first["offset"] == 0
        assert len(first["items"]) == 5
        seen = []
        for offset in range(0, len(all_ids), 7):
            page = (await client.get("/cases", params={"limit": 7, "offset": offset})).json()
            seen += [c["id"] for c in page["items"]]
        assert sorted(seen) == all_ids  # pages neither repeat nor skip
        tail = (await client.get("/cases", params={"offset": len(all_ids) - 2})).json()
        assert len(tail["items"]) == 2 and tail["total"] == len(all_ids)
        beyond = (await client.get("/cases", params={"offset": 10_000})).json()
        assert beyond["items"] == [] and beyond["total"] == len(all_ids)
        default = (await client.get("/cases")).json()
        assert default["limit"] == 50


async def test_case_filters(db_url):
    async with api(ApiSettings(db=db_url)) as client:
        cardiology = (await client.get("/cases", params={"specialty": "cardiology", "limit": 500})).json()
        assert cardiology["total"] == len(cardiology["items"]) > 0
        assert {c["specialty"] for c in cardiology["items"]} == {"cardiology"}
        easy = (await client.get("/cases", params={"difficulty": 1, "specialty": "cardiology"})).json()
        assert {(c["difficulty"], c["specialty"]) for c in easy["items"]} == {(1, "cardiology")}
        assert easy["total"] < cardiology["total"]


@pytest.mark.parametrize(("params", "loc"), [
    ({"specialty": "astrology"}, ["query", "specialty"]),
    ({"difficulty": 9}, ["query", "difficulty"]),
    ({"limit": 0}, ["query", "limit"]),
    ({"limit": 501}, ["query", "limit"]),  # above max_page_size
    ({"offset": -1}, ["query", "offset"]),
    ({"limit": "many"}, ["query", "limit"]),
])
async def test_bad_list_parameters_are_422_with_the_field(db_url, params, loc):
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.get("/cases", params=params)
        assert response.status_code == 422
        assert field_paths(response) == [loc]


async def test_page_size_limits_are_settings(db_url):
    async with api(ApiSettings(db=db_url, page_size=3, max_page_size=4)) as client:
        assert (await client.get("/cases")).json()["limit"] == 3
        assert (await client.get("/cases", params={"limit": 4})).status_code == 200
        assert field_paths(await client.get("/runs", params={"limit": 5})) == [["query", "limit"]]


async def test_a_case_shows_only_the_doctors_brief(db_url):
    case = load_case("bacterial-meningitis")
    async with api(ApiSettings(db=db_url)) as client:
        response = await client.get("/cases/bacterial-meningitis")
    assert response.status_code == 200
    body = response.json()
    assert body["brief"] == case.doctor_view().brief
    assert body["doctor_brief"]["chief_complaint"] == case.doctor_brief.chief_complaint
    assert set(body) == {"id", "title", "specialty", "setting", "difficulty", "tags", "doctor_brief", "brief"}
    for secret in [case.diagnosis.primary, *case.diagnosis.synonyms, case.patient.facts[0].text]:
        assert secret.lower() not in response.text.lower()


@pytest.mark.parametrize("path", [
    "/cases/..%2F..%2Fetc%2Fpasswd",
    "/cases/..%2F..%2Fscenarios%2Frenal-colic",
    "/cases/..%2Fscenarios%2Frenal-colic.yaml",
    "/cases/%2Fetc%2Fpasswd",
    "/cases/renal-colic.yaml",
    "/cases/Renal-Colic",
    "/cases/renal-colic%00",
    "/cases/..",
    "/cases/%2e%2e",
    "/cases/no-such-case",
])
async def test_case_ids_are_slugs_or_404(db_url, path):
    async with api(ApiSettings(db=db_url)) as client:
        for suffix in ("", "?full=true"):
            response = await client.get(path + suffix, headers=bearer(ADMIN))
            assert "root:" not in response.text
            if not response.url.path.startswith("/cases"):
                # the client resolved the dot segment ("/cases/.." is "/", as curl sends it too): the request
                # never reached the case route, and "/" is now the viewer's runs page, not a 404
                assert response.url.path == "/" and "doctor_brief" not in response.text
                continue
            assert response.status_code == 404, (path, response.text)
            assert response.json()["error"] == "not_found"


async def test_the_full_case_needs_full_and_the_admin_token(db_url):
    case = load_case("renal-colic")
    async with api(ApiSettings(db=db_url, api_token=TOKEN, admin_token=ADMIN)) as client:
        brief = await client.get("/cases/renal-colic", headers=bearer(ADMIN))  # admin, but full not asked
        assert "diagnosis" not in brief.json()
        user = await client.get("/cases/renal-colic", params={"full": "true"}, headers=bearer(TOKEN))
        assert user.status_code == 403 and user.json()["error"] == "forbidden"
        assert case.diagnosis.primary not in user.text
        full = await client.get("/cases/renal-colic", params={"full": "true"}, headers=bearer(ADMIN))
        assert full.status_code == 200
        assert full.json()["diagnosis"]["primary"] == case.diagnosis.primary
        assert len(full.json()["patient"]["facts"]) == len(case.patient.facts)
    async with api(ApiSettings(db=db_url, admin_token=ADMIN)) as client:  # auth off, admin on
        assert (await client.get("/cases/renal-colic?full=true")).status_code == 403
        assert (await client.get("/cases/renal-colic?full=true", headers=bearer("nope"))).status_code == 403
        assert (await client.get("/cases/renal-colic?full=true", headers=bearer(ADMIN))).status_code == 200
    async with api(ApiSettings(db=db_url)) as client:  # no admin token configured: nobody gets it
        response = await client.get("/cases/renal-colic?full=true", headers=bearer(""))
        assert response.status_code == 403 and "AGENTSIM_ADMIN_TOKEN" in response.json()["detail"]


async def test_personas_and_doctors(db_url):
    from agentsim.agents.registry import DOCTORS

    async with api(ApiSettings(db=db_url)) as client:
        personas = (await client.get("/personas")).json()
        doctors = (await client.get("/doctors")).json()
    by_id = {p["id"]: p for p in personas}
    assert "neutral" in by_id and "anxious-catastrophiser" in by_id
    assert by_id["neutral"]["noise"] == {} and by_id["neutral"]["communication_style"] == "plain"
    assert {d["name"] for d in doctors} == set(DOCTORS)
    assert all(d["description"] for d in doctors if d["name"] == "checklist")
