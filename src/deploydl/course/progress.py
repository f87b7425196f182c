"""One screen for a learner studying alone: every module, its lab status, the next step.

Used by ``deploydl progress``. A lab is graded by running it (``deploydl grade``), which
takes seconds; results are cached in ``.deploydl/progress.json`` in the course folder, keyed by
the lab's content and its module's exercise definitions, so an unchanged lab is never run
twice. A lab still exactly as generated is "not started" without running it at all.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from deploydl.course.curriculum import MODULES, PROGRESS_COMMAND, Module
from deploydl.exercises.core import CHECK_ERROR, FAILED, NOT_ATTEMPTED, PASSED, Result
from deploydl.exercises.registry import module_exercises
from deploydl.integrity import read_json_object

CACHE = Path(".deploydl") / "progress.json"


@dataclass(frozen=True)
class ModuleProgress:
    """Where a learner stands in one module.

    ``results`` is None when the module has no lesson or no lab yet; ``problem`` says why a
    lab could not be graded (then ``results`` is None too).
    """

    module: Module
    lesson_ready: bool
    results: tuple[Result, ...] | None = None
    problem: str = ""

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results or ())

    @property
    def status(self) -> str:
        """A few words for the screen, e.g. "2/3 passed, 1 failed"."""
        if not self.lesson_ready:
            return "coming soon"
        if self.problem:
            return f"could not run: {self.problem}"
        if self.results is None:
            return "no lab"
        total, passed, failed = len(self.results), self.count(PASSED), self.count(FAILED)
        if passed == total:
            return f"done: {passed}/{total} passed"
        broken = (f", {self.count(CHECK_ERROR)} check(s) broken: tell your instructor"
                  if self.count(CHECK_ERROR) else "")
        if passed == failed == 0 and not broken:
            return "not started"
        return (f"{passed}/{total} passed, {failed} failed, {self.count(NOT_ATTEMPTED)} to do"
                f"{broken}")


def progress(root: Path, *, timeout: int = 120,
             notes: list[str] | None = None) -> list[ModuleProgress]:
    """Every module of the course with the learner's lab results from ``root/labs``.

    A cache that cannot be written does not stop the screen: why goes into ``notes``.
    """
    from deploydl.course.labs import expected_labs, lab_text

    cache_path = root / CACHE
    cache = _read_cache(cache_path)
    pristine = expected_labs(root)
    rows = []
    for m in MODULES:
        lab, ready = root / "labs" / m.lab, (root / m.lesson).exists()
        if not ready or not lab.exists():
            rows.append(ModuleProgress(m, ready))
        elif not lab.is_file():
            rows.append(ModuleProgress(m, True, problem=f"labs/{m.lab} is a folder, not a "
                                       "notebook; move it out of labs/ and run `deploydl labs "
                                       "build`"))
        # Read with universal newlines: a lab git for Windows checked out with CRLF, or an
        # editor saved so, unchanged, is still untouched.
        elif lab in pristine and lab_text(lab) == pristine[lab]:
            rows.append(ModuleProgress(m, True, _untouched(m)))
        else:
            rows.append(_graded(m, lab, cache, timeout=timeout))
    try:
        cache_path.parent.mkdir(exist_ok=True)
        cache_path.write_text(json.dumps(cache, indent=1, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        if notes is not None:
            notes.append(f"results not cached: cannot write {cache_path} ({exc.strerror or exc})"
                         f"; {cache_path.parent} must be a folder you can write to (delete or "
                         "move whatever is there). Your labs are not affected.")
    return rows


class ProgressCacheError(RuntimeError):
    """The progress cache cannot be read; the message says how to recover."""


def _read_cache(path: Path) -> dict:
    """The cache of graded labs in ``path`` (empty when there is none); a
    :class:`ProgressCacheError` saying to delete it when it cannot be read or holds no JSON
    object (in the words every JSON file gets, :func:`deploydl.integrity.read_json_object`)."""
    if not path.exists():
        return {}
    advice = (f"It only caches lab results: delete it and run {PROGRESS_COMMAND} again; your "
              "labs are not affected.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgressCacheError(f"{path} cannot be read ({exc.strerror or exc}). {advice}"
                                 ) from None
    return read_json_object(raw, source=path, advice=advice, error=ProgressCacheError)


def _untouched(m: Module) -> tuple[Result, ...]:
    return tuple(Result(e.id, e.title, NOT_ATTEMPTED, "not attempted yet.")
                 for e in module_exercises(m.number))


def _graded(m: Module, lab: Path, cache: dict, *, timeout: int) -> ModuleProgress:
    """Grade ``lab`` unless the cache already holds the results for this exact content."""
    from deploydl.course.runner import NotebookUnreadable
    from deploydl.exercises.grading import grade_lab

    key = _content_key(m, lab)
    cached = _cached_results(cache.get(m.lab), key)
    if cached is not None:
        return ModuleProgress(m, True, cached)
    try:
        grade = grade_lab(lab, timeout=timeout)
    except NotebookUnreadable as exc:
        return ModuleProgress(m, True, problem=str(exc))
    records = [r.as_record() for r in grade.results]
    cache[m.lab] = {"key": key, "results": records}
    return ModuleProgress(m, True, tuple(Result(**r) for r in records))


def _cached_results(entry: object, key: str) -> tuple[Result, ...] | None:
    """The cached results for this lab content, or None (not cached, or an entry that is not
    the cache's shape: the lab is then graded again and the entry replaced)."""
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    try:
        return tuple(Result(**r) for r in entry["results"])
    except (KeyError, TypeError):
        return None


def _content_key(m: Module, lab: Path) -> str:
    """sha256 of the lab's bytes, of the module's exercise definitions (answers may change) and
    of the code that checks and grades (its feedback may change)."""
    digest = hashlib.sha256(lab.read_bytes())
    for name in (f"m{m.number}", "core", "grading"):
        spec = importlib.util.find_spec(f"deploydl.exercises.{name}")
        if spec and spec.origin:
            digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()


def next_step(rows: list[ModuleProgress]) -> str:
    """The one thing to do next.

    A failed exercise comes first, wherever it is (the learner is working on it now), named
    with the hint its check gives for the current answer; then the first module with a
    lesson whose lab is not done.
    """
    failed = next(((row, r) for row in rows for r in row.results or () if r.status == FAILED),
                  None)
    if failed:
        row, result = failed
        hint = f" Hint: {result.hint}" if result.hint else ""
        return (f"Fix exercise {result.id} ({result.title}) in labs/{row.module.lab}: "
                f"{result.message}{hint}")
    for row in rows:
        if not row.lesson_ready or (row.results and row.count(PASSED) == len(row.results)):
            continue
        m, lab = row.module, f"labs/{row.module.lab}"
        if row.problem:
            return f"Open {lab} and run it top to bottom; it could not be graded: {row.problem}"
        if row.results is None or row.count(PASSED) == 0:
            return (f"Read {m.lesson} ({m.title}), then do {lab}; check your answers with "
                    f"{PROGRESS_COMMAND}.")
        todo = ", ".join(r.id for r in row.results if r.status == NOT_ATTEMPTED)
        return f"Finish {lab}: exercise(s) {todo} not attempted yet."
    coming = [row.module.number for row in rows if not row.lesson_ready]
    if coming:
        return (f"You have done every module available so far; still to come: "
                f"{', '.join(coming)}. Update your copy of the course to get them.")
    return "You have finished the course. Well done: try the capstone on your own data."


def render(rows: list[ModuleProgress], *, assessment: str = "") -> str:
    """The progress screen as plain text; ``assessment`` is its line on the assessment."""
    lines = [f"{'module':<42} {'lesson':<12} lab", f"{'-' * 42} {'-' * 12} {'-' * 24}"]
    for row in rows:
        name = f"{row.module.number} {row.module.title}"
        lesson = "ready" if row.lesson_ready else "coming soon"
        lines.append(f"{name:<42} {lesson:<12} {row.status if row.lesson_ready else ''}".rstrip())
    lines += ["", *([assessment] if assessment else []), f"Next step: {next_step(rows)}"]
    return "\n".join(lines)
