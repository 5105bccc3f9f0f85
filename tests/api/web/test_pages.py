"""The viewer's pages over HTTP, without a browser: what each shows, and who may see what."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from agentsim.api import ApiSettings
from agentsim.api.middleware import SESSION_COOKIE, session_value
from tests.api.conftest import ADMIN, TOKEN, api, bearer

pytestmark = pytest.mark.anyio


async def test_the_runs_page_lists_the_run_with_its_figures(viewed):
    async with api(ApiSettings(db=viewed.url)) as client:
        page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f'href="/view/runs/{viewed.run_id}"' in html and viewed.run_id[:8] in html
    assert "2 case patterns" not in html and "chest-pain-stemi, renal-colic × 2 doctors × 2 repeats" in html
    assert re.search(r"\d+% <span class=\"muted\">\(\d+%–\d+%\)</span>", html), "accuracy with its 95% CI"
    assert "8 / 8" in html  # progress: finished of planned


async def test_runs_filter_by_doctor_case_and_status(viewed):
    async with api(ApiSettings(db=viewed.url)) as client:
        assert viewed.run_id in (await client.get("/", params={"doctor": "minimal"})).text
        assert viewed.run_id in (await client.get("/", params={"case": "renal-colic", "status": "completed"})).text
        for miss in ({"doctor": "nobody"}, {"case": "anaphylaxis"}, {"status": "running"}):
            html = (await client.get("/", params=miss)).text
            assert f"/view/runs/{viewed.run_id}" not in html and "match these filters" in html, miss


async def test_the_run_page_has_the_report_tables_plot_episodes_and_exports(viewed):
    async with api(ApiSettings(db=viewed.url)) as client:
        html = (await client.get(f"/view/runs/{viewed.run_id}")).text
        for table in ("by-doctor", "by-specialty", "by-persona", "episodes"):
            assert f'id="{table}"' in html, table
        assert "pass^2" in html and "pass@2" in html  # repeats: 2
        assert html.count('href="/view/episodes/') == 8
        svg = await client.get(f"/view/runs/{viewed.run_id}/pareto.svg")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.text.lstrip().startswith("<?xml") and "minimal" in svg.text and "checklist" in svg.text
        exported = await client.get(f"/view/runs/{viewed.run_id}/export.csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert len(rows) == 8 and {r["doctor"] for r in rows} == {"checklist", "minimal"}
        assert "attachment" in exported.headers["content-disposition"]
        turns = await client.get(f"/view/runs/{viewed.run_id}/export.jsonl", params={"level": "turn"})
        assert all("index" in json.loads(line) for line in turns.text.splitlines())
        assert (await client.get(f"/view/runs/{viewed.run_id}/export.exe")).status_code == 404


async def test_the_episode_page_shows_the_transcript_tests_and_score(viewed):
    async with api(ApiSettings(db=viewed.url)) as client:
        html = (await client.get(f"/view/episodes/{viewed.episode_id}")).text
    for role in ("doctor", "patient", "gatekeeper"):
        assert f'class="turn {role}"' in html, role
    assert 'id="diagnosis"' in html and "Differential" in html
    assert 'id="score"' in html and re.search(r"[1-5]/5 · (correct|incorrect)", html)
    assert "must-ask" in html and "Facts used:" in html
    assert re.search(r"<td class=\"n\">\$\d+</td>", html), "each test with its price"
    assert "from the case" in html or "synthesised" in html


async def test_the_marker_sheet_follows_the_apis_full_case_rule(viewed):
    """Admin token only (bearer or the cookie made from it); `agentsim view` opens it for a local user."""
    path = f"/view/episodes/{viewed.episode_id}"
    async with api(ApiSettings(db=viewed.url, api_token=TOKEN, admin_token=ADMIN)) as client:
        assert 'id="marker-sheet"' not in (await client.get(path, headers=bearer(TOKEN))).text
        assert 'id="marker-sheet"' in (await client.get(path, headers=bearer(ADMIN))).text
        client.cookies.set(SESSION_COOKIE, session_value(ADMIN))
        assert 'id="marker-sheet"' in (await client.get(path)).text
    async with api(ApiSettings(db=viewed.url)) as client:
        assert 'id="marker-sheet"' not in (await client.get(path)).text
    async with api(ApiSettings(db=viewed.url, viewer_full_cases=True)) as client:
        html = (await client.get(path)).text
        assert 'id="marker-sheet"' in html and "Expected tests" in html


async def test_compare_pairs_the_same_consultations_and_marks_disagreements(viewed):
    async with api(ApiSettings(db=viewed.url)) as client:
        params = {"a_run": viewed.run_id, "a_doctor": "checklist", "b_doctor": "minimal"}
        html = (await client.get("/view/compare", params=params)).text
        assert "<b>4</b> paired episodes" in html
        only = (await client.get("/view/compare", params={**params, "only": "disagree"})).text
        assert only.count("<tr class=\"disagree\">") == html.count("<tr class=\"disagree\">")
        assert (await client.get("/view/compare", params={"a_run": "nope"})).status_code == 404


async def test_with_a_token_pages_redirect_to_the_login_form_and_the_token_never_goes_in_a_url(viewed):
    async with api(ApiSettings(db=viewed.url, api_token=TOKEN)) as client:
        first = await client.get(f"/view/runs/{viewed.run_id}")
        assert first.status_code == 303 and first.headers["location"].startswith("/login?next=%2Fview%2Fruns")
        assert (await client.get("/login")).status_code == 200
        assert (await client.get("/view/static/viewer.css")).status_code == 200  # public files stay open
        wrong = await client.post("/login", data={"token": "wrong", "next": "/"})
        assert wrong.status_code == 401 and SESSION_COOKIE not in wrong.cookies
        ok = await client.post("/login", data={"token": TOKEN, "next": f"/view/runs/{viewed.run_id}"})
        assert ok.status_code == 303 and ok.headers["location"] == f"/view/runs/{viewed.run_id}"
        assert TOKEN not in ok.headers["location"] and TOKEN not in ok.headers["set-cookie"]
        assert "httponly" in ok.headers["set-cookie"].lower() and "samesite=strict" in ok.headers["set-cookie"].lower()
        assert (await client.get(f"/view/runs/{viewed.run_id}")).status_code == 200
        assert (await client.get(f"/runs/{viewed.run_id}")).status_code == 200  # the page's own polling
        # the cookie authenticates reads only: a cross-site form cannot start a run with it
        posted = await client.post("/runs", json={"cases": ["renal-colic"]})
        assert posted.status_code == 401
        assert (await client.get("/view/logout")).status_code == 303
        client.cookies.clear()
        assert (await client.get("/")).status_code == 303


async def test_login_never_redirects_off_this_server(viewed):
    async with api(ApiSettings(db=viewed.url, api_token=TOKEN)) as client:
        for target in ("//evil.example/x", "https://evil.example/", "\\\\evil", "javascript:alert(1)"):
            response = await client.post("/login", data={"token": TOKEN, "next": target})
            assert response.headers["location"] == "/", target


async def test_docs_are_served_from_the_package(viewed):
    async with api(ApiSettings(db=viewed.url)) as client:
        html = (await client.get("/docs")).text
        assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        assert assets and all(a.startswith("/") for a in assets), assets  # nothing from a CDN
        for asset in assets:
            assert (await client.get(asset)).status_code == 200, asset
        assert (await client.get("/redoc")).status_code == 404  # ReDoc needs a CDN font: not offered


async def test_a_browser_gets_a_page_for_a_missing_run_and_a_client_gets_json(viewed):
    async with api(ApiSettings(db=viewed.url)) as client:
        html = await client.get("/view/runs/" + "0" * 32, headers={"Accept": "text/html"})
        assert html.status_code == 404 and "Back to the runs" in html.text and "no run" in html.text
        plain = await client.get("/view/runs/" + "0" * 32)
        assert plain.status_code == 404 and plain.json()["error"] == "not_found"


async def test_provenance_and_synthesised_results_are_shown_when_the_payload_has_them(viewed):
    import uuid

    from agentsim.store.db import session
    from agentsim.store.tables import EpisodeRow, TurnRow

    episode_id = uuid.uuid4().hex
    provenance = {"inquiry_type": "onset", "facts_used": ["onset_sudden_5am"], "why": "the question named the onset"}
    with session(viewed.url) as s:
        s.add(EpisodeRow(id=episode_id, case_id="renal-colic", doctor="checklist", patient="retrieval",
                         gatekeeper="rules", status="completed", termination="diagnosed"))
        s.add(TurnRow(episode_id=episode_id, index=0, role="doctor", kind="ask", text="When did it start?", cost=300))
        s.add(TurnRow(episode_id=episode_id, index=1, role="patient", kind="answer", text="At five this morning.",
                      payload={"facts": ["onset_sudden_5am"], "slots": ["onset"], "provenance": provenance}))
        s.add(TurnRow(episode_id=episode_id, index=2, role="doctor", kind="examine", text="[examine] ears"))
        s.add(TurnRow(episode_id=episode_id, index=3, role="gatekeeper", kind="exam_result", text="Ears: normal.",
                      synthetic=True))
        s.commit()
    async with api(ApiSettings(db=viewed.url)) as client:
        html = (await client.get(f"/view/episodes/{episode_id}")).text
    assert "Provenance:" in html and "inquiry type" in html and "the question named the onset" in html
    assert "onset_sudden_5am" in html and "Must-ask covered:" in html  # onset_sudden_5am is a must-ask fact
    assert 'class="tag synth"' in html and "+$300 · $300" in html
