"""F1 or money (Module 02): the threshold each one picks, side by side.

F1, the harmonic mean of precision and recall, counts a missed default and a good customer
turned away (wrongly referred) as equally bad and ignores the good customers approved, so the
threshold it picks never moves when the price of an error does. The cost of errors moves with
the prices; this table shows the two side by side for a few sets of prices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from deploydl.evaluation.metrics import ErrorCosts, threshold_sweep


def _table(y_true, y_score, costs: Mapping[str, ErrorCosts]) -> pd.DataFrame:
    sweeps = {name: threshold_sweep(y_true, y_score, costs=c) for name, c in costs.items()}
    table = next(iter(sweeps.values()))[["threshold", "precision", "recall"]].copy()
    both = table["precision"] + table["recall"]
    table["f1"] = np.where(both > 0, 2 * table["precision"] * table["recall"]
                           / both.where(both > 0, 1.0), 0.0)
    for name, sweep in sweeps.items():
        table[f"cost: {name}"] = sweep["cost"]
    return table


def f1_against_money(y_true, y_score, *, costs: Mapping[str, ErrorCosts],
                     report_on: tuple[Any, Any] | None = None) -> pd.DataFrame:
    """The threshold with the best F1, then the cheapest threshold under each set of ``costs``.

    Columns: ``threshold``, ``precision``, ``recall``, ``f1`` (0..1), then for each named set
    of costs ``"cost: NAME"`` (US dollars of errors at that row's threshold). Ties go to the
    lowest threshold.

    With ``report_on=(test labels, test scores)`` the thresholds are chosen on ``y_true`` and
    ``y_score`` (applicants set aside for choosing, such as a calibration set) and every column
    is reported on the test applicants: no choice is made in hindsight on the test set.
    """
    if not costs:
        raise ValueError("costs is empty; give at least one, e.g. {'our costs': DEFAULT_COSTS}.")
    table = _table(y_true, y_score, costs)
    rows = [table["f1"].idxmax(), *(table[f"cost: {n}"].idxmin() for n in costs)]
    if report_on is not None:
        y_test, s_test = report_on
        table = _table(y_test, s_test, costs)  # the same grid of thresholds, row for row
    picks = table.loc[rows]
    picks.index = pd.Index(["best F1", *(f"lowest cost: {n}" for n in costs)],
                           name="threshold chosen by")
    return picks
