"""Models side by side on the same test applicants (Module 02): the five metrics and the cost
per model, the table as a person reads it, and the accuracy paradox ("approve everyone" against
the model). Import them from :mod:`deploydl.evaluation.metrics`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from deploydl.data import LABEL
from deploydl.evaluation.classification import (
    METRICS,
    ProbabilityModel,
    _accuracy,
    _counts,
    _recall,
    check_inputs,
    scorecard,
)
from deploydl.evaluation.costs import (
    DEFAULT_COSTS,
    ErrorCosts,
    Outcomes,
    cost_minimising_threshold,
    outcomes,
)


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
