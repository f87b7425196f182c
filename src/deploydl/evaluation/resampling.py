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

#: Indices drawn at once (resamples x applicants x columns): bounds the memory of one block.
#: The block size does not change the draws: numpy draws each index from the seed's stream in
#: turn, so blocks of any size give the same indices (tests/evaluation/test_resampling.py).
_CELLS = 4_000_000


def check_bootstrap(n_resamples: int, level: float | None = None, *,
                    reading: str = "an interval") -> None:
    """Reject bootstrap settings that cannot be read: ``level`` (when given) must be a share,
    and ``n_resamples`` at least 100. ``reading`` names what the resamples are for, in the
    message ("a 95% range", "a breach share")."""
    if level is not None and not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1; got {level}. Use 0.95 for 95%.")
    if n_resamples < 100:
        raise ValueError(f"n_resamples must be at least 100 for {reading}; got "
                         f"{n_resamples}. Use 1000.")


def bootstrap_sums(values, *, n_resamples: int, seed: int) -> np.ndarray:
    """The sum of ``values`` (one row per applicant) over each of ``n_resamples`` bootstrap
    draws: each draw takes as many applicants as ``values`` holds, with replacement, from the
    fixed ``seed``. One value per applicant gives one sum per draw; a column per quantity
    (``values`` of shape applicants x k) gives a row of k sums per draw, all on the same
    applicants."""
    values = np.asarray(values)
    n = len(values)
    rows = max(1, _CELLS // values.size)  # resample in blocks, to bound the memory
    rng = np.random.default_rng(seed)
    return np.concatenate([values[rng.integers(0, n, size=(min(rows, n_resamples - start), n))]
                           .sum(axis=1) for start in range(0, n_resamples, rows)])


def cost_each(y_true, y_score, *, threshold: float, costs: ErrorCosts = DEFAULT_COSTS,
              referral: float = 0.0) -> np.ndarray:
    """Each applicant's cost of error at ``threshold`` (US dollars): a bad loan approved costs
    ``costs.bad_loan_approved``, a good customer referred ``costs.good_customer_turned_away``,
    a right decision nothing. Sums to :attr:`deploydl.evaluation.metrics.Outcomes.cost`.

    ``referral`` is a price paid on every referred applicant on top, good or bad: the
    underwriter's time in Module 07's value case (:mod:`deploydl.communication.value`); Module
    02 leaves it out (0)."""
    y, s = check_inputs(y_true, y_score)
    approved = s < threshold
    return np.where(approved, np.where(y == 1, costs.bad_loan_approved, 0.0),
                    referral + np.where(y == 0, costs.good_customer_turned_away, 0.0))


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
    check_bootstrap(n_resamples, level, reading=f"a {level:.0%} interval")
    b = score_a if score_b is None else score_b
    diff = (cost_each(y_true, score_a, threshold=threshold_a, costs=costs)
            - cost_each(y_true, b, threshold=threshold_b, costs=costs))
    totals = bootstrap_sums(diff, n_resamples=n_resamples, seed=seed)
    low, high = np.quantile(totals, [(1 - level) / 2, (1 + level) / 2])
    return Interval(float(diff.sum()), float(low), float(high), level)


def breach_share(y_true, y_score, *, threshold: float, cap: float, n_resamples: int = 1000,
                 seed: int = 0) -> float:
    """The share of bootstrap batches in which more than ``cap`` of the approved loans default.

    Each batch draws as many applicants as ``y_true`` holds, with replacement; a loan is
    approved when its score is below ``threshold``. Read 0.3 as: a threshold that meets the cap
    on this sample breaks it on about 3 batches in 10 like it.
    """
    check_bootstrap(n_resamples, reading="a breach share")
    if not 0.0 < cap < 1.0:
        raise ValueError(f"cap must be a share between 0 and 1; got {cap}. Use 0.10 for 10%.")
    y, s = check_inputs(y_true, y_score)
    approved = (s < threshold).astype(np.int64)
    counts = bootstrap_sums(np.column_stack([approved, approved * y.astype(np.int64)]),
                            n_resamples=n_resamples, seed=seed)  # approved, bad approved
    n_approved, n_bad = counts[:, 0], counts[:, 1]
    return int((n_bad > cap * np.maximum(n_approved, 1)).sum()) / n_resamples
