"""The exercise and its result: what an exercise is (:class:`Exercise`), what a check decided
(:class:`Result`, with the statuses and the symbols and words shown beside them) and a
checker's message about an answer's form (:func:`form`). All modules' labs; :mod:`core`
imports it, and the grader loads it fresh before ``core`` (see
:func:`deploydl.exercises.grading.check_files`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
#: The checker itself crashed: the course's fault, never the learner's.
CHECK_ERROR = "check failed"
#: The symbol shown beside each status, in the labs and in ``deploydl grade``'s reports.
ICONS = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", CHECK_ERROR: "⚠️"}
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


def unreadable(exercise: Exercise, exc: Exception) -> Result:
    """A failed result for an answer whose reading raised ``exc`` (a list that holds itself, an
    attribute that raises): a form slip, so it uses up no hint."""
    return Result(exercise.id, exercise.title, FAILED, form(
        f"this answer could not be read ({type(exc).__name__}): give the value itself, a "
        "number, text, or a list or dict of plain values."))
