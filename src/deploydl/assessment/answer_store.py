"""Where the assessment's answers are kept (Modules 00 and 08): the store file in the course
folder, reading it back, refusing a file that is not one, and saving each attempt in order.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deploydl.assessment.questions import LETTERS
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
