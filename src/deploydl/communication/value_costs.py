"""The value case's numbers (Modules 07 and 08): :class:`ValueAssumptions`, what each process
costs on the held-out applicants, the model's net value a year against the current process
(:func:`value_case`), its 95% range (:func:`value_interval`) and its sensitivity to each
assumption (:func:`sensitivity`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from deploydl.data import APPLICATIONS_PER_YEAR
from deploydl.evaluation.costs import REFERRAL_USD
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.evaluation.resampling import bootstrap_sums, check_bootstrap, cost_each

#: The model's hosting, monitoring and upkeep a year, in US dollars: the course's assumption
#: (Modules 05 and 06), charged against the model in the value case.
RUNNING_COST_USD_PER_YEAR = 250_000.0


@dataclass(frozen=True)
class ValueAssumptions:
    """The money assumptions of the value case, in US dollars (change them to your bank's).

    ``bad_loan``: loss on a loan approved at once that defaults (Module 02's USD 8,000);
    ``referral``: underwriter time for one referred file (about 2 hours at USD 75 an hour),
    paid on every referral;
    ``good_customer``: margin lost when a good customer walks away (Module 02's USD 2,000);
    ``referred_good_lost``: the share of referred applicants who would have repaid and are lost
    (0 to 1). 1 is Module 02's assumption: every referred good customer is lost to the bank;
    0 would mean the underwriter keeps every one. Ask your underwriters for the real share;
    ``applications_per_year``: scales the held-out applicants to a year;
    ``running_cost``: the model's hosting, monitoring and upkeep a year (Modules 05 and 06).
    """

    bad_loan: float = DEFAULT_COSTS.bad_loan_approved
    referral: float = REFERRAL_USD
    good_customer: float = DEFAULT_COSTS.good_customer_turned_away
    referred_good_lost: float = 1.0
    applications_per_year: int = APPLICATIONS_PER_YEAR
    running_cost: float = RUNNING_COST_USD_PER_YEAR

    def __post_init__(self) -> None:
        if not 0 <= self.referred_good_lost <= 1:
            raise ValueError(f"referred_good_lost is a share of referred good customers, from 0 "
                             f"to 1 (1 = all walk away, Module 02); got "
                             f"{self.referred_good_lost}.")

    @property
    def costs(self) -> dict[str, float]:
        """The prices :func:`process_cost` takes: a bad loan, a referral's underwriter time,
        and the margin lost per referred good customer (``good_customer`` x
        ``referred_good_lost``)."""
        return {"bad_loan": self.bad_loan, "referral": self.referral,
                "good_lost": self.good_customer * self.referred_good_lost}

    def break_even(self) -> float:
        """The chance of default at which approving and referring cost the same under these
        prices: ``p x bad_loan = referral + (1 - p) x good_lost``. With no underwriter time it
        is Module 02's break-even, 0.20; the USD 150 moves it to 0.215."""
        c = self.costs
        return (c["referral"] + c["good_lost"]) / (c["bad_loan"] + c["good_lost"])


#: What each sensitivity row moves, and its label in the brief (lesson 07's prints on two pages).
#: ``good_customer`` has no row: the margin lost is ``good_customer`` x ``referred_good_lost``,
#: and the share's row halves it. The underwriter's ``referral`` time has one although it
#: moves the answer little (both processes refer about as many applicants): a reader who
#: doubts the USD 150 sees how little it matters.
SENSITIVITY_LABELS = {"bad_loan": "loss on a bad loan approved",
                      "referral": "underwriter time per referral",
                      "referred_good_lost": "referred good customers lost",
                      "applications_per_year": "applications a year",
                      "running_cost": "model running cost a year"}
#: Assumptions that are shares: :func:`sensitivity` moves them up at most to 1.
SHARES = ("referred_good_lost",)


def process_cost(y_true, scores, *, threshold: float, bad_loan: float, referral: float,
                 good_lost: float) -> dict[str, float]:
    """Cost of one process on labelled applicants: bad loans approved at once plus referrals.

    ``y_true`` is 1 for a default; ``scores`` are chances of default; an applicant is approved
    at once when the score is below ``threshold`` and referred otherwise. A referral costs
    ``referral`` (underwriter time), plus ``good_lost`` when the applicant would have repaid
    (the margin lost with a good customer who walks away; see :class:`ValueAssumptions`).
    """
    y, s = np.asarray(y_true).astype(int), np.asarray(scores, dtype=float)
    if len(y) != len(s) or not len(y):
        raise ValueError(f"y_true and scores must be non-empty and of equal length; got "
                         f"{len(y)} and {len(s)}.")
    approved = s < threshold
    return {"bad_loans_approved": int(np.sum(approved & (y == 1))),
            "referred": int(np.sum(~approved)),
            "good_referred": int(np.sum(~approved & (y == 0))),
            "cost": float(_cost_each(y, s, threshold=threshold, bad_loan=bad_loan,
                                     referral=referral, good_lost=good_lost).sum())}


def refer_everyone(y_true, *,
                   assumptions: ValueAssumptions = ValueAssumptions()) -> dict[str, float]:
    """Cost a year of sending every application to an underwriter, the answer to "why not refer
    everyone?": no bad loan is approved at once, but every file takes underwriter time and
    ``referred_good_lost`` of the good customers walk away.

    Returns ``cost_per_year`` (US dollars, scaled like :func:`value_case`) and ``referred`` (the
    held-out applicants, all of them).
    """
    y = np.asarray(y_true).astype(int)
    everyone = process_cost(y, np.ones(len(y)), threshold=0.0, **assumptions.costs)
    return {"cost_per_year": everyone["cost"] * assumptions.applications_per_year / len(y),
            "referred": everyone["referred"]}


def refer_everyone_cheaper_below(y_true, scores, *, threshold: float,
                                 assumptions: ValueAssumptions = ValueAssumptions()) -> float:
    """The share of referred good customers lost below which referring every application costs
    less than the process deciding with ``scores`` at ``threshold`` (the model's, in the brief).

    Both costs are straight lines in that share (``referred_good_lost``, the one assumption it
    leaves out): referring everyone pays underwriter time on every file and loses the share of
    *all* good customers; the process pays for its bad loans approved, its referrals' time and
    the share of the good customers *it* refers. So referring everyone is cheaper when the
    share is below the returned number and dearer above it: it pays only if underwriters keep
    more than 1 minus that share of the good customers they review. 0 means it is never
    cheaper, whatever the share; 1 means it is cheaper (or no dearer) at every share. Like the
    value case, it assumes a referred defaulter costs only underwriter time (the underwriter
    declines every bad loan referred). The number of applications a year does not change it.
    """
    y = np.asarray(y_true).astype(int)

    def gap(share: float) -> float:  # the process's cost minus referring everyone's
        costs = replace(assumptions, referred_good_lost=share).costs
        return (process_cost(y, scores, threshold=threshold, **costs)["cost"]
                - process_cost(y, np.ones(len(y)), threshold=0.0, **costs)["cost"])

    # the gap falls as the share rises: referring everyone loses every good customer
    none_lost, all_lost = gap(0.0), gap(1.0)
    if none_lost <= 0:
        return 0.0
    if all_lost >= 0:
        return 1.0
    return none_lost / (none_lost - all_lost)


def value_case(y_true, scores, current_scores, *, threshold: float, current_threshold: float,
               assumptions: ValueAssumptions = ValueAssumptions()) -> dict[str, float]:
    """The model's value a year against the current process, under ``assumptions``.

    Returns plain numbers (US dollars a year unless named otherwise): ``current_cost_per_year``,
    ``model_cost_per_year``, ``saved_per_year`` (current minus model), ``running_cost_per_year``
    and ``net_value_per_year`` (saved minus running cost; negative = the model does not pay),
    ``refer_everyone_cost_per_year`` (:func:`refer_everyone`, for comparison) and
    ``refer_everyone_cheaper_below`` (:func:`refer_everyone_cheaper_below`, against the model),
    with the counts behind them on the held-out applicants.
    """
    a = assumptions
    model = process_cost(y_true, scores, threshold=threshold, **a.costs)
    current = process_cost(y_true, current_scores, threshold=current_threshold, **a.costs)
    per_year = a.applications_per_year / len(np.asarray(y_true))
    saved = (current["cost"] - model["cost"]) * per_year
    return {"current_cost_per_year": current["cost"] * per_year,
            "model_cost_per_year": model["cost"] * per_year, "saved_per_year": saved,
            "running_cost_per_year": a.running_cost,
            "net_value_per_year": saved - a.running_cost,
            "refer_everyone_cost_per_year": refer_everyone(y_true,
                                                           assumptions=a)["cost_per_year"],
            "refer_everyone_cheaper_below": refer_everyone_cheaper_below(
                y_true, scores, threshold=threshold, assumptions=a),
            "current_threshold": current_threshold,
            "bad_loans_approved_current": current["bad_loans_approved"],
            "bad_loans_approved_model": model["bad_loans_approved"],
            "referred_current": current["referred"], "referred_model": model["referred"],
            "good_referred_current": current["good_referred"],
            "good_referred_model": model["good_referred"]}


def value_interval(y_true, scores, current_scores, *, threshold: float,
                   current_threshold: float, assumptions: ValueAssumptions = ValueAssumptions(),
                   n_resamples: int = 2000, level: float = 0.95, seed: int = 0
                   ) -> dict[str, float]:
    """A 95% range for the net value a year, from the sampling of the held-out applicants.

    The held-out applicants are one sample of the bank's applicants: another sample of the same
    size would give another net value, even for the same trained model. This is a paired
    bootstrap: it draws the applicants again with replacement ``n_resamples`` times, and each
    draw prices *both* processes on the same applicants (the model, both thresholds and the
    assumptions stay fixed). The range holds the middle ``level`` share of those net values (the
    percentile method): a range built this way contains the true net value about 95 times in
    100, for this trained model, these thresholds and these assumptions. It says nothing about
    retraining (:data:`RUN_TO_RUN`) or about the assumptions (:func:`sensitivity`). When it spans
    zero, the sign of the value case is not established.

    Returns ``low`` and ``high`` (US dollars a year, rounded to the nearest 1,000), ``level``
    and ``n_resamples``. The seed is fixed and the per-applicant costs are
    whole dollars under whole-dollar assumptions, so the sums are exact and the range is the
    same on any CPU.
    """
    check_bootstrap(n_resamples, level, reading=f"a {level:.0%} range")
    y = np.asarray(y_true).astype(int)
    a = assumptions
    costs = a.costs
    value_case(y, scores, current_scores, threshold=threshold,  # checks the inputs
               current_threshold=current_threshold, assumptions=a)
    # each applicant's saving: what the current process costs on them minus what the model does
    saving = (_cost_each(y, current_scores, threshold=current_threshold, **costs)
              - _cost_each(y, scores, threshold=threshold, **costs))
    totals = bootstrap_sums(saving, n_resamples=n_resamples, seed=seed)
    net = totals * (a.applications_per_year / len(y)) - a.running_cost
    low, high = np.quantile(net, [(1 - level) / 2, (1 + level) / 2])
    return {"low": round(float(low), -3), "high": round(float(high), -3), "level": level,
            "n_resamples": n_resamples}


def _cost_each(y: np.ndarray, scores, *, threshold: float, bad_loan: float, referral: float,
               good_lost: float) -> np.ndarray:
    """Each applicant's cost under one process (:func:`process_cost`, applicant by applicant):
    a bad loan approved costs ``bad_loan``; a referral ``referral``, plus ``good_lost`` for an
    applicant who would have repaid (Module 02's
    :func:`~deploydl.evaluation.resampling.cost_each` with the underwriter's time added)."""
    return cost_each(y, scores, threshold=threshold, referral=referral,
                     costs=ErrorCosts(bad_loan_approved=bad_loan,
                                      good_customer_turned_away=good_lost))


def sensitivity(y_true, scores, current_scores, *, threshold: float, current_threshold: float,
                assumptions: ValueAssumptions = ValueAssumptions(),
                swing: float = 0.5) -> pd.DataFrame:
    """Net value a year with each assumption moved down and up by ``swing`` (0.5 = 50%).

    One row per assumption (:data:`SENSITIVITY_LABELS`), columns ``low``, ``base`` and
    ``high`` in US dollars a year. The thresholds stay as decided. A share (:data:`SHARES`)
    moves up at most to 1: at its default of 1 (every referred good customer lost) its
    ``high`` is its ``base``, and only the move down, to half of them kept, tells.
    """
    if not 0 < swing < 1:
        raise ValueError(f"swing must be between 0 and 1 (0.5 = 50%); got {swing}.")

    def net(changed: ValueAssumptions) -> float:
        return value_case(y_true, scores, current_scores, threshold=threshold,
                          current_threshold=current_threshold,
                          assumptions=changed)["net_value_per_year"]

    base = net(assumptions)
    rows = {}
    for name, label in SENSITIVITY_LABELS.items():
        value = getattr(assumptions, name)
        moved = [type(value)(value * f) for f in (1 - swing, 1 + swing)]
        if name in SHARES:
            moved[1] = min(moved[1], 1.0)
        rows[label] = {"low": net(replace(assumptions, **{name: moved[0]})), "base": base,
                       "high": net(replace(assumptions, **{name: moved[1]}))}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("assumption (±50%)")


def sensitivity_shown(table: pd.DataFrame, *, assumptions: ValueAssumptions = ValueAssumptions(),
                      fmt=str, swing: float = 0.5) -> pd.DataFrame:
    """A :func:`sensitivity` table as a reader sees it: each net value written with ``fmt``
    (e.g. :func:`deploydl.present.charts.money`), under the headings "50% lower", "as stated"
    and "50% higher". A share (:data:`SHARES`) moves up at most to 1: at 1 already, its
    "50% higher" cell reads "n/a (already 100%)"; moved up less than 50%, it adds "(to 100%)".
    """
    names = {label: name for name, label in SENSITIVITY_LABELS.items()}
    lower, higher = f"{swing:.0%} lower", f"{swing:.0%} higher"
    rows = {}
    for label, row in table.iterrows():
        name = names.get(str(label), "")
        high = fmt(row["high"])
        if name in SHARES and getattr(assumptions, name) >= 1:
            high = "n/a (already 100%)"
        elif name in SHARES and getattr(assumptions, name) * (1 + swing) > 1:
            high += " (to 100%)"
        rows[label] = {lower: fmt(row["low"]), "as stated": fmt(row["base"]), higher: high}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("assumption")
