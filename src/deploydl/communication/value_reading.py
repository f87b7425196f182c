"""How to read the value case (Modules 07 and 08): whether its 95% range spans zero, that range
in words, why one run's value case is not the model's, and what a sensitivity table says (its
largest swing, the moves that flip the sign).
"""

from __future__ import annotations

import pandas as pd


def spans_zero(low: float, high: float) -> bool:
    """Does a :func:`value_interval` range include zero? Then the value case's sign, gain or
    loss, is not established."""
    return low <= 0 <= high


def interval_words(low: float, high: float, *, level: float = 0.95, unit: str = "USD ") -> str:
    """A :func:`value_interval` range in words, with what it says of the sign, its ends at the
    brief's two significant figures (:func:`deploydl.communication.brief.brief_money`): "95%
    range -USD 2.2M to USD 940,000 a year: it spans zero, so even the sign is not established".
    """
    from deploydl.communication.brief import brief_money

    shown = (f"{level:.0%} range {brief_money(low, unit=unit)} to "
             f"{brief_money(high, unit=unit)} a year")
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


def sign_flips(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The moves in a :func:`sensitivity` table that turn the net value to the opposite sign:
    ``(assumption, "low" or "high")`` for each row whose net value with that assumption moved
    down (``low``) or up (``high``) has the opposite sign to the one as stated (``base``). The
    decision rests on each such assumption: a brief names it. An empty list: no single
    assumption, moved by half, changes the sign."""
    return [(str(label), end) for label, row in table.iterrows() for end in ("low", "high")
            if row[end] * row["base"] < 0]

