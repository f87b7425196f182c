"""What a learner sees of the assessment (Modules 00 and 08): :func:`record`, which scores,
stores and shows answers in a notebook, and the line on ``deploydl progress``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploydl.assessment.answer_store import AFTER_WHERE, OutOfOrder, _check_when, load, save
from deploydl.assessment.marking import parse_answers, score, summarize
from deploydl.assessment.questions import QUESTIONS
from deploydl.course.curriculum import PROGRESS_COMMAND


@dataclass(frozen=True)
class Recorded:
    """What :func:`record` shows in the notebook: a status and a message."""

    status: str
    message: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        return "\n".join([f"{self.status}: {self.message}", *self.details])

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(d)}</li>" for d in self.details)
        return (f"<div class='deploydl-assessment'><b>{html.escape(self.status)}</b>: "
                f"{html.escape(self.message)}{f'<ul>{items}</ul>' if items else ''}</div>")

    __repr__ = __str__


def record(when: str, answers: Any, *, root: Path | None = None) -> Recorded:
    """Score and store a learner's answers; never raises for what a learner types.

    ``when`` is "before" (Module 00) or "after" (Module 08); anything else is not recorded.
    ``answers`` still ``...`` is not attempted. Before the course the right answers stay
    hidden, so the second try measures what the course taught; after it, each missed question
    is explained. Answering a half again is kept with its time, but the first answers stay the
    score; a "before" once the "after" half is recorded is not recorded (:func:`save`).
    """
    try:
        _check_when(when)
    except ValueError as exc:
        return Recorded("Not recorded", str(exc))
    if answers is Ellipsis:
        return Recorded("Not attempted", "replace the ... with your letters and run the cell.")
    try:
        parsed = parse_answers(answers)
    except ValueError as exc:
        return Recorded("Not recorded", str(exc))
    from deploydl.course.curriculum import project_root

    try:
        folder = root or project_root()
        earlier = load(folder).get(when)
        save(folder, when, parsed)
        stored = load(folder)
    except OutOfOrder as exc:
        return Recorded("Not recorded", str(exc))
    except (OSError, ValueError) as exc:
        earlier, stored, status = None, {when: parsed}, "Scored, not saved"
        note = f" ({str(exc).rstrip('.')})"
    else:
        status, note = "Recorded", f"; {PROGRESS_COMMAND} shows it"
    mine = score(parsed)
    details = _explain(parsed) if when == "after" else ()
    if earlier is not None:
        return Recorded(status, f"{mine} this time (kept, with its time). Your first answers "
                        f"{when} the course, {score(earlier)}, stay your score, so the gain "
                        f"measures the course, not a second try{note}.", details)
    if when == "before":
        return Recorded(status, f"{mine} before the course{note}. The answers are explained "
                        f"when you answer again {AFTER_WHERE}.")
    result = summarize(stored)
    gain = "" if result.gain is None else f", against {result.before} before ({result.gain:+d})"
    return Recorded(status, f"{mine} after the course{gain}{note}.", details)


def _explain(answers: dict[str, str]) -> tuple[str, ...]:
    """For each question missed, by its number on the sheet: the right answer and why."""
    return tuple(f"Question {n} ({q.skill}): {q.correct}) {q.answer} {q.explanation}"
                 for n, q in enumerate(QUESTIONS, start=1) if answers.get(q.id) != q.correct)


def progress_line(root: Path) -> str:
    """The assessment's line on ``deploydl progress`` for the course folder ``root``."""
    try:
        return summarize(load(root)).line()
    except ValueError as exc:
        return f"Assessment: {exc} Delete it and answer again in notebooks/00_welcome.ipynb."
