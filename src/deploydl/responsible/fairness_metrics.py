"""Fairness metrics of Module 03: decision rates by group, the selection ratio and its bootstrap
range, and the summary measures with the four-fifths flag.

The vocabulary (``y_true``, ``y_pred``, ``groups``, rates as 0..1 shares) is set out in
:mod:`deploydl.responsible.fairness`, the one place to import these from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

#: The four-fifths ratio, a screening heuristic from US employment-selection guidance (EEOC,
#: 29 CFR 1607.4(D)): a selection-rate ratio below 0.8 flags possible adverse impact. Fair-lending
#: law has no 80% test (docs/references.md). The one constant every gate and check uses.
FOUR_FIFTHS = 0.8


def _validate(y_true: Any, y_pred: Any, groups: Any) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Arrays of equal length, binary labels and decisions, and at least two non-empty groups."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    group_series = pd.Series(groups).reset_index(drop=True)
    lengths = {"y_true": len(y_true), "y_pred": len(y_pred), "groups": len(group_series)}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"y_true, y_pred and groups must have the same length; got {lengths}. "
                         "Pass one label, one decision and one group per person.")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.isin(values, (0, 1)).all():
            raise ValueError(f"{name} must hold only 0 and 1; got values "
                             f"{sorted(set(np.unique(values).tolist()) - {0, 1})[:5]}. "
                             "Turn scores into decisions first, e.g. scores >= threshold.")
    _check_groups(group_series)
    return y_true.astype(int), y_pred.astype(int), group_series


def _check_groups(groups: pd.Series) -> None:
    """Raise if a declared group has no members or fewer than two groups are present."""
    if isinstance(groups.dtype, pd.CategoricalDtype):
        empty = sorted(str(c) for c in groups.cat.categories if not (groups == c).any())
        if empty:
            raise ValueError(f"Group(s) {empty} have no members, so their rates are undefined. "
                             "Drop unused categories (series.cat.remove_unused_categories()) "
                             "or collect data for them.")
    present = pd.unique(groups.dropna())
    if len(present) < 2:
        raise ValueError(f"Fairness compares groups, but only {len(present)} group is present "
                         f"({list(present)}). Pass the protected attribute with two or more "
                         "groups.")


def _rate(numerator: np.ndarray, denominator: np.ndarray) -> float:
    """A share, or NaN when the denominator is empty (the rate is undefined)."""
    total = int(denominator.sum())
    return float((numerator & denominator).sum() / total) if total else float("nan")


def rates_by_group(y_true: Any, y_pred: Any, groups: Any) -> pd.DataFrame:
    """Selection rate, true- and false-positive rates, precision and accuracy for each group.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted by name) with ``count`` (people), ``selection_rate`` (share
        selected), ``true_positive_rate`` (share of deserving people selected),
        ``false_positive_rate`` (share of undeserving people selected), ``precision`` (share of
        the selected who deserved it; NaN if nobody was selected) and ``accuracy``.
    """
    y_true, y_pred, groups = _validate(y_true, y_pred, groups)
    rows = {}
    for group in sorted(pd.unique(groups.dropna()), key=str):
        member = (groups == group).to_numpy()
        t, p = y_true[member] == 1, y_pred[member] == 1
        rows[group] = {
            "count": int(member.sum()), "selection_rate": float(p.mean()),
            "true_positive_rate": _rate(p, t), "false_positive_rate": _rate(p, ~t),
            "precision": _rate(t, p), "accuracy": float((t == p).mean()),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("group")


def selection_rates(y_pred: Any, groups: Any) -> pd.Series:
    """Share of each group selected (0..1), by group name; needs no outcome labels.

    What a release gate can measure before any outcome is known (Module 04's fairness gate).
    """
    y_pred, group_series = _decisions_and_groups(y_pred, groups)
    rates = pd.Series(y_pred.astype(float)).groupby(group_series).mean()
    return rates.sort_index(key=lambda index: index.map(str)).rename("selection_rate")


def _decisions_and_groups(y_pred: Any, groups: Any) -> tuple[np.ndarray, pd.Series]:
    """``y_pred`` as an array (its last axis one decision per person) and ``groups`` as a
    series, checked: as many decisions as people, 0 and 1 only, two groups or more."""
    y_pred = np.asarray(y_pred)
    group_series = pd.Series(groups).reset_index(drop=True)
    if y_pred.shape[-1] != len(group_series):
        raise ValueError(f"y_pred and groups must have the same length; got {y_pred.shape[-1]} "
                         f"and {len(group_series)}. Pass one decision and one group per person.")
    if not np.isin(y_pred, (0, 1)).all():
        raise ValueError("y_pred must hold only 0 and 1; turn scores into decisions first, "
                         "e.g. scores >= threshold.")
    _check_groups(group_series)
    return y_pred, group_series


def selection_ratio(y_pred: Any, groups: Any) -> float:
    """Lowest group selection rate divided by the highest (0..1; 1 = parity, below 0.8 fails
    the four-fifths screen); NaN when nobody was selected. Needs no outcome labels.

    The one formula behind every approval ratio in the course: Module 03's
    :func:`demographic_parity_ratio`, Module 04's fairness gate and the capstone's screen.
    """
    return _min_over_max(selection_rates(y_pred, groups))


def _min_over_max(rates: pd.Series) -> float:
    return float(rates.min() / rates.max()) if rates.max() > 0 else float("nan")


def selection_ratios(y_preds: Any, groups: Any) -> np.ndarray:
    """:func:`selection_ratio` of each row of ``y_preds``: one row of decisions (0 or 1, one
    per person, in the order of ``groups``) for each setting tried, such as each threshold of
    a sweep. The same numbers as :func:`selection_ratio` row by row (NaN for a row that
    selects nobody), with the groups counted once for all rows rather than once per row.
    """
    y_preds, group_series = _decisions_and_groups(np.atleast_2d(y_preds), groups)
    rates = pd.DataFrame(y_preds.T.astype(float)).groupby(group_series).mean()
    return np.array([_min_over_max(rates[row]) for row in rates.columns])


#: How many resamples :func:`selection_ratio_range` draws, and its fixed seed (same range on
#: every machine, every run).
RANGE_RESAMPLES, RANGE_SEED = 2000, 20240


def selection_ratio_range(y_pred: Any, groups: Any, *, confidence: float = 0.95,
                          resamples: int = RANGE_RESAMPLES,
                          seed: int = RANGE_SEED) -> tuple[float, float]:
    """A 95% range for :func:`selection_ratio`: how far it could move on another sample.

    A bootstrap: the people in each group are drawn again, with replacement and as many as
    the group has, ``resamples`` times, and the ratio is computed on each draw; the range
    holds the middle ``confidence`` share of those ratios. A range built this way contains
    the true ratio (the one over all applicants like these) about 95 times in 100. When it
    straddles 0.8, another sample of the same kind of applicants could give the other
    verdict on the four-fifths screen: the ratio alone cannot settle it.

    Only a group's number of selected people changes from draw to draw, and it follows a
    binomial distribution, so it is drawn as such: the same resampling, cheap enough to run
    on every gate. The seed is fixed, so the range is the same on any machine. Returns
    ``(nan, nan)`` when nobody was selected.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, e.g. 0.95; got {confidence}.")
    rates = selection_rates(y_pred, groups)
    counts = pd.Series(groups).reset_index(drop=True).value_counts().reindex(rates.index)
    if not rates.max() > 0:
        return float("nan"), float("nan")
    sizes = counts.to_numpy(dtype=np.int64)
    selected = np.random.default_rng(seed).binomial(sizes, rates.to_numpy(dtype=float),
                                                    size=(resamples, len(sizes)))
    drawn = selected / sizes
    top = drawn.max(axis=1)
    ratios = np.divide(drawn.min(axis=1), top, out=np.full(resamples, np.nan), where=top > 0)
    tail = (1 - confidence) / 2 * 100
    low, high = np.nanpercentile(ratios, [tail, 100 - tail])
    return float(low), float(high)


def metric_by_group(metric: Callable[..., float], y_true: Any, y_pred: Any,
                    groups: Any, **kwargs: Any) -> pd.Series:
    """Any scikit-learn-style ``metric(y_true, y_pred, **kwargs)``, computed within each group."""
    y_true_a, y_pred_a = np.asarray(y_true), np.asarray(y_pred)
    group_series = pd.Series(groups).reset_index(drop=True)
    if not len(y_true_a) == len(y_pred_a) == len(group_series):
        raise ValueError(f"y_true, y_pred and groups must have the same length; got "
                         f"{len(y_true_a)}, {len(y_pred_a)} and {len(group_series)}.")
    _check_groups(group_series)
    values = {g: metric(y_true_a[(group_series == g).to_numpy()],
                        y_pred_a[(group_series == g).to_numpy()], **kwargs)
              for g in sorted(pd.unique(group_series.dropna()), key=str)}
    return pd.Series(values, name=getattr(metric, "__name__", "metric")).rename_axis("group")


def _spread(rates: pd.Series, what: str) -> float:
    if rates.isna().any():
        missing = list(rates.index[rates.isna()])
        raise ValueError(f"The {what} is undefined for group(s) {missing}: they have nobody in "
                         "the denominator. Collect more data for them or merge small groups.")
    return float(rates.max() - rates.min())


def demographic_parity_difference(y_true: Any, y_pred: Any, groups: Any) -> float:
    """Largest gap in selection rate between two groups (0 = parity; 0.25 = 25 points)."""
    return _spread(rates_by_group(y_true, y_pred, groups)["selection_rate"], "selection rate")


def demographic_parity_ratio(y_true: Any, y_pred: Any, groups: Any) -> float:
    """Lowest group selection rate divided by the highest (1 = parity; < 0.8 fails 4/5ths).

    :func:`selection_ratio` with fairlearn's signature: ``y_true`` is checked, not used.
    """
    return _min_over_max(rates_by_group(y_true, y_pred, groups)["selection_rate"])


def equal_opportunity_difference(y_true: Any, y_pred: Any, groups: Any) -> float:
    """Largest gap between groups in the share of *deserving* people selected (TPR), 0..1
    (0 = every group's deserving people are selected equally often; 0.25 = 25 points)."""
    return _spread(rates_by_group(y_true, y_pred, groups)["true_positive_rate"],
                   "true-positive rate")


def equalized_odds_difference(y_true: Any, y_pred: Any, groups: Any) -> float:
    """The larger of the true-positive-rate gap and the false-positive-rate gap, 0..1 (0 =
    equal error rates in every group; 0.25 = 25 points)."""
    table = rates_by_group(y_true, y_pred, groups)
    return max(_spread(table["true_positive_rate"], "true-positive rate"),
               _spread(table["false_positive_rate"], "false-positive rate"))


def fairness_summary(y_true: Any, y_pred: Any, groups: Any) -> dict[str, Any]:
    """The summary measures as one JSON-ready dict, with the four-fifths flag.

    ``passes_four_fifths`` is True when the demographic-parity ratio is at least 0.8.
    """
    ratio = demographic_parity_ratio(y_true, y_pred, groups)
    return {
        "demographic_parity_difference": demographic_parity_difference(y_true, y_pred, groups),
        "demographic_parity_ratio": ratio,
        "passes_four_fifths": bool(ratio >= FOUR_FIFTHS),
        "equal_opportunity_difference": equal_opportunity_difference(y_true, y_pred, groups),
        "equalized_odds_difference": equalized_odds_difference(y_true, y_pred, groups),
    }
