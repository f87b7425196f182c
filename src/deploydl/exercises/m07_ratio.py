"""Exercise 07.3's check: the risk register's fairness evidence, the lowest age band's
approval rate divided by the highest's, read against the four-fifths rule, with each common
slip told by name. Module 07 (Stakeholder communication); ``m07`` wires it to its exercise."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from deploydl.exercises.core import (
    as_number,
    brief,
    form,
    is_percentage,
    percentage_slip,
    rounding_slip,
    same_number,
)
from deploydl.responsible.fairness import FOUR_FIFTHS

if TYPE_CHECKING:
    import pandas as pd

#: Exercise 07.3: a ratio within this of the right one passes: the ratio to three decimals or
#: more, or computed from the rates as the lab prints them (to three decimals); a wrong third
#: digit fails. The four-fifths rule reads the ratio against 0.80, and the run's ratio is
#: under a hundredth below it, so the third digit is where a wrong ratio shows.
RATIO_TOL = 5e-4


def _ratio(answer: Any) -> str | None:
    """Exercise 07.3's checker: the lowest age band's approval rate divided by the highest's
    (:func:`_reads_as`), each slip told by name: a percentage, the overall approval rate or
    the lowest band's divided by it, a rounding that carries the ratio over the four-fifths
    line, the wrong bands divided (:func:`_wrong_bands`), one band's rate alone
    (:func:`_one_band`), the ratio cut off rather than rounded (:func:`_cut_off`), rates
    rounded to two decimals divided (:func:`_rounded_rates`), the ratio the other way round;
    any other number is told only what to divide."""
    from deploydl.capstone.project import lesson_inputs

    value = as_number(answer)
    if value is None:
        return form(f"give the ratio as a number between 0 and 1; you gave {brief(answer)}.")
    inputs = lesson_inputs()
    expected = inputs.fairness["demographic_parity_ratio"]
    if _reads_as(value, expected):
        return None
    percentage = percentage_slip(value, expected, what="the ratio")
    if percentage:
        return percentage
    overall, rates = inputs.evaluation["approval_rate"], inputs.by_group["selection_rate"]
    by_overall = rates.min() / overall  # 0.83 is read as the overall rate, 0.833, rounded
    if abs(value - by_overall) < RATIO_TOL or is_percentage(value, by_overall, tol=0.05):
        return ("that divides the lowest age band's approval rate by that of all applicants "
                "together; the four-fifths rule compares the band approved least often with "
                f"the band approved most often: {_lowest_by_highest(rates)}.")
    if _given_as(value, overall) or is_percentage(value, overall):
        return ("that is the approval rate of all applicants together; the ratio divides the "
                "lowest age band's approval rate by the highest's, from inputs.by_group.")
    slip = (_rounded_over_the_line(value, expected) or _wrong_bands(value, rates)
            or _one_band(value, rates) or _cut_off(value, expected, brief(answer))
            or _rounded_rates(value, rates))
    if slip:
        return slip
    if value > 1:
        return _above_one(value, expected, brief(answer))
    return (f"you gave {brief(answer)}, which is not the ratio: divide the lowest age band's "
            "approval rate by the highest's, from inputs.by_group['selection_rate'].")


def _reads_as(value: float, ratio: float) -> bool:
    """Whether ``value`` is ``ratio`` as a register may give it: within :data:`RATIO_TOL`, or
    rounded to two decimals (as the fairness gate prints it) on the same side of the
    four-fifths line (0.795 as 0.80 would read as a pass of the rule)."""
    two = round(ratio, 2)
    return abs(value - ratio) < RATIO_TOL or (
        same_number(value, two) and (two < FOUR_FIFTHS) == (ratio < FOUR_FIFTHS))


def _wrong_bands(value: float, rates: pd.Series) -> str | None:
    """What 07.3 says when ``value`` is one age band's approval rate divided by another's
    (``rates``, by band), not the lowest by the highest nor the other way round (which
    :func:`_above_one` tells): which bands it divides and which the rule compares; None
    otherwise."""
    low, high = rates.idxmin(), rates.idxmax()
    divided = next(((a, b) for a in rates.index for b in rates.index
                    if a != b and {a, b} != {low, high}
                    and _given_as(value, rates[a] / rates[b])), None)
    if divided is None:
        return None
    return (f"that divides the approval rate of '{divided[0]}' by that of '{divided[1]}'; the "
            "four-fifths rule compares the age band approved least often with the band "
            f"approved most often: {_lowest_by_highest(rates)}.")


def _one_band(value: float, rates: pd.Series) -> str | None:
    """What 07.3 says when ``value`` is one age band's approval rate (``rates``, by band),
    not a ratio of two: that a ratio divides one band's rate by another's, and which; None
    otherwise."""
    band = next((b for b in rates.index if _given_as(value, rates[b])), None)
    if band is None:
        return None
    return (f"that is the approval rate of '{band}' alone, not a ratio, which divides one age "
            f"band's approval rate by another's: {_lowest_by_highest(rates)}.")


def _lowest_by_highest(rates: pd.Series) -> str:
    """What to divide for 07.3's ratio, the bands of ``rates`` named."""
    return (f"divide the rate of '{rates.idxmin()}' (the lowest) by that of '{rates.idxmax()}' "
            "(the highest)")


def _given_as(value: float, number: float) -> bool:
    """Whether ``value`` is ``number`` as a learner may give it: within :data:`RATIO_TOL`, or
    rounded to two decimals (a float32 copy too: :func:`same_number`)."""
    return abs(value - number) < RATIO_TOL or same_number(value, round(number, 2))


def _cut_off(value: float, expected: float, shown: str) -> str | None:
    """What 07.3 says when ``value`` (``shown`` as the learner gave it) is the ratio
    ``expected`` cut off after two or more decimals rather than rounded (0.793 for 0.7939):
    to round it; None otherwise, where the cut and the rounding agree (0.79), and for one
    decimal (0.7), too little of the number to tell a cut from a guess."""
    if not any(value == math.trunc(expected * 10**d) / 10**d != round(expected, d)
               for d in range(2, 8)):
        return None
    return (f"{shown} is the ratio cut off, not rounded: round the ratio of the unrounded rates "
            "in inputs.by_group['selection_rate'] to at least three decimals instead, or give it "
            "unrounded.")


def _rounded_rates(value: float, rates: pd.Series) -> str | None:
    """What 07.3 says when ``value`` divides the lowest and highest of ``rates`` rounded to
    two decimals (0.69 / 0.87 = 0.7931 for 0.6908 / 0.8700 = 0.7939): a rounding before the
    division moves the third digit, which the four-fifths rule reads; None otherwise."""
    low, high = round(rates.min(), 2), round(rates.max(), 2)
    if not _given_as(value, low / high) or _given_as(value, rates.min() / rates.max()):
        return None
    return (f"that divides the rates rounded to two decimals ({low:.2f} / {high:.2f}), which "
            "moves the ratio's third digit: divide the unrounded rates in "
            "inputs.by_group['selection_rate'].")


def _above_one(value: float, expected: float, shown: str) -> str:
    """What a ratio above 1 is (``shown`` as the learner gave it): up to 100, whichever of two
    readings lands nearer the right ratio ``expected``, the ratio the other way round (1.26
    for 0.794: 1 / value) or the ratio as a percentage (80: value / 100); above 100, only that
    it is too big."""
    inverted, percent = abs(1 / value - expected), abs(value / 100 - expected)
    if value <= 100 and inverted <= percent:
        return "divide the lowest approval rate by the highest, not the other way round."
    if value <= 100:
        return (f"{shown} reads as a percentage; give the ratio as a number between 0 and 1 "
                "(the lowest approval rate divided by the highest), unrounded or to at least "
                "three significant digits.")
    return ("the ratio of the lowest approval rate to the highest is between 0 and 1; you gave "
            f"{shown}.")


def _rounded_over_the_line(value: float, expected: float) -> str | None:
    """The message for ``value`` that is the ratio rounded too far (None otherwise), and the
    costlier slip first: a rounding that carries a ratio under the four-fifths rule's 0.80 over
    it (0.794 as 0.8), so that an unfair model looks as if it met the rule."""
    slip = rounding_slip(value, expected)
    if slip and expected < FOUR_FIFTHS <= value:
        return (f"rounding carried the ratio over the {FOUR_FIFTHS:.2f} line: {value:g} meets "
                "the four-fifths rule, the unrounded ratio does not, so an unfair model would "
                "look fair. Give at least three significant digits (or the unrounded result).")
    return slip
