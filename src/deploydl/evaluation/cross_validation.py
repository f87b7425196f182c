"""Cross-validation (Module 02): a metric on stratified k folds, and the corrected resampled
t-test that compares two models fold by fold. Import them from :mod:`deploydl.evaluation.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deploydl.data import LABEL
from deploydl.evaluation.classification import ProbabilityModel, _metric, check_inputs


@dataclass(frozen=True)
class CVResult:
    """Cross-validation: the metric on each held-out fold, their mean and spread (std).

    ``folds`` holds the fold scores in fold order and ``mean`` their mean, in the metric's
    units (``roc_auc``: 0.5 = chance, 1 = perfect). ``std`` is the population standard
    deviation of the fold scores (``ddof=0``), in the metric's units: how much the score moves
    from fold to fold, not the standard error of ``mean``.
    """

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
