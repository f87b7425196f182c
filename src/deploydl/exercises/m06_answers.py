"""How Module 06's checks read a learner's answer: a number (with the slips it may hold: a
percentage, a rounding, text or a one-value list), a duration given for a number, and one
choice from a list. Module 06's checks (``m06``) call these.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from deploydl.exercises.core import as_number, brief, form, percentage_slip, rounding_slip


def _is_duration(value: Any) -> bool:
    """True when ``value`` is a duration (``timedelta``, pandas' ``Timedelta``, numpy's
    ``timedelta64``) rather than a number."""
    from datetime import timedelta

    import numpy as np

    return isinstance(value, timedelta | np.timedelta64)


def _measure(given: Any, right: float, *, tol: float,
             slips: tuple[tuple[float, float, str], ...], miss: str,
             share: str = "") -> str | None:
    """None when the number ``given`` is ``right`` (within ``tol``) and none of ``slips``
    ``(value, tolerance, message)``, known wrong values that may fall within ``tol`` (the
    canary's share of the traffic, 0.2, beside its error rate, 0.206); else the message of the
    first slip it matches: one of ``slips``, ``right`` as a percentage (when it is a
    ``share``, named so; rounded to a whole number too, as 34 for 0.336), or ``right`` rounded
    too far; else ``miss``."""
    value = as_number(given)
    if value is None:
        return _not_a_number(given) or form(miss)
    for slip, slip_tol, message in slips:
        if math.isclose(value, slip, abs_tol=slip_tol):
            return message
    if math.isclose(value, right, abs_tol=tol):
        return None
    if share and (percentage := percentage_slip(value, right, what=share)):
        return percentage
    return rounding_slip(value, right) or miss


def _not_a_number(given: Any) -> str | None:
    """The message for ``given`` that holds one number in another form: text ('57.5', '20.6%',
    told the number to give) or a one-value Series, list or array; None for anything else,
    a number itself included."""
    if as_number(given) is not None:
        return None
    if isinstance(given, str):
        text = given.strip().replace(",", "")
        percent = text.endswith("%")
        try:
            number = float(text.removesuffix("%")) / (100 if percent else 1)
        except ValueError:
            return None
        if math.isfinite(number):
            return form(f"give a number, not text ({number:.6g}, not {given!r}).")
        return None
    if isinstance(given, list | tuple) or hasattr(given, "shape"):
        try:
            values = list(np.ravel(given))
        except Exception:  # noqa: BLE001 - a learner's object numpy cannot read is no number
            return None
        if len(values) == 1 and as_number(values[0]) is not None:
            return form(f"give one number, not {brief(given)}: take the number out of it "
                        "(its .item(), or [0] of a list).")
    return None


def _pick(given: Any, options: tuple[str, ...], right: str, *, name: str,
          why: str) -> str | None:
    """None when ``given`` is the ``right`` one of ``options`` (only its letters compared, in
    lower case: "Rollback", "roll-back" and "Wait." name "roll back" and "wait"); else what is
    wrong: not an option, or ``why`` the right measurement leads elsewhere."""
    if not isinstance(given, str) or _letters(given) not in map(_letters, options):
        return form(f"the {name} should be one of {list(options)}; you gave {brief(given)}.")
    return None if _letters(given) == _letters(right) else why


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())
