"""The value case (Modules 07 and 08): the model against the bank's current process, in dollars.

A straw man flatters any model: "against approving everyone" it always looks good. The brief
instead compares two *processes* on the same held-out applicants, each at its own threshold:

* the **current process**: the bank's existing scorecard (here the logistic baseline);
* the **model**: the network in production.

Each applicant is either approved at once or **referred** to an underwriter. A loan approved
at once that defaults costs ``bad_loan`` (US dollars); a referral costs ``referral``: the
underwriter's time on the file (the referred applicant is not lost: the underwriter decides).
Scaled to a year, the difference is what the model saves; minus its running cost, the net
value. :func:`sensitivity` moves each assumption by plus or minus 50% with the thresholds
held, so a reader sees which assumption the answer hangs on. :func:`value_interval` gives the
95% range that the sampling of the held-out applicants alone puts around the net value: read
the ±50% table next to it, since a swing smaller than that range settles nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ValueAssumptions:
    """The money assumptions of the value case, in US dollars (change them to your bank's).

    ``bad_loan``: loss on a loan approved at once that defaults (Module 02's USD 8,000);
    ``referral``: underwriter time for one referred file (about 2 hours at USD 75 an hour);
    ``applications_per_year``: scales the held-out applicants to a year;
    ``running_cost``: the model's hosting, monitoring and upkeep a year (Modules 05 and 06).
    """

    bad_loan: float = 8_000.0
    referral: float = 150.0
    applications_per_year: int = 40_000
    running_cost: float = 250_000.0


#: What each sensitivity row moves, and its label in the brief.
SENSITIVITY_LABELS = {"bad_loan": "loss on a bad loan approved",
                      "referral": "underwriter cost of a referral",
                      "applications_per_year": "applications a year",
                      "running_cost": "model running cost a year"}


def process_cost(y_true, scores, *, threshold: float, bad_loan: float,
                 referral: float) -> dict[str, float]:
    """Cost of one process on labelled applicants: bad loans approved at once plus referrals.

    ``y_true`` is 1 for a default; ``scores`` are chances of default; an applicant is approved
    at once when the score is below ``threshold`` and referred otherwise.
    """
    y, s = np.asarray(y_true).astype(int), np.asarray(scores, dtype=float)
    if len(y) != len(s) or not len(y):
        raise ValueError(f"y_true and scores must be non-empty and of equal length; got "
                         f"{len(y)} and {len(s)}.")
    approved = s < threshold
    return {"bad_loans_approved": int(np.sum(approved & (y == 1))),
            "referred": int(np.sum(~approved)),
            "cost": float(_cost_each(y, s, threshold=threshold, bad_loan=bad_loan,
                                     referral=referral).sum())}


def value_case(y_true, scores, current_scores, *, threshold: float, current_threshold: float,
               assumptions: ValueAssumptions = ValueAssumptions()) -> dict[str, float]:
    """The model's value a year against the current process, under ``assumptions``.

    Returns plain numbers (US dollars a year unless named otherwise): ``current_cost_per_year``,
    ``model_cost_per_year``, ``saved_per_year`` (current minus model), ``running_cost_per_year``
    and ``net_value_per_year`` (saved minus running cost; negative = the model does not pay),
    with the counts behind them on the held-out applicants.
    """
    a = assumptions
    costs = {"bad_loan": a.bad_loan, "referral": a.referral}
    model = process_cost(y_true, scores, threshold=threshold, **costs)
    current = process_cost(y_true, current_scores, threshold=current_threshold, **costs)
    per_year = a.applications_per_year / len(np.asarray(y_true))
    saved = (current["cost"] - model["cost"]) * per_year
    return {"current_cost_per_year": current["cost"] * per_year,
            "model_cost_per_year": model["cost"] * per_year, "saved_per_year": saved,
            "running_cost_per_year": a.running_cost,
            "net_value_per_year": saved - a.running_cost,
            "current_threshold": current_threshold,
            "bad_loans_approved_current": current["bad_loans_approved"],
            "bad_loans_approved_model": model["bad_loans_approved"],
            "referred_current": current["referred"], "referred_model": model["referred"]}


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
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (0.95 = a 95% range); got {level}.")
    if n_resamples < 100:
        raise ValueError(f"n_resamples must be at least 100 for a 95% range; got "
                         f"{n_resamples}.")
    y = np.asarray(y_true).astype(int)
    a = assumptions
    costs = {"bad_loan": a.bad_loan, "referral": a.referral}
    value_case(y, scores, current_scores, threshold=threshold,  # checks the inputs
               current_threshold=current_threshold, assumptions=a)
    # each applicant's saving: what the current process costs on them minus what the model does
    saving = (_cost_each(y, current_scores, threshold=current_threshold, **costs)
              - _cost_each(y, scores, threshold=threshold, **costs))
    n, rng = len(y), np.random.default_rng(seed)
    rows = max(1, 4_000_000 // n)  # resample in blocks, to bound the memory
    totals = np.concatenate([saving[rng.integers(0, n, size=(min(rows, n_resamples - i), n))]
                             .sum(axis=1) for i in range(0, n_resamples, rows)])
    net = totals * (a.applications_per_year / n) - a.running_cost
    low, high = np.quantile(net, [(1 - level) / 2, (1 + level) / 2])
    return {"low": round(float(low), -3), "high": round(float(high), -3), "level": level,
            "n_resamples": n_resamples}


def _cost_each(y: np.ndarray, scores, *, threshold: float, bad_loan: float,
               referral: float) -> np.ndarray:
    """Each applicant's cost under one process (:func:`process_cost`, applicant by applicant)."""
    approved = np.asarray(scores, dtype=float) < threshold
    return np.where(approved, np.where(y == 1, bad_loan, 0.0), referral)


def spans_zero(low: float, high: float) -> bool:
    """Does a :func:`value_interval` range include zero? Then the value case's sign, gain or
    loss, is not established."""
    return low <= 0 <= high


def interval_words(low: float, high: float, *, level: float = 0.95, unit: str = "USD ") -> str:
    """A :func:`value_interval` range in words, with what it says of the sign: "95% range
    -USD 2.2M to USD 943,000 a year: it spans zero, so even the sign is not established"."""
    from deploydl.present.charts import money

    shown = f"{level:.0%} range {money(low, unit=unit)} to {money(high, unit=unit)} a year"
    if spans_zero(low, high):
        return shown + ": it spans zero, so even the sign is not established"
    return shown + (": positive across the range" if low > 0 else ": negative across the range")


#: Why one run's value case is not the model's (Modules 07 and 08): the network and the
#: scorecard rank risk about equally well, so the sign of the difference is fragile.
RUN_TO_RUN = ("Module 02 found that the network and the scorecard rank risk about equally "
              "well, so a fresh training run can flip the sign")
NOT_A_CASE = "A value case that flips between runs is not a value case"


def largest_swing(table: pd.DataFrame) -> float:
    """The most the net value a year moves (US dollars) when one assumption of a
    :func:`sensitivity` table moves down or up: compare it with :func:`value_interval`."""
    return float(table[["low", "high"]].sub(table["base"], axis=0).abs().to_numpy().max())


def sensitivity(y_true, scores, current_scores, *, threshold: float, current_threshold: float,
                assumptions: ValueAssumptions = ValueAssumptions(),
                swing: float = 0.5) -> pd.DataFrame:
    """Net value a year with each assumption moved down and up by ``swing`` (0.5 = 50%).

    One row per assumption (:data:`SENSITIVITY_LABELS`), columns ``low``, ``base`` and
    ``high`` in US dollars a year. The thresholds stay as decided.
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
        rows[label] = {"low": net(replace(assumptions, **{name: moved[0]})), "base": base,
                       "high": net(replace(assumptions, **{name: moved[1]}))}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("assumption (±50%)")
