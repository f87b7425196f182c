"""How sure is a cost? Paired bootstrap intervals on one set of test applicants (Module 02).

One test set is one sample of the bank's applicants: another batch of the same size would give
other costs. These helpers draw the applicants again with replacement, many times, and read the
spread. Paired means that each draw prices *both* choices (two thresholds, or two models) on the
same applicants, so what they share cancels and only their difference is left to vary.

The per-applicant costs are whole dollars under the course's whole-dollar prices, so every sum
is exact and, with the fixed seed, the intervals are the same on any CPU.
"""

from __future__ import annotations

import numpy as np

from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts, Interval, check_inputs

#: Resamples drawn at once: bounds the memory of the index matrix (rows x applicants).
_BLOCK = 250


def _check(n_resamples: int, level: float = 0.95) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1; got {level}. Use 0.95 for 95%.")
    if n_resamples < 100:
        raise ValueError(f"n_resamples must be at least 100 for a 95% interval; got "
                         f"{n_resamples}. Use 1000.")


def _draws(n: int, n_resamples: int, seed: int):
    """Index matrices of bootstrap draws (each row: ``n`` applicants drawn with replacement)."""
    rng = np.random.default_rng(seed)
    for start in range(0, n_resamples, _BLOCK):
        yield rng.integers(0, n, size=(min(_BLOCK, n_resamples - start), n))


def cost_each(y_true, y_score, *, threshold: float,
              costs: ErrorCosts = DEFAULT_COSTS) -> np.ndarray:
    """Each applicant's cost of error at ``threshold`` (US dollars): a bad loan approved costs
    ``costs.bad_loan_approved``, a good customer referred ``costs.good_customer_turned_away``,
    a right decision nothing. Sums to :attr:`deploydl.evaluation.metrics.Outcomes.cost`."""
    y, s = check_inputs(y_true, y_score)
    approved = s < threshold
    return np.where(approved, np.where(y == 1, costs.bad_loan_approved, 0.0),
                    np.where(y == 0, costs.good_customer_turned_away, 0.0))


def paired_cost_difference(y_true, score_a, score_b=None, *, threshold_a: float,
                           threshold_b: float, costs: ErrorCosts = DEFAULT_COSTS,
                           n_resamples: int = 1000, level: float = 0.95,
                           seed: int = 0) -> Interval:
    """The cost of choice A minus the cost of choice B on the same applicants, with a paired
    bootstrap interval (US dollars on as many applicants as ``y_true`` holds).

    A choice is a model's scores and a threshold: ``score_b`` defaults to ``score_a``, to
    compare two thresholds of one model. A negative estimate means A is cheaper. An interval
    that includes zero means that this test set cannot tell which choice is cheaper: the
    difference is within the noise of sampling the applicants (percentile method, ``level``
    0.95 for a 95% interval).
    """
    _check(n_resamples, level)
    b = score_a if score_b is None else score_b
    diff = (cost_each(y_true, score_a, threshold=threshold_a, costs=costs)
            - cost_each(y_true, b, threshold=threshold_b, costs=costs))
    totals = np.concatenate([diff[idx].sum(axis=1) for idx in _draws(len(diff), n_resamples,
                                                                      seed)])
    low, high = np.quantile(totals, [(1 - level) / 2, (1 + level) / 2])
    return Interval(float(diff.sum()), float(low), float(high), level)


def breach_share(y_true, y_score, *, threshold: float, cap: float, n_resamples: int = 1000,
                 seed: int = 0) -> float:
    """The share of bootstrap batches in which more than ``cap`` of the approved loans default.

    Each batch draws as many applicants as ``y_true`` holds, with replacement; a loan is
    approved when its score is below ``threshold``. Read 0.3 as: a threshold that meets the cap
    on this sample breaks it on about 3 batches in 10 like it.
    """
    _check(n_resamples)
    if not 0.0 < cap < 1.0:
        raise ValueError(f"cap must be a share between 0 and 1; got {cap}. Use 0.10 for 10%.")
    y, s = check_inputs(y_true, y_score)
    approved = (s < threshold).astype(np.int64)
    bad = approved * y.astype(np.int64)
    over = 0
    for idx in _draws(len(y), n_resamples, seed):
        n_approved, n_bad = approved[idx].sum(axis=1), bad[idx].sum(axis=1)
        over += int((n_bad > cap * np.maximum(n_approved, 1)).sum())
    return over / n_resamples
