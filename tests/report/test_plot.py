"""Issue item 5: a colour per doctor with a legend off the plot, labels that never overlap, short names."""

from __future__ import annotations

import itertools

import pytest

from agentsim.report.model import GroupStats, RunReport
from agentsim.report.plot import display_name, draw_pareto, render_pareto

pytest.importorskip("matplotlib", reason="plots need the reports extra (matplotlib)")


def crowded(n: int = 6) -> RunReport:
    """n doctors within $50 and 10 points of each other: their labels would pile up at one spot."""
    from datetime import UTC, datetime

    doctors = [GroupStats(name=f"doctor-{i}-with-a-long-label", n=10, scored=10, correct=5 + i % 2,
                          accuracy=0.5 + 0.02 * i, ci_low=0.3, ci_high=0.7, mean_likert=3.0, mean_coverage=0.5,
                          mean_cost=400.0 + 10 * i, mean_turns=5.0, failures=0, on_frontier=i % 2 == 0)
               for i in range(n)]
    return RunReport(run_id="c" * 32, name="crowded", status="completed", created_at=datetime(2025, 1, 1, tzinfo=UTC),
                     finished_at=None, episodes=10 * n, completed=10 * n, failed=0, running=0, total_cost=0.0,
                     by_doctor=doctors, by_specialty=[], by_persona=[],
                     frontier=[d.name for d in doctors if d.on_frontier])


def test_labels_never_overlap_and_the_legend_is_outside_the_axes():
    fig, labels = draw_pareto(crowded())
    assert labels, "at least the clear labels are drawn"
    for (a, box_a), (b, box_b) in itertools.combinations(labels, 2):
        assert not box_a.overlaps(box_b), (a, b)
    (ax,) = fig.axes
    legend = ax.get_legend()
    renderer = fig.canvas.get_renderer()
    assert legend.get_window_extent(renderer).x0 >= ax.get_window_extent(renderer).x1  # beside, not on it
    named = {t.get_text() for t in legend.get_texts()}
    assert {f"doctor-{i}-with-a-long-label" for i in range(6)} <= {n.removesuffix(" *") for n in named}


def test_one_colour_per_doctor():
    fig, _ = draw_pareto(crowded())
    (ax,) = fig.axes
    colours = {tuple(line.get_color()) if not isinstance(line.get_color(), str) else line.get_color()
               for line in ax.get_lines() if line.get_marker() == "o"}
    assert len(colours) == 6


def test_display_names_cut_plugin_paths_to_their_short_reference():
    assert display_name("/home/me/agents/minimal_doctor.py:MinimalDoctor") == "minimal_doctor.py:MinimalDoctor"
    assert display_name("C:\\agents\\mine.py:Mine") == "mine.py:Mine"
    assert display_name("my_package.doctors:Careful") == "my_package.doctors:Careful"  # no path: as written
    assert display_name("gpt-4o-mini") == "gpt-4o-mini"
    assert display_name("llm@openai/gpt-4o") == "llm@openai/gpt-4o"
    report = crowded(1)
    report.by_doctor[0].name = "/long/path/to/mine.py:Mine"
    svg = render_pareto(report, fmt="svg").decode()
    assert "mine.py:Mine" in svg and "/long/path" not in svg
