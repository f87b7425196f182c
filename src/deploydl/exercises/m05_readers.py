"""How Module 05's checks read a learner's figure and name its slips: 05.2's known wrong
costs, whether a number is right to the digits it gives (05.2 and 05.6), and 05.5's word for
a batch whose model time alone fits the budget. Module 05's checks (``m05``) call these.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from deploydl.exercises.core import brief, rounding_slip
from deploydl.exercises.m05_figures import (
    BENCH_CORES,
    LATENCY_BUDGET_MS,
    MS_PER_BATCH,
    PRICE_PER_CORE_HOUR,
)

#: Exercises 05.2 and 05.6 ask for a figure unrounded or to at least this many significant
#: digits.
SIGNIFICANT_DIGITS = 3
#: An unrounded answer may differ from ours by float rounding, as a share of it (a float32
#: holds about 7 significant digits).
FLOAT_NOISE = 1e-6
#: An answer this close to the right figure, as a share of it, but wrong in its last digit, is
#: told so.
NEAR = 0.02


def _cost_slips(expected: float) -> tuple[tuple[float, str], ...]:
    """05.2's known wrong figures beside the right one (``expected``, dollars per million
    predictions), each with what it is and what to give instead."""
    per_hour = PRICE_PER_CORE_HOUR * BENCH_CORES
    return ((expected / BENCH_CORES, "count both cores: the server has 2."),
            (expected / 1e6, "that is per prediction; give it per million."),
            (expected / 1e3, "that is the cost of a thousand predictions; give the cost of a "
                             "million."),
            (expected * 1e3, "that is the cost of a billion predictions; give the cost of a "
                             "million."),
            (per_hour, "that is what the server costs an hour; share it among the predictions "
                       "it makes in an hour, and give the cost of a million of them."),
            (expected * 100, "that is in cents; give it in dollars."))


def _to_its_digits(answer: Any, value: float, right: float) -> str | None:
    """None when ``value`` (the learner's ``answer``) is ``right`` to the digits it gives, at
    least :data:`SIGNIFICANT_DIGITS` significant ones. An answer of exactly three must be
    rounded: within half a unit of its last digit (for 1.54886, 1.55 passes; 1.54, though cut
    off there, fails, as do 1.53 and 0.0232 for 0.023148). One of four or more may be rounded
    (1.549) or cut off: within one unit of its last digit, towards zero (1.548, 1.5488 and
    0.02314 pass; 1.547 and 1.567 fail). An unrounded answer may be off by :data:`FLOAT_NOISE`.
    The digits are the answer's own: np.float32(1.55) gives three, not the seventeen of the
    float it converts to. Else what is off: rounded too far, off in its last digit, or simply
    another number."""
    digits, exponent = _digits_given(answer, value)
    unit = 10.0 ** exponent
    error = abs(value - right)
    rounded = error <= max(0.5 * unit, FLOAT_NOISE * abs(right))
    cut_off = digits > SIGNIFICANT_DIGITS and abs(value) <= abs(right) and error < unit
    close = rounded or cut_off
    if close and digits >= SIGNIFICANT_DIGITS:
        return None
    if not close and math.isclose(value, right, rel_tol=NEAR):
        return (f"you gave {brief(answer)}, close to the right number but off in its last "
                "digit: give the unrounded result, or round it correctly to at least "
                f"{SIGNIFICANT_DIGITS} significant digits.")
    return rounding_slip(value, right) or f"you gave {brief(answer)}."


def _digits_given(answer: Any, value: float) -> tuple[int, int]:
    """(how many significant digits ``answer`` gives, the power of ten of its last), read from
    its own shortest form: a numpy float32's ("1.55"), not the float ``value`` it converts to
    ("1.5499999523162842")."""
    import numpy as np

    scalar = np.asarray(answer)[()] if isinstance(answer, np.ndarray) else answer
    text = (np.format_float_positional(scalar, unique=True)
            if isinstance(scalar, np.floating) else repr(value))
    given = Decimal(text).normalize().as_tuple()
    return len(given.digits), int(given.exponent)


def _model_time_alone(size: int) -> str:
    """For a batch whose model time alone fits the budget, though its whole wait does not:
    the words that name that slip ("" for any other batch)."""
    if MS_PER_BATCH[size] > LATENCY_BUDGET_MS:
        return ""
    return (f" Its model time alone, {MS_PER_BATCH[size]} ms, fits (as in 05.1), but here the "
            "budget covers the request's whole wait, and a request also waits for its HTTP "
            "work (latency_ms).")
