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

import numpy as np
from scipy import stats

#: Days from decision to a usable outcome in the course's simulation (a real bank waits 12
#: months or more for most defaults to show).
OUTCOME_DAYS = 365


def applicant_profit(decisions, defaulted, *, margin: float = 2_000.0, loss: float = 8_000.0,
                     referral: float = 150.0) -> np.ndarray:
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
    """Profit per applicant in each group (US dollars), B - A with its interval, the guardrail."""

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

    def summary(self) -> str:
        verdict = "a real difference" if self.significant else "no proven difference"
        guard = ("approval-rate guardrail held" if self.guardrail_ok
                 else "approval-rate guardrail BROKEN")
        text = (f"profit per applicant B - A = {self.difference:+,.0f} USD (95% CI "
                f"{self.ci_low:+,.0f} to {self.ci_high:+,.0f}), p = {self.p_value:.3f}: "
                f"{verdict}; approval {self.approval_a:.0%} vs {self.approval_b:.0%}, {guard}.")
        return f"{text} {self.warning}".strip()


def profit_test(profit_a, profit_b, approved_a, approved_b, *, alpha: float = 0.05,
                max_approval_drop: float = 0.05, planned_n: int | None = None) -> ProfitResult:
    """Compare mean profit per applicant (Welch's t-test), with the approval-rate guardrail.

    ``profit_*`` are per-applicant profits (:func:`applicant_profit`); ``approved_*`` are 1/0
    per applicant. ``planned_n`` (per group, :func:`profit_sample_size`) turns on the warning
    about reading the test before it reaches its size.
    """
    a, b = np.asarray(profit_a, dtype=float), np.asarray(profit_b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"Need at least 2 applicants per group; got {len(a)} and {len(b)}.")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    half = float(stats.norm.ppf(1 - alpha / 2)) * se
    diff = float(b.mean() - a.mean())
    if se > 0:  # Welch's t-test, with the Welch-Satterthwaite degrees of freedom
        df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
        p_value = float(2 * stats.t.sf(abs(diff) / se, df))
    else:
        p_value = 1.0 if diff == 0 else 0.0
    rate_a, rate_b = float(np.mean(approved_a)), float(np.mean(approved_b))
    warning = ""
    if planned_n is not None and min(len(a), len(b)) < planned_n:
        warning = (f"Warning: only {min(len(a), len(b)):,} of the planned {planned_n:,} per "
                   "group; run to the planned size (stopping on a good-looking p-value "
                   "inflates false wins).")
    return ProfitResult(float(a.mean()), float(b.mean()), diff, diff - half, diff + half,
                        p_value, p_value < alpha, rate_a, rate_b,
                        rate_b >= rate_a - max_approval_drop, warning)


def profit_sample_size(std: float, effect: float, *, alpha: float = 0.05,
                       power: float = 0.8) -> int:
    """Applicants per group to detect a change of ``effect`` USD per applicant (``std``: spread)."""
    if std <= 0 or effect == 0:
        raise ValueError(f"Need std > 0 and effect != 0; got std={std}, effect={effect}.")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return math.ceil(2 * (z * std / effect) ** 2)
