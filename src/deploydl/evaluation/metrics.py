"""Model evaluation in business terms (Module 02): the one place to import it from.

The labels are 1 for a loan that defaulted and 0 for one that was repaid; a score is a model's
probability of default. A loan is **referred** to an underwriter (not approved at once) when its
score is at or above the threshold and **approved** otherwise, as in
:func:`deploydl.models.describe_risk`.

The metrics match scikit-learn's (tests check to 1e-12), but every function here validates its
input once and says what to fix. The threshold and the cost of each kind of error are business
choices: :class:`ErrorCosts` states the money assumptions, :func:`threshold_sweep` shows the
trade-off, and :func:`cost_minimising_threshold` finds the cheapest point on given applicants
(in hindsight, when they are the test set). The decision threshold itself is picked by one rule,
:func:`deploydl.evaluation.decision.decision_threshold`, without the test set.

The code lives in four modules beside this one:

* :mod:`~deploydl.evaluation.classification`: checked inputs, accuracy, precision, recall, F1,
  ROC AUC, :func:`score` and :func:`scorecard`.
* :mod:`~deploydl.evaluation.costs`: :class:`ErrorCosts`, the confusion matrix in business
  words (:class:`Outcomes`) and the threshold sweep.
* :mod:`~deploydl.evaluation.intervals` and :mod:`~deploydl.evaluation.cross_validation`: how
  sure a metric is: bootstrap intervals, cross-validation and the fold-by-fold comparison.
* :mod:`~deploydl.evaluation.model_comparison`: models side by side and the accuracy paradox.
"""

from __future__ import annotations

from deploydl.evaluation.classification import (
    METRICS,
    ProbabilityModel,
    accuracy,
    check_inputs,
    f1,
    precision,
    rank_sum_auc,
    recall,
    roc_auc,
    score,
    scorecard,
)
from deploydl.evaluation.costs import (
    DECISIONS,
    DEFAULT_COSTS,
    THRESHOLDS,
    ErrorCosts,
    Outcomes,
    cost_minimising_threshold,
    nearest_threshold,
    outcomes,
    threshold_sweep,
)
from deploydl.evaluation.cross_validation import (
    CVResult,
    FoldComparison,
    compare_folds,
    cross_validate,
)
from deploydl.evaluation.intervals import Interval, bootstrap_ci
from deploydl.evaluation.model_comparison import (
    accuracy_paradox,
    compare_models,
    comparison_for_people,
)

__all__ = [
    "DECISIONS", "DEFAULT_COSTS", "METRICS", "THRESHOLDS", "CVResult", "ErrorCosts",
    "FoldComparison", "Interval", "Outcomes", "ProbabilityModel", "accuracy", "accuracy_paradox",
    "bootstrap_ci", "check_inputs", "compare_folds", "compare_models", "comparison_for_people",
    "cost_minimising_threshold", "cross_validate", "f1", "nearest_threshold", "outcomes",
    "precision", "rank_sum_auc", "recall", "roc_auc", "score", "scorecard", "threshold_sweep",
]
