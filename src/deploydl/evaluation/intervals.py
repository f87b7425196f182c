"""How sure is a metric on one test set (Module 02): a percentile bootstrap confidence
interval. Import it from :mod:`deploydl.evaluation.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deploydl.evaluation.classification import _metric, check_inputs


@dataclass(frozen=True)
class Interval:
    """A metric's estimate with a confidence interval (``level``, e.g. 0.95 for 95%)."""

    estimate: float
    low: float
    high: float
    level: float

    def __str__(self) -> str:
        return f"{self.estimate:.3f} ({self.level:.0%} CI {self.low:.3f} to {self.high:.3f})"


def bootstrap_ci(y_true, y_score, *, metric: str = "roc_auc", threshold: float = 0.5,
                 n_resamples: int = 1000, level: float = 0.95, seed: int = 0) -> Interval:
    """Percentile bootstrap interval for a metric on one test set.

    Resamples the rows with replacement, within each class (so every resample has both), and
    takes the middle ``level`` of the resampled metric. Read a 95% interval as a range built so
    that, over many test sets, it contains the true value 95 times in 100 (approximately: the
    bootstrap is an approximation). It does not say where the metric would fall on 95 of 100
    other samples.
    """
    from deploydl.evaluation.resampling import check_bootstrap  # it imports this module

    check_bootstrap(n_resamples, level)
    fn = _metric(metric)
    y, s = check_inputs(y_true, y_score)
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == 0), np.flatnonzero(y == 1)]
    values = np.empty(n_resamples)
    for i in range(n_resamples):
        idx = np.concatenate([rng.choice(g, len(g)) for g in groups])
        values[i] = fn(y[idx], s[idx], threshold)
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return Interval(fn(y, s, threshold), float(low), float(high), level)
