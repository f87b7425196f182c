"""Exercises as small declarative objects, and the ``check()`` learners call after each one.

Deciding (:func:`evaluate`) is kept apart from displaying (:func:`check`): the grader and the
tests use the first; labs use the second. Every check keeps its result in this kernel's
ledger, for the lab's own cells (:func:`passed`), and a copy of the answer it was given, which
``deploydl grade`` checks again after the cell, with a freshly loaded copy of the checks
(:func:`regraded`): a lab cell can write to the ledger or replace a function here, so the
grader trusts neither. The record each check also displays (:data:`RECORD_MIME`) is for tools
that only read notebooks, and a grader never trusts it (a learner could print one by hand).
"""

from __future__ import annotations

import copy
import html
import importlib.machinery
import importlib.util
import math
import numbers
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

#: MIME type of the machine-readable record each check() displays (informative only).
RECORD_MIME = "application/vnd.deploydl.check+json"
PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
#: The checker itself crashed: the course's fault, never the learner's.
CHECK_ERROR = "check failed"
#: The symbol shown beside each status, in the labs and in ``deploydl grade``'s reports.
ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", CHECK_ERROR: "⚠️"}
#: What a cell that uses an answer shows when it skips its work because that answer has not
#: passed (see :func:`passed`).
_SKIPPED_ICON = "⏭"
#: The word shown beside each icon (machines without an emoji font show boxes), and its colour.
_WORDS = {PASSED: ("Correct", "#1a7f37"), FAILED: ("Not yet", "#b35900"),
          NOT_ATTEMPTED: ("Not attempted", "#57606a"), CHECK_ERROR: ("Check failed", "#cf222e")}

#: A checking function returns None when the answer is right, else a message saying what is off
#: (a :class:`FormProblem` when the answer's type or form is wrong, not its content).
Checker = Callable[[Any], "str | None"]


class FormProblem(str):
    """A checker's message about an answer's form (text for a number, a list for one name...).

    Such an answer is not weighed, so it does not count as a wrong attempt: the hints do not
    move on. Build one with :func:`form`.
    """


def form(message: str) -> FormProblem:
    """Mark a checker's message as being about the answer's form or type, not its content."""
    return FormProblem(message)


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
        Hints that escalate: the first wrong answer shows the first, the next different
        wrong answer the second... (the same answer run again, or one of the wrong form,
        does not move on).
    expected : Any
        The right answer. Floats compare with ``rel_tol``; strings ignore case and spaces.
    checker : callable, optional
        For answers with more than one right form, or computed at check time; returns None
        or what is wrong. It must return a message for any answer a learner could give:
        an exception inside it is reported as the course's fault.
    choices : mapping, optional
        Multiple choice: each wrong option's letter and the hint that says why it is wrong.
        ``expected`` is then the right letter.
    passed : str
        What a passing check says. A written answer that a person grades says here that the
        check read only its form (exercise 08.5's memo).
    """

    id: str
    title: str
    hints: tuple[str, ...]
    expected: Any = None
    checker: Checker | None = None
    rel_tol: float = 1e-3
    choices: Mapping[str, str] | None = None
    passed: str = "well done."

    def __post_init__(self) -> None:
        if (self.expected is None) == (self.checker is None):
            raise ValueError(f"Exercise {self.id}: give exactly one of expected= or checker=.")
        if not self.hints:
            raise ValueError(f"Exercise {self.id}: give at least one hint.")
        if self.choices is not None and (not isinstance(self.expected, str)
                                         or self.expected in self.choices
                                         or len(self.choices) < 2):
            raise ValueError(f"Exercise {self.id}: a multiple choice needs expected= the right "
                             "letter and choices= a hint for each of at least two wrong letters.")


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
        word = _WORDS[self.status][0]
        text = f"{ICONS[self.status]} {word} · {self.id} {self.title}: {self.message}"
        return f"{text}\n   Hint: {self.hint}" if self.hint else text

    def _repr_html_(self) -> str:
        """The panel a check shows in Jupyter, marked as a status region (``role='status'``, a
        polite live region) so that a screen reader may read it out, the hint included,
        without cutting off what it is reading (a wrong answer is feedback, not an alert); the
        icon is hidden from screen readers, the word beside it says the same. Not checked with
        a screen reader: a region that appears with its text already in it is announced less
        reliably than one that changes, and JupyterLab drops both attributes from the output
        of a notebook it does not trust."""
        word, colour = _WORDS[self.status]
        hint = (f"<div style='margin-left:2em'><b>Hint:</b> {html.escape(self.hint)}</div>"
                if self.hint else "")
        return (f"<div class='deploydl-check' data-status='{html.escape(self.status)}' "
                f"role='status'><span aria-hidden='true'>{ICONS[self.status]}</span> "
                f"<b style='color:{colour}'>{word}</b> · "
                f"<b>{html.escape(self.id)}</b> {html.escape(self.title)}: "
                f"{html.escape(self.message)}{hint}</div>")


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
    value = as_number(answer)
    if value is not None:
        return repr(value)  # np.float64(0.5) and 0.5 are the same attempt
    try:
        return f"{type(answer).__qualname__}:{answer!r}"
    except Exception:  # noqa: BLE001 - a learner's object whose repr breaks is a new attempt
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


def regraded(fresh: ModuleType, module: str) -> dict[str, dict[str, str]]:
    """The answers checked since the grader's last cell, checked again by fresh copies of the
    checks: each result's record, by exercise id, for the exercises of ``module`` ("02").

    ``deploydl grade`` calls this in the lab's kernel after each of the lab's code cells, on
    ``fresh``, a copy of this module it has just loaded (and passes in, as a module cannot
    name itself). It takes the copies of the answers that the copy the lab uses kept (emptying
    them, so each is graded once, whether check() was called by id, by keyword, in a loop or
    from a helper), with the wrong attempts that copy counted, so each hint is the one the
    learner saw.

    What this protects: the checks are fresh copies of this module, of every exercise module
    (m00, m01...) and of the helpers beside them (every ``mNN_*.py``: m06_answers, m07_brief,
    m07_sentence and its stages, and the rest), so a lab cell that
    writes to the ledger or replaces a function or value in them changes nothing in the grade;
    the answers are the copies taken at check time. What it does not: checks also call other
    modules when they run (numpy, pandas, and the course's own, such as
    ``deploydl.capstone.project.lesson_inputs``, ``deploydl.governance.quality.check_quality``
    or ``deploydl.governance.privacy.erase_subject``), and a lab cell that replaces a function
    in one of those, or in Python's own modules, can change the grade.
    """
    live = sys.modules[__name__]
    answers = dict(live._answers)
    live._answers.clear()
    if not answers:
        return {}
    _attempts.counts.update(live._attempts.counts)
    _attempts.last.update(live._attempts.last)
    with _fresh_exercises(fresh) as modules:
        exercises = modules[f"{__package__}.m{module}"].EXERCISES
        results = [evaluate(e, answers[e.id]) for e in exercises if e.id in answers]
    return {r.id: r.as_record() for r in results}


@contextmanager
def _fresh_exercises(core: ModuleType) -> Iterator[dict[str, ModuleType]]:
    """Fresh copies of every exercise module (m00, m01...) and of every reader an exercise
    module imports (every ``mNN_*.py`` beside them, such as m06_answers or m07_sentence and its
    stages), by name, loaded against ``core``.

    While the block runs they (and ``core``) stand in ``sys.modules`` for the modules the lab
    uses, so a check that imports another module's helpers when it runs (08.2 uses 06's) gets a
    fresh copy too; the lab's own modules are put back afterwards. Each copy stands there as
    soon as it is loaded, so a top-level import of an earlier module gets the fresh copy as
    well, and one of a later module the lab's. So the readers load first, as exercise modules
    import their readers at the top (and a reader imports only ``core``, readers whose names sort
    before its own, and modules outside the exercises); exercise modules import one another
    inside functions (m08's of m06 is). They are read from the files beside ``core``'s own (its
    ``__file__``, which the grader sets), never found through the lab's module objects, whose
    ``__spec__`` or ``__path__`` a lab could replace.
    """
    folder = Path(str(core.__file__)).parent
    files = {f"{__package__}.{path.stem}": path  # readers first, then m00, m01, ...
             for pattern in ("m[0-9][0-9]_*.py", "m[0-9][0-9].py")
             for path in sorted(folder.glob(pattern))}
    kept = {name: sys.modules.get(name) for name in [__name__, *files]}
    sys.modules[__name__] = core
    try:
        modules: dict[str, ModuleType] = {}
        for name, path in files.items():
            sys.modules[name] = modules[name] = load_source(name, path)
        yield modules
    finally:
        for name, module in kept.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def load_source(name: str, path: Path) -> ModuleType:
    """A new copy of module ``name``, run from the file ``path`` (``sys.modules`` is left as
    is, and nothing is looked up through the module the lab holds under that name)."""
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_loader(name, loader)
    if spec is None:
        raise ImportError(f"{path} could not be loaded; is the deploydl package installed?")
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


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
    (``10**400``): None.
    """
    answer = _unwrapped(answer)
    if isinstance(answer, bool | np.bool_):
        return None
    if not isinstance(answer, numbers.Real) or isinstance(answer, bool):
        return None
    try:
        value = float(answer)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _unwrapped(answer: Any) -> Any:
    """The Python value a numpy array or torch tensor with no dimensions holds (``.item()``);
    anything else as it is. Neither needs torch imported: a tensor is known by its type's
    module."""
    no_dimensions = (isinstance(answer, np.ndarray) or type(answer).__module__.startswith(
        "torch")) and getattr(answer, "ndim", None) == 0
    return answer.item() if no_dimensions else answer


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


def rounding_slip(value: float, right: float) -> str | None:
    """The message for ``value`` that is ``right`` rounded to one or more decimals, too far to
    pass (None otherwise, and for a rounding to 0, which says nothing of the number)."""
    if value == 0 or not any(value == round(right, d) for d in range(1, 8)):
        return None
    return ("the right number, rounded too far: give at least three significant digits "
            "(or the unrounded result).")


def evaluate(exercise: Exercise, answer: Any) -> Result:
    """Decide whether ``answer`` solves ``exercise``; never raises, never prints.

    A crash inside the checker is reported with status :data:`CHECK_ERROR`: it is the
    course's fault, so it neither shows a hint nor counts as the learner's attempt.
    """
    if is_placeholder(answer):
        return Result(exercise.id, exercise.title, NOT_ATTEMPTED, NOT_REPLACED)
    if left := unfilled(answer):  # the placeholder is still there, in part (DESIGN.md: ⏳)
        return Result(exercise.id, exercise.title, NOT_ATTEMPTED, _partly_filled(left))
    if exercise.choices is not None:
        letter = choice_letter(answer)
        letters = sorted({*exercise.choices, exercise.expected})
        if letter not in letters:
            return Result(exercise.id, exercise.title, FAILED, form(
                f"give just the letter of your choice as text, one of "
                f"{', '.join(map(repr, letters))}; you gave {brief(answer)}."),
                hint=_attempts.next_hint(exercise, answer, counts=False))
        answer = letter
    try:
        problem = (exercise.checker(answer) if exercise.checker
                   else _compare(answer, exercise.expected, exercise.rel_tol))
    except Exception as exc:  # noqa: BLE001 - a broken checker must not crash the lab
        return Result(exercise.id, exercise.title, CHECK_ERROR,
                      f"this check itself failed ({type(exc).__name__}: {exc}); tell your "
                      f"instructor that the check of exercise {exercise.id} is broken. This "
                      "is the course's fault and does not count against you.")
    if problem is None:
        return Result(exercise.id, exercise.title, PASSED, exercise.passed)
    return Result(exercise.id, exercise.title, FAILED, str(problem),
                  hint=_choice_hint(exercise, answer) or _attempts.next_hint(
                      exercise, answer, counts=not isinstance(problem, FormProblem)))


#: What a check says while the answer is still the lab's ``...``: also what a learner sees who
#: assigned the answer to a misspelt name, or skipped the cell that computes it.
NOT_REPLACED = ("the answer is still the placeholder ...: assign your answer to the name the "
                "check(...) line uses (check its spelling), run the cells above this one, "
                "then this cell.")
_LETTER = re.compile(r"(?:option|answer|choice)?\W*([a-z])\W*", re.IGNORECASE)


def choice_letter(answer: Any) -> str | None:
    """The option letter in a multiple-choice answer ("C", " c ", "C.", "(C)", "B)", "Option
    C"), upper case; None when the answer is not one letter."""
    match = _LETTER.fullmatch(answer.strip()) if isinstance(answer, str) else None
    return match.group(1).upper() if match else None


def _choice_hint(exercise: Exercise, answer: Any) -> str:
    """For a multiple choice, the chosen wrong option's own hint ("" otherwise)."""
    if exercise.choices is None or not isinstance(answer, str):
        return ""
    return exercise.choices.get(answer, "")


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
