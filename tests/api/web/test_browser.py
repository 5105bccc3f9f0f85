"""The viewer in headless Chromium: follow the links a user follows, watch a live episode, read /docs
with no network, and keep a screenshot of every page at a desktop and a phone width."""

from __future__ import annotations

import threading
import time
import uuid

from agentsim.api import ApiSettings
from tests.api.conftest import TOKEN
from tests.api.web.conftest import LiveServer

SIZES = {"wide": (1280, 800), "phone": (390, 844)}


def snap(page, shots, name: str) -> None:
    for tag, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"{name}-{tag}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_runs_to_run_to_episode_to_compare(viewed, page, shots):
    with LiveServer(ApiSettings(db=viewed.url, viewer_full_cases=True)) as server:
        page.goto(server.base + "/")
        assert page.title() == "Runs · agentsim"
        snap(page, shots, "runs")
        page.click(f"a[href='/view/runs/{viewed.run_id}']")
        page.wait_for_selector("#by-doctor")
        assert page.locator("#by-doctor tbody tr").count() == 2
        page.wait_for_function("() => { const i = document.querySelector('img.plot'); "
                               "return i && i.complete && i.naturalWidth > 0; }", timeout=30000)  # the SVG drew
        snap(page, shots, "run")

        # sort the episodes by cost, then filter them
        rows = page.locator("#episodes tbody tr")
        page.click("#episodes th:has-text('cost')")
        costs = [float(t.replace("$", "").replace(",", "")) for t in rows.locator("td:nth-child(8)").all_inner_texts()]
        assert costs == sorted(costs)
        page.fill("[data-filter-text]", "minimal renal")
        assert page.locator("#episodes tbody tr:visible").count() == 2
        page.fill("[data-filter-text]", "")

        page.click(f"a[href='/view/episodes/{viewed.episode_id}']")
        page.wait_for_selector("#transcript .turn.patient")
        assert page.locator(".turn.doctor").count() > 0 and page.locator(".turn.gatekeeper").count() > 0
        assert page.locator("#score .verdict").inner_text().split(" ")[0] in {f"{n}/5" for n in range(1, 6)}
        assert page.locator("#diagnosis .dx").inner_text().strip()
        assert not page.locator("#marker-sheet dl").is_visible()
        page.click("#marker-sheet summary")  # the toggle reveals the marker's sheet
        assert page.locator("#marker-sheet dl").is_visible()
        page.locator("details.why").first.locator("summary").click()
        snap(page, shots, "episode")

        page.click("a[href^='/view/runs/']")
        page.select_option("select[name=a_doctor]", "checklist")
        page.select_option("select[name=b_doctor]", "minimal")
        page.click("#compare-go")
        page.wait_for_selector("#compare")
        assert "4 paired episodes" in page.locator("#tally").inner_text()
        assert page.locator("#compare tbody tr").count() == 4
        snap(page, shots, "compare")


def test_a_running_episode_updates_live(viewed, page, shots):
    """The episode page follows the SSE stream: turns written after it loaded appear without a reload,
    and when the episode ends the page shows the finished state."""
    from agentsim.store.db import session
    from agentsim.store.tables import EpisodeRow, TurnRow

    episode_id = uuid.uuid4().hex
    with session(viewed.url) as s:
        s.add(EpisodeRow(id=episode_id, case_id="renal-colic", doctor="checklist", patient="retrieval",
                         gatekeeper="rules", status="running"))
        s.add(TurnRow(episode_id=episode_id, index=0, role="patient", kind="opening", text="It hurts here."))
        s.commit()

    def write_more() -> None:
        lines = [("doctor", "ask", "Where exactly is the pain?", 300.0), ("patient", "answer", "My left side.", 0.0),
                 ("doctor", "diagnose", "[diagnosis] renal colic", 0.0)]
        for i, (role, kind, text, cost) in enumerate(lines, start=1):
            time.sleep(0.3)  # a consultation's pace: the page must already be showing
            with session(viewed.url) as s:
                s.add(TurnRow(episode_id=episode_id, index=i, role=role, kind=kind, text=text, cost=cost))
                s.commit()
        ready.wait(30)
        with session(viewed.url) as s:
            row = s.get(EpisodeRow, episode_id)
            row.status, row.termination, row.n_turns, row.total_cost = "completed", "diagnosed", 4, 300.0
            s.add(row)
            s.commit()

    ready = threading.Event()
    with LiveServer(ApiSettings(db=viewed.url, stream_poll_seconds=0.05)) as server:
        page.goto(f"{server.base}/view/episodes/{episode_id}")
        assert page.locator("#live-note").is_visible()
        writer = threading.Thread(target=write_more)
        writer.start()
        page.wait_for_selector("#turn-2", timeout=15000)  # arrived over the stream
        assert "My left side." in page.locator("#turn-2").inner_text()
        assert "$300" in page.locator("#turn-1 .cost").inner_text()
        page.wait_for_selector("#turn-3", timeout=15000)
        snap(page, shots, "live")
        ready.set()
        # the stream ends, the page reloads itself: no live note, the finished badge
        page.wait_for_selector("#episode-summary[data-status=completed]", timeout=15000)
        assert page.locator("#live-note").count() == 0
        assert page.locator("#transcript .turn").count() == 4
        writer.join(30)


def test_docs_render_with_no_network(viewed, page, shots):
    with LiveServer(ApiSettings(db=viewed.url)) as server:
        page.goto(server.base + "/docs")
        page.wait_for_selector(".opblock", timeout=20000)  # Swagger UI drew the operations
        assert page.locator(".opblock-summary-path:has-text('/runs')").count() >= 1
        snap(page, shots, "docs")


def test_signing_in_with_the_token(viewed, page, shots):
    with LiveServer(ApiSettings(db=viewed.url, api_token=TOKEN)) as server:
        page.goto(f"{server.base}/view/runs/{viewed.run_id}")
        assert "/login" in page.url
        snap(page, shots, "login")
        page.fill("#token", "not-the-token")
        page.click("button[type=submit]")
        assert page.locator("[role=alert]").is_visible()
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_selector("#by-doctor")
        assert page.url == f"{server.base}/view/runs/{viewed.run_id}" and TOKEN not in page.url
        page.goto(server.base + "/docs")  # the cookie opens the docs too
        page.wait_for_selector(".opblock", timeout=20000)


def test_a_running_run_shows_its_progress_live(viewed, page):
    """The runs page polls a running run's status: progress moves without a reload, then the page reloads
    itself when the run finishes."""
    from agentsim.store import leases
    from agentsim.store.db import session
    from agentsim.store.tables import EpisodeRow, RunRow

    run_id = uuid.uuid4().hex
    with session(viewed.url) as s:
        s.add(RunRow(id=run_id, name="live-run", status="running",
                     spec={"name": "live-run", "cases": ["renal-colic", "chest-pain-stemi"], "doctors": ["checklist"]}))
        s.commit()
    # an executor elsewhere holds the run: the server's start-up reconcile leaves a run with a live lease alone
    leases.acquire(run_id, db=viewed.url, ttl_seconds=600, owner="another-host:1:browser-test")
    row = f"#runs tr[data-run='{run_id}']"
    with LiveServer(ApiSettings(db=viewed.url)) as server:
        page.goto(server.base + "/?status=running")
        assert page.locator(f"{row} [data-field=progress]").inner_text().startswith("0 / 2")
        with session(viewed.url) as s:
            s.add(EpisodeRow(id=uuid.uuid4().hex, run_id=run_id, case_id="renal-colic", doctor="checklist",
                             patient="retrieval", gatekeeper="rules", status="completed", termination="diagnosed"))
            s.commit()
        page.wait_for_function(f"() => document.querySelector(\"{row} [data-field=progress]\")"
                               ".textContent.startsWith('1 / 2')", timeout=15000)
        with session(viewed.url) as s:
            run = s.get(RunRow, run_id)
            run.status = "completed"
            s.add(run)
            s.commit()
        # reloaded: the filter is status=running, so the finished run has left the list
        page.wait_for_selector(f"{row}", state="detached", timeout=15000)
