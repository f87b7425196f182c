"""Grading learners' labs: run each notebook headless and read the check() records.

Used by ``deploydl grade`` (instructors, CI for a cohort) and ``deploydl progress`` (learners).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError

from deploydl.exercises.core import NOT_ATTEMPTED, PASSED, RECORD_MIME, Result
from deploydl.exercises.registry import module_exercises
from deploydl.runner import NotebookUnreadable, execute, read_notebook


@dataclass(frozen=True)
class LabGrade:
    """The results for one lab notebook, one per exercise of its module, in order."""

    path: str
    results: tuple[Result, ...]

    @property
    def all_passed(self) -> bool:
        return all(r.status == PASSED for r in self.results)

    def counts(self) -> dict[str, int]:
        """How many exercises passed, failed and were not attempted."""
        out = {"passed": 0, "failed": 0, "not attempted": 0}
        for r in self.results:
            out[r.status] += 1
        return out


def lab_module(path: Path) -> str:
    """The module number a lab belongs to, from its file name ("02_..._lab.ipynb" -> "02")."""
    match = re.match(r"(\d\d)_", path.name)
    if not match:
        raise NotebookUnreadable(f"{path}: a lab's name starts with its module number, "
                                 "e.g. 02_model_evaluation_lab.ipynb.")
    return match.group(1)


def grade_lab(path: Path, *, timeout: int = 120) -> LabGrade:
    """Run the lab at ``path`` and grade every exercise of its module.

    An exercise whose check never ran (a cell errored before it, or the check call was
    deleted) counts as not attempted. Raises :class:`NotebookUnreadable` when the file
    cannot be read or its kernel dies.
    """
    module = lab_module(path)
    notebook = read_notebook(path)
    try:
        execute(notebook, cwd=path.parent.resolve(), timeout=timeout, allow_errors=True)
    except (CellTimeoutError, DeadKernelError, RuntimeError) as exc:
        raise NotebookUnreadable(f"{path}: the notebook could not be run ({exc}).") from None
    seen = _records(notebook)
    results = tuple(seen.get(e.id) or Result(e.id, e.title, NOT_ATTEMPTED, "the check never ran.")
                    for e in module_exercises(module))
    return LabGrade(str(path), results)


def _records(notebook) -> dict[str, Result]:
    """The last check() record of each exercise, from the executed outputs."""
    found: dict[str, Result] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(RECORD_MIME)
            if record:
                found[record["id"]] = Result(**record)
    return found


def as_json(grades: list[LabGrade]) -> str:
    return json.dumps([{"path": g.path, "all_passed": g.all_passed, "counts": g.counts(),
                        "exercises": [r.as_record() for r in g.results]} for g in grades],
                      indent=2, ensure_ascii=False)


def as_table(grades: list[LabGrade]) -> str:
    lines = []
    for g in grades:
        c = g.counts()
        lines.append(f"{g.path}: {c['passed']} passed, {c['failed']} failed, "
                     f"{c['not attempted']} not attempted")
        for r in g.results:
            lines.append(f"  {r.id:6} {r.status:14} {r.title}")
            if r.hint:
                lines.append(f"  {'':6} {'':14} hint: {r.hint}")
    return "\n".join(lines)


def as_markdown(grades: list[LabGrade]) -> str:
    icons = {"passed": "✅", "failed": "❌", "not attempted": "⏳"}
    lines = ["| lab | exercise | title | status | hint |", "|---|---|---|---|---|"]
    for g in grades:
        for r in g.results:
            hint = r.hint.replace("|", "\\|")
            lines.append(f"| {Path(g.path).name} | {r.id} | {r.title} | "
                         f"{icons[r.status]} {r.status} | {hint} |")
    return "\n".join(lines)
