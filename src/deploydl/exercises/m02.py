"""Module 02 (Model selection and evaluation): six exercises on metrics, thresholds, CV
and what optimising F1 costs.

The expected numbers are computed at check time from the lab's data: the logistic baseline
trained on ``make_applicants(5000, seed=0)`` and scored on ``make_applicants(2000, seed=1)``,
the test set, and on ``make_applicants(2000, seed=2)``, the applicants set aside for choosing
thresholds (cached after the first check). Thresholds are compared on the sweep's grid: an answer
within half a grid step of a grid value counts as that value, so the row next to the right
one is wrong, never "close enough".

The lab's data and the numbers the checks expect are in ``m02_data``, and the readers of a
learner's answer and its slips in ``m02_readers``.
"""

from __future__ import annotations

import math
from typing import Any

from deploydl.exercises.core import Exercise, as_number, as_share, brief, form, rounding_slip
from deploydl.exercises.m02_data import (
    BIG_LOAN_COST,
    MAX_BAD_RATE,
    TRAIN_ROWS,
    TRAIN_SEED,
    TURNED_AWAY_COST,
    VENDOR_ACCURACY,
    _baseline,
    _policy_pick,
    _scored,
    f1_prices,
    lab_aside,
    lab_data,
)
from deploydl.exercises.m02_readers import (
    _as_given,
    _copied_from_sweep,
    _cost_in_the_first_field,
    _defaulted_share,
    _in_another_unit,
    _is_the_cap,
    _is_usual_gap,
    _is_vendor_figure,
    _on_grid,
)

__all__ = ["EXERCISES", "MAX_BAD_RATE", "TRAIN_ROWS", "TRAIN_SEED", "TURNED_AWAY_COST",
           "VENDOR_ACCURACY", "_baseline", "_policy_pick", "f1_prices", "lab_aside", "lab_data"]


def _policy_threshold(answer: Any) -> str | None:
    from deploydl.evaluation.metrics import threshold_sweep

    cap = _is_the_cap(answer)
    if cap:
        return cap
    chosen = _on_grid(answer)
    if isinstance(chosen, str):
        return chosen
    aside, scores = lab_aside()
    if chosen == _policy_pick(aside, scores):
        return None
    sweep = threshold_sweep(aside["default"], scores)
    copied = _copied_from_sweep(float(answer), chosen, sweep)
    if copied:
        return copied
    if chosen == _policy_pick(*lab_data()):
        return ("that threshold is read off the test applicants; choose it on the set-aside "
                "applicants' sweep, and let the test only report.")
    named = _as_given(float(answer), chosen)
    if chosen not in set(sweep.loc[sweep["bad_rate_approved"] <= MAX_BAD_RATE, "threshold"]):
        return (f"at {named} more than {MAX_BAD_RATE:.0%} of approved loans go bad: the "
                "policy is broken.")
    message = f"{named} meets the policy, but a higher threshold does too and approves more."
    if chosen == _policy_pick(*_scored(TRAIN_ROWS, TRAIN_SEED)):
        # Also a plain cautious pick: say where else it comes from, accuse no one.
        message += (" It is also the highest that meets the policy on the training applicants "
                    "(train): if you swept those, sweep the set-aside applicants (aside).")
    return message


#: Exercise 02.1's confusion matrix: (repaid, defaulted) x (approved, referred to an
#: underwriter).
RECALL_MATRIX = {"repaid": (700, 100), "defaulted": (80, 120)}


def _recall(answer: Any) -> str | None:
    (_, good_referred), (bad_approved, bad_referred) = RECALL_MATRIX.values()
    recall = bad_referred / (bad_referred + bad_approved)
    value = as_share(answer, recall)
    if isinstance(value, str):
        return value
    for wrong, why in (
            (bad_referred / (bad_referred + good_referred),
             "that is precision (of the loans referred, the share that defaulted); recall "
             "looks only at the loans that defaulted."),
            (1 - recall, "that is the share of bad loans it approved; recall is the share it "
                         "referred.")):
        if math.isclose(value, wrong, rel_tol=1e-3):
            return why
    return None if math.isclose(value, recall, rel_tol=1e-3) else f"you gave {brief(answer)}."


def _approve_everyone(answer: Any) -> str | None:
    test, _ = lab_data()
    repaid = 1 - float(test["default"].mean())
    if _is_vendor_figure(answer):
        return (f"{VENDOR_ACCURACY} ({VENDOR_ACCURACY:.0%}) is also the vendor's figure in the "
                "prompt, so it cannot count as your answer: give the accuracy of approving "
                "everyone that you computed from test['default'] to at least three significant "
                "digits (0..1).")
    defaulted = _defaulted_share(answer, 1 - repaid)
    if defaulted:
        return defaulted
    value = as_share(answer, repaid)
    if isinstance(value, str):
        return value
    if math.isclose(value, repaid, rel_tol=1e-3):
        return None
    return rounding_slip(value, repaid) or f"you gave {brief(answer)}."


def _cost_threshold(answer: Any) -> str | None:
    from deploydl.evaluation.decision import ThresholdChoice, decision_threshold
    from deploydl.evaluation.metrics import ErrorCosts, cost_minimising_threshold

    if isinstance(answer, ThresholdChoice):  # its repr shows the threshold: never echo it
        return form("that is the whole choice decision_threshold returns (a ThresholdChoice); "
                    "store its .threshold, a number between 0 and 1.")
    costs = ErrorCosts(good_customer_turned_away=TURNED_AWAY_COST)
    chosen = _on_grid(answer)
    if isinstance(chosen, str):
        return chosen
    rule = decision_threshold(costs=costs).threshold
    if chosen == rule:
        return None
    if chosen == decision_threshold().threshold:
        return (f"{chosen:.2f} is the break-even with USD 2,000 per turned-away customer; "
                f"use USD {TURNED_AWAY_COST:,} as marketing says.")
    if chosen == decision_threshold(costs=ErrorCosts(TURNED_AWAY_COST)).threshold:
        return _cost_in_the_first_field(chosen)
    swapped = costs.bad_loan_approved / (costs.bad_loan_approved + TURNED_AWAY_COST)
    if math.isclose(chosen, round(swapped, 2)):
        return ("the two costs are swapped: the break-even is the cost of a turned-away "
                "customer over the sum of both costs.")
    test, scores = lab_data()
    if chosen == cost_minimising_threshold(test["default"], scores, costs=costs):
        return ("that is the cheapest threshold on the test applicants, found in hindsight; "
                "the rule sets the threshold from the costs, before looking at the test.")
    return (f"{chosen:.2f} is not the break-even of these costs: compute "
            "good / (bad + good) with the new cost of a turned-away customer.")


def _f1_extra_cost(answer: Any) -> str | None:
    from deploydl.evaluation.metrics import DEFAULT_COSTS

    value = as_number(answer)
    if value is None:
        return form(f"give the extra cost in US dollars, a number; you gave {brief(answer)}.")
    at_f1, cheapest = f1_prices()
    extra = at_f1 - cheapest
    if math.isclose(value, extra, abs_tol=0.5):
        return None
    if math.isclose(value, -extra, abs_tol=0.5):
        return "the sign is reversed: F1's threshold costs more than the cheapest, not less."
    if math.isclose(value, at_f1, abs_tol=0.5):
        return "that is the whole cost at F1's threshold; subtract the cheapest threshold's cost."
    unit = _in_another_unit(value, at_f1, cheapest)
    if unit:
        return unit
    usual_f1, usual_cheapest = f1_prices(DEFAULT_COSTS.bad_loan_approved)
    if _is_usual_gap(value, usual_f1 - usual_cheapest):
        return (f"you gave {brief(answer)}: at the bank's usual price of a bad loan (USD "
                f"{DEFAULT_COSTS.bad_loan_approved:,.0f}) F1's threshold costs USD "
                f"{usual_f1 - usual_cheapest:,.0f} more than the cheapest. Here nothing is "
                f"recovered, so a bad loan costs USD {BIG_LOAN_COST:,}: use the 'cost: nothing "
                "recovered' column.")
    return (f"you gave {brief(answer)}; the extra cost is the 'cost: nothing recovered' of the "
            "'best F1' row minus that of the 'lowest cost: nothing recovered' row, in US "
            "dollars.")


EXERCISES = [
    Exercise(
        id="02.1", title="Recall from a confusion matrix",
        checker=_recall,
        hints=("Recall asks: of the loans that really defaulted, what share did the model "
               "catch (refer to an underwriter)? Only the 'defaulted' row of the matrix matters.",
               "recall = bad loans referred / (bad loans referred + bad loans approved) "
               "= 120 / (120 + 80)"),
    ),
    Exercise(
        id="02.2", title="The threshold that meets the credit policy",
        checker=_policy_threshold,
        hints=("Keep the rows of the set-aside applicants' sweep where bad_rate_approved is at "
               "most 0.10, then take the highest threshold among them: the highest threshold "
               "approves the most.",
               "sweep.loc[sweep['bad_rate_approved'] <= 0.10, 'threshold'].max()"),
    ),
    Exercise(
        id="02.3", title="Choose between two models from cross-validation",
        expected="A",
        choices={"B": "A higher mean is not a better model: fold by fold the network wins three "
                      "folds and loses two, and a mean lead of 0.002 could reverse on another "
                      "split.",
                 "C": "There is no universal bar such as 0.9: a model ships when it beats what "
                      "the bank does today at an acceptable cost."},
        hints=("Read the row of differences, fold by fold: does the network beat the baseline "
               "on every fold, or only on some? Both models share the spread from fold to "
               "fold, so compare them fold by fold, not against the spread.",
               "The network wins three folds and loses two: its 0.002 lead is no evidence of a "
               "better model (the lesson's corrected fold-by-fold test gives p of about 0.6), "
               "and 0.002 of ROC AUC is not worth much money. With no real difference, prefer "
               "the simpler model."),
    ),
    Exercise(
        id="02.4", title="Spot the accuracy paradox",
        checker=_approve_everyone,
        hints=("A model that approves everyone is right exactly on the loans that were repaid. "
               "What share of the test loans were repaid?",
               "approve_everyone_accuracy = 1 - test['default'].mean()"),
    ),
    Exercise(
        id="02.5", title="When turning customers away costs more",
        checker=_cost_threshold,
        hints=("The costs set the threshold: the break-even is the cost of a turned-away good "
               "customer divided by the sum of both costs. Build "
               f"ErrorCosts(good_customer_turned_away={TURNED_AWAY_COST:_}) and pass it as "
               "costs= to decision_threshold.",
               f"decision_threshold(costs=ErrorCosts(good_customer_turned_away="
               f"{TURNED_AWAY_COST:_})).threshold"),
    ),
    Exercise(
        id="02.6", title="What optimising F1 costs when bad loans cost more",
        checker=_f1_extra_cost,
        hints=("f1_against_money gives one row for the best F1 and one for the cheapest "
               "threshold, with the cost of errors at each; price a bad loan at 20,000 "
               "(nothing recovered).",
               "picks.loc['best F1', 'cost: nothing recovered'] - "
               "picks.loc['lowest cost: nothing recovered', 'cost: nothing recovered']"),
    ),
]
