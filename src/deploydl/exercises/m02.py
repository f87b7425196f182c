"""Module 02 (Model selection and evaluation): six exercises on metrics, thresholds, CV
and what optimising F1 costs.

The expected numbers are computed at check time from the lab's data: the logistic baseline
trained on ``make_applicants(5000, seed=0)`` and scored on ``make_applicants(2000, seed=1)``,
the test set, and on ``make_applicants(2000, seed=2)``, the applicants set aside for choosing
thresholds (cached after the first check). Thresholds are compared on the sweep's grid: an answer
within half a grid step of a grid value counts as that value, so the row next to the right
one is wrong, never "close enough".
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache
from typing import Any

from deploydl.exercises.core import (
    FLOAT32_TOL,
    Exercise,
    as_number,
    as_share,
    brief,
    form,
    rounding_slip,
)

#: The lab's data: training and test rows and seeds.
TRAIN_ROWS, TRAIN_SEED, TEST_ROWS, TEST_SEED = 5000, 0, 2000, 1
#: ... and the applicants set aside to choose a threshold on, never the test set (lesson 02's).
ASIDE_ROWS, ASIDE_SEED = 2000, 2
#: Exercise 02.2's credit policy: at most this share of approved loans may default.
MAX_BAD_RATE = 0.10
#: Exercise 02.4's vendor figure, as its prompt quotes it ("over 83% accuracy!"): the vendor's
#: claim for its own model, near the answer but not it, so the check confirms no copy of it.
VENDOR_ACCURACY = 0.83
#: Exercise 02.5's assumption: a good customer turned away costs this many dollars. Not 4,000:
#: there the slip ``ErrorCosts(4_000)`` (a bad loan at 4,000, a lost customer still at 2,000)
#: has the same break-even, 2,000 / 6,000 = 4,000 / 12,000, and passed.
TURNED_AWAY_COST = 3_000
#: Exercise 02.6's assumption: nothing is recovered from a bad loan, so one approved costs the
#: whole average loan, this many dollars (a lost customer still costs the USD 2,000 margin).
#: Loan size alone cannot move the 4:1 ratio of the two prices; recovery can.
BIG_LOAN_COST = 20_000


@cache
def _baseline():
    from deploydl.data import make_applicants
    from deploydl.models import train_baseline_model

    return train_baseline_model(make_applicants(TRAIN_ROWS, seed=TRAIN_SEED))


@cache
def _scored(rows: int, seed: int):
    """(``make_applicants(rows, seed=seed)``, the baseline's scores on it)."""
    from deploydl.data import make_applicants

    table = make_applicants(rows, seed=seed)
    return table, _baseline().predict_proba(table)


def lab_data():
    """(test table, the baseline's scores on it): what the lab computes."""
    return _scored(TEST_ROWS, TEST_SEED)


def lab_aside():
    """(set-aside table, the baseline's scores on it): where exercise 02.2's threshold is
    chosen."""
    return _scored(ASIDE_ROWS, ASIDE_SEED)


def _policy_pick(table, scores) -> float:
    """The highest threshold whose approved loans default at most :data:`MAX_BAD_RATE`."""
    from deploydl.evaluation.metrics import threshold_sweep

    sweep = threshold_sweep(table["default"], scores)
    return float(sweep.loc[sweep["bad_rate_approved"] <= MAX_BAD_RATE, "threshold"].max())


def _on_grid(answer: Any) -> float | str:
    """The grid threshold the answer names, or a message when it names none."""
    from deploydl.evaluation.metrics import THRESHOLDS, nearest_threshold

    value = as_number(answer)
    if value is None or not 0 < value < 1:
        return form(f"give a threshold between 0 and 1 (a number), you gave {brief(answer)}.")
    nearest = nearest_threshold(value)
    if abs(nearest - value) > float(THRESHOLDS[1] - THRESHOLDS[0]) / 2:
        return f"{value} is not one of the sweep's thresholds."
    return nearest


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


def _is_the_cap(answer: Any) -> str | None:
    """The message for an answer that is the policy's cap, :data:`MAX_BAD_RATE`, as a share
    (0.1) or a percentage (10): a limit on the share of approved loans that default, not a
    threshold; None otherwise."""
    value = as_number(answer)
    if value is None or not any(math.isclose(value, cap, abs_tol=FLOAT32_TOL)
                                for cap in (MAX_BAD_RATE, 100 * MAX_BAD_RATE)):
        return None
    return (f"{value:g} is the policy's cap: at most {MAX_BAD_RATE:.0%} of approved loans may "
            "default. It limits the sweep's bad_rate_approved column; the threshold is the "
            "chance of default from which the model refers, in its 'threshold' column. Keep "
            "the rows whose bad_rate_approved is within the cap and store the highest "
            "threshold among them.")


def _as_given(value: float, chosen: float) -> str:
    """The threshold the learner gave, as a message names it: the grid's ``chosen`` ("0.10"),
    or ``value`` itself when it is off the grid ("0.0965, not one of the sweep's thresholds
    (read as 0.10),")."""
    if math.isclose(value, chosen, abs_tol=FLOAT32_TOL):  # a float32 0.21 is on the grid
        return f"{chosen:.2f}"
    return f"{value:g}, not one of the sweep's thresholds (read as {chosen:.2f}),"


#: The lab shows the sweep to three decimals: a share copied from it is this close to the sweep's.
COPIED_TOLERANCE = 5e-4


def _copied_from_sweep(value: float, chosen: float, sweep) -> str | None:
    """The message for an answer off the threshold grid that is a share the sweep shows
    (``bad_rate_approved`` or ``approved`` at some threshold); None otherwise, and for a grid
    threshold (0.10) that happens to be near a share."""
    if math.isclose(value, chosen, abs_tol=FLOAT32_TOL):  # a float32 0.21 is on the grid
        return None
    for column in ("bad_rate_approved", "approved"):
        gap = (sweep[column] - value).abs()
        if gap.min() <= COPIED_TOLERANCE:
            return (f"{value:g} is not a threshold: it matches the sweep's {column} column at "
                    f"the threshold {sweep.loc[gap.idxmin(), 'threshold']:.2f}, a share. Store "
                    "a value from the 'threshold' column.")
    return None


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


def _defaulted_share(answer: Any, defaulted: float) -> str | None:
    """The message for exercise 02.4's answer that is the share of test loans that defaulted,
    ``defaulted``: unrounded, or as the lab's first cell prints it ("16.8%"), as a share (0.168)
    or a percentage (16.8, 16.75); None otherwise."""
    value = as_number(answer)
    printed = float(f"{defaulted:.1%}".rstrip("%"))  # as the lab prints it: 16.8
    if value is None or not any(math.isclose(value, figure, rel_tol=1e-3) for figure in
                                (defaulted, 100 * defaulted, printed / 100, printed)):
        return None
    what = "percentage" if value > 1 else "share"
    return (f"{value:g} is the {what} of test loans that defaulted (the lab's first cell prints "
            f"{printed:g}%): approving everyone is right on the others. Give the share that "
            "were repaid, as a number between 0 and 1.")


def _is_vendor_figure(answer: Any) -> bool:
    """True when ``answer`` is :data:`VENDOR_ACCURACY` as a share (0.83) or a percentage (83)."""
    value = as_number(answer)
    return value is not None and any(math.isclose(value, figure, abs_tol=1e-9)
                                     for figure in (VENDOR_ACCURACY, 100 * VENDOR_ACCURACY))


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


def _cost_in_the_first_field(chosen: float) -> str:
    """Exercise 02.5's message for the break-even of ``ErrorCosts(TURNED_AWAY_COST)``: the new
    cost went into the first field, the price of a bad loan, and a lost customer kept its own."""
    from deploydl.evaluation.metrics import DEFAULT_COSTS

    return (f"{chosen:.2f} is the break-even when a bad loan costs USD {TURNED_AWAY_COST:,} and "
            f"a turned-away customer still USD {DEFAULT_COSTS.good_customer_turned_away:,.0f}: "
            f"the USD {TURNED_AWAY_COST:,} went into the wrong field. ErrorCosts's first field "
            f"is the cost of a bad loan approved (keep it at USD "
            f"{DEFAULT_COSTS.bad_loan_approved:,.0f}); give the new cost by name, as "
            "good_customer_turned_away.")


@cache
def f1_prices(bad_loan: float = BIG_LOAN_COST) -> tuple[float, float]:
    """Exercise 02.6: (cost of errors at F1's threshold, at the cheapest), in US dollars, when
    a bad loan approved costs ``bad_loan`` dollars (by default :data:`BIG_LOAN_COST`: nothing
    is recovered)."""
    from deploydl.evaluation.metric_choice import f1_against_money
    from deploydl.evaluation.metrics import ErrorCosts

    test, scores = lab_data()
    prices = {"priced": ErrorCosts(bad_loan_approved=bad_loan)}
    costs = f1_against_money(test["default"], scores, costs=prices)["cost: priced"]
    return float(costs.iloc[0]), float(costs.iloc[1])


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


def _is_usual_gap(value: float, gap: float) -> bool:
    """True when ``value`` is 02.6's extra cost at the bank's usual price of a bad loan,
    ``gap``, to the dollar. Where F1's threshold is also the cheapest, the gap is 0 and only 0
    is it: 0.41 is another figure in another unit, not a dollar's rounding."""
    return math.isclose(value, gap, abs_tol=0.5 if gap else 1e-9)


def _reads_as(value: float, figure: float) -> bool:
    """True when ``value`` is ``figure`` within 1%, or ``figure`` rounded to the two or more
    significant digits ``value`` gives (0.41 for 0.4149, 1.1 for 1.072)."""
    given = Decimal(repr(value)).normalize().as_tuple()
    return math.isclose(value, figure, rel_tol=1e-2) or (
        len(given.digits) >= 2 and math.isclose(round(figure, -int(given.exponent)), value))


def _in_another_unit(value: float, at_f1: float, cheapest: float) -> str | None:
    """The message for exercise 02.6's extra cost given in thousands or millions of dollars,
    or as a share of one of the two costs (read to two significant digits or more, see
    :func:`_reads_as`); None otherwise."""
    extra = at_f1 - cheapest
    for what, reading in (("in thousands of dollars", extra / 1e3),
                          ("in millions of dollars", extra / 1e6),
                          ("as a share of the cheapest threshold's cost", extra / cheapest),
                          ("as a share of the cost at F1's threshold", extra / at_f1)):
        if _reads_as(value, reading):
            return (f"{value:g} matches the extra cost {what}: give it in US dollars, the "
                    "difference of the two costs.")
    return None


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
