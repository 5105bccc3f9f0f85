"""The pure statistics, on inputs whose answers can be worked out by hand."""

from __future__ import annotations

import pytest

from agentsim.report import stats


def test_correct_means_likert_four_or_five_and_unscored_is_not_correct():
    assert [stats.is_correct(x) for x in (1, 2, 3, 4, 5, None)] == [False, False, False, True, True, False]


def test_mean_skips_missing_values_and_is_none_when_empty():
    assert stats.mean([1, 2, None, 3]) == 2.0
    assert stats.mean([0.1] * 10) == pytest.approx(0.1)
    assert stats.mean([]) is None and stats.mean([None]) is None


@pytest.mark.parametrize(("outcomes", "expected"), [
    ([1.0] * 7, (1.0, 1.0)),           # every resample is all-correct
    ([0.0] * 5, (0.0, 0.0)),
    ([1.0], (1.0, 1.0)),               # one episode: nothing to resample
    ([0.0, 1.0], (0.0, 1.0)),          # resampled means 0, .5, 1 with p .25, .5, .25: both tails reach the ends
    # 3 of 4: P(mean 0) = .004 < 2.5% < P(mean <= .25) = .051, and P(mean 1) = .32 > 2.5%
    ([1.0, 1.0, 0.0, 1.0], (0.25, 1.0)),
    ([0.0, 0.0, 1.0, 0.0], (0.0, 0.75)),
])
def test_bootstrap_ci_on_cases_worked_out_by_hand(outcomes, expected):
    assert stats.bootstrap_ci(outcomes) == expected


def test_bootstrap_ci_is_reproducible_and_seeded():
    outcomes = [1.0] * 13 + [0.0] * 7
    first = stats.bootstrap_ci(outcomes)
    assert first == stats.bootstrap_ci(outcomes)
    low, high = first
    assert 0 < low < 13 / 20 < high < 1
    other_seeds = {stats.bootstrap_ci(outcomes, seed=s) for s in range(1, 6)}
    assert all(abs(a - low) <= 0.1 and abs(b - high) <= 0.1 for a, b in other_seeds)


def test_bootstrap_ci_narrows_with_more_episodes_and_widens_with_level():
    small = stats.bootstrap_ci([1.0, 0.0] * 5)
    large = stats.bootstrap_ci([1.0, 0.0] * 200)
    assert large[1] - large[0] < small[1] - small[0]
    wide = stats.bootstrap_ci([1.0, 0.0] * 200, level=0.99)
    assert wide[0] <= large[0] and wide[1] >= large[1]


def test_bootstrap_ci_of_nothing_is_none():
    assert stats.bootstrap_ci([]) is None


def test_pareto_frontier_keeps_the_non_dominated_cheapest_first():
    points = {"A": (500, 0.75), "B": (300, 0.25), "C": (600, 1 / 3), "best": (2000, 1.0)}
    assert stats.pareto_frontier(points) == ["B", "A", "best"]


def test_pareto_frontier_edge_cases():
    # equal cost: the more accurate one dominates; equal accuracy: the cheaper one dominates
    assert stats.pareto_frontier({"x": (100, 0.5), "y": (100, 0.6)}) == ["y"]
    assert stats.pareto_frontier({"x": (100, 0.5), "y": (90, 0.5)}) == ["y"]
    # identical points dominate neither
    assert stats.pareto_frontier({"x": (100, 0.5), "y": (100, 0.5)}) == ["x", "y"]
    # one doctor is always its own frontier; none gives none
    assert stats.pareto_frontier({"solo": (0, 0)}) == ["solo"]
    assert stats.pareto_frontier({}) == []
