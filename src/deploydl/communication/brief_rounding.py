"""How the executive brief writes money (Module 07): estimates rounded to two significant
figures, a half up, and the net value's headline ("about $700,000"); the table of assumptions
moved by half keeps three figures.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from deploydl.present.charts import money

#: The brief rounds every money estimate to this many significant figures (:func:`brief_money`).
SIGNIFICANT_FIGURES = 2
#: The table of assumptions moved by half keeps one more (:func:`table_money`): a swing of a
#: few per cent of the net value (the underwriter's time moves it about 2%) vanishes at two.
TABLE_FIGURES = 3
#: What the brief says about it (in its technical appendix).
ROUNDING_NOTE = ("Money estimates in this brief are rounded to two significant figures; in the "
                 "table of assumptions moved by half, to three, so that small swings show.")


def brief_money(amount: float, *, unit: str = "$", figures: int = SIGNIFICANT_FIGURES) -> str:
    """A money estimate as the brief writes it: ``figures`` significant figures (two), since a
    figure measured on a few thousand applicants is not known to the dollar. -252_667 ->
    '-$250,000'; 38_840_000 -> '$39M'; 1_639_000 -> '$1.6M' ('$1.64M' with ``figures=3``).
    Stated assumptions (a price, a running cost) are exact and keep
    :func:`deploydl.present.charts.money`. Under $10 the brief writes whole dollars, as
    :func:`~deploydl.present.charts.money` does: 0.4 -> '$0', 6.7 -> '$7'. From $10 up a half
    rounds up, as a reader does it: 125_000 -> '$130,000', 944_500 -> '$945,000' at three
    figures."""
    rounded = _significant(abs(amount), figures)
    if rounded < 10:
        rounded = round(abs(amount))
    if rounded >= 1e6:  # millions with as many decimals as the figures need: '$39M', '$1.64M'
        decimals = max(figures - len(str(int(rounded // 1e6))), 0)
        return f"{'-' if amount < 0 else ''}{unit}{rounded / 1e6:,.{decimals}f}M"
    return money(math.copysign(rounded, amount) if rounded else 0.0, unit=unit)


#: The word before the headline's net value: it is rounder than the table's (see below).
ABOUT = "about"


def headline_net_value(net: float) -> str:
    """The net value a year as the brief's headline, its text, its risk register and the
    audience messages write it: "about", then :func:`brief_money` (two significant figures):
    701_000 -> 'about $700,000'. The table of assumptions moved by half writes the same net
    value to three figures ('$701,000'); "about" tells the reader the headline is the rounder
    of the two, not a different amount."""
    return f"{ABOUT} {brief_money(net)}"


def brief_usd(amount: float) -> str:
    """:func:`brief_money` as a lesson's own text writes money: 'USD 1.6M', 'USD 130,000' (the
    course's money rule: "$" is for charts)."""
    return brief_money(amount, unit="USD ")


def _significant(amount: float, figures: int) -> float:
    """``amount`` (0 or more) rounded to ``figures`` significant figures, a half up (Python's
    own formatting rounds a half to the even digit: 125_000 to 120_000)."""
    if not math.isfinite(amount) or amount == 0:
        return amount  # nothing to round: a missing value stays missing (NaN)
    exact = Decimal(repr(float(amount)))  # the decimal it prints as, not its binary value
    step = Decimal(1).scaleb(exact.adjusted() - figures + 1)
    return float(exact.quantize(step, rounding=ROUND_HALF_UP))


def table_money(amount: float, *, unit: str = "$") -> str:
    """A net value in the table of assumptions moved by half
    (:func:`deploydl.communication.value.sensitivity_shown`): :func:`brief_money` at
    :data:`TABLE_FIGURES` significant figures, so -1_604_500 and -1_673_500 read '-$1.60M'
    and '-$1.67M', not '-$1.6M' and '-$1.7M'."""
    return brief_money(amount, unit=unit, figures=TABLE_FIGURES)
