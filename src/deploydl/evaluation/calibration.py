"""Calibration (Module 02): does a score of 20% mean a 20% chance of default?

The money-optimal rule "refer when the chance of default is at or above the break-even" uses
the score *as a probability*. With the course's costs the break-even is 0.20 (a bad loan
approved costs USD 8,000, a good customer turned away USD 2,000: 2,000 / (8,000 + 2,000)).
That is the cheapest threshold only for a **calibrated** model, one whose scores match the
default rates observed among applicants with those scores. A model that ranks well (high ROC
AUC) can still be miscalibrated, and then its cheapest threshold sits elsewhere.

* :func:`break_even` gives the threshold the costs imply;
* :func:`reliability_table` and :func:`calibration_error` measure calibration, and
  :func:`gap_near` the gap near one threshold;
* :func:`calibrate` fixes it with Platt scaling, fitted on applicants the model did not train
  on and that are not the test set, so the threshold is chosen before the test, not on it.
  For the applicant network the correction is folded into its output layer, so the
  calibrated model is saved, registered and served like any other (every runtime that runs
  the weights returns calibrated chances) and its metadata records the correction.

The threshold itself is picked in one place, :func:`deploydl.evaluation.decision.
decision_threshold`, from the break-even and calibrated scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deploydl.data import LABEL
from deploydl.evaluation.metrics import (
    DEFAULT_COSTS,
    ErrorCosts,
    ProbabilityModel,
    check_inputs,
)


def break_even(costs: ErrorCosts = DEFAULT_COSTS) -> float:
    """The chance of default at which referring and approving cost the same (0.20 by default).

    Approving costs ``p x bad_loan_approved`` on average, referring ``(1 - p) x
    good_customer_turned_away``; they are equal at ``p = good / (bad + good)``.
    """
    bad, good = costs.bad_loan_approved, costs.good_customer_turned_away
    return good / (bad + good)


def reliability_table(y_true, y_score, *, bins: int = 10) -> pd.DataFrame:
    """Scores in ``bins`` groups of equal size: mean score against the observed default rate.

    Columns: ``mean_score`` and ``observed_rate`` (0..1) and ``count``. A calibrated model has
    the two rates equal in every bin (the diagonal of a reliability plot).
    """
    y, s = check_inputs(y_true, y_score)
    if not 2 <= bins <= len(y):
        raise ValueError(f"bins must be between 2 and the number of scores ({len(y)}); got "
                         f"{bins}.")
    group = pd.qcut(pd.Series(s).rank(method="first"), bins, labels=False)
    table = pd.DataFrame({"score": s, "y": y}).groupby(group.to_numpy())
    return pd.DataFrame({"mean_score": table["score"].mean(), "observed_rate": table["y"].mean(),
                         "count": table["y"].size()}).rename_axis("bin")


def calibration_error(y_true, y_score, *, bins: int = 10) -> float:
    """Expected calibration error: the count-weighted mean gap |score - observed| (0 = perfect)."""
    t = reliability_table(y_true, y_score, bins=bins)
    return float(np.average((t["mean_score"] - t["observed_rate"]).abs(), weights=t["count"]))


def gap_near(y_true, y_score, *, at: float, bins: int = 10) -> float:
    """The gap |score - observed rate| in the reliability group whose mean score is nearest ``at``.

    Calibration matters most near the threshold: read this at the break-even (0.20).
    """
    t = reliability_table(y_true, y_score, bins=bins)
    score, rate = t["mean_score"].to_numpy(), t["observed_rate"].to_numpy()
    nearest = int(np.abs(score - at).argmin())  # the first group if two are equally near
    return float(abs(score[nearest] - rate[nearest]))


@dataclass(frozen=True)
class CalibratedModel:
    """A model whose scores pass through Platt scaling: ``sigmoid(slope x logit(p) + shift)``."""

    model: ProbabilityModel
    slope: float
    shift: float

    def predict_proba(self, table) -> np.ndarray:
        """Calibrated chances of default (0..1), one per applicant."""
        return _platt(np.asarray(self.model.predict_proba(table), dtype=float), self.slope,
                      self.shift)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _platt(p: np.ndarray, slope: float, shift: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(slope * _logit(p) + shift)))


def calibrate(model, table: pd.DataFrame):
    """Fit Platt scaling for ``model`` on ``table``: labelled applicants it did not train on.

    Use a calibration set that is neither the training data nor the test set; the test set
    then measures the calibrated model honestly.

    Returns a model whose ``predict_proba`` gives calibrated chances of default. For an
    :class:`deploydl.models.ApplicantModel` it is a copy of the network with the correction
    folded into its output layer (:meth:`~deploydl.models.ApplicantModel.with_platt`), which
    the registry saves with a record of the fit; for any other model, a
    :class:`CalibratedModel` wrapper.
    """
    from sklearn.linear_model import LogisticRegression

    from deploydl.governance.lineage import content_hash

    y, s = check_inputs(table[LABEL], model.predict_proba(table))
    fit = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(s)[:, None], y)
    slope, shift = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    if hasattr(model, "with_platt"):
        return model.with_platt(slope, shift, rows=len(table), data_sha256=content_hash(table))
    return CalibratedModel(model, slope, shift)
