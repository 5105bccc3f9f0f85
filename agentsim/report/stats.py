"""Pure statistics for reports: no database, no I/O. Everything here is deterministic for a given input."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

CORRECT_LIKERT = 4  # SDBench: a diagnosis graded 4 or 5 on the 5-point scale counts as correct
CI_LEVEL = 0.95
CI_RESAMPLES = 2000
CI_SEED = 20240601  # fixed, so the same run always reports the same interval


def is_correct(likert: int | None) -> bool:
    """An unscored episode (aborted before the judge ran) is not a correct diagnosis."""
    return likert is not None and likert >= CORRECT_LIKERT


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that are present; None when there are none (never a misleading 0)."""
    present = [float(v) for v in values if v is not None]
    return math.fsum(present) / len(present) if present else None


def bootstrap_ci(outcomes: Sequence[float], *, level: float = CI_LEVEL, resamples: int = CI_RESAMPLES,
                 seed: int = CI_SEED) -> tuple[float, float] | None:
    """Percentile bootstrap interval for the mean of `outcomes` (0/1 for accuracy).

    Resamples the episodes with replacement `resamples` times and takes the (1-level)/2 and (1+level)/2
    percentiles of the resampled means. A fresh generator per call keeps each group's interval independent
    of which other groups happen to be in the report."""
    if not outcomes:
        return None
    import numpy as np  # lazy: keeps `import agentsim.report` light for the CLI's --help and the API

    data = np.asarray(outcomes, dtype=float)
    rng = np.random.default_rng(seed)
    # in blocks of about a million draws: 2,000 resamples of a 10,000-episode group would otherwise need a
    # 160 MB index array at once
    block = max(1, 1_000_000 // len(data))
    means = np.concatenate([data[rng.integers(0, len(data), size=(min(block, resamples - start), len(data)))]
                            .mean(axis=1) for start in range(0, resamples, block)])
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    # clamp float noise so an all-correct group reads exactly [1, 1]
    return float(min(max(low, data.min()), data.max())), float(min(max(high, data.min()), data.max()))


def pareto_frontier(points: Mapping[str, tuple[float, float]]) -> list[str]:
    """Names of the non-dominated points, cheapest first. A point is (cost, accuracy); another dominates
    it when it costs no more and is at least as accurate, and is strictly better on one of the two.
    Identical points dominate neither, so both stay on the frontier."""
    def dominated(cost: float, acc: float) -> bool:
        return any(c <= cost and a >= acc and (c < cost or a > acc) for c, a in points.values())

    front = [name for name, (cost, acc) in points.items() if not dominated(cost, acc)]
    return sorted(front, key=lambda name: (points[name][0], -points[name][1], name))


def pass_k(tasks: Sequence[Sequence[bool]], *, k: int) -> tuple[float, float] | None:
    """(pass^k, pass@k) over the tasks that have all k repeats: the share correct in every repeat, and in
    at least one (tau2-bench's reliability measure beside mean accuracy). None when no task has k."""
    full = [outcomes for outcomes in tasks if len(outcomes) >= k]
    if not full:
        return None
    return (sum(all(o[:k]) for o in full) / len(full), sum(any(o[:k]) for o in full) / len(full))
