"""Model evaluation in business terms (Module 02).

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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from deploydl.data import LABEL

#: The metric names that :func:`score`, :func:`bootstrap_ci` and :func:`cross_validate` accept.
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
#: The thresholds a sweep tries and the threshold rule may choose: 0.01, 0.02, ..., 0.99.
THRESHOLDS = np.round(np.arange(0.01, 1.0, 0.01), 2)


def nearest_threshold(value: float) -> float:
    """The threshold of :data:`THRESHOLDS` nearest ``value``: the probability of default (0 to 1)
    from which :func:`threshold_sweep`'s row stops approving, so ``4000 / 12000`` reads as the
    row of 0.33."""
    return float(min(THRESHOLDS, key=lambda t: abs(t - value)))


@dataclass(frozen=True)
class ErrorCosts:
    """The money each kind of error costs Northbridge Bank, in US dollars per loan.

    Assumptions (change them to your bank's): an average loan of about $20,000, of which about
    40% is lost after collections when a bad loan is approved (**$8,000**); a good customer
    turned away costs the profit the loan would have made, about 5% net interest margin for
    two years (**$2,000**). Correct decisions cost nothing in this simple model.
    """

    bad_loan_approved: float = 8_000.0
    good_customer_turned_away: float = 2_000.0

    def cost(self, *, bad_approved: float, good_turned_away: float) -> float:
        """What the errors cost in US dollars: the course's one cost-of-errors formula.

        Every place that prices errors calls this (the threshold sweep through
        :attr:`Outcomes.cost`, the fairness explorer, the drift simulation), so a change of
        the cost model lands everywhere at once.
        """
        return float(bad_approved * self.bad_loan_approved
                     + good_turned_away * self.good_customer_turned_away)


#: The course's stated money assumptions (see :class:`ErrorCosts`).
DEFAULT_COSTS = ErrorCosts()


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


#: The model's two decisions, as the confusion matrix names its columns.
DECISIONS = ("approved", "referred to an underwriter")


@dataclass(frozen=True)
class Outcomes:
    """The confusion matrix in business words, at one threshold, with what the errors cost."""

    threshold: float
    good_approved: int
    good_turned_away: int
    bad_approved: int
    bad_referred: int
    costs: ErrorCosts = DEFAULT_COSTS

    @property
    def cost(self) -> float:
        """Expected cost of the errors in US dollars, under :attr:`costs`."""
        return self.costs.cost(bad_approved=self.bad_approved,
                               good_turned_away=self.good_turned_away)

    @property
    def precision(self) -> float:
        referred = self.bad_referred + self.good_turned_away
        return self.bad_referred / referred if referred else 0.0

    @property
    def recall(self) -> float:
        return self.bad_referred / (self.bad_referred + self.bad_approved)

    def table(self) -> pd.DataFrame:
        """The 2x2 matrix: rows are what really happened, columns the model's decision.

        The model never declines on its own: it approves, or it refers the applicant to an
        underwriter (Modules 02 and 03), so the columns are :data:`DECISIONS`.
        """
        return pd.DataFrame(
            [[self.good_approved, self.good_turned_away], [self.bad_approved, self.bad_referred]],
            index=["repaid (good customer)", "defaulted (bad loan)"],
            columns=list(DECISIONS))


def outcomes(y_true, y_score, *, threshold: float = 0.5,
             costs: ErrorCosts = DEFAULT_COSTS) -> Outcomes:
    """Count approvals and referrals against what really happened, at ``threshold``."""
    y, s = check_inputs(y_true, y_score)
    tn, fp, fn, tp = _counts(y, (s >= threshold).astype(int))
    return Outcomes(threshold, tn, fp, fn, tp, costs)


def threshold_sweep(y_true, y_score, *, thresholds=None,
                    costs: ErrorCosts = DEFAULT_COSTS) -> pd.DataFrame:
    """Outcomes and cost at each threshold (default 0.01, 0.02, ..., 0.99), one row each.

    Columns: ``threshold``; ``approved`` (share of applicants approved); ``bad_loans_approved``
    and ``good_customers_turned_away`` (counts); ``bad_rate_approved`` (share of approved loans
    that default); ``precision``; ``recall``; ``cost`` (US dollars, under ``costs``).
    """
    y, s = check_inputs(y_true, y_score)
    grid = THRESHOLDS if thresholds is None else thresholds
    rows = []
    for t in grid:
        tn, fp, fn, tp = _counts(y, (s >= t).astype(int))
        out = Outcomes(float(t), tn, fp, fn, tp, costs)
        rows.append({"threshold": float(t), "approved": (tn + fn) / len(y),
                     "bad_loans_approved": fn, "good_customers_turned_away": fp,
                     "bad_rate_approved": fn / (tn + fn) if tn + fn else 0.0,
                     "precision": out.precision, "recall": out.recall, "cost": out.cost})
    return pd.DataFrame(rows)


def cost_minimising_threshold(y_true, y_score, *, thresholds=None,
                              costs: ErrorCosts = DEFAULT_COSTS) -> float:
    """The threshold of :func:`threshold_sweep` with the lowest cost (the lowest such one)."""
    sweep = threshold_sweep(y_true, y_score, thresholds=thresholds, costs=costs)
    return float(sweep["threshold"].iloc[sweep["cost"].argmin()])


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
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1; got {level}. Use 0.95 for 95%.")
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


@dataclass(frozen=True)
class CVResult:
    """Cross-validation: the metric on each held-out fold, their mean and spread (std)."""

    metric: str
    folds: tuple[float, ...]
    mean: float
    std: float

    def __str__(self) -> str:
        return f"{self.metric} {self.mean:.3f} ± {self.std:.3f} over {len(self.folds)} folds"


@dataclass(frozen=True)
class FoldComparison:
    """Two models compared fold by fold on the same cross-validation folds.

    ``differences`` are model A's fold scores minus model B's; ``t`` and ``p_value`` come from
    the paired t-test with ``k - 1`` degrees of freedom, corrected (Nadeau-Bengio) unless
    ``corrected`` is False.
    """

    differences: tuple[float, ...]
    mean_difference: float
    t: float
    p_value: float
    corrected: bool

    def verdict(self, level: float = 0.05) -> str:
        """Plain words for the p-value at ``level``: a difference, or not enough evidence."""
        if self.p_value < level:
            return f"a difference at the {level:.0%} level"
        return f"not enough evidence of a difference at the {level:.0%} level"


def compare_folds(a: CVResult | Sequence[float], b: CVResult | Sequence[float], *,
                  test_to_train: float | None = None, corrected: bool = True) -> FoldComparison:
    """Corrected resampled t-test: is model A's cross-validated score really different from B's?

    ``a`` and ``b`` are the two models' scores on the *same* folds (two :class:`CVResult`, or
    two sequences in fold order). The test is paired: it looks at the fold-by-fold differences,
    because the spread from fold to fold is shared by both models.

    A plain paired t-test treats the ``k`` differences as independent, but cross-validation
    training sets overlap (in 5-fold, any two share three quarters of their rows), so it
    overstates the evidence. Nadeau and Bengio's correction multiplies the variance of the mean
    difference, ``var / k``, by ``1 + k * n_test / n_train``: it uses
    ``(1 / k + n_test / n_train) * var`` with ``var`` the sample variance (``ddof=1``) of the
    differences. ``test_to_train`` is ``n_test / n_train``; ``None`` means k-fold
    cross-validation, where it is ``1 / (k - 1)``. ``corrected=False`` gives the plain paired
    t-test (``scipy.stats.ttest_rel``), for comparison only.

    ``p_value`` (two-sided) is the chance of a mean gap at least this large, either way, if
    the two models were equally good. A p-value above 0.05 is *not enough evidence at the 5%
    level*, not evidence that the models are equal; and a small p-value says the gap is real,
    not that it is worth money.

    Source: C. Nadeau and Y. Bengio, "Inference for the Generalization Error", *Machine
    Learning* 52:239-281, 2003 (the corrected resampled t-test).
    """
    from scipy.stats import t as student_t

    x = np.asarray(a.folds if isinstance(a, CVResult) else a, dtype=float)
    y = np.asarray(b.folds if isinstance(b, CVResult) else b, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(f"give the two models' scores on the same folds, at least 2 each; got "
                         f"{x.shape} and {y.shape} values.")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("fold scores must be finite numbers; rerun the failed fold.")
    k = len(x)
    ratio = 1.0 / (k - 1) if test_to_train is None else float(test_to_train)
    if ratio <= 0:
        raise ValueError(f"test_to_train is n_test / n_train, above 0; got {test_to_train}.")
    d = x - y
    scale = (1.0 / k + ratio) if corrected else 1.0 / k
    var = float(np.var(d, ddof=1))
    mean = float(d.mean())
    if var == 0.0:
        t = 0.0 if mean == 0.0 else float(np.sign(mean)) * np.inf
    else:
        t = mean / float(np.sqrt(scale * var))
    p = float(2 * student_t.sf(abs(t), df=k - 1))
    return FoldComparison(tuple(float(v) for v in d), mean, float(t), p, corrected)


def cross_validate(train: Callable[[pd.DataFrame], ProbabilityModel], table: pd.DataFrame, *,
                   k: int = 5, seed: int = 0, metric: str = "roc_auc",
                   threshold: float = 0.5) -> CVResult:
    """Stratified k-fold cross-validation of a training function on applicants.

    ``train(table)`` must return a model with ``predict_proba(rows)``. Each of the ``k`` folds
    is held out once while the model trains on the rest; every fold keeps the default rate.
    """
    from sklearn.model_selection import StratifiedKFold

    fn = _metric(metric)
    y, _ = check_inputs(table[LABEL], np.zeros(len(table)))
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    scores = []
    for train_idx, test_idx in folds.split(np.zeros(len(y)), y):
        model = train(table.iloc[train_idx])
        held_out = table.iloc[test_idx]
        scores.append(fn(y[test_idx], model.predict_proba(held_out), threshold))
    return CVResult(metric, tuple(scores), float(np.mean(scores)), float(np.std(scores)))


def compare_models(models: Mapping[str, ProbabilityModel], table: pd.DataFrame, *,
                   threshold: float = 0.5, costs: ErrorCosts = DEFAULT_COSTS) -> pd.DataFrame:
    """One row per model on the same test applicants: the five metrics and the cost.

    ``cost`` is in US dollars at ``threshold``; ``hindsight_threshold`` and ``hindsight_cost``
    are where that model's cost is lowest *in hindsight, on these same applicants*: optimistic,
    and noisy where the cost curve is flat. They report; they never pick. The threshold is
    picked by :func:`deploydl.evaluation.decision.decision_threshold`: the break-even the costs
    imply, on a calibrated model (:mod:`deploydl.evaluation.calibration`, Module 02).
    """
    rows = {}
    for name, model in models.items():
        y, s = check_inputs(table[LABEL], model.predict_proba(table))
        best = cost_minimising_threshold(y, s, costs=costs)
        rows[name] = {**scorecard(y, s, threshold=threshold),
                      "cost": outcomes(y, s, threshold=threshold, costs=costs).cost,
                      "hindsight_threshold": best,
                      "hindsight_cost": outcomes(y, s, threshold=best, costs=costs).cost}
    return pd.DataFrame.from_dict(rows, orient="index")


def comparison_for_people(table: pd.DataFrame, *, threshold: float = 0.5) -> pd.DataFrame:
    """:func:`compare_models` as a person reads it: the models in a "model" column, metric
    names as people write them (F1, ROC AUC), the metrics to 3 places (rounded as
    ``DataFrame.round`` rounds them elsewhere in the lesson), the thresholds to 2, and costs
    in US dollars ("USD 2.4M", not "$", so Markdown shows them), the first headed with the
    ``threshold`` it was counted at."""
    from deploydl.present.charts import money

    shown = table.assign(**{m: table[m].round(3).map("{:.3f}".format) for m in METRICS},
                         hindsight_threshold=table["hindsight_threshold"].map("{:.2f}".format),
                         **{c: table[c].map(lambda usd: money(usd, unit="USD "))
                            for c in ("cost", "hindsight_cost")})
    return shown.rename_axis("model").rename(
        columns={"f1": "F1", "roc_auc": "ROC AUC", "cost": f"cost at {threshold:g}"})


def accuracy_paradox(y_true, y_score, *, threshold: float = 0.5,
                     costs: ErrorCosts = DEFAULT_COSTS) -> pd.DataFrame:
    """"Approve everyone" against the model: high accuracy can hide a useless model.

    On imbalanced data (about 18% defaults) approving everyone is about 82% accurate while it
    catches no bad loan at all; compare recall and cost, not accuracy.
    """
    y, s = check_inputs(y_true, y_score)
    rows = {}
    for name, referred in (("approve everyone", np.zeros(len(y), dtype=int)),
                           ("the model", (s >= threshold).astype(int))):
        tn, fp, fn, tp = _counts(y, referred)
        rows[name] = {"accuracy": _accuracy(y, referred), "recall": _recall(y, referred),
                      "bad_loans_approved": fn,
                      "cost": Outcomes(threshold, tn, fp, fn, tp, costs).cost}
    return pd.DataFrame.from_dict(rows, orient="index")
