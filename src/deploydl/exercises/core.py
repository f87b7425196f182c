"""Exercises as small declarative objects, and the ``check()`` learners call after each one.

Deciding (:func:`evaluate`) is kept apart from displaying (:func:`check`): the grader and the
tests use the first; labs use the second. Every check also emits a machine-readable record
under :data:`RECORD_MIME`, which ``deploydl grade`` collects from executed notebooks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

#: MIME type of the machine-readable record each check() emits.
RECORD_MIME = "application/vnd.deploydl.check+json"
PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
_ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳"}

#: A checking function returns None when the answer is right, else a message saying what is off.
Checker = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: either an ``expected`` value or a ``checker`` decides, never both.

    Parameters
    ----------
    id : str
        "MM.N", e.g. "02.3" is module 02's third exercise.
    title : str
        A few words shown in feedback and grade tables.
    hints : tuple of str
        Hints that escalate: the first wrong attempt shows the first, the next the second...
    expected : Any
        The right answer. Floats compare with ``rel_tol``; strings ignore case and spaces.
    checker : callable, optional
        For answers with more than one right form; returns None or what is wrong.
    """

    id: str
    title: str
    hints: tuple[str, ...]
    expected: Any = None
    checker: Checker | None = None
    rel_tol: float = 1e-3

    def __post_init__(self) -> None:
        if (self.expected is None) == (self.checker is None):
            raise ValueError(f"Exercise {self.id}: give exactly one of expected= or checker=.")
        if not self.hints:
            raise ValueError(f"Exercise {self.id}: give at least one hint.")


@dataclass(frozen=True)
class Result:
    """What a check decided: a status, and a message for the learner."""

    id: str
    title: str
    status: str
    message: str
    hint: str = ""

    def as_record(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        text = f"{_ICONS[self.status]} {self.id} {self.title}: {self.message}"
        return f"{text}\n   Hint: {self.hint}" if self.hint else text


@dataclass
class _Attempts:
    """Wrong attempts per exercise in this kernel, so hints escalate."""

    counts: dict[str, int] = field(default_factory=dict)

    def next_hint(self, exercise: Exercise) -> str:
        n = self.counts.get(exercise.id, 0)
        self.counts[exercise.id] = n + 1
        return exercise.hints[min(n, len(exercise.hints) - 1)]


_attempts = _Attempts()


def is_placeholder(answer: Any) -> bool:
    """True while the learner has not replaced the lab's ``...`` placeholder."""
    if answer is Ellipsis:
        return True
    if isinstance(answer, dict):
        return any(is_placeholder(v) for v in answer.values())
    if isinstance(answer, list | tuple | set):
        return any(is_placeholder(v) for v in answer)
    return False


def evaluate(exercise: Exercise, answer: Any) -> Result:
    """Decide whether ``answer`` solves ``exercise``; never raises, never prints."""
    if is_placeholder(answer):
        return Result(exercise.id, exercise.title, NOT_ATTEMPTED,
                      "not attempted yet: replace the ... with your answer and run the cell.")
    try:
        problem = (exercise.checker(answer) if exercise.checker
                   else _compare(answer, exercise.expected, exercise.rel_tol))
    except Exception as exc:  # noqa: BLE001 - a learner's odd answer must not crash the lab
        problem = f"your answer could not be checked ({type(exc).__name__}: {exc})"
    if problem is None:
        return Result(exercise.id, exercise.title, PASSED, "correct, well done.")
    return Result(exercise.id, exercise.title, FAILED, f"not yet: {problem}",
                  hint=_attempts.next_hint(exercise))


def _compare(answer: Any, expected: Any, rel_tol: float) -> str | None:
    """None if ``answer`` matches ``expected``; otherwise what the learner gave."""
    if isinstance(expected, bool) or not isinstance(expected, int | float | str):
        return None if answer == expected else f"you gave {answer!r}."
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return f"the answer should be text (a str), you gave {answer!r}."
        same = answer.strip().lower() == expected.strip().lower()
        return None if same else f"you gave {answer!r}."
    if not isinstance(answer, int | float) or isinstance(answer, bool):
        return f"the answer should be a number, you gave {answer!r}."
    if math.isclose(float(answer), float(expected), rel_tol=rel_tol, abs_tol=1e-9):
        return None
    return f"you gave {answer!r}."


def check(exercise_id: str, answer: Any) -> None:
    """Check ``answer`` for exercise ``exercise_id`` and show one line of feedback.

    Shows ✅ passed, ❌ not yet (with a hint) or ⏳ not attempted, and emits the
    machine-readable record for ``deploydl grade``. Never raises: an unknown id is reported
    as feedback too, so a lab always runs top to bottom.
    """
    from deploydl.exercises.registry import find_exercise

    exercise = find_exercise(exercise_id)
    if exercise is None:
        result = Result(exercise_id, "unknown exercise", FAILED,
                        f"there is no exercise {exercise_id!r}; check the id in the lab.")
    else:
        result = evaluate(exercise, answer)
    _show(result)


def _show(result: Result) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with the course's dependencies
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": str(result), RECORD_MIME: result.as_record()}, raw=True)
    else:
        print(result)
