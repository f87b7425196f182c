"""The cost of errors and the threshold sweep (Module 02): what each kind of error costs the
bank, the confusion matrix in business words, and the cheapest threshold in hindsight.

The threshold and the cost of each kind of error are business choices: :class:`ErrorCosts`
states the money assumptions, :func:`threshold_sweep` shows the trade-off, and
:func:`cost_minimising_threshold` finds the cheapest point on given applicants (in hindsight,
when they are the test set). Import them from :mod:`deploydl.evaluation.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deploydl.evaluation.classification import _counts, check_inputs

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
#: An underwriter's time on one referred file, in US dollars: the course's assumption, which
#: the value case (Module 07) and the A/B test's profit per applicant (Module 06) charge.
REFERRAL_USD = 150.0


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
