"""A hand-built run with known figures, written straight into the tables (no simulation).

Run MAIN (the newest) holds, by doctor label (every one runs the registered `checklist`):
  A      4 finished: Likert 5, 4, 2, 5 (the third was first scored 5, then re-scored 2: the latest counts)
         -> 3/4 correct; costs 400, 600, 500, 500 -> $500; coverage 1, .5, .75, .75 -> .75; turns 10, 12, 8, 10
         plus 1 episode still running (counted in the header only)
  B      4 finished: Likert 4, 1, 2, 3 -> 1/4; costs 300, 300, 200, 400 -> $300; coverage .5, .5, .25, .75;
         turns 6 each
  C|v2   3: completed Likert 5 at $900; doctor_error scored Likert 1 at $600; aborted, never scored, $300 logged
         -> 1/3 correct, Likert 3.0, $600, 2 failures: dominated by A (dearer and less accurate)
  best   2: Likert 5, 5 at $2,000 each -> 100%, CI [1, 1]
Frontier: B ($300, 25%), A ($500, 75%), best ($2,000, 100%).
Run OLD (created earlier) holds one episode, so queries must stay within their run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agentsim.model.score import (
    CostScore,
    DiagnosisScore,
    EfficiencyScore,
    HistoryScore,
    SafetyScore,
    Score,
)
from agentsim.store.db import session
from agentsim.store.tables import EpisodeRow, RunRow, ScoreRow, TurnRow

MAIN = "aaaa1111" + "0" * 24
OLD = "bbbb2222" + "0" * 24
T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
CASES = ["chest-pain-stemi", "renal-colic", "ghost-case", "chest-pain-stemi"]  # ghost-case: no case file
PERSONAS = [None, "anxious-catastrophiser", None, "anxious-catastrophiser"]

# label, likert (None: unscored), coverage, cost, doctor turns, termination
EPISODES = [
    ("A", 5, 1.0, 400, 10, "diagnosed"), ("A", 4, 0.5, 600, 12, "diagnosed"),
    ("A", 2, 0.75, 500, 8, "diagnosed"), ("A", 5, 0.75, 500, 10, "turn_limit"),
    ("B", 4, 0.5, 300, 6, "diagnosed"), ("B", 1, 0.5, 300, 6, "diagnosed"),
    ("B", 2, 0.25, 200, 6, "budget_exhausted"), ("B", 3, 0.75, 400, 6, "diagnosed"),
    ("C|v2", 5, 1.0, 900, 9, "diagnosed"), ("C|v2", 1, 0.0, 600, 3, "doctor_error"),
    ("C|v2", None, None, 300, None, "aborted"),
    ("best", 5, 1.0, 2000, 14, "diagnosed"), ("best", 5, 1.0, 2000, 14, "diagnosed"),
]
TURNS_PER_EPISODE = 2


def make_score(likert: int, coverage: float, cost: float, turns: int) -> Score:
    return Score(
        judge="rubric",
        diagnosis=DiagnosisScore(likert=likert, correct=likert >= 4, explanation="hand-made"),
        history=HistoryScore(coverage=coverage, covered=[], missed=[], explanation=""),
        cost=CostScore(visits=1, visit_cost=300, test_cost=cost - 300, total=cost, items=[], explanation=""),
        efficiency=EfficiencyScore(turns=turns, questions=turns, exams=0, tests=0, explanation=""),
        safety=SafetyScore(red_flags_addressed=[], expected_tests_ordered=[], expected_tests_missed=[],
                           explanation=""),
        overall=0.5,
    )


def score_row(episode_id: str, score: Score) -> ScoreRow:
    return ScoreRow(episode_id=episode_id, judge=score.judge, diagnosis_likert=score.diagnosis.likert,
                    diagnosis_correct=score.diagnosis.correct, history_coverage=score.history.coverage,
                    total_cost=score.cost.total, overall=score.overall, detail=score.model_dump(mode="json"))


def episode_row(episode_id: str, run_id: str, i: int, label: str, *, termination: str | None, cost: float,
                status: str | None = None) -> EpisodeRow:
    case, persona, seed = CASES[i % 4], PERSONAS[i % 4], i
    failed = termination in {"doctor_error", "aborted"}
    return EpisodeRow(
        id=episode_id, run_id=run_id, key=f"{case}|{label}|{persona or '-'}|{seed}", case_id=case,
        persona=persona, doctor="checklist", patient="retrieval", gatekeeper="rules",
        agent_config={"doctor": "checklist", "patient": "retrieval", "gatekeeper": "rules",
                      "models": {"doctor": "fake/model"} if label == "best" else {}},
        seed=seed, status=status or ("failed" if failed else "completed"), termination=termination,
        error="boom" if failed else None, diagnosis=None if failed else "STEMI", total_cost=cost,
        n_turns=TURNS_PER_EPISODE, started_at=T0 + timedelta(minutes=i),
        finished_at=None if status == "running" else T0 + timedelta(minutes=i, seconds=30),
        duration_ms=None if status == "running" else 30_000.0,
    )


def turns_for(episode_id: str) -> list[TurnRow]:
    return [
        TurnRow(episode_id=episode_id, index=0, role="patient", kind="opening", text="It hurts, doctor.",
                created_at=T0),
        TurnRow(episode_id=episode_id, index=1, role="doctor", kind="diagnose", text="Diagnosis: STEMI",
                payload={"action": "diagnose", "differential": ["dissection"]}, cost=0.0, created_at=T0),
    ]


def build_fixture_db(url: str) -> None:
    with session(url) as s:
        s.add(RunRow(id=OLD, name="old run", status="completed", spec={}, created_at=T0 - timedelta(days=1)))
        s.add(RunRow(id=MAIN, name="hand-built", status="completed", spec={}, created_at=T0,
                     finished_at=T0 + timedelta(hours=1)))
        s.commit()
        s.add(episode_row("bbbb0000old", OLD, 0, "A", termination="diagnosed", cost=1.0))
        for i, (label, _likert, _coverage, cost, _turns, termination) in enumerate(EPISODES):
            episode_id = f"ep{i:02d}"
            s.add(episode_row(episode_id, MAIN, i, label, termination=termination, cost=cost))
            s.add_all(turns_for(episode_id))
        s.add(episode_row("ep99running", MAIN, 99, "A", termination=None, cost=0.0, status="running"))
        # a collision on purpose: 'aaaa' prefixes both this episode and run MAIN
        s.add(episode_row("aaaa9999ep", OLD, 1, "A", termination="diagnosed", cost=1.0))
        s.commit()
        for i, (_label, likert, coverage, cost, turns, _t) in enumerate(EPISODES):
            if likert is None:
                continue
            if i == 2:  # first scored correct, then re-scored: only the latest score counts
                s.add(score_row(f"ep{i:02d}", make_score(5, 1.0, 9999, 99)))
                s.commit()
            s.add(score_row(f"ep{i:02d}", make_score(likert, coverage, cost, turns)))
            s.commit()


@pytest.fixture(scope="session")
def report_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'hand.db'}"
    build_fixture_db(url)
    return url
