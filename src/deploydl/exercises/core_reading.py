"""Reading a learner's answer: whether it is still the lab's ``...`` placeholder, in whole or
in part; the answer in a few words for feedback (:func:`brief`); the answer as a number, a
whole number, a bool, a list or a share; the slips a check names (a percentage, a rounding,
an option letter); and whether an answer equals the expected value. All modules' labs;
:mod:`core` imports it, and the grader loads it fresh before ``core`` (see
:func:`deploydl.exercises.grading.check_files`).
"""

from __future__ import annotations

import math
import numbers
import re
import traceback
from collections.abc import Iterable
from typing import Any

import numpy as np

from deploydl.exercises.core_exercise import form

#: The module a notebook's cells run in: code defined there is the learner's.
LEARNERS_MODULE = "__main__"


def raised_by_the_answer(exc: BaseException) -> bool:
    """Whether ``exc`` came through the learner's own code, a method of a class they wrote in
    a notebook cell (an attribute that raises, say), on its way out of a check: some frame of
    its traceback, which starts at the frame that caught it, runs in the notebook's module.
    An error raised only in the course's or a library's code is the course's."""
    return any(frame.f_globals.get("__name__") == LEARNERS_MODULE
               for frame, _ in traceback.walk_tb(exc.__traceback__))


def is_placeholder(answer: Any) -> bool:
    """True while the learner has filled in nothing: the answer is the lab's ``...``
    placeholder, or a dict, list, tuple or set each of whose parts is (``{"risk": ...,
    "change": ...}``). An answer with some parts filled in is not attempted either, but its
    message names the parts still left (:func:`unfilled`)."""
    if answer is Ellipsis:
        return True
    parts = [part for _, part in _parts(answer)]
    return bool(parts) and all(map(is_placeholder, parts))


def unfilled(answer: Any) -> list[str]:
    """The parts of ``answer`` that are, or still hold, the lab's ``...``, each named as the
    learner finds it: a dict's keys (``'risk'``), a list's or tuple's positions (``value 2 of
    2``), a set's as ``a value``; [] when no part holds one."""
    return list(dict.fromkeys(_part_name(answer, where) for where, part in _parts(answer)
                              if _holds_placeholder(part)))


def _holds_placeholder(answer: Any) -> bool:
    return answer is Ellipsis or any(_holds_placeholder(part) for _, part in _parts(answer))


def _parts(answer: Any) -> Iterable[tuple[Any, Any]]:
    """The parts of an answer that a lab fills in one by one, each with where it sits: a
    dict's key, a list's or tuple's position from 1, None in a set; none for any other
    answer."""
    if isinstance(answer, dict):
        return answer.items()
    if isinstance(answer, list | tuple):
        return enumerate(answer, 1)
    if isinstance(answer, set):
        return ((None, part) for part in answer)
    return ()


def _part_name(answer: Any, where: Any) -> str:
    """The words for the part of ``answer`` at ``where`` (see :func:`_parts`)."""
    if isinstance(answer, dict):
        return brief(where)
    return "a value" if where is None else f"value {where} of {len(answer)}"


def _partly_filled(parts: list[str]) -> str:
    """What a check says of an answer whose ``parts`` (:func:`unfilled`) still hold ``...``."""
    names = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return (f"the answer is only partly filled in: {names} still "
            f"{'holds' if len(parts) == 1 else 'hold'} the lab's placeholder ...; replace each "
            "with your answer (if you wrote one, check that its name is spelt as in the "
            "check(...) line), run the cells above this one, then this cell.")


#: Feedback shows at most this many characters of a learner's value.
BRIEF_CHARS = 80
#: A number given as a float32 is this close to the float it names (np.float32(0.35) is
#: 0.3499999940395355): the allowance exercises give a value read off a grid of thresholds.
FLOAT32_TOL = 1e-6
#: ... and this close as a share of it, however large (a float32 keeps 24 bits: 2**-23).
FLOAT32_REL_TOL = 2**-23


def brief(answer: Any) -> str:
    """A learner's value in a few words, for feedback that echoes it.

    Tables and long collections are described ("a table of 404 rows x 4 columns", "an Index
    of 163 values"), numbers are written plainly (``0.04``, not ``np.float64(0.04)``; a whole
    number with every digit, however large) and any other value is its repr on one line; either
    is cut to about :data:`BRIEF_CHARS` characters.
    """
    shape = getattr(answer, "shape", None)
    shape = shape if isinstance(shape, tuple) else ()  # numpy, pandas and torch (torch.Size)
    kind = "array" if isinstance(answer, np.ndarray) else type(answer).__name__
    if shape and all(isinstance(n, int) for n in shape):
        if len(shape) == 1:
            return f"{_article(kind)} {kind} of {_count(shape[0], 'value')}"
        if len(shape) == 2:
            noun = "a table" if hasattr(answer, "columns") else f"{_article(kind)} {kind}"
            return f"{noun} of {_count(shape[0], 'row')} x {_count(shape[1], 'column')}"
        return f"{_article(kind)} {kind} of shape {' x '.join(map(str, shape))}"
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()  # np.array(5) reads as 5
    if as_bool(answer) is not None:
        return repr(as_bool(answer))
    if isinstance(answer, numbers.Integral):
        answer = int(answer)  # every digit: through a float, 2**60 + 1 would read 2**60
    elif (value := as_number(answer)) is not None:
        return repr(value)
    try:
        text = " ".join(repr(answer).split())
    except Exception:  # noqa: BLE001 - a learner's object whose repr breaks
        text = f"<{kind}>"
    if len(text) <= BRIEF_CHARS:
        return text
    try:
        size = len(answer)
    except Exception:  # noqa: BLE001 - no length: cut the repr
        size = None
    if size is not None and not isinstance(answer, str | bytes):
        return f"{_article(kind)} {kind} of {_count(size, 'value')}"
    return text[:BRIEF_CHARS - 1] + "…"


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def as_number(answer: Any) -> float | None:
    """``answer`` as a finite float if it is a real number (numpy and pandas scalars too, and
    a numpy array or torch tensor that holds one number with no dimensions, such as
    ``torch.tensor(0.25)``, what arithmetic on a tensor hands back).

    Booleans, text and containers are not numbers, nor is an integer too large for a float
    (``10**400``), nor a Real that will not become one (``np.timedelta64(3, "D")``): None.
    """
    answer = _unwrapped(answer)
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):  # np.bool_ is no Real
        return None
    try:
        value = float(answer)
    except (OverflowError, TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _unwrapped(answer: Any) -> Any:
    """The Python value a numpy array or torch tensor with no dimensions holds (``.item()``);
    anything else, or one whose value cannot be read (a tensor on torch's "meta" device), as
    it is. Neither needs torch imported: a tensor is known by its type's module."""
    no_dimensions = (isinstance(answer, np.ndarray) or type(answer).__module__.startswith(
        "torch")) and getattr(answer, "ndim", None) == 0
    try:
        return answer.item() if no_dimensions else answer
    except Exception:  # noqa: BLE001 - a learner's tensor whose value cannot be read
        return answer


def as_whole(answer: Any) -> int | None:
    """``answer`` as an int if it is a whole number (``np.int64(32)`` and ``32.0`` included);
    an integer keeps every digit, however large (a float would turn 2**60 + 1 into 2**60)."""
    answer = _unwrapped(answer)
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool | np.bool_):
        return int(answer)
    value = as_number(answer)
    return int(value) if value is not None and value.is_integer() else None


def as_bool(answer: Any) -> bool | None:
    """``answer`` as a bool if it is ``True``/``False`` (numpy's ``np.True_`` included)."""
    if isinstance(answer, bool | np.bool_):
        return bool(answer)
    return None


def as_list(answer: Any) -> Any:
    """A 1-D numpy array, pandas Series or Index as a list of plain values (``np.str_('a')``
    becomes ``'a'``), so a column such as ``table['column']`` counts as the list it holds;
    any other ``answer`` comes back unchanged."""
    import pandas as pd

    if isinstance(answer, np.ndarray | pd.Series | pd.Index | pd.api.extensions.ExtensionArray
                  ) and answer.ndim == 1:
        return [v.item() if isinstance(v, np.generic) else v for v in answer]
    return answer


def is_percentage(value: float, share: float, *, tol: float = 0.5) -> bool:
    """True when ``value`` is ``share`` written as a percentage (``share`` x 100, within ``tol``
    points): the learner multiplied by 100, or copied a printed "53.4%"."""
    return abs(share) > 1e-12 and math.isclose(value, 100 * share, abs_tol=tol)


def percentage_slip(value: float, share: float, *, what: str, tol: float = 0.5) -> str | None:
    """The message for ``value`` given as a percentage of ``share`` (None when it is not one)."""
    if not is_percentage(value, share, tol=tol):
        return None
    return f"that is a percentage; give {what} as a number between 0 and 1."


def as_share(answer: Any, share: float, *, what: str = "the share") -> float | str:
    """``answer``, meant to be ``share`` (0..1), as a float when it is a number in that form;
    else the message saying what is off: not a number (a :class:`FormProblem`), or ``share``
    written as a percentage."""
    value = as_number(answer)
    if value is None:
        return form(f"the answer should be a number between 0 and 1, you gave {brief(answer)}.")
    return percentage_slip(value, share, what=what) or value


def same_number(value: float, number: float) -> bool:
    """Whether ``value`` is ``number`` given as a float or as a float32 copy of it
    (np.float32(0.79) is 0.7900000214576721): within :data:`FLOAT32_TOL`, or
    :data:`FLOAT32_REL_TOL` of it."""
    return math.isclose(value, number, rel_tol=FLOAT32_REL_TOL, abs_tol=FLOAT32_TOL)


def is_rounding(value: float, right: float, places: Iterable[int] = range(1, 8)) -> bool:
    """Whether ``value`` is ``right`` rounded to one of ``places`` decimals (:func:`same_number`: a
    float32 copy of the rounding counts)."""
    return any(same_number(value, round(right, d)) for d in places)


def rounding_slip(value: float, right: float) -> str | None:
    """The message for ``value`` that is ``right`` rounded to one or more decimals, too far to
    pass (None otherwise, and for a rounding to 0, which says nothing of the number)."""
    if value == 0 or not is_rounding(value, right):
        return None
    return ("the right number, rounded too far: give at least three significant digits "
            "(or the unrounded result).")


_LETTER = re.compile(r"(?:option|answer|choice)?\W*([a-z])\W*", re.IGNORECASE)


def choice_letter(answer: Any) -> str | None:
    """The option letter in a multiple-choice answer ("C", " c ", "C.", "(C)", "B)", "Option
    C"), upper case; None when the answer is not one letter."""
    match = _LETTER.fullmatch(answer.strip()) if isinstance(answer, str) else None
    return match.group(1).upper() if match else None


def _same(answer: Any, expected: Any) -> bool:
    """Whether ``answer`` equals ``expected`` (a list, a dict). A pandas Series counts as the
    dict of its values when a dict is expected, a numpy array or a Series as the list of its
    values otherwise; anything compared element by element, whose truth Python cannot tell
    (a table, a dict of arrays), does not match: the learner's slip, told as such, never a
    crash blamed on the course."""
    if isinstance(expected, dict) and hasattr(answer, "to_dict") and hasattr(answer, "index"):
        answer = answer.to_dict()
    elif hasattr(answer, "tolist"):
        answer = answer.tolist()
    try:
        return bool(answer == expected)
    except (TypeError, ValueError):
        return False


def _compare(answer: Any, expected: Any, rel_tol: float) -> str | None:
    """None if ``answer`` matches ``expected``; otherwise what the learner gave."""
    if isinstance(expected, bool):
        got = as_bool(answer)
        if got is None:
            return form(f"the answer should be True or False, you gave {brief(answer)}.")
        return None if got is expected else f"you gave {brief(answer)}."
    if not isinstance(expected, int | float | str):
        return None if _same(answer, expected) else f"you gave {brief(answer)}."
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return form(f"the answer should be text (a str), you gave {brief(answer)}.")
        same = answer.strip().lower() == expected.strip().lower()
        return None if same else f"you gave {brief(answer)}."
    value = as_number(answer)
    if value is None:
        return form(f"the answer should be a number, you gave {brief(answer)}.")
    if math.isclose(value, float(expected), rel_tol=rel_tol, abs_tol=1e-9):
        return None
    return f"you gave {brief(answer)}."
