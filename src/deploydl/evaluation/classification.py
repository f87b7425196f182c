"""Classification metrics from labels and scores (Module 02): accuracy, precision, recall, F1
and ROC AUC, each checked at the boundary with a message that says what to fix.

The labels are 1 for a loan that defaulted and 0 for one that was repaid; a score is a model's
probability of default. A loan is **referred** to an underwriter when its score is at or above
the threshold and **approved** otherwise. The metrics match scikit-learn's (tests check to
1e-12). Import them from :mod:`deploydl.evaluation.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

#: The metric names that :func:`score`, :func:`bootstrap_ci` and :func:`cross_validate` accept.
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")


class ProbabilityModel(Protocol):
    """Any model with ``predict_proba(rows)``: the course's networks, a calibrated model, or a
    scikit-learn estimator (whose array has a column per class)."""

    def predict_proba(self, rows: Any, /) -> np.ndarray: ...


def check_inputs(y_true, y_score, *, score_name: str = "y_score") -> tuple[np.ndarray, np.ndarray]:
    """Validate labels and scores once, at the boundary; return them as numpy arrays.

    Raises ``ValueError`` naming the problem: different lengths, labels other than 0/1, only
    one class in the labels (no metric of errors can be computed), or scores that are NaN or
    infinite.
    """
    y = np.asarray(y_true).ravel()
    s = np.asarray(y_score, dtype=float).ravel()
    if len(y) != len(s):
        raise ValueError(f"y_true has {len(y)} labels but {score_name} has {len(s)} values; "
                         f"pass one {score_name} value per label, in the same order.")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"y_true must hold 0 (repaid) and 1 (defaulted); got the values "
                         f"{sorted(set(np.unique(y).tolist()))[:5]}. Encode the label as 0/1.")
    if len(np.unique(y)) < 2:
        raise ValueError(f"y_true holds a single class ({int(y[0]) if len(y) else 'empty'}): "
                         f"the errors of a model cannot be measured without both repaid and "
                         f"defaulted loans. Evaluate on a larger or stratified sample.")
    if not np.isfinite(s).all():
        bad = int((~np.isfinite(s)).sum())
        raise ValueError(f"{score_name} has {bad} non-finite values (NaN or infinite); fix the "
                         f"model's input data or drop those rows before evaluating.")
    return y.astype(int), s


def _check_predictions(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y, p = check_inputs(y_true, y_pred, score_name="y_pred")
    if not np.isin(p, (0, 1)).all():
        raise ValueError(f"y_pred must hold decisions 0/1; got values such as "
                         f"{p[~np.isin(p, (0, 1))][0]:.3g}. Apply a threshold to scores first, "
                         f"e.g. (scores >= 0.5).astype(int).")
    return y, p.astype(int)


def _counts(y: np.ndarray, p: np.ndarray) -> tuple[int, int, int, int]:
    """(true negatives, false positives, false negatives, true positives)."""
    tp = int(np.sum((y == 1) & (p == 1)))
    fp = int(np.sum((y == 0) & (p == 1)))
    fn = int(np.sum((y == 1) & (p == 0)))
    return len(y) - tp - fp - fn, fp, fn, tp


def _accuracy(y, p) -> float:
    return float(np.mean(y == p))


def _precision(y, p) -> float:
    _, fp, _, tp = _counts(y, p)
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(y, p) -> float:
    _, _, fn, tp = _counts(y, p)
    return tp / (tp + fn)


def _f1(y, p) -> float:
    _, fp, fn, tp = _counts(y, p)
    return 2 * tp / (2 * tp + fp + fn)


def rank_sum_auc(labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The ROC AUC of ``scores`` against ``labels`` (1 = defaulted, 0 = repaid) along the last
    axis: one AUC for one set of loans, one per row for a 2-D array of sets.

    It is the rank sum (Mann-Whitney U) form: the defaulters' ranks among all scores, less the
    least they can add up to, over the pairs of a defaulter and a repayer. Tied scores share
    their mean rank, so a tied pair counts half. The input is taken as checked: 0/1 labels,
    finite scores, both outcomes on every row (:func:`roc_auc` checks its own).
    """
    from scipy.stats import rankdata

    ranks = rankdata(scores, axis=-1)
    positive = labels.sum(axis=-1)
    negative = labels.shape[-1] - positive
    return ((ranks * labels).sum(axis=-1) - positive * (positive + 1) / 2) / (positive * negative)


def _roc_auc(y, s) -> float:
    return float(rank_sum_auc(y, s))


def accuracy(y_true, y_pred) -> float:
    """Share of decisions that were right (0..1). Misleading on imbalanced data (Module 02)."""
    return _accuracy(*_check_predictions(y_true, y_pred))


def precision(y_true, y_pred) -> float:
    """Of the loans referred, the share that would really have defaulted (0..1; 0 if none)."""
    return _precision(*_check_predictions(y_true, y_pred))


def recall(y_true, y_pred) -> float:
    """Of the loans that really defaulted, the share the model caught (0..1)."""
    return _recall(*_check_predictions(y_true, y_pred))


def f1(y_true, y_pred) -> float:
    """The harmonic mean of precision and recall (0..1): high only when both are."""
    return _f1(*_check_predictions(y_true, y_pred))


def roc_auc(y_true, y_score) -> float:
    """Chance that a random defaulter outscores a random repayer (0.5 = coin toss, 1 = perfect)."""
    return _roc_auc(*check_inputs(y_true, y_score))


_METRIC_FNS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "accuracy": _accuracy, "precision": _precision, "recall": _recall, "f1": _f1,
    "roc_auc": _roc_auc,
}


def _metric(name: str) -> Callable[[np.ndarray, np.ndarray, float], float]:
    if name not in _METRIC_FNS:
        raise ValueError(f"Unknown metric {name!r}; choose one of {list(METRICS)}.")
    fn = _METRIC_FNS[name]
    if name == "roc_auc":
        return lambda y, s, threshold: fn(y, s)
    return lambda y, s, threshold: fn(y, (s >= threshold).astype(int))


def score(y_true, y_score, *, metric: str = "roc_auc", threshold: float = 0.5) -> float:
    """One metric from probabilities; threshold metrics refer at ``score >= threshold``."""
    return _metric(metric)(*check_inputs(y_true, y_score), threshold)


def scorecard(y_true, y_score, *, threshold: float = 0.5) -> dict[str, float]:
    """All of :data:`METRICS` at once, as a plain dict (0..1 each)."""
    y, s = check_inputs(y_true, y_score)
    return {name: _metric(name)(y, s, threshold) for name in METRICS}
