"""A cohort's assessment for the instructor: ``deploydl grade --assessment PATH...``.

Each PATH is a learner's course folder, its ``.deploydl`` folder or the
``.deploydl/assessment.json`` file inside it; any other file is refused. A folder without
answers is a learner who has not taken the assessment yet: listed with "-". The same learner
given twice (as a folder and as its file) counts once. Besides each learner's
scores the report gives the share of the room right on each question, before and after, and
the right answers per skill area: what the capstone's "which question moved most for the
room?" needs. Both count only the learners who took both halves, so a change is the same
people's; until someone has, they count whoever took each half.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploydl.assessment.questions import QUESTIONS, SKILLS
from deploydl.assessment.scoring import STORE, WHEN, Score, Summary, read_store, summarize

Row = tuple[str, Summary]


@dataclass
class Cohort:
    """The learners read, in the order given; ``problems``: paths that could not be read;
    ``notes``: paths given twice, counted once."""

    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def collect(paths: list[Path]) -> Cohort:
    """Each learner's summary, in the order given, whatever the other paths hold.

    A course folder without answers gives a learner with neither half taken. A path that does
    not exist, or a file that is not an assessment file, goes to ``problems`` with its reason.
    """
    cohort, seen = Cohort(), dict[Path, Path]()
    for path in paths:
        store = _store_of(path)
        if not path.exists():
            cohort.problems.append(f"{path}: no such folder or file; give the learner's course "
                                   f"folder or its {STORE.as_posix()} file.")
            continue
        key = store.resolve()
        if key in seen:
            cohort.notes.append(f"{path}: the same learner as {seen[key]}; counted once.")
            continue
        seen[key] = path
        try:
            cohort.rows.append((str(path), summarize(read_store(store))))
        except ValueError as exc:
            cohort.problems.append(str(exc))
    return cohort


def _store_of(path: Path) -> Path:
    """The store a path names: a file as it is; a folder holding ``assessment.json`` itself
    (the learner's ``.deploydl`` folder) that file; any other folder its ``.deploydl`` one."""
    if not path.is_dir():
        return path
    if not (path / STORE).exists() and (path / STORE.name).is_file():
        return path / STORE.name
    return path / STORE


def complete(rows: list[Row]) -> bool:
    """True when every learner took the assessment both before and after."""
    return all(s.gain is not None for _, s in rows)


def mean_gain(rows: list[Row]) -> float | None:
    """The average gain, in questions, over the learners who took both (None if nobody did)."""
    gains = [s.gain for _, s in rows if s.gain is not None]
    return sum(gains) / len(gains) if gains else None


def compared(rows: list[Row]) -> list[Row]:
    """The learners the per-question and per-skill figures count: those who took both halves,
    or, while nobody has, everyone."""
    both = [(name, s) for name, s in rows if s.gain is not None]
    return both or rows


def _scores(rows: list[Row], when: str) -> list[Score]:
    return [s for _, summary in compared(rows) if (s := getattr(summary, when)) is not None]


def per_question(rows: list[Row]) -> list[dict[str, Any]]:
    """For each question, in the sheet's order: the share right in each half (None when
    nobody took it) and how many learners that counts, over the learners :func:`compared`."""
    halves = {w: _scores(rows, w) for w in WHEN}
    found = []
    for n, q in enumerate(QUESTIONS, start=1):
        item: dict[str, Any] = {"number": n, "id": q.id, "skill": q.skill}
        for w, scores in halves.items():
            right = sum(s.by_question.get(q.id, False) for s in scores)
            item[w] = right / len(scores) if scores else None
            item[f"n_{w}"] = len(scores)
        found.append(item)
    return found


def per_skill(rows: list[Row]) -> dict[str, dict[str, list[int]]]:
    """Right answers and questions asked, per skill area and half, summed over the learners
    :func:`compared`."""
    totals = {k: {w: [0, 0] for w in WHEN} for k in SKILLS}
    for w in WHEN:
        for s in _scores(rows, w):
            for k, (right, asked) in s.by_skill.items():
                totals[k][w][0] += right
                totals[k][w][1] += asked
    return totals


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _question_lines(rows: list[Row]) -> list[str]:
    items = per_question(rows)
    both = sum(s.gain is not None for _, s in rows)
    over = (f"the {both} learner(s) who took both halves" if both else
            f"whoever took each half (before {items[0]['n_before']}, after "
            f"{items[0]['n_after']}; nobody has taken both yet)")
    lines = [f"Share of the room right, per question, over {over}:",
             f"{'#':>3}  {'skill':<20} {'before':>6} {'after':>6} {'change':>8}  question"]
    for item, q in zip(items, QUESTIONS, strict=True):
        b, a = item["before"], item["after"]
        change = "-" if a is None or b is None else f"{(a - b) * 100:+.0f} pts"
        stem = q.text if len(q.text) <= 48 else q.text[:45].rstrip() + "..."
        lines.append(f"{item['number']:>3}  {q.skill:<20} {_share(b):>6} {_share(a):>6} "
                     f"{change:>8}  {stem}")
    return lines


def _skill_lines(rows: list[Row]) -> list[str]:
    lines = ["Right answers by skill area, over the same learners:",
             f"     {'skill':<20} {'before':>12} {'after':>12}"]
    for k, halves in per_skill(rows).items():
        cells = [f"{r}/{t} ({r / t:.0%})" if t else "-" for r, t in halves.values()]
        lines.append(f"     {k:<20} {cells[0]:>12} {cells[1]:>12}")
    return lines


def as_table(rows: list[Row]) -> str:
    """One line per learner and the cohort's mean gain; then, per question, the share of the
    room right before and after; then the right answers per skill area."""
    lines = [f"{'learner':<40} {'before':>7} {'after':>7} {'gain':>5}"]
    for name, s in rows:
        before, after = (str(x) if x else "-" for x in (s.before, s.after))
        gain = f"{s.gain:+d}" if s.gain is not None else "-"
        lines.append(f"{name:<40} {before:>7} {after:>7} {gain:>5}")
    mean = mean_gain(rows)
    took = sum(s.gain is not None for _, s in rows)
    lines.append(f"Mean gain: {mean:+.1f} question(s) over {took} learner(s) who took both."
                 if mean is not None else "Mean gain: nobody has taken both yet.")
    return "\n".join([*lines, "", *_question_lines(rows), "", *_skill_lines(rows)])


def as_json(rows: list[Row]) -> str:
    """The cohort as JSON: each learner's scores (per skill area and question), the mean gain,
    the share right per question and the right answers per skill area."""
    return json.dumps({"learners": [{"path": name, **s.as_record()} for name, s in rows],
                       "mean_gain": mean_gain(rows), "questions": per_question(rows),
                       "skills": per_skill(rows)}, indent=2)
