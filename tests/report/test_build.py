"""build_report and plot_pareto on the hand-built run (figures in conftest.py)."""

from __future__ import annotations

import json

import pytest

from agentsim.errors import NotFoundError
from agentsim.report import RunReport, build_report, plot_pareto
from agentsim.report.data import episode_records, split_key
from agentsim.report.model import GroupStats
from tests.report.conftest import MAIN, OLD


@pytest.fixture(scope="module")
def report(report_db) -> RunReport:
    return build_report(MAIN, db=report_db)


def doctor(report: RunReport, name: str) -> GroupStats:
    return next(g for g in report.by_doctor if g.name == name)


def test_header_counts_every_episode_of_the_run_and_only_that_run(report):
    assert (report.run_id, report.name, report.status) == (MAIN, "hand-built", "completed")
    assert (report.episodes, report.completed, report.failed, report.running) == (14, 11, 2, 1)
    assert report.total_cost == 400 + 600 + 500 + 500 + 300 + 300 + 200 + 400 + 900 + 600 + 300 + 2000 + 2000


def test_doctor_a_figures_are_exact(report):
    a = doctor(report, "A")
    assert (a.n, a.scored, a.correct, a.failures) == (4, 4, 3, 0)  # the running episode is left out
    assert a.accuracy == 0.75
    assert a.mean_likert == 4.0  # (5 + 4 + 2 + 5) / 4: the re-score (2) replaced the first score (5)
    assert a.mean_coverage == 0.75
    assert a.mean_cost == 500.0
    assert a.mean_turns == 10.0
    assert (a.ci_low, a.ci_high) == (0.25, 1.0)


def test_doctor_b_figures_are_exact(report):
    b = doctor(report, "B")
    assert (b.n, b.correct, b.accuracy, b.failures) == (4, 1, 0.25, 0)
    assert (b.mean_likert, b.mean_coverage, b.mean_cost, b.mean_turns) == (2.5, 0.5, 300.0, 6.0)
    assert (b.ci_low, b.ci_high) == (0.0, 0.75)


def test_failures_count_in_the_denominator_and_unscored_ones_only_there(report):
    c = doctor(report, "C|v2")  # a label containing the key's separator is read back whole
    assert (c.n, c.scored, c.correct, c.failures) == (3, 2, 1, 2)
    assert c.accuracy == pytest.approx(1 / 3)
    assert c.mean_likert == 3.0 and c.mean_coverage == 0.5 and c.mean_turns == 6.0
    assert c.mean_cost == 600.0  # (900 + 600 + 300 logged by the aborted episode) / 3


def test_all_correct_gives_a_degenerate_ci(report):
    best = doctor(report, "best")
    assert (best.accuracy, best.ci_low, best.ci_high) == (1.0, 1.0, 1.0)


def test_pareto_frontier_membership(report):
    assert report.frontier == ["B", "A", "best"]
    assert {g.name: g.on_frontier for g in report.by_doctor} == {"A": True, "B": True, "C|v2": False,
                                                                 "best": True}
    assert all(g.on_frontier is None for g in report.by_specialty + report.by_persona)


def test_groups_by_specialty_and_persona(report):
    specialties = {g.name: g.n for g in report.by_specialty}
    assert specialties == {"cardiology": 7, "renal-urology": 3, "unknown": 3}  # ghost-case has no case file
    personas = {g.name: (g.n, g.correct) for g in report.by_persona}
    # even positions have no persona: Likert 5 2 | 4 2 | 5 - | 5 -> 7 episodes, 4 correct;
    # odd ones: 4 5 | 1 3 | 1 | 5 -> 6 episodes, 3 correct
    assert personas == {"none": (7, 4), "anxious-catastrophiser": (6, 3)}
    assert sum(g.n for g in report.by_doctor) == 13


def test_report_is_deterministic_and_json_serialisable(report, report_db):
    again = build_report(MAIN, db=report_db)
    assert again == report
    body = json.loads(json.dumps(report.model_dump(mode="json")))
    assert RunReport.model_validate(body) == report
    assert body["ci"] == {"method": "percentile-bootstrap", "level": 0.95, "resamples": 2000,
                          "seed": body["ci"]["seed"]}


def test_run_is_found_by_prefix_and_latest(report_db, report):
    assert build_report("latest", db=report_db) == report
    assert build_report(MAIN[:6], db=report_db) == report
    assert build_report(OLD, db=report_db).episodes == 2
    with pytest.raises(NotFoundError):
        build_report("ffff", db=report_db)


def test_records_carry_case_facts_and_the_latest_score(report_db):
    records = {r.episode_id: r for r in episode_records(MAIN, db=report_db)}
    assert records["ep02"].likert == 2 and records["ep02"].correct is False and records["ep02"].cost == 500
    assert (records["ep00"].specialty, records["ep00"].difficulty) == ("cardiology", 1)
    assert records["ep02"].specialty is None  # ghost-case
    assert records["ep10"].likert is None and records["ep10"].correct is None and records["ep10"].cost == 300
    assert records["ep11"].doctor_model == "fake/model"


def test_split_key():
    assert split_key("renal-colic|gpt|x@y|-|3") == ("gpt|x@y", None, 3)
    assert split_key("renal-colic|A|anxious|0") == ("A", "anxious", 0)
    assert split_key(None) is None and split_key("no-key") is None and split_key("a|b|c|x") is None


def test_plot_png_and_svg_are_real_files(report, tmp_path):
    png = plot_pareto(report, tmp_path / "pareto.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plot_pareto(report, tmp_path / "sub" / "pareto.svg")
    text = svg.read_text()
    assert text.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in text
    assert "Pareto frontier" in text and "C|v2" in text  # legend and point labels are drawn as text
    assert plot_pareto(report, tmp_path / "again.svg").read_text() == text  # reproducible bytes


def test_plot_refuses_other_suffixes_and_copes_with_an_empty_run(report, tmp_path):
    from agentsim.errors import UserError

    with pytest.raises(UserError, match=".png or .svg"):
        plot_pareto(report, tmp_path / "pareto.pdf")
    empty = report.model_copy(update={"by_doctor": [], "frontier": []})
    assert plot_pareto(empty, tmp_path / "empty.png").read_bytes()[:4] == b"\x89PNG"
