"""Answering, scoring and storing the assessment (Modules 00 and 08).

A learner answers in a notebook with one string of letters ("b c d a ..."), one per question,
"?" for "I don't know". :func:`record` scores it, keeps it in ``.deploydl/assessment.json``
in the course folder, and shows the score. The first answers of each half count: answering
again after the explanations of Module 08 is kept with its time, but does not replace them,
so the gain measures the course. A "before" given once the "after" half is recorded is refused:
it would not measure the course. ``deploydl progress`` shows both scores and the gain;
``deploydl grade --assessment`` collects them for a cohort. An answer still ``...`` is "not
attempted": nothing is stored and nothing raises, so a notebook runs top to bottom.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deploydl.assessment.questions import LETTERS, QUESTIONS, SKILLS, Question
from deploydl.course.curriculum import PROGRESS_COMMAND
from deploydl.integrity import read_json_object

#: Where the answers live, relative to the course folder (not a cache: keep it).
STORE = Path(".deploydl") / "assessment.json"
#: The two moments the course asks the questions.
WHEN = ("before", "after")

#: Where every attempt is kept, first ones included, each with its time (UTC).
ATTEMPTS = "attempts"
#: Where the "after" half is taken, in both workshop formats: the 2-day format teaches Module
#: 08; the 1-day format asks the questions in its wrap-up, from the same notebook section.
AFTER_WHERE = ('at the end of the course, in the section "The fifteen questions again, after '
               'the course" of notebooks/08_capstone.ipynb')
DONT_KNOW = "?"
#: The only top-level keys of a store.
KEYS = (*WHEN, ATTEMPTS)
#: What a store looks like and where it lives, for the messages that refuse another file.
WHAT_A_STORE_IS = (f"An assessment file is the learner's {STORE.as_posix()}, in their course "
                   f"folder: a JSON object with only the keys {', '.join(KEYS)}, each answer "
                   f"one letter a to d or {DONT_KNOW}.")


@dataclass(frozen=True)
class Score:
    """How many questions were right: in total, per skill area, and which ones (by id)."""

    correct: int
    total: int
    by_skill: dict[str, tuple[int, int]]
    by_question: dict[str, bool] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.correct}/{self.total}"


def parse_answers(text: Any, *, questions: tuple[Question, ...] = QUESTIONS) -> dict[str, str]:
    """Turn "b c d ?" (spaces and commas optional) into ``{"q01": "b", ...}``.

    Raises ValueError saying what was wrong, the value received and what to do.
    """
    if not isinstance(text, str):
        raise ValueError(f"give your answers as text in quotes, e.g. \"bcda...\"; you gave "
                         f"{text!r}.")
    letters = [ch for ch in text.lower() if ch not in " ,;\n\t"]
    wrong = sorted({ch for ch in letters if ch not in LETTERS + DONT_KNOW})
    if wrong:
        raise ValueError(f"use only the letters a to d, or ? for 'I don't know'; found "
                         f"{', '.join(map(repr, wrong))} in {text!r}.")
    if len(letters) != len(questions):
        raise ValueError(f"give one letter for each of the {len(questions)} questions (? if "
                         f"you don't know); you gave {len(letters)} in {text!r}.")
    return {q.id: ch for q, ch in zip(questions, letters, strict=True)}


def score(answers: dict[str, str], *, questions: tuple[Question, ...] = QUESTIONS) -> Score:
    """Score stored answers; a question without an answer counts as wrong."""
    per_skill = {s: [0, 0] for s in SKILLS}
    right = {q.id: answers.get(q.id) == q.correct for q in questions}
    for q in questions:
        per_skill[q.skill][1] += 1
        per_skill[q.skill][0] += right[q.id]
    by_skill = {s: (c, t) for s, (c, t) in per_skill.items() if t}
    return Score(sum(right.values()), len(questions), by_skill, right)


def load(root: Path) -> dict[str, dict[str, str]]:
    """The answers stored in the course folder ``root`` ({} when none)."""
    return read_store(root / STORE)


def read_store(path: Path) -> dict[str, dict[str, str]]:
    """The answers that count in one store file: the first of each half ({} when none).

    Raises ValueError when the file is not an assessment store, naming the file.
    """
    data = _read_raw(path)
    return {w: data[w] for w in WHEN if w in data}


def _read_raw(path: Path) -> dict[str, Any]:
    """The whole store file, every attempt included ({} when it does not exist)."""
    if not path.exists():
        return {}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: not a readable assessment file ({exc}). "
                         f"{WHAT_A_STORE_IS}") from None
    data = read_json_object(raw, source=path, advice="It is not a readable assessment file. "
                                                     f"{WHAT_A_STORE_IS}")
    problem = _store_problem(data)
    if problem:
        raise ValueError(f"{path}: not an assessment file ({problem}). {WHAT_A_STORE_IS}")
    return data


def _store_problem(data: dict[str, Any]) -> str | None:
    """Why the JSON object ``data`` is not what :func:`save` writes (None when it is)."""
    foreign = sorted(k for k in data if k not in KEYS)
    if foreign:
        return f"other keys: {', '.join(map(repr, foreign[:5]))}"
    if not isinstance(data.get(ATTEMPTS, []), list):
        return f"{ATTEMPTS!r} is not a list"
    for w in WHEN:
        answers = data.get(w, {})
        if not isinstance(answers, dict):
            return f"{w!r} is not an object of answers"
        wrong = [f"{k}={v!r}" for k, v in answers.items()
                 if v not in [*LETTERS, DONT_KNOW]]
        if wrong:
            return f"{w!r} has answers that are not a letter: {', '.join(wrong[:3])}"
    return None


class OutOfOrder(ValueError):
    """Answers refused because of what the store already holds: a "before" given once the
    "after" half is recorded. Nothing is written."""


def _check_when(when: Any) -> None:
    """Raise ValueError unless ``when`` is one of :data:`WHEN`, naming the values allowed."""
    if when not in WHEN:
        raise ValueError(f"when={when!r}: use 'before' (Module 00) or 'after' (Module 08).")


def _check_order(when: str, data: dict[str, Any]) -> None:
    """Raise :class:`OutOfOrder` when ``when`` is "before" and ``data`` already holds the
    "after" half: a score taken after the course cannot be its starting point."""
    if when != "before" or "after" not in data:
        return
    raise OutOfOrder(f"Your after-course answers are already recorded{_after_time(data)}; a "
                     f"before-course score taken now would not measure the course, so it was "
                     f"not saved and your record is unchanged. {PROGRESS_COMMAND} shows your "
                     f"scores; someone new on this computer answers in their own course folder.")


def _after_time(data: dict[str, Any]) -> str:
    """When the counted "after" answers were given, as " (5 December 2026, 14:02 UTC)"; ""
    when the store does not say (a store written before attempts were kept)."""
    times = [a.get("at") for a in data.get(ATTEMPTS, [])
             if isinstance(a, dict) and a.get("when") == "after"]
    try:
        moment = datetime.fromisoformat(str(times[0]))
    except (IndexError, ValueError):
        return ""
    moment = moment.astimezone(UTC)
    return f" ({moment.day} {moment:%B %Y, %H:%M} UTC)"


def save(root: Path, when: str, answers: dict[str, str], *,
         at: datetime | None = None) -> Path:
    """Keep ``answers`` for ``when`` ("before" or "after") in the course folder ``root``.

    Every attempt is kept with its time (``at``, default now, UTC); only the first of each
    half counts, so answering again after the explanations cannot change the score. Raises
    ValueError for any other ``when``, and :class:`OutOfOrder`, writing nothing, for a
    "before" once the "after" half is recorded.
    """
    _check_when(when)
    path = root / STORE
    data = _read_raw(path)
    _check_order(when, data)
    moment = (at or datetime.now(UTC)).isoformat(timespec="seconds")
    data.setdefault(ATTEMPTS, []).append({"when": when, "at": moment, "answers": answers})
    data.setdefault(when, answers)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Summary:
    """Both scores of one learner; either is None until taken."""

    before: Score | None
    after: Score | None

    @property
    def gain(self) -> int | None:
        """Questions gained from before to after (None until both are taken)."""
        if self.before is None or self.after is None:
            return None
        return self.after.correct - self.before.correct

    def line(self) -> str:
        """One line for ``deploydl progress``."""
        if self.before is None and self.after is None:
            return ("Assessment: not taken yet; answer the questions in "
                    "notebooks/00_welcome.ipynb before you start.")
        parts = [f"before {self.before}" if self.before else self._before_missing(),
                 f"after {self.after}" if self.after else f"after: not taken yet ({AFTER_WHERE})"]
        if self.gain is not None:
            parts.append(f"gain {self.gain:+d} question(s)")
        return "Assessment: " + " · ".join(parts)

    def _before_missing(self) -> str:
        """What to do about a missing "before": take it in Module 00, unless the "after" is
        recorded, when a "before" is refused (:func:`save`) and no gain can be measured."""
        if self.after is not None:
            return "before: not taken (no gain can be measured now)"
        return "before: not taken (00)"

    def as_record(self) -> dict[str, Any]:
        def one(s: Score | None) -> dict[str, Any] | None:
            return None if s is None else {
                "correct": s.correct, "total": s.total,
                "by_skill": {k: list(v) for k, v in s.by_skill.items()},
                "by_question": dict(s.by_question)}
        return {"before": one(self.before), "after": one(self.after), "gain": self.gain}


def summarize(stored: dict[str, dict[str, str]]) -> Summary:
    """Score whatever is stored; a moment not taken stays None."""
    return Summary(*(score(stored[w]) if w in stored else None for w in WHEN))


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
