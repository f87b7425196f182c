"""A cohort's assessment for the instructor: ``deploydl grade --assessment PATH...``.

Each PATH is a learner's course folder or the ``.deploydl/assessment.json`` file inside it.
"""

from __future__ import annotations

import json
from pathlib import Path

from deploydl.assessment.scoring import STORE, Summary, read_store, summarize


def collect(paths: list[Path]) -> list[tuple[str, Summary]]:
    """Each learner's summary, in the order given.

    Raises ValueError naming the path when one is neither a course folder with answers nor
    an assessment file.
    """
    rows = []
    for path in paths:
        store = path / STORE if path.is_dir() else path
        if not store.exists():
            raise ValueError(f"{path}: no assessment answers there; give the learner's course "
                             f"folder or its {STORE.as_posix()} file.")
        rows.append((str(path), summarize(read_store(store))))
    return rows


def complete(rows: list[tuple[str, Summary]]) -> bool:
    """True when every learner took the assessment both before and after."""
    return all(s.gain is not None for _, s in rows)


def mean_gain(rows: list[tuple[str, Summary]]) -> float | None:
    """The average gain, in questions, over the learners who took both (None if nobody did)."""
    gains = [s.gain for _, s in rows if s.gain is not None]
    return sum(gains) / len(gains) if gains else None


def as_table(rows: list[tuple[str, Summary]]) -> str:
    """One line per learner, then the cohort's mean gain."""
    lines = [f"{'learner':<40} {'before':>7} {'after':>7} {'gain':>5}"]
    for name, s in rows:
        before, after = (str(x) if x else "-" for x in (s.before, s.after))
        gain = f"{s.gain:+d}" if s.gain is not None else "-"
        lines.append(f"{name:<40} {before:>7} {after:>7} {gain:>5}")
    mean = mean_gain(rows)
    took = sum(s.gain is not None for _, s in rows)
    lines.append(f"Mean gain: {mean:+.1f} question(s) over {took} learner(s) who took both."
                 if mean is not None else "Mean gain: nobody has taken both yet.")
    return "\n".join(lines)


def as_json(rows: list[tuple[str, Summary]]) -> str:
    """The cohort as JSON: each learner's scores, per skill area, and the mean gain."""
    return json.dumps({"learners": [{"path": name, **s.as_record()} for name, s in rows],
                       "mean_gain": mean_gain(rows)}, indent=2)
