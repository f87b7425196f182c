"""Fairness of decisions by group, and two ways to mitigate bias (Module 03).

Vocabulary, used the same way everywhere in the course:

* ``y_true`` is the outcome that deserves selection (1 = the applicant repaid);
* ``y_pred`` is the decision (1 = selected, e.g. the loan was approved);
* ``groups`` holds each person's group under a protected attribute (e.g. ``age_band``);
* ``scores`` are the model's approval scores (higher = more likely to be selected); a person
  is selected when their score is at or above the threshold.

Rates are shares between 0 and 1 (0.62 = 62% of the group). Summary measures compare the
best-off and the worst-off group, so they do not depend on which group is called "reference".
The numbers match fairlearn's (checked in the tests); this module adds the wording, the
errors and the mitigations the course teaches.

The code lives in two modules beside this one:

* :mod:`~deploydl.responsible.fairness_metrics`: rates by group, the selection ratio and its
  range, :func:`metric_by_group` and the summary measures (:func:`fairness_summary`).
* :mod:`~deploydl.responsible.mitigation_methods`: reweighing, group thresholds and the
  trade-off curve.
"""

from __future__ import annotations

from deploydl.responsible.fairness_metrics import (
    FOUR_FIFTHS,
    RANGE_RESAMPLES,
    RANGE_SEED,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    fairness_summary,
    metric_by_group,
    rates_by_group,
    selection_rates,
    selection_ratio,
    selection_ratio_range,
    selection_ratios,
)
from deploydl.responsible.mitigation_methods import (
    apply_thresholds,
    parity_thresholds,
    reweighing_weights,
    tradeoff_curve,
)

__all__ = [
    "FOUR_FIFTHS", "RANGE_RESAMPLES", "RANGE_SEED", "apply_thresholds",
    "demographic_parity_difference", "demographic_parity_ratio", "equal_opportunity_difference",
    "equalized_odds_difference", "fairness_summary", "metric_by_group", "parity_thresholds",
    "rates_by_group", "reweighing_weights", "selection_ratio", "selection_ratio_range",
    "selection_rates", "selection_ratios", "tradeoff_curve",
]
