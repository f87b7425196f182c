"""Two ways to mitigate bias (Module 03): reweighing the training data, and group thresholds
fitted for demographic parity, with the trade-off curve of fairness against accuracy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from deploydl.responsible.fairness_metrics import (
    _check_groups,
    demographic_parity_difference,
    demographic_parity_ratio,
)


def _check_strength(strength: float) -> None:
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must be between 0 (no mitigation) and 1 (full); got "
                         f"{strength}.")


def reweighing_weights(groups: Any, labels: Any, *, strength: float = 1.0) -> np.ndarray:
    """Kamiran and Calders' reweighing: training weights that make label and group independent.

    Each person in group ``g`` with label ``y`` gets ``P(g) * P(y) / P(g, y)``: combinations
    that history under-represents (e.g. young applicants who repaid) count more. ``strength``
    moves from 1 for everyone (0) to the full weights (1): ``1 + strength * (w - 1)``.
    """
    _check_strength(strength)
    labels_a = np.asarray(labels)
    group_series = pd.Series(groups).reset_index(drop=True)
    if len(labels_a) != len(group_series):
        raise ValueError(f"groups and labels must have the same length; got {len(group_series)} "
                         f"and {len(labels_a)}.")
    _check_groups(group_series)
    weights = np.empty(len(labels_a))
    for group in pd.unique(group_series):
        in_group = (group_series == group).to_numpy()
        for label in np.unique(labels_a).tolist():
            cell = in_group & (labels_a == label)
            if not cell.any():
                raise ValueError(f"Group {group!r} has nobody with label {label!r}, so "
                                 "reweighing cannot balance it. Merge it with another group.")
            weights[cell] = in_group.mean() * (labels_a == label).mean() / cell.mean()
    return 1.0 + strength * (weights - 1.0)


def parity_thresholds(scores: Any, groups: Any, *, threshold: float,
                      strength: float = 1.0) -> dict[Any, float]:
    """Group-specific thresholds that move every group's selection rate to the overall rate.

    At ``strength`` 0 every group keeps the common ``threshold``; at 1 each group's threshold
    selects the same share of that group as the common threshold selects overall (demographic
    parity, with about the same number selected in total). In between, each group's threshold
    moves that fraction of the way. Fit them on validation data, then apply them to new data
    with :func:`apply_thresholds`.
    """
    _check_strength(strength)
    scores_a = np.asarray(scores, dtype=float)
    group_series = pd.Series(groups).reset_index(drop=True)
    if len(scores_a) != len(group_series):
        raise ValueError(f"scores and groups must have the same length; got {len(scores_a)} "
                         f"and {len(group_series)}.")
    _check_groups(group_series)
    target = float((scores_a >= threshold).mean())
    thresholds = {}
    for group in sorted(pd.unique(group_series.dropna()), key=str):
        group_scores = scores_a[(group_series == group).to_numpy()]
        parity = float(np.quantile(group_scores, 1.0 - target))
        thresholds[group] = (1.0 - strength) * threshold + strength * parity
    return thresholds


def apply_thresholds(scores: Any, groups: Any, thresholds: Mapping[Any, float]) -> np.ndarray:
    """Decisions (1 = selected) using each person's group threshold."""
    group_series = pd.Series(groups).reset_index(drop=True)
    unknown = sorted(set(pd.unique(group_series)) - set(thresholds), key=str)
    if unknown:
        raise ValueError(f"No threshold for group(s) {unknown}; thresholds cover "
                         f"{sorted(thresholds, key=str)}. Fit them on data with every group.")
    cut = group_series.map(thresholds).to_numpy(dtype=float)
    return (np.asarray(scores, dtype=float) >= cut).astype(int)


def tradeoff_curve(y_true: Any, scores: Any, groups: Any, *, threshold: float,
                   strengths: Iterable[float] = tuple(np.linspace(0, 1, 11)),
                   fitted_on: tuple[Any, Any] | None = None) -> pd.DataFrame:
    """Fairness gap and accuracy as the strength of group thresholds goes from 0 to 1.

    Parameters
    ----------
    fitted_on : (scores, groups), optional
        Validation data to fit the thresholds on; by default the data being evaluated.

    Returns
    -------
    pandas.DataFrame
        One row per strength: ``demographic_parity_difference``, ``demographic_parity_ratio``,
        ``accuracy`` (share of correct decisions against ``y_true``) and ``selection_rate``.
    """
    fit_scores, fit_groups = fitted_on if fitted_on is not None else (scores, groups)
    rows = []
    for strength in strengths:
        cuts = parity_thresholds(fit_scores, fit_groups, threshold=threshold,
                                 strength=float(strength))
        decisions = apply_thresholds(scores, groups, cuts)
        rows.append({"strength": float(strength),
                     "demographic_parity_difference":
                         demographic_parity_difference(y_true, decisions, groups),
                     "demographic_parity_ratio": demographic_parity_ratio(y_true, decisions,
                                                                          groups),
                     "accuracy": float((np.asarray(y_true) == decisions).mean()),
                     "selection_rate": float(decisions.mean())})
    return pd.DataFrame(rows)
