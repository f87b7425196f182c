"""The decision threshold (Modules 02, 03, 04, 07 and 08): one rule, and an honest test report.

**The rule** (:func:`decision_threshold`, the only place the course picks a threshold):

1. The costs set the threshold: refer an applicant when the calibrated chance of default is at
   or above the **break-even**, ``good / (bad + good)`` (0.20 with USD 8,000 for a bad loan
   approved and USD 2,000 for a good customer turned away;
   :func:`deploydl.evaluation.calibration.break_even`). This needs calibrated scores:
   calibrate on data set aside first (:func:`deploydl.evaluation.calibration.calibrate`).
2. If the bank's fairness screen fails there on the **validation set** (the applicants set
   aside for calibration), take the cheapest threshold *on the validation set* that passes it
   (:func:`deploydl.deploy.gates.fairness_gate`, the one fairness gate). If none passes, keep
   the break-even and say so: the release gate then blocks.

The test set plays no part. It only **reports** (:func:`report_on_test`): the cost at the chosen
threshold and, for honesty, how far that is from the cheapest threshold found on the test set
in hindsight, a figure no one could have chosen in advance.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from deploydl.evaluation.metrics import (
    DEFAULT_COSTS,
    THRESHOLDS,
    ErrorCosts,
    check_inputs,
    threshold_sweep,
)

#: The thresholds the rule may choose: the threshold sweep's grid, 0.01, 0.02, ..., 0.99.
GRID = THRESHOLDS


@dataclass(frozen=True)
class ThresholdChoice:
    """The decision threshold the rule chose, and why (every figure from the validation set).

    ``threshold``: refer at or above this chance of default; ``break_even``: what the costs
    imply; ``reason``: ``"break-even"``, ``"fairness"`` (moved to pass the screen) or
    ``"no threshold passes the fairness screen"``; ``passed``: the screen on the validation
    set at ``threshold`` (None without groups); ``ratio`` and ``ratio_at_break_even``: the
    approval ratio across groups there (NaN without groups); ``min_ratio``: the screen;
    ``n_validation``: applicants it was chosen on (0: the break-even alone).
    """

    threshold: float
    break_even: float
    reason: str
    passed: bool | None
    ratio: float
    ratio_at_break_even: float
    min_ratio: float
    n_validation: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)

    def __str__(self) -> str:
        why = {"break-even": "the break-even of the costs",
               "fairness": f"moved from the break-even {self.break_even:.2f} to pass the "
                           f"fairness screen on {self.n_validation:,} validation applicants",
               }.get(self.reason, f"the break-even; {self.reason}")
        return f"threshold {self.threshold:.2f} ({why})"


def why_this_threshold(choice: ThresholdChoice) -> str:
    """The sentence that explains a threshold chosen on applicants set aside (Modules 00, 04).

    It reads: on ``choice.n_validation`` applicants set aside (the validation set), the
    approval ratio at the break-even (the lowest protected group's approval rate divided by
    the highest, at the threshold the costs imply; 2 places) was below, or at or above,
    ``choice.min_ratio`` (the fairness screen's least ratio, 0.8 for the four-fifths screen),
    then the choice itself: the threshold and why it is there.

    Raises
    ------
    ValueError
        If ``choice`` was made on no applicants (the break-even alone): there is no ratio to
        explain it by.
    """
    if not choice.n_validation:
        raise ValueError(f"why_this_threshold got {choice}, chosen on no applicants, so there is "
                         "no approval ratio to explain it by. Choose it on the applicants set "
                         "aside: threshold_for(model, set_aside_applicants()).")
    side = "at or above" if choice.ratio_at_break_even >= choice.min_ratio else "below"
    return (f"On the {choice.n_validation:,} applicants set aside, the approval ratio at the "
            f"break-even was {choice.ratio_at_break_even:.2f}, {side} {choice.min_ratio}: "
            f"{choice}.")


def decision_threshold(y_validation=None, scores_validation=None, groups_validation=None, *,
                       costs: ErrorCosts = DEFAULT_COSTS,
                       min_ratio: float | None = None) -> ThresholdChoice:
    """Choose the decision threshold by the course's one rule, without the test set.

    Parameters
    ----------
    y_validation, scores_validation, groups_validation
        Labels (1 = defaulted), **calibrated** scores and protected groups of the validation
        set: applicants set aside for calibration, neither training data nor the test set.
        Give all three, and the fairness screen is checked on these applicants; give none,
        and the answer is the break-even alone.
    costs : ErrorCosts
        What each kind of error costs; they set the break-even.
    min_ratio : float, optional
        The fairness screen (lowest group approval rate / highest); the four-fifths ratio,
        :data:`deploydl.responsible.fairness.FOUR_FIFTHS`, by default.
    """
    from deploydl.evaluation.calibration import break_even
    from deploydl.responsible.fairness import FOUR_FIFTHS

    min_ratio = FOUR_FIFTHS if min_ratio is None else min_ratio
    start = float(GRID[np.argmin(np.abs(GRID - break_even(costs)))])
    given = [name for name, value in (("y_validation", y_validation),
                                      ("scores_validation", scores_validation),
                                      ("groups_validation", groups_validation))
             if value is not None]
    if not given:
        return ThresholdChoice(start, break_even(costs), "break-even", None, math.nan,
                               math.nan, min_ratio, 0)
    if len(given) < 3:
        raise ValueError(f"decision_threshold got only {' and '.join(given)}: checking the "
                         "fairness screen needs the validation set's labels, scores and "
                         "groups. Pass all three, or none for the break-even alone.")
    y, s = check_inputs(y_validation, scores_validation, score_name="scores_validation")
    groups = np.asarray(groups_validation)
    if len(groups) != len(y):
        raise ValueError(f"groups_validation has {len(groups)} values for {len(y)} applicants; "
                         "pass one group per applicant, in the same order.")
    sweep = fairness_sweep(y, s, groups, costs=costs, min_ratio=min_ratio)
    at_start = sweep.loc[sweep["threshold"] == start].iloc[0]
    fair = sweep[sweep["passes"]]
    if bool(at_start["passes"]):
        chosen, reason = at_start, "break-even"
    elif len(fair):
        chosen, reason = fair.loc[fair["cost"].idxmin()], "fairness"
    else:
        chosen, reason = at_start, "no threshold passes the fairness screen"
    return ThresholdChoice(float(chosen["threshold"]), break_even(costs), reason,
                           bool(chosen["passes"]), float(chosen["parity_ratio"]),
                           float(at_start["parity_ratio"]), min_ratio, len(y))


def threshold_for(model, validation=None, *, costs: ErrorCosts = DEFAULT_COSTS,
                  min_ratio: float | None = None) -> tuple[float, ThresholdChoice]:
    """A model's decision threshold by :func:`decision_threshold`, from a validation table.

    ``validation`` holds the applicants set aside for calibration (with the label and the
    protected attribute); without it the answer is the break-even. A model that already
    carries a threshold (``model.threshold``, recorded in its registered artifact) keeps it:
    that is the one the service decides at. Returns ``(threshold, choice)``.
    """
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE

    if validation is None:
        choice = decision_threshold(costs=costs, min_ratio=min_ratio)
    else:
        choice = decision_threshold(validation[LABEL].to_numpy(),
                                    model.predict_proba(validation),
                                    validation[PROTECTED_ATTRIBUTE], costs=costs,
                                    min_ratio=min_ratio)
    recorded = getattr(model, "threshold", None)
    return (choice.threshold if recorded is None else float(recorded)), choice


def calibrate_and_decide(model, aside) -> tuple[Any, ThresholdChoice]:
    """``model`` calibrated on ``aside`` (applicants set aside for it, with the label and the
    protected attribute) and given the threshold the rule chooses there (:func:`threshold_for`),
    so a service decides at it: the course's recipe for every model it serves. The median
    applicant of ``aside`` it then approves becomes its ``reason_reference``, against which a
    service words the reasons for each referral (Module 03's reason codes).

    Returns ``(calibrated, choice)``: the model, and the :class:`ThresholdChoice` that says why
    its threshold was chosen and whether it passed the fairness screen on ``aside``.
    """
    from deploydl.evaluation.calibration import calibrate
    from deploydl.responsible.explain import approved_reference

    calibrated = calibrate(model, aside)
    calibrated.threshold, choice = threshold_for(calibrated, aside)
    calibrated.reason_reference = approved_reference(calibrated, aside)
    return calibrated, choice


def decides_at(model, threshold: float | None = None) -> float:
    """The chance of default at or above which ``model`` refers an applicant: ``threshold``
    when one is fixed for it (a service's own), else the one chosen for the model and
    recorded with it (``model.threshold``, by :func:`threshold_for`), else 0.5, the
    textbook default of a model nobody chose a threshold for."""
    if threshold is not None:
        return threshold
    recorded = getattr(model, "threshold", None)
    return 0.5 if recorded is None else float(recorded)


def refer_or_approve(probability: float, threshold: float) -> Literal["refer", "approve"]:
    """The decision on one applicant: "refer" (to an underwriter) when the chance of default
    is at or above ``threshold``, else "approve". The service's answer and its prediction log
    both decide with it, so they cannot disagree. It fails closed: a chance or a threshold
    that is not a number (NaN) refers, never approves."""
    return "approve" if probability < threshold else "refer"


def approval_bar(refer_above: float) -> float:
    """The approval bar that a referral point sets, on the chance of repaying.

    A referral point is the chance of default (0..1) above which an applicant goes to an
    underwriter (Module 03's frame). The same rule, stated on the approval score (the chance of
    repaying, 0..1), approves an applicant whose chance of repaying is at least the returned
    bar, ``1 - refer_above``: referring above a 20% chance of default is approving at an 80%
    chance of repaying or more.

    Raises
    ------
    ValueError
        If ``refer_above`` is not a chance between 0 and 1 (NaN included), such as 20 for 20%.
    """
    if not 0 <= refer_above <= 1:
        raise ValueError(f"approval_bar got the referral point {refer_above!r}, which is not a "
                         "chance of default between 0 and 1. Give it as a fraction: 0.2 for "
                         "a 20% chance.")
    return 1 - refer_above


def fairness_sweep(y_true, scores, groups, *, costs: ErrorCosts = DEFAULT_COSTS,
                   min_ratio: float) -> Any:
    """:func:`~deploydl.evaluation.metrics.threshold_sweep` on :data:`GRID`, with the
    approval ratio across ``groups`` (``parity_ratio``, to 4 places as the fairness gate
    records it; NaN where nobody is approved) and whether the fairness gate would pass
    (``passes``: the unrounded ratio is ``min_ratio`` or more) at each threshold."""
    from deploydl.responsible.fairness import selection_ratios

    sweep = threshold_sweep(y_true, scores, thresholds=GRID, costs=costs)
    approved = np.asarray(scores)[None, :] < sweep["threshold"].to_numpy()[:, None]
    ratios = selection_ratios(approved.astype(int), groups)
    sweep["parity_ratio"] = [round(float(r), 4) for r in ratios]
    sweep["passes"] = ratios >= min_ratio
    return sweep


def report_on_test(y_test, scores_test, *, threshold: float,
                costs: ErrorCosts = DEFAULT_COSTS) -> dict[str, float]:
    """What the test set says about a threshold chosen without it (US dollars on these
    applicants).

    ``cost`` at ``threshold``; ``hindsight_threshold`` and ``hindsight_cost``: the cheapest
    threshold on these very applicants (the lowest if several tie), which nobody could have
    chosen in advance; ``hindsight_gap``: ``cost - hindsight_cost`` (0 or more) and
    ``hindsight_gap_share``: that gap as a share of ``hindsight_cost``.
    """
    from deploydl.evaluation.metrics import outcomes

    y, s = check_inputs(y_test, scores_test, score_name="scores_test")
    sweep = threshold_sweep(y, s, thresholds=GRID, costs=costs)
    best = sweep.iloc[int(sweep["cost"].to_numpy().argmin())]  # the first of any ties
    cost = outcomes(y, s, threshold=threshold, costs=costs).cost
    gap = cost - float(best["cost"])
    return {"threshold": float(threshold), "cost": cost,
            "hindsight_threshold": float(best["threshold"]),
            "hindsight_cost": float(best["cost"]), "hindsight_gap": gap,
            "hindsight_gap_share": gap / float(best["cost"]) if best["cost"] else 0.0}
