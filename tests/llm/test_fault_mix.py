"""A batch of all-LLM episodes while the fake server fails 20% of requests (429, 500, timeouts, malformed
JSON, mixed): the runner finishes, every episode ends with a termination reason, and the requests each
episode made stay within what max_retries allows."""

from __future__ import annotations

import asyncio
from collections import Counter

from agentsim.batch.runner import run_batch
from agentsim.batch.spec import BatchSpec
from agentsim.store.queries import list_episodes, load_episode

MAX_RETRIES = 2
# calls one agent turn may make before the gateway's retries: the doctor's repair prompt, the patient's
# regeneration after its guard; the gatekeeper phrases once
CALLS_PER_TURN = {"doctor": 2, "patient": 2, "gatekeeper": 1}
CASES = ["chest-pain-stemi", "renal-colic", "appendicitis-young-adult", "asthma-exacerbation", "gout-acute",
         "cellulitis", "pneumothorax-spontaneous", "pyelonephritis", "anaphylaxis", "hypothyroidism"]


def test_twenty_percent_mixed_faults_across_a_batch(fake, db_url, tmp_path, monkeypatch):
    # the patient and gatekeeper take their settings from the environment and the config file (a batch spec
    # only names their model); the doctor gets the same through them
    config = tmp_path / "agentsim.toml"
    config.write_text(f"[llm]\ntimeout = 0.5\nmax_retries = {MAX_RETRIES}\nretry_base_delay = 0.005\n"
                      "retry_max_delay = 0.1\nmax_concurrency = 8\n")
    monkeypatch.setenv("AGENTSIM_CONFIG", str(config))
    monkeypatch.setenv("AGENTSIM_API_BASE", fake.api_base)
    monkeypatch.setenv("AGENTSIM_API_KEY", "sk-fake")
    for name in ("AGENTSIM_LLM_TIMEOUT", "AGENTSIM_LLM_MAX_RETRIES", "AGENTSIM_PATIENT_API_BASE",
                 "AGENTSIM_GATEKEEPER_API_BASE", "AGENTSIM_DOCTOR_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    fake.configure(fault_rate=0.2, seed=11, fault_kinds=["429", "500", "timeout", "malformed"], hang_s=5.0)
    spec = BatchSpec(name="fault-mix", cases=CASES, doctors=[{"name": "llm", "model": "openai/fake-doctor"}],
                     patient="llm", patient_model="openai/fake-patient", gatekeeper="llm",
                     gatekeeper_model="openai/fake-gatekeeper", concurrency=1, max_turns=12)

    # one episode at a time, so the server's log between two progress reports is one episode's requests
    requests_of: dict[str, list[dict]] = {}
    seen = 0

    def on_progress(_progress) -> None:
        nonlocal seen
        log = fake.requests()
        (finished,) = [r.id for r in list_episodes(db=db_url, limit=100)
                       if r.status != "running" and r.id not in requests_of]
        requests_of[finished] = log[seen:]
        seen = len(log)

    outcome = asyncio.run(run_batch(spec, db=db_url, on_progress=on_progress))

    faults = Counter(r["fault"] for requests in requests_of.values() for r in requests if r["fault"])
    assert set(faults) == {"429", "500", "timeout", "malformed"}, faults  # the mix was really served
    assert outcome.progress.done + outcome.progress.failed == len(CASES) == len(requests_of)
    assert not outcome.progress.errors, outcome.progress.errors  # no episode crashed the runner
    rows = list_episodes(db=db_url, run_id=outcome.run_id, limit=100)
    assert sorted(r.case_id for r in rows) == sorted(CASES)
    for row in rows:
        assert row.termination is not None and row.status != "running", row
        episode = load_episode(row.id, db=db_url)
        bound = 0
        for turn in episode.turns:
            role = turn.role.value
            if role == "doctor" or (role in CALLS_PER_TURN and "llm" in turn.payload):
                bound += CALLS_PER_TURN[role] * (MAX_RETRIES + 1)
                llm = turn.payload.get("llm") or {}
                if llm.get("calls"):
                    assert llm["attempts"] <= llm["calls"] * (MAX_RETRIES + 1), turn
        if episode.turns[-1].kind.value == "error":  # a doctor_error turn is the failed doctor call's own
            bound += CALLS_PER_TURN["doctor"] * (MAX_RETRIES + 1)
        requests = requests_of[row.id]
        assert 0 < len(requests) <= bound, (row.case_id, len(requests), bound)
