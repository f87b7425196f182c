"""A cohort's assessment for the instructor: ``deploydl grade --assessment PATH...``.

Each PATH is a learner's course folder, its ``.deploydl`` folder or the
``.deploydl/assessment.json`` file inside it; any other file is refused, and so is a folder
that is none of these. A course folder (one with ``notebooks/``) without answers is a learner
who has not taken the assessment yet: listed with "-". The same learner
given twice (as a folder and as its file) counts once. Besides each learner's
scores the report gives how many of those who shared got each question right, before and
after, and the right answers per skill area: what the capstone's "which question moved most
for the room?" needs. Both count only the learners who took both halves, so a change is the
same people's; until someone has, they count whoever took each half and show no change.

The mean gain comes with a 95% range: a paired t interval over the gains of the learners who
took both halves (each learner's after score minus their own before score), kept within the
gains the questions allow. It needs two such learners; under ten, the report says the group is
small and the range wide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploydl.assessment.questions import QUESTIONS, SKILLS
from deploydl.assessment.scoring import STORE, WHEN, Score, Summary, read_store, summarize

Row = tuple[str, Summary]
#: Fewer learners than this with both halves taken: the report calls the group small.
SMALL_GROUP = 10
#: The confidence level of the range around the mean gain.
LEVEL = 0.95


@dataclass
class Cohort:
    """The learners read, in the order given; ``problems``: paths that could not be read;
    ``notes``: paths given twice, counted once."""

    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """What ``deploydl grade --assessment`` exits with: 2 when a path could not be read
        (the others are still counted), else 1 when a learner has not taken both halves, else
        0."""
        if self.problems:
            return 2
        return 0 if complete(self.rows) else 1

    @property
    def error(self) -> str | None:
        """Why some paths were not counted, in one line (each problem after a lead that says
        whether anyone was), or None when every path was a learner's that could be read."""
        if not self.problems:
            return None
        lead = ("nothing was graded: no path given is a learner's that could be read."
                if not self.rows else
                f"{len(self.problems)} path(s) could not be read; the learners listed are "
                f"the others.")
        return " ".join([lead, *self.problems])


def collect(paths: list[Path]) -> Cohort:
    """Each learner's summary, in the order given, whatever the other paths hold.

    A course folder without answers gives a learner with neither half taken. A path that does
    not exist, a file that is not an assessment file, or a folder that is not a learner's
    (:func:`_is_learners`), goes to ``problems`` with its reason.
    """
    cohort, seen = Cohort(), dict[Path, Path]()
    for path in paths:
        store = _store_of(path)
        if not path.exists():
            cohort.problems.append(f"{path}: no such folder or file; give the learner's course "
                                   f"folder or its {STORE.as_posix()} file.")
            continue
        if path.is_dir() and not _is_learners(path, store):
            cohort.problems.append(f"{path}: not a learner's course folder: it has neither "
                                   f"{STORE.as_posix()} nor notebooks/; pass each learner's "
                                   f"course folder (or its {STORE.as_posix()} file).")
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


def _is_learners(folder: Path, store: Path) -> bool:
    """True when ``folder`` is a learner's: it holds their answers (``store``, found by
    :func:`_store_of`), or is a course folder (it has ``notebooks/``) or its ``.deploydl``
    folder, where answers not given yet would go."""
    return (store.exists() or (folder / "notebooks").is_dir()
            or folder.resolve().name == STORE.parent.name)


def complete(rows: list[Row]) -> bool:
    """True when every learner took the assessment both before and after."""
    return all(s.gain is not None for _, s in rows)


def _gains(rows: list[Row]) -> list[int]:
    """The gain of each learner who took both halves, in questions."""
    return [s.gain for _, s in rows if s.gain is not None]


def mean_gain(rows: list[Row]) -> float | None:
    """The average gain, in questions, over the learners who took both (None if nobody did)."""
    gains = _gains(rows)
    return sum(gains) / len(gains) if gains else None


def gain_range(rows: list[Row]) -> tuple[float, float] | None:
    """The 95% range of the mean gain, in questions: a paired t interval over the gains of the
    learners who took both halves, clipped to the gains possible (-15 to +15 with fifteen
    questions). None with fewer than two such learners, or when every gain is the same: one
    gain, or gains all alike, say nothing of the spread (a t interval would have width zero).

    A range built this way holds the room's true mean gain about 95 times in 100, if the
    learners who shared are like the ones who did not; with few learners it is wide.
    """
    from scipy.stats import ttest_1samp

    gains = _gains(rows)
    if len(gains) < 2 or len(set(gains)) == 1:
        return None
    low, high = ttest_1samp(gains, 0).confidence_interval(confidence_level=LEVEL)
    most = len(QUESTIONS)
    return max(float(low), -most), min(float(high), most)


def compared(rows: list[Row]) -> list[Row]:
    """The learners the per-question and per-skill figures count: those who took both halves,
    or, while nobody has, everyone."""
    both = [(name, s) for name, s in rows if s.gain is not None]
    return both or rows


def _scores(rows: list[Row], when: str) -> list[Score]:
    return [s for _, summary in compared(rows) if (s := getattr(summary, when)) is not None]


def per_question(rows: list[Row]) -> list[dict[str, Any]]:
    """For each question, in the sheet's order and for each half: the share right (None when
    nobody took it), how many learners were right (``right_before``) and how many that counts
    (``n_before``), over the learners :func:`compared`."""
    halves = {w: _scores(rows, w) for w in WHEN}
    found = []
    for n, q in enumerate(QUESTIONS, start=1):
        item: dict[str, Any] = {"number": n, "id": q.id, "skill": q.skill}
        for w, scores in halves.items():
            right = sum(s.by_question.get(q.id, False) for s in scores)
            item[w] = right / len(scores) if scores else None
            item[f"right_{w}"] = right
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


def _count(right: int, asked: int) -> str:
    """"3/4 (75%)": right out of asked, the count first so a small group shows as small."""
    return f"{right}/{asked} ({right / asked:.0%})" if asked else "-"


def _question_lines(rows: list[Row]) -> list[str]:
    items = per_question(rows)
    both = sum(s.gain is not None for _, s in rows)
    over = (f"the {both} learner(s) who took both halves" if both else
            f"whoever took each half: before {items[0]['n_before']}, after "
            f"{items[0]['n_after']}; nobody has taken both yet, so no change is shown")
    lines = [f"Right answers per question, of those who shared ({over}):",
             f"{'#':>3}  {'skill':<20} {'before':>12} {'after':>12} {'change':>8}  question"]
    for item, q in zip(items, QUESTIONS, strict=True):
        b, a = item["before"], item["after"]
        change = f"{(a - b) * 100:+.0f} pts" if both else "-"
        stem = q.text if len(q.text) <= 48 else q.text[:45].rstrip() + "..."
        lines.append(f"{item['number']:>3}  {q.skill:<20} "
                     f"{_count(item['right_before'], item['n_before']):>12} "
                     f"{_count(item['right_after'], item['n_after']):>12} {change:>8}  {stem}")
    return lines


def _skill_lines(rows: list[Row]) -> list[str]:
    lines = ["Right answers by skill area, over the same learners:",
             f"     {'skill':<20} {'before':>12} {'after':>12}"]
    for k, halves in per_skill(rows).items():
        cells = [_count(r, t) for r, t in halves.values()]
        lines.append(f"     {k:<20} {cells[0]:>12} {cells[1]:>12}")
    return lines


def _mean_lines(rows: list[Row]) -> list[str]:
    """The mean gain with its 95% range, and a warning when the group is small."""
    mean, took, span = mean_gain(rows), len(_gains(rows)), gain_range(rows)
    if mean is None:
        return ["Mean gain: nobody has taken both yet."]
    line = f"Mean gain: {mean:+.1f} question(s) over {took} learner(s) who took both"
    if span is None and took == 1:
        return [f"{line}; one learner gives no range, and every figure below is one person's."]
    if span is None:
        few = "too few and too alike" if took < SMALL_GROUP else "too alike"
        return [f"{line}; every learner gained the same ({took} learners: {few} to give a "
                f"range)."]
    lines = [f"{line}, {LEVEL:.0%} range {span[0]:+.1f} to {span[1]:+.1f} (t interval over "
             f"their gains)."]
    if took < SMALL_GROUP:
        lines.append(f"Fewer than {SMALL_GROUP} learners took both halves: a small group, so the "
                     f"range is wide and one learner moves each share below a lot.")
    return lines


def as_table(rows: list[Row]) -> str:
    """One line per learner and the cohort's mean gain with its 95% range; then, per question,
    how many of those who shared were right before and after; then the right answers per
    skill area."""
    lines = [f"{'learner':<40} {'before':>7} {'after':>7} {'gain':>5}"]
    for name, s in rows:
        before, after = (str(x) if x else "-" for x in (s.before, s.after))
        gain = f"{s.gain:+d}" if s.gain is not None else "-"
        lines.append(f"{name:<40} {before:>7} {after:>7} {gain:>5}")
    lines += _mean_lines(rows)
    return "\n".join([*lines, "", *_question_lines(rows), "", *_skill_lines(rows)])


def as_json(found: Cohort) -> str:
    """The cohort as one JSON object, the same keys whatever was read.

    ``complete``: true exactly when the command exits 0 (every path was a learner's that could
    be read, and every learner took both halves). ``error``: why a path could not be read, as
    in :attr:`Cohort.error`, when one could not (exit 2); null otherwise. ``learners``: each
    learner's path and scores (per skill area and question), empty when none could be read.
    ``mean_gain``: in questions, null while nobody took both halves; ``mean_gain_range``: its
    95% range, null under two learners with both halves or when their gains are all equal.
    ``questions`` and ``skills``: the right answers per question and per skill area
    (:func:`per_question`, :func:`per_skill`).
    """
    rows, span = found.rows, gain_range(found.rows)
    return json.dumps({"complete": found.exit_code == 0, "error": found.error,
                       "learners": [{"path": name, **s.as_record()} for name, s in rows],
                       "mean_gain": mean_gain(rows),
                       "mean_gain_range": list(span) if span else None,
                       "questions": per_question(rows),
                       "skills": per_skill(rows)}, indent=2, ensure_ascii=False)
