"""The A/B test that asks the business question: which version earns more per applicant?

Why not "defaults among approved loans"? That metric rewards approving fewer people: a version
that refers everyone has no approved defaults at all. Why not "wrong decisions"? For a
referred applicant nobody ever sees whether they would have repaid: their outcome is
**censored**, so a wrong referral cannot be counted. Profit per applicant needs outcomes only
for the loans actually made:

* approved at once and repaid: ``+margin`` (Module 02's USD 2,000 of margin);
* approved at once and defaulted: ``-loss`` (USD 8,000);
* referred: ``-referral`` (the underwriter's time, USD 150; what the underwriter then decides
  is the same process for both versions, so it is left out of the comparison).

The primary metric is the mean profit per applicant, compared with Welch's t-test; the
**guardrail** is the approval rate: version B must not approve more than ``max_approval_drop``
fewer applicants than A, whatever its profit. Outcomes arrive when loans default or mature:
months, not days. A real test runs for its planned sample size *and* waits for the outcome
window before it is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from deploydl.evaluation.costs import DEFAULT_COSTS, REFERRAL_USD
from deploydl.monitoring.abtest import peeking_warning
from deploydl.present.charts import money, round_half_up, usd

if TYPE_CHECKING:
    from deploydl.monitoring.log import PredictionStore

#: Days from decision to a usable outcome in the course's simulation (a real bank waits 12
#: months or more for most defaults to show).
OUTCOME_DAYS = 365


def applicant_profit(decisions, defaulted, *,
                     margin: float = DEFAULT_COSTS.good_customer_turned_away,
                     loss: float = DEFAULT_COSTS.bad_loan_approved,
                     referral: float = REFERRAL_USD) -> np.ndarray:
    """Profit of each applicant's decision in US dollars (see the module docstring).

    ``decisions`` holds ``"approve"`` or ``"refer"``; ``defaulted`` holds 1 or 0 for approved
    loans whose outcome has arrived (anything for referred ones: it is never used).
    """
    decisions = np.asarray(decisions, dtype=object)
    outcome = np.asarray(defaulted, dtype=float)
    if len(decisions) != len(outcome):
        raise ValueError(f"decisions and defaulted must have the same length; got "
                         f"{len(decisions)} and {len(outcome)}.")
    unknown = sorted(set(decisions.tolist()) - {"approve", "refer"})
    if unknown:
        raise ValueError(f"decisions must be 'approve' or 'refer'; got {unknown[:3]}.")
    approved = decisions == "approve"
    missing = int(np.sum(approved & np.isnan(outcome)))
    if missing:
        raise ValueError(f"{missing} approved loan(s) have no outcome yet. Wait for the outcome "
                         f"window (about {OUTCOME_DAYS} days here) before reading the test.")
    return np.where(approved, np.where(outcome == 1, -loss, margin), -referral)


@dataclass(frozen=True)
class ProfitResult:
    """Profit per applicant in each group (US dollars), B - A with its interval at confidence
    ``level`` (a share: 0.95 for ``alpha=0.05``), and the approval-rate guardrail (approval
    rates are shares, 0..1)."""

    profit_a: float
    profit_b: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    approval_a: float
    approval_b: float
    guardrail_ok: bool
    warning: str
    level: float = 0.95

    def summary(self) -> str:
        verdict = "a real difference" if self.significant else "no proven difference"
        guard = ("approval-rate guardrail held" if self.guardrail_ok
                 else "approval-rate guardrail BROKEN")
        text = (f"profit per applicant B - A = {signed_usd(self.difference)} "
                f"({self.level * 100:g}% CI "
                f"{signed_usd(self.ci_low)} to {signed_usd(self.ci_high)}), "
                f"p = {self.p_value:.3f}: "
                f"{verdict}; approval {self.approval_a:.0%} vs {self.approval_b:.0%}, {guard}.")
        return f"{text} {self.warning}".strip()


def signed_usd(amount: float, *, unit: str = "USD ") -> str:
    """A difference in US dollars, signed and in whole dollars as the course writes money
    (:func:`deploydl.present.charts.money`, a half up): 22.4 -> '+USD 22', 0.5 -> '+USD 1',
    -487 -> '-USD 487', -0.3 -> 'USD 0'; ``unit`` as :func:`~deploydl.present.charts.money`
    takes it (a chart's escaped ``"\\$"``)."""
    plus = "+" if round_half_up(amount) > 0 else ""  # a plus only on what shows as a gain
    return plus + money(amount, unit=unit)


def interval_in_words(ci_low: float, ci_high: float, p_value: float) -> str:
    """A profit test's 95% interval and p-value for a reader who has met neither.

    ``ci_low`` and ``ci_high`` bound the difference B minus A in US dollars per applicant;
    ``p_value`` is the chance of a gap at least this big if the versions did not differ.
    """
    return (f"probably lies between {signed_usd(ci_low)} and {signed_usd(ci_high)} per "
            "applicant. "
            f"p = {p_value:.3f} is the chance of a gap at least this big if nothing had changed.")


def profit_test(profit_a, profit_b, approved_a, approved_b, *, alpha: float = 0.05,
                max_approval_drop: float = 0.05, planned_n: int | None = None) -> ProfitResult:
    """Compare mean profit per applicant (Welch's t-test, and its interval), with the
    approval-rate guardrail.

    ``profit_*`` are per-applicant profits (:func:`applicant_profit`); ``approved_*`` are 1/0
    per applicant. ``planned_n`` (per group, :func:`profit_sample_size`) turns on the warning
    about reading the test before it reaches its size.
    """
    a, b = np.asarray(profit_a, dtype=float), np.asarray(profit_b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"Need at least 2 applicants per group; got {len(a)} and {len(b)}.")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    diff = float(b.mean() - a.mean())
    if se > 0:  # Welch's t-test, with the Welch-Satterthwaite degrees of freedom; the
        # interval from the same t distribution, so it excludes 0 exactly when p < alpha
        df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
        p_value = float(2 * stats.t.sf(abs(diff) / se, df))
        half = float(stats.t.ppf(1 - alpha / 2, df)) * se
    else:
        p_value, half = (1.0 if diff == 0 else 0.0), 0.0
    rate_a, rate_b = float(np.mean(approved_a)), float(np.mean(approved_b))
    return ProfitResult(float(a.mean()), float(b.mean()), diff, diff - half, diff + half,
                        p_value, p_value < alpha, rate_a, rate_b,
                        rate_b >= rate_a - max_approval_drop,
                        peeking_warning(len(a), len(b), planned_n), 1 - alpha)


def profit_sample_size(std: float, effect: float, *, alpha: float = 0.05,
                       power: float = 0.8) -> int:
    """Applicants per group to detect a change of ``effect`` USD per applicant (``std``: spread)."""
    if std <= 0 or effect == 0:
        raise ValueError(f"Need std > 0 and effect != 0; got std={std}, effect={effect}.")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return math.ceil(2 * (z * std / effect) ** 2)


def record_outcomes(log: PredictionStore, applicants: pd.DataFrame, *, since: float) -> int:
    """Join the outcomes a bank can see: defaults of the loans it made, and nothing else.

    Parameters
    ----------
    log : PredictionStore
        The service's prediction log; its rows from ``since`` on are the A/B test's.
    applicants : pandas.DataFrame
        The applicants sent during the test, with ``applicant_id`` and ``default`` (1 if the
        loan would default, 0 if it would be repaid: known to the simulation only).
    since : float
        Start of the test, in seconds since 1970 (the log's clock).

    Returns
    -------
    int
        Number of predictions labelled: one per approved applicant. Referred applicants get
        no loan, so their outcome stays censored (empty), as in a real bank; rows logged
        before ``since`` keep theirs, even under the same applicant ID.
    """
    for column in ("applicant_id", "default"):
        if column not in applicants:
            raise ValueError(f"applicants must have a {column!r} column; got columns "
                             f"{list(applicants.columns)}. Pass the simulated applicants sent "
                             "during the test.")
    logged = log.frame(since=since)
    made = logged.loc[logged["decision"] == "approve", "applicant_id"]
    truth = dict(zip(applicants["applicant_id"], applicants["default"], strict=True))
    unknown = sorted(set(made) - set(truth))
    if unknown:
        raise ValueError(f"{len(unknown)} approved applicant(s) in the log are not in "
                         f"applicants (e.g. {unknown[:3]}); pass the applicants sent since "
                         f"{since}.")
    return log.add_labels({applicant: truth[applicant] for applicant in made}, since=since)


@dataclass(frozen=True)
class ProfitReading:
    """An A/B test read from the prediction log.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model version: ``applicants`` (how many it scored), ``approved`` (share
        approved at once, 0..1) and ``profit_per_applicant`` (mean USD per applicant).
    result : ProfitResult
        The test of B (candidate) against A (current), with the approval-rate guardrail.
    planned : int
        Applicants needed **per version** to detect ``effect`` USD per applicant with 80%
        power at the 5% level, from the spread of A's profits.
    """

    table: pd.DataFrame
    result: ProfitResult
    planned: int

    def table_for_people(self) -> pd.DataFrame:
        """:attr:`table` as a person reads it: the share approved as a percentage, the profit
        per applicant in whole US dollars (:func:`deploydl.present.charts.usd`: ``USD``, not
        ``$``, so Markdown shows it)."""
        return self.table.assign(
            approved=self.table["approved"].map("{:.0%}".format),
            profit_per_applicant=self.table["profit_per_applicant"].map(usd))


def read_profit_test(logged: pd.DataFrame, *, current: str, candidate: str,
                     effect: float = 100.0) -> ProfitReading:
    """Read a profit A/B test from the logged predictions of its period.

    Parameters
    ----------
    logged : pandas.DataFrame
        The prediction log's rows for the test (``PredictionLog.frame(since=...)``), with
        ``model_version``, ``decision`` and ``label`` (filled for approved loans, see
        :func:`record_outcomes`).
    current, candidate : str
        Model versions A (the one serving before the test) and B (the one tested).
    effect : float
        Smallest gain in profit per applicant, in USD, worth detecting; it sizes ``planned``.

    Returns
    -------
    ProfitReading
        The per-version table, the test result and the planned sample size.
    """
    versions = set(logged["model_version"])
    missing = [v for v in (current, candidate) if v not in versions]
    if missing:
        raise ValueError(f"No logged predictions for version(s) {missing}; the log holds "
                         f"{sorted(versions)}. Check the versions and the test's start time.")
    frame = logged.assign(profit=applicant_profit(logged["decision"], logged["label"]),
                          approved=(logged["decision"] == "approve").astype(int))
    a, b = (frame[frame["model_version"] == v] for v in (current, candidate))
    planned = profit_sample_size(float(a["profit"].std()), effect)
    result = profit_test(a["profit"], b["profit"], a["approved"], b["approved"],
                         planned_n=planned)
    table = frame.groupby("model_version").agg(applicants=("profit", "size"),
                                               approved=("approved", "mean"),
                                               profit_per_applicant=("profit", "mean"))
    return ProfitReading(table.round(2), result, planned)
