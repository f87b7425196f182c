"""Exercises as small declarative objects, and the ``check()`` learners call after each one.

Deciding (:func:`evaluate`) is kept apart from displaying (:func:`check`): the grader and the
tests use the first; labs use the second. Every check keeps its result in this kernel's
ledger, for the lab's own cells (:func:`passed`), and a copy of the answer it was given, which
``deploydl grade`` checks again after the cell, with a freshly loaded copy of the checks
(:func:`regraded`): a lab cell can write to the ledger or replace a function here, so the
grader trusts neither. The record each check also displays (:data:`RECORD_MIME`) is for tools
that only read notebooks, and a grader never trusts it (a learner could print one by hand).

The exercise and its result are in :mod:`~deploydl.exercises.core_exercise`, reading an answer
in :mod:`~deploydl.exercises.core_reading`; this module imports their names, and the grader
loads both fresh before it (:func:`deploydl.exercises.grading.check_files`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from deploydl.exercises.core_exercise import (
    CHECK_ERROR,
    FAILED,
    ICONS,
    NOT_ATTEMPTED,
    PASSED,
    Checker,
    Exercise,
    FormProblem,
    Result,
    form,
    unreadable,
)
from deploydl.exercises.core_reading import (
    BRIEF_CHARS,
    _compare,
    _partly_filled,
    as_bool,
    as_list,
    as_number,
    as_share,
    as_whole,
    brief,
    choice_letter,
    is_percentage,
    is_placeholder,
    is_rounding,
    percentage_slip,
    raised_by_the_answer,
    rounding_slip,
    same_number,
    unfilled,
)

#: The names this module offers: its own, and those of the two modules the checks are built
#: from (:mod:`core_exercise`, :mod:`core_reading`), which exercise modules, labs and tests
#: import from here.
__all__ = ["BRIEF_CHARS", "CHECK_ERROR", "FAILED", "ICONS", "NOT_ATTEMPTED", "NOT_REPLACED",
           "PASSED", "RECORD_MIME", "Checker", "Exercise", "FormProblem", "Result", "as_bool",
           "as_list", "as_number", "as_share", "as_whole", "brief", "check", "choice_letter",
           "evaluate", "form", "is_percentage", "is_placeholder", "is_rounding", "last_status",
           "passed", "percentage_slip", "regraded", "rounding_slip", "same_number",
           "skipped_line", "unfilled"]

#: MIME type of the machine-readable record each check() displays (informative only).
RECORD_MIME = "application/vnd.deploydl.check+json"
#: What a cell that uses an answer shows when it skips its work because that answer has not
#: passed (see :func:`passed`).
_SKIPPED_ICON = "⏭"


@dataclass
class _Attempts:
    """Wrong attempts per exercise in this kernel, so hints escalate.

    Only a new wrong answer moves on to the next hint: running a cell again with the same
    answer (or "Run All") shows the same hint, and an answer rejected for its form
    (``counts=False``) shows the current hint without using one up.
    """

    counts: dict[str, int] = field(default_factory=dict)
    last: dict[str, str] = field(default_factory=dict)

    def next_hint(self, exercise: Exercise, answer: Any, *, counts: bool = True) -> str:
        n, key = self.counts.get(exercise.id, 0), _answer_key(answer)
        if counts and key != self.last.get(exercise.id):
            n, self.last[exercise.id] = n + 1, key
            self.counts[exercise.id] = n
        return exercise.hints[min(max(n - 1, 0), len(exercise.hints) - 1)]


def _answer_key(answer: Any) -> str:
    """A stable text for ``answer``, to tell a new attempt from the same one run again."""
    try:
        value = as_number(answer)
        if value is not None:
            return repr(value)  # np.float64(0.5) and 0.5 are the same attempt
        return f"{type(answer).__qualname__}:{answer!r}"
    except Exception:  # noqa: BLE001 - a learner's object that cannot be read is a new attempt
        return f"{type(answer).__qualname__}@{id(answer)}"


_attempts = _Attempts()
#: The last result of each exercise checked in this kernel, for the lab's own cells
#: (:func:`passed`); a lab cell can write to it, so ``deploydl grade`` never reads it.
_ledger: dict[str, Result] = {}
#: A copy of the answer each exercise was last checked with in this kernel since the grader's
#: last cell, which ``deploydl grade`` checks again (:func:`regraded`).
_answers: dict[str, Any] = {}


def _kept(answer: Any) -> Any:
    """A deep copy of ``answer`` as it was checked, so a cell that changes the answer after its
    check (``fraud_columns["email"] = "allow"``) changes nothing in its grade.

    An answer that cannot be copied (a generator, a client, an open file) is kept itself: the
    grader then checks it as it is after the cell.
    """
    try:
        return copy.deepcopy(answer)
    except Exception:  # noqa: BLE001 - a learner's object may refuse to be copied in any way
        return answer


def regraded(lab: ModuleType, fresh: Mapping[str, ModuleType],
             module: str) -> dict[str, dict[str, str]]:
    """The answers checked since the grader's last cell, checked again by fresh copies of the
    checks: each result's record, by exercise id, for the exercises of ``module`` ("02").

    ``deploydl grade`` calls this in the lab's kernel after each of the lab's code cells, on a
    copy of this module it has just loaded, with the copies it loaded beside it (``fresh``, by
    module name, see :data:`deploydl.exercises.grading.FRESH_CHECKS`). It takes the copies of
    the answers that ``lab``, the copy the lab uses, kept (emptying them, so each is graded
    once, whether check() was called by id, by keyword, in a loop or from a helper), with the
    wrong attempts that copy counted, so each hint is the one the learner saw.

    What this protects: the checks are fresh copies of this module, of the modules it is built
    from (every ``core_*.py``), of every exercise module (m00, m01...) and of the helpers
    beside them (every ``mNN_*.py``: m06_answers, m07_brief, m07_sentence and its stages, and
    the rest), so a lab cell that writes to the ledger or replaces a function or value in them
    changes nothing in the grade; the answers are the copies taken at check time. What it does
    not: checks also call other modules when they run (numpy, pandas, and the course's own,
    such as ``deploydl.capstone.project.lesson_inputs``,
    ``deploydl.governance.quality.check_quality`` or
    ``deploydl.governance.privacy.erase_subject``), and a lab cell that replaces a function in
    one of those, or in Python's own modules, can change the grade.
    """
    answers = dict(lab._answers)
    lab._answers.clear()
    if not answers:
        return {}
    _attempts.counts.update(lab._attempts.counts)
    _attempts.last.update(lab._attempts.last)
    exercises = fresh[f"{__package__}.m{module}"].EXERCISES
    results = [evaluate(e, answers[e.id]) for e in exercises if e.id in answers]
    return {r.id: r.as_record() for r in results}


def evaluate(exercise: Exercise, answer: Any) -> Result:
    """Decide whether ``answer`` solves ``exercise``; never raises, never prints.

    A crash inside the checker is reported with status :data:`CHECK_ERROR`: it is the
    course's fault, so it neither shows a hint nor counts as the learner's attempt. An answer
    that cannot even be read as the lab's placeholder, an option letter or in a few words (a
    list that holds itself, one nested thousands deep) fails as a form slip, which uses up no
    hint. So does an answer whose own code (an attribute of a class the learner wrote) raises
    inside the checker.
    """
    letters = sorted({*exercise.choices, exercise.expected}) if exercise.choices else []
    try:
        unread = _unread(exercise, answer)
        letter = choice_letter(answer) if letters else None
        shown = brief(answer) if letters and letter not in letters else ""
    except Exception as exc:  # noqa: BLE001 - reading a learner's object may raise anything
        return unreadable(exercise, exc)
    if unread is not None:
        return unread
    if letters:
        if letter not in letters:
            return Result(exercise.id, exercise.title, FAILED, form(
                f"give just the letter of your choice as text, one of "
                f"{', '.join(map(repr, letters))}; you gave {shown}."),
                hint=_attempts.next_hint(exercise, answer, counts=False))
        answer = letter
    try:
        problem = (exercise.checker(answer) if exercise.checker
                   else _compare(answer, exercise.expected, exercise.rel_tol))
    except Exception as exc:  # noqa: BLE001 - a broken checker must not crash the lab
        if raised_by_the_answer(exc):
            return unreadable(exercise, exc)
        return Result(exercise.id, exercise.title, CHECK_ERROR,
                      f"this check itself failed ({type(exc).__name__}: {exc}); tell your "
                      f"instructor that the check of exercise {exercise.id} is broken. This "
                      "is the course's fault and does not count against you.")
    if problem is None:
        return Result(exercise.id, exercise.title, PASSED, exercise.passed)
    return Result(exercise.id, exercise.title, FAILED, str(problem),
                  hint=_choice_hint(exercise, answer) or _attempts.next_hint(
                      exercise, answer, counts=not isinstance(problem, FormProblem)))


def _unread(exercise: Exercise, answer: Any) -> Result | None:
    """The result for an ``answer`` that is still the lab's placeholder, in whole or in part
    (DESIGN.md: ⏳); None for one filled in."""
    if is_placeholder(answer):
        return Result(exercise.id, exercise.title, NOT_ATTEMPTED, NOT_REPLACED)
    if left := unfilled(answer):
        return Result(exercise.id, exercise.title, NOT_ATTEMPTED, _partly_filled(left))
    return None


#: What a check says while the answer is still the lab's ``...``: also what a learner sees who
#: assigned the answer to a misspelt name, or skipped the cell that computes it.
NOT_REPLACED = ("the answer is still the placeholder ...: assign your answer to the name the "
                "check(...) line uses (check its spelling), run the cells above this one, "
                "then this cell.")


def _choice_hint(exercise: Exercise, answer: Any) -> str:
    """For a multiple choice, the chosen wrong option's own hint ("" otherwise)."""
    if exercise.choices is None or not isinstance(answer, str):
        return ""
    return exercise.choices.get(answer, "")


def check(exercise_id: str, answer: Any) -> None:
    """Check ``answer`` for exercise ``exercise_id`` and show one line of feedback.

    Shows "Correct", "Not yet" (with a hint) or "Not attempted" beside its symbol, as HTML
    in Jupyter and as text elsewhere, and keeps a copy of the answer as it is now for
    ``deploydl grade`` (:func:`regraded`). Never raises: an unknown id is reported as feedback
    too, so a lab always runs top to bottom.
    """
    from deploydl.exercises.registry import find_exercise

    exercise = find_exercise(exercise_id)
    if exercise is None:
        result = Result(exercise_id, "unknown exercise", FAILED,
                        f"there is no exercise {exercise_id!r}; check the id in the lab.")
    else:
        kept = _kept(answer)  # before the check, in case the checker changes the answer
        result = evaluate(exercise, answer)
        _ledger[exercise.id], _answers[exercise.id] = result, kept
    _show(result)


def passed(exercise_id: str) -> bool:
    """Whether the last ``check(exercise_id, ...)`` in this kernel passed, for a lab cell that
    uses that answer (``if passed("02.2"): ...``), so a wrong answer cannot crash it and stop
    "Run All" before the later exercises.

    When it did not pass, prints the line of :func:`skipped_line`. A cell that does its work
    either way, with a stand-in for the answer, asks :func:`last_status` instead.
    """
    status = last_status(exercise_id)
    if status == PASSED:
        return True
    print(skipped_line(exercise_id, status))
    return False


def last_status(exercise_id: str) -> str | None:
    """The status of the last ``check(exercise_id, ...)`` in this kernel (:data:`PASSED`,
    :data:`FAILED`, :data:`NOT_ATTEMPTED` or :data:`CHECK_ERROR`); None when it never ran."""
    result = _ledger.get(exercise_id)
    return None if result is None else result.status


def skipped_line(exercise_id: str, status: str | None) -> str:
    """The line a cell prints when it skips its work because the last check of exercise
    ``exercise_id`` did not pass: ``status`` is that check's status, None when it never ran.

    A check that crashed (:data:`CHECK_ERROR`) is the course's fault, so the line asks the
    learner to tell the instructor instead of fixing the answer.
    """
    if status == CHECK_ERROR:
        return (f"{ICONS[CHECK_ERROR]} Skipped: the check of {exercise_id} failed on the "
                "course's side, not because of your answer; tell your instructor.")
    return (f"{_SKIPPED_ICON} Skipped: this cell uses your answer to exercise {exercise_id}, "
            "which has not passed yet. Give (or fix) that answer and run its check, then run "
            "this cell again.")


def _show(result: Result) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with the course's dependencies
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": str(result), "text/html": result._repr_html_(),
                 RECORD_MIME: result.as_record()}, raw=True)
    else:
        print(result)
