"""Grading learners' labs: run each notebook headless, with the grader's own cells in between.

Used by ``deploydl grade`` (instructors, CI for a cohort) and ``deploydl progress`` (learners).
Grading never reads the check() records a notebook displays, since a learner can print one by
hand, nor the kernel's ledger of check results, since a lab cell can write to it or replace the
functions that keep it: after each of the lab's code cells, the grader runs a cell of its own
in the same kernel (:data:`_GRADER_CELL`) that loads a fresh copy of the checks, checks again
the answers that check() was given since the grader's last cell (copies taken at check time,
see :func:`deploydl.exercises.core.regraded`), and displays the results under a MIME type of
its own, with a secret made fresh for this run.

That cell's function binds every name it uses with ``import`` statements and definitions
inside it, so a lab that defines ``print``, ``open``, ``json``, ``display``, the loader's name
or any other name in its own namespace, or swaps that namespace for another dict, cannot
change what it shows. A lab's code still runs in the same kernel, with the learner's rights,
so a lab can still change a grade if it replaces functions in modules (Python's
``builtins``, ``sys``, ``importlib``, IPython's display, or the course modules the checks call
when they run, see :func:`deploydl.exercises.core.regraded`), replaces ``__builtins__``, or
leaves code to run during the grader's cells (an IPython event callback or input transformer,
a thread, or an object of its own where the grader stores or reads something: a namespace
whose lookups run the lab's code, through which the cell defines and calls its function, or
kept answers whose methods do). A grader's cell that shows more than one result (such code
showed its own) makes the lab ungradable.
"""

from __future__ import annotations

import json
import re
import secrets
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from deploydl.course.labs import CHECK_ID
from deploydl.course.runner import GRADER_CELL, NotebookUnreadable, execute_file, read_notebook
from deploydl.exercises import core as checks
from deploydl.exercises.core import CHECK_ERROR, FAILED, ICONS, NOT_ATTEMPTED, PASSED, Result
from deploydl.exercises.registry import module_exercises


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
        out = {PASSED: 0, FAILED: 0, NOT_ATTEMPTED: 0, CHECK_ERROR: 0}
        for r in self.results:
            out[r.status] += 1
        return out

    @property
    def broken_checks(self) -> list[Result]:
        """Exercises whose checker crashed: the course's fault, reported apart."""
        return [r for r in self.results if r.status == CHECK_ERROR]


#: The MIME type of the results the grader's cells display.
GRADE_MIME = "application/vnd.deploydl.grade+json"
#: The function the grader's cell defines, inside its own, to load a fresh copy of the checks:
#: each of ``files`` (module name -> file, in the order of :func:`check_files`) run from its
#: file, standing in ``sys.modules`` from the moment it starts to run (what reads a module
#: there while it runs, as ``dataclasses`` does, finds the fresh one), so a module's top-level
#: import of one loaded before it gets the fresh copy, and a check that imports another module
#: when it runs (08.2 uses 06's) gets one too. It calls ``use`` with the fresh copies by name
#: and then puts the lab's own modules back. Nothing is found through the lab's module objects,
#: whose functions, ``__spec__`` or ``__path__`` a lab cell could replace: the cell holds this
#: code, and the tests run this same text.
FRESH_CHECKS = """\
def _deploydl_fresh_checks(files, use):
    import importlib.machinery
    import importlib.util
    import sys

    def load(name, path):
        loader = importlib.machinery.SourceFileLoader(name, path)
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
        sys.modules[name] = module  # as an import does: its own code sees it there
        loader.exec_module(module)
        return module

    kept = {name: sys.modules.get(name) for name in files}
    try:
        fresh = {name: load(name, path) for name, path in files.items()}
        return use(fresh)
    finally:
        for name, module in kept.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
"""
#: The grader's cell after each of the lab's code cells: {module} is the lab's module, {nonce} a
#: secret made fresh for each run, {fresh_checks} :data:`FRESH_CHECKS`, indented into the
#: cell's function. It loads a fresh copy of the checks (the lab's cells may have changed the
#: copy they use), which checks again the answers that the lab's copy kept since the grader's
#: last cell, and displays the results at once, before any later lab cell runs. Every name the
#: function uses is bound by an ``import`` or a ``def`` inside it, never looked up in the lab's
#: namespace (a lab may define ``print``, or a function of the loader's name).
_GRADER_CELL = """\
def _deploydl_grade():
{fresh_checks}
    import sys
    from IPython.display import display
    records = {{}}
    lab = sys.modules.get("deploydl.exercises.core")  # None until a check has run
    if lab is not None:
        records = _deploydl_fresh_checks({files!r}, lambda fresh: fresh[
            "deploydl.exercises.core"].regraded(lab, fresh, "{module}"))
    display({{"{mime}": {{"nonce": "{nonce}", "results": records}}}}, raw=True)
_deploydl_grade()
"""


def check_files() -> dict[str, str]:
    """Every module the checks are made of, by name, with its file beside ``core``'s own, in the
    order the grader loads them: what ``core`` is built from (``core_*.py``), ``core``, the
    exercise modules' helpers (``mNN_*.py``, such as m06_answers or m07_sentence and its
    stages) and the exercise modules (m00, m01...). Each group is in name order, so a module
    imports at its top only modules before it: a helper imports ``core`` (or a ``core_*``),
    helpers whose names sort before its own and modules outside the exercises; exercise
    modules import their helpers, and one another only inside functions (m08's of m06 is)."""
    folder = Path(str(checks.__file__)).parent
    return {f"{checks.__package__}.{path.stem}": str(path)
            for pattern in ("core_*.py", "core.py", "m[0-9][0-9]_*.py", "m[0-9][0-9].py")
            for path in sorted(folder.glob(pattern))}


def lab_module(path: Path) -> str:
    """The module number a lab belongs to, from its file name ("02_..._lab.ipynb" -> "02")."""
    match = re.match(r"(\d\d)_", path.name)
    if not match:
        raise NotebookUnreadable(f"{path}: a lab's name starts with its module number, "
                                 "e.g. 02_model_evaluation_lab.ipynb.")
    return match.group(1)


def grade_lab(path: Path, *, timeout: int = 120) -> LabGrade:
    """Run the lab at ``path`` and grade every exercise of its module.

    An exercise whose check never ran because the cell that calls it raised (a misspelt
    name, a wrong type) fails with that error as its message; one whose check never ran for
    any other reason (the call was deleted) counts as not attempted. Raises
    :class:`NotebookUnreadable` when the file cannot be read, its kernel dies, a cell runs
    longer than ``timeout`` seconds, or a grader's cell shows no result or more than one.
    """
    notebook = read_notebook(path)  # first: a missing file is "no such file", whatever its name
    module = lab_module(path)
    nonce = secrets.token_hex(16)
    notebook.cells = _with_grader_cells(notebook.cells, module, nonce)
    execute_file(notebook, path, timeout=timeout, allow_errors=True)
    seen = _regraded([c for c in notebook.cells if c.metadata.get(GRADER_CELL)], nonce, path)
    notebook.cells = [c for c in notebook.cells if not c.metadata.get(GRADER_CELL)]
    raised = _raised(notebook.cells)
    results = []
    for e in module_exercises(module):
        if e.id in seen:
            results.append(seen[e.id])
        elif e.id in raised:
            results.append(Result(e.id, e.title, FAILED, raised[e.id], hint=_RAISED_HINT))
        else:
            results.append(Result(e.id, e.title, NOT_ATTEMPTED, "the check never ran."))
    return LabGrade(str(path), tuple(results))


#: The longest error text quoted from a learner's cell.
_ERROR_CHARS = 160
_RAISED_HINT = ("Read the error at the bottom of the cell's output. A NameError means a name "
                "is not defined: check its spelling, and run the cells above this one first.")


def _raised(cells) -> dict[str, str]:
    """Why each exercise's check never ran, for a check(...) in a cell that raised: "your
    cell raised NameError: name 'x' is not defined", by exercise id."""
    found: dict[str, str] = {}
    for cell in cells:
        error = _error(cell)
        if cell.get("cell_type") != "code" or error is None:
            continue
        why = f"your cell raised {error}; fix it and run the cell again (the check never ran)."
        for ex_id in CHECK_ID.findall(cell.get("source", "")):
            found.setdefault(ex_id, why)
    return found


def _error(cell) -> str | None:
    """The error a cell raised, on one line ("NameError: name 'x' is not defined"), cut to
    :data:`_ERROR_CHARS`; None when it raised none."""
    error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
    if error is None:
        return None
    text = " ".join(str(error.get("evalue", "")).split())
    if len(text) > _ERROR_CHARS:
        text = text[:_ERROR_CHARS - 1] + "…"
    return f"{error.get('ename', 'an error')}: {text}"


def _with_grader_cells(cells: list, module: str, nonce: str) -> list:
    """The lab's ``cells`` with the grader's cell after each code cell: check() may run in any
    of them (called by keyword, in a loop, from a helper defined earlier)."""
    source = _GRADER_CELL.format(module=module, mime=GRADE_MIME, nonce=nonce,
                                 fresh_checks=textwrap.indent(FRESH_CHECKS, "    "),
                                 files=check_files())
    out = []
    for cell in cells:
        out.append(cell)
        if cell.cell_type == "code":
            out.append(nbformat.v4.new_code_cell(source, metadata={GRADER_CELL: True}))
    return out


def _regraded(cells: list, nonce: str, path: Path) -> dict[str, Result]:
    """The results the grader's ``cells`` displayed (never the lab's outputs), by exercise id;
    an exercise checked in several cells keeps its last result."""
    statuses = {PASSED, FAILED, NOT_ATTEMPTED, CHECK_ERROR}
    found: dict[str, Result] = {}
    for cell in cells:
        shown = [data["results"] for output in cell.get("outputs", [])
                 if isinstance(data := output.get("data", {}).get(GRADE_MIME), Mapping)
                 and data.get("nonce") == nonce]
        if len(shown) != 1:
            raise NotebookUnreadable(f"{path}: {_unread(cell, len(shown))}")
        found.update({k: Result(**r) for k, r in shown[0].items()
                      if r.get("status") in statuses})
    return found


def _unread(cell, shown: int) -> str:
    """Why the grader's ``cell``, which displayed ``shown`` results, cannot be graded."""
    if shown:
        return (f"the grader's cell showed {shown} results instead of one: code the lab left "
                "running wrote into it, so this lab cannot be graded; read it by hand.")
    error = _error(cell)
    raised = f" (its cell raised {error})" if error else ""
    return (f"the grader could not read the results from the kernel{raised}; is the deploydl "
            "package installed in the python3 kernel?")


@dataclass(frozen=True)
class Ungraded:
    """A lab that could not be read or run: its path as given, and the message of its
    :class:`NotebookUnreadable` (``message``, which names the path first)."""

    path: str
    message: str

    @property
    def error(self) -> str:
        """Why it could not be graded: the message without the path in front."""
        return self.message.removeprefix(f"{self.path}: ")


def as_json(grades: Sequence[LabGrade | Ungraded]) -> str:
    """One record per lab, in the order given: its results, or ``{"path", "all_passed":
    false, "error"}`` for a lab that could not be graded, so the output is valid JSON naming
    every lab, even when none could be graded, and every record has ``all_passed``."""
    return json.dumps([{"path": g.path, "all_passed": False, "error": g.error}
                       if isinstance(g, Ungraded) else
                       {"path": g.path, "all_passed": g.all_passed, "counts": g.counts(),
                        "exercises": [r.as_record() for r in g.results]} for g in grades],
                      indent=2, ensure_ascii=False)


def as_table(grades: list[LabGrade]) -> str:
    lines = []
    for g in grades:
        c = g.counts()
        broken = f", {c[CHECK_ERROR]} check(s) failed" if c[CHECK_ERROR] else ""
        lines.append(f"{g.path}: {c[PASSED]} passed, {c[FAILED]} failed, "
                     f"{c[NOT_ATTEMPTED]} not attempted{broken}")
        for r in g.results:
            lines.append(f"  {r.id:6} {r.status:14} {r.title}")
            lines += [f"  {'':6} {'':14} {line}" for line in _feedback(r)]
    return "\n".join(lines)


def _feedback(result: Result) -> list[str]:
    """What the check said, then its hint (nothing for a passed exercise)."""
    if result.status == PASSED:
        return []
    return [result.message, *([f"hint: {result.hint}"] if result.hint else [])]


def as_markdown(grades: list[LabGrade]) -> str:
    """One row per exercise; the lab column is the path as given, so two learners' copies of
    the same lab (``alice/02_..._lab.ipynb``, ``bob/02_..._lab.ipynb``) stay apart."""
    lines = ["| lab | exercise | title | status | feedback |", "|---|---|---|---|---|"]
    for g in grades:
        for r in g.results:
            lines.append(f"| {_cell(g.path)} | {r.id} | {_cell(r.title)} | "
                         f"{ICONS[r.status]} {r.status} | {_cell(' '.join(_feedback(r)))} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """``text`` fit for one Markdown table cell: one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
