"""How Module 02's checks read a learner's answer and name its slips: a threshold read on the
sweep's grid, the policy's cap or a share copied from the sweep given for a threshold, the
share that defaulted or the vendor's figure given for an accuracy, a cost in the wrong field,
and an extra cost in another unit. Module 02's checks (``m02``) call these.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from deploydl.exercises.core import as_number, brief, form, same_number
from deploydl.exercises.m02_data import MAX_BAD_RATE, TURNED_AWAY_COST, VENDOR_ACCURACY


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


def _is_the_cap(answer: Any) -> str | None:
    """The message for an answer that is the policy's cap, :data:`MAX_BAD_RATE`, as a share
    (0.1) or a percentage (10): a limit on the share of approved loans that default, not a
    threshold; None otherwise."""
    value = as_number(answer)
    if value is None or not any(same_number(value, cap)
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
    if same_number(value, chosen):  # a float32 0.21 is on the grid
        return f"{chosen:.2f}"
    return f"{value:g}, not one of the sweep's thresholds (read as {chosen:.2f}),"


#: The lab shows the sweep to three decimals: a share copied from it is this close to the sweep's.
COPIED_TOLERANCE = 5e-4


def _copied_from_sweep(value: float, chosen: float, sweep) -> str | None:
    """The message for an answer off the threshold grid that is a share the sweep shows
    (``bad_rate_approved`` or ``approved`` at some threshold); None otherwise, and for a grid
    threshold (0.10) that happens to be near a share."""
    if same_number(value, chosen):  # a float32 0.21 is on the grid
        return None
    for column in ("bad_rate_approved", "approved"):
        gap = (sweep[column] - value).abs()
        if gap.min() <= COPIED_TOLERANCE:
            return (f"{value:g} is not a threshold: it matches the sweep's {column} column at "
                    f"the threshold {sweep.loc[gap.idxmin(), 'threshold']:.2f}, a share. Store "
                    "a value from the 'threshold' column.")
    return None


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
    return value is not None and any(same_number(value, figure)
                                     for figure in (VENDOR_ACCURACY, 100 * VENDOR_ACCURACY))


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
