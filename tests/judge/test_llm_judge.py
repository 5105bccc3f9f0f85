"""The LLM judge against the fake OpenAI-compatible server on 127.0.0.1: structured output, samples and
agreement, the repair prompt, storage beside the rubric's score, and the CLI (`score --judge llm`,
`judge compare`). The fake judge derives its Likert with the deterministic grader, so a faithful fake
verdict equals the rubric's and a `disagree` fault flips it."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from agentsim.cli.app import app
from agentsim.engine.episode import episode_spec, run_episode
from agentsim.judge.agreement import JudgePair, agreement, cohen_kappa
from agentsim.judge.llm import (
    AXES,
    JudgeAxes,
    JudgeOutputError,
    JudgeSample,
    LLMJudgement,
    aggregate,
    ajudge_episode,
    build_messages,
    judge_prompt_hash,
)
from agentsim.judge.stored import judge_stored
from agentsim.model.usage import Usage
from agentsim.store.queries import latest_score, latest_score_row, load_episode, score_rows

JUDGE = "llm:openai/fake-judge"


@pytest.fixture
def stored(db_url):
    """One offline episode (the checklist doctor: a correct diagnosis), stored."""
    return run_episode("chest-pain-stemi", db=db_url)


@pytest.fixture
def cli_env(fake, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake")
    for name in ("AGENTSIM_JUDGE_MODEL", "AGENTSIM_API_BASE", "AGENTSIM_JUDGE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    return fake


def judge(fake, result, **kwargs) -> LLMJudgement:
    from agentsim.cases.library import load_case

    settings = fake.settings("judge", **kwargs.pop("settings", {}))
    return asyncio.run(ajudge_episode(load_case(result.case_id), result.turns, settings=settings, **kwargs))


def test_prompt_holds_the_whole_case_and_the_answer(stemi, stored):
    system, user = build_messages(stemi, stored.turns)
    assert "5-point scale" in system["content"] and "empathy" in system["content"]
    text = user["content"]
    assert f"Correct diagnosis: {stemi.diagnosis.primary}" in text
    assert all(s in text for s in stemi.diagnosis.synonyms)
    assert "Aortic dissection" in text and stemi.diagnosis.key_findings[0] in text
    assert f"The doctor's final diagnosis: {stored.diagnosis}" in text
    assert "Doctor (ask)" in text and "Patient:" in text


def test_structured_output_is_parsed(fake, stored):
    judgement = judge(fake, stored)
    assert judgement.likert == stored.score.diagnosis.likert and judgement.correct is stored.score.diagnosis.correct
    assert set(judgement.axes) == set(AXES) and all(1 <= a.score <= 5 and a.justification
                                                     for a in judgement.axes.values())
    assert judgement.samples and len(judgement.samples) == 1 and judgement.agreement == 1.0 and judgement.spread == 0
    assert judgement.model == "openai/fake-judge" and judgement.prompt_hash == judge_prompt_hash()
    assert judgement.tokens.prompt > 0 and judgement.tokens.completion > 0 and judgement.calls == 1
    (request,) = fake.requests("judge")
    assert request["response_format"] == "json_schema"


def test_k_samples_report_agreement_and_spread(fake, stored):
    fake.configure(faults=["judge:disagree"])  # one of three samples flips its verdict
    judgement = judge(fake, stored, samples=3)
    assert len(judgement.samples) == 3 and judgement.calls == 3
    assert judgement.likert == stored.score.diagnosis.likert  # the modal verdict stands
    assert judgement.agreement == pytest.approx(2 / 3, abs=1e-3)
    assert judgement.spread == stored.score.diagnosis.likert - 1
    assert sorted(s.likert for s in judgement.samples) == [1, 5, 5]


def test_samples_vary_the_seed(fake, stored):
    # a fixed seed would make every sample the same on providers that honour it
    judgement = judge(fake, stored, samples=2, settings={"seed": 7})
    assert len(judgement.samples) == 2


def sample(likert: int, axis: int = 3) -> JudgeSample:
    axes = {name: {"justification": f"{name} {axis}", "score": axis} for name in AXES}
    return JudgeSample(justification=f"grade {likert}", likert=likert, axes=JudgeAxes.model_validate(axes))


def test_aggregate_ties_go_to_the_lower_grade_and_axes_take_the_median():
    judgement = aggregate([sample(5, 4), sample(2, 2), sample(5, 5), sample(2, 1)], Usage(), model="m", threshold=4)
    assert judgement.likert == 2 and not judgement.correct and judgement.justification == "grade 2"
    assert judgement.agreement == 0.5 and judgement.spread == 3
    assert judgement.axes["empathy"].score == 2  # median_low of 1, 2, 4, 5


def test_one_invalid_reply_is_repaired(fake, stored):
    fake.configure(faults=["judge:bad_json"])
    judgement = judge(fake, stored)
    assert judgement.likert == stored.score.diagnosis.likert and judgement.calls == 2
    first, second = fake.requests("judge")
    assert first["fault"] == "bad_json" and second["messages"] == first["messages"] + 2  # reply + repair prompt


def test_two_invalid_replies_are_a_clear_error(fake, stored):
    fake.configure(faults=["judge:bad_json", "judge:bad_json"])
    with pytest.raises(JudgeOutputError, match=r"unusable after one repair prompt \(it is not valid JSON"):
        judge(fake, stored)
    fake.configure(judge_reply={"justification": "x", "likert": 9, "axes": {}})  # JSON, but not the schema
    with pytest.raises(JudgeOutputError, match="does not match the schema: likert"):
        judge(fake, stored)


def test_stored_beside_the_rubric_score(fake, stored, db_url):
    fake.configure(judge_reply={"justification": "close but not it", "likert": 3, "axes": {
        name: {"justification": "fine", "score": 4} for name in AXES}})
    (both,) = judge_stored([stored.episode_id], db=db_url, settings=fake.settings("judge"))
    rows = score_rows(stored.episode_id, db=db_url)
    assert [r.judge for r in rows] == ["rubric", JUDGE]
    rubric_row, llm_row = rows
    assert (llm_row.diagnosis_likert, llm_row.diagnosis_correct) == (3, False)
    assert (rubric_row.diagnosis_likert, rubric_row.diagnosis_correct) == (5, True)
    # the deterministic figures are reused; only the diagnosis (and so overall) differ
    assert llm_row.history_coverage == rubric_row.history_coverage and llm_row.total_cost == rubric_row.total_cost
    assert llm_row.overall < rubric_row.overall
    stored_judgement = LLMJudgement.model_validate(llm_row.detail["llm"])
    assert stored_judgement == both.judgement and stored_judgement.axes["empathy"].score == 4
    # the deterministic judge stays the default for every reader; the LLM's row is there by name
    assert load_episode(stored.episode_id, db=db_url).score.judge == "rubric"
    assert latest_score(stored.episode_id, db=db_url).diagnosis.likert == 5
    assert latest_score(stored.episode_id, db=db_url, judge=JUDGE).diagnosis.likert == 3


def test_cli_score_with_the_llm_judge(cli_env, stored, db_url):
    out = CliRunner().invoke(app, ["score", stored.episode_id[:8], "--db", db_url, "--judge", "llm", "--judge-model",
                                   "openai/fake-judge", "--api-base", cli_env.api_base, "--judge-samples", "2",
                                   "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["score"]["judge"] == JUDGE and data["llm"]["likert"] == data["score"]["diagnosis_likert"] == 5
    assert len(data["llm"]["samples"]) == 2 and data["llm"]["agreement"] == 1.0
    assert latest_score_row(stored.episode_id, db=db_url, judge=JUDGE) is not None
    human = CliRunner().invoke(app, ["score", stored.episode_id, "--db", db_url, "--judge", "llm", "--judge-model",
                                     "openai/fake-judge", "--api-base", cli_env.api_base, "--no-save"])
    assert human.exit_code == 0, human.output
    assert "LLM judge" in human.output and "Empathy" in human.output
    assert len(score_rows(stored.episode_id, db=db_url)) == 2  # --no-save stored nothing


def test_cli_score_uses_the_judge_model_recorded_with_the_episode(cli_env, db_url, monkeypatch):
    monkeypatch.setenv("AGENTSIM_JUDGE_API_BASE", cli_env.api_base)  # the run judges inline with it too
    result = run_episode("renal-colic", db=db_url, judge_model="openai/fake-judge")
    assert [s.judge for s in result.judged] == ["llm:openai/fake-judge"] and result.judged[0].failed is None
    out = CliRunner().invoke(app, ["score", result.episode_id, "--db", db_url, "--judge", "llm",
                                   "--api-base", cli_env.api_base, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["llm"]["model"] == "openai/fake-judge"


def test_cli_score_without_a_judge_model_is_one_clear_line(cli_env, stored, db_url):
    out = CliRunner().invoke(app, ["score", stored.episode_id, "--db", db_url, "--judge", "llm"])
    assert out.exit_code != 0 and "no model for the judge" in str(out.exception)


def llm_doctor_episode(fake, db_url, run_id=None):
    """An episode whose diagnosis is wrong: the fake LLM doctor says 'acute coronary syndrome' (Likert 3)."""
    spec = episode_spec("chest-pain-stemi", doctor="llm", doctor_options=fake.options("doctor"), max_turns=10)
    return run_episode(spec.model_copy(update={"run_id": run_id}), db=db_url)


def compare(fake, db_url, *targets):
    out = CliRunner().invoke(app, ["judge", "compare", *targets, "--db", db_url, "--judge-model",
                                   "openai/fake-judge", "--api-base", fake.api_base, "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_cli_judge_compare_agreeing_judges(cli_env, stored, db_url):
    wrong = llm_doctor_episode(cli_env, db_url)
    data = compare(cli_env, db_url, stored.episode_id, wrong.episode_id[:10])
    assert data["models"] == ["openai/fake-judge"]
    assert [(e["rubric_likert"], e["llm_likert"]) for e in data["episodes"]] == [(5, 5), (3, 3)]
    assert data["agreement"] == {"n": 2, "likert_exact": 1.0, "likert_within_one": 1.0, "correct_agreement": 1.0,
                                 "kappa": 1.0, "rubric_correct": 1, "llm_correct": 1}
    assert {r.judge for r in score_rows(wrong.episode_id, db=db_url)} == {"rubric", JUDGE}


def test_cli_judge_compare_a_run_with_a_disagreeing_judge(cli_env, db_url):
    from agentsim.store.runs import create_run

    create_run(run_id="run-compare", name="compare", spec={}, db=db_url)
    run_episode(episode_spec("chest-pain-stemi").model_copy(update={"run_id": "run-compare"}), db=db_url)
    llm_doctor_episode(cli_env, db_url, run_id="run-compare")
    cli_env.configure(faults=["judge:disagree"])  # whichever episode is judged first gets the flipped verdict
    data = compare(cli_env, db_url, "run-compare")
    summary = data["agreement"]
    assert summary["n"] == 2 and summary["likert_exact"] == 0.5 and summary["correct_agreement"] == 0.5
    assert summary["kappa"] == 0.0  # one judge says the same for both: agreement no better than chance
    human = CliRunner().invoke(app, ["judge", "compare", "run-compare", "--db", db_url, "--judge-model",
                                     "openai/fake-judge", "--api-base", cli_env.api_base, "--no-save"])
    assert human.exit_code == 0, human.output
    assert "exact Likert agreement 100%" in human.output and "Cohen's kappa on correct 1.00" in human.output


def test_cohen_kappa():
    assert cohen_kappa([True, True, False, False], [True, False, False, False]) == pytest.approx(0.5)
    assert cohen_kappa([True, False], [False, True]) == pytest.approx(-1.0)
    assert cohen_kappa([True, True], [True, True]) is None  # chance explains everything: undefined
    assert cohen_kappa([], []) is None
    pairs = [JudgePair(episode_id=str(i), case_id="c", rubric_likert=r, rubric_correct=r >= 4, llm_likert=m,
                       llm_correct=m >= 4) for i, (r, m) in enumerate([(5, 5), (4, 3), (2, 1), (1, 1)])]
    summary = agreement(pairs)
    assert (summary.likert_exact, summary.likert_within_one, summary.correct_agreement) == (0.5, 1.0, 0.75)
    assert summary.kappa == pytest.approx(0.5)


def test_the_llm_judge_scores_inside_a_batch_and_a_failed_call_is_recorded_as_failed(cli_env, db_url, monkeypatch):
    """`judge_model` in a batch: every finished episode gets the rubric's score and the LLM judge's; when the
    judge's calls keep failing, its row says failed (no verdict), and the rubric's score stands."""
    from agentsim.batch.runner import run_batch
    from agentsim.batch.spec import BatchSpec
    from agentsim.store.queries import list_episodes

    monkeypatch.setenv("AGENTSIM_JUDGE_API_BASE", cli_env.api_base)
    monkeypatch.setenv("AGENTSIM_LLM_MAX_RETRIES", "1")
    spec = BatchSpec(cases=["chest-pain-stemi", "renal-colic"], judge_model="openai/fake-judge", concurrency=1)
    cli_env.configure(faults=["judge:500", "judge:500"])  # the first episode's judge: both attempts fail
    outcome = asyncio.run(run_batch(spec, db=db_url))
    assert outcome.progress.done == 2
    rows = {e.case_id: {r.judge: r for r in score_rows(e.id, db=db_url)} for e in list_episodes(db=db_url)}
    assert all(set(judges) == {"rubric", JUDGE} for judges in rows.values())
    failed = [case for case, judges in rows.items() if judges[JUDGE].detail.get("failed")]
    graded = [case for case, judges in rows.items() if not judges[JUDGE].detail.get("failed")]
    assert len(failed) == 1 and len(graded) == 1
    assert "gave up after 2 attempts" in rows[failed[0]][JUDGE].detail["failed"]
    assert rows[graded[0]][JUDGE].detail["llm"]["likert"] in range(1, 6)
    assert all(judges["rubric"].detail.get("failed") is None for judges in rows.values())
