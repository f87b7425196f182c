"""Labs are generated from solutions: the only place exercises are written.

``build_lab`` is a short chain of string passes over a solution notebook: each block between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a placeholder (``answer = ...`` for each
name the block assigns), outputs and execution counts are cleared, and the notebook is
written in a fixed format so the result is byte-for-byte reproducible.

Learners fill their labs in ``labs/``, so ``build_labs`` never destroys their work: every lab
it replaces is first copied to ``.deploydl/labs-backup/``, and it says which held work
(outputs, or an exercise filled in); a notebook in ``labs/`` without a solution is moved there
only when it is an untouched generated lab, and otherwise left where it is.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbformat.reader import NotJSONError

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER_NOTE = "  # your answer here"
#: One solution block in a cell's source: group 1 its indent, group 2 the code between the
#: marker lines (each marker at any indent, with anything after it on its line).
SOLUTION_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}"
                            r"[^\n]*$", re.MULTILINE | re.DOTALL)


class LabSourceError(ValueError):
    """A solution notebook cannot be read, its markers are unbalanced or a block does not parse."""


class LabPathError(OSError):
    """A lab's path, or ``labs`` itself, is taken by something ``build_labs`` cannot replace
    (a folder where a lab belongs, a file where the folder belongs)."""


#: Where ``build_labs`` keeps a copy of each lab it replaces, under the course root.
BACKUP = Path(".deploydl") / "labs-backup"
#: A generated lab's file name (a Jupyter copy, "02_..._lab-Copy1.ipynb", is not one).
_LAB_NAME = re.compile(r"\d\d_[a-z0-9_]+_lab\.ipynb")
#: A ``check("MM.N", ...)`` call in a cell's source; the group is the exercise id.
CHECK_ID = re.compile(r"""check\(\s*["'](\d\d\.\d+)["']""")


def strip_solutions(source: str, *, where: str = "cell") -> str:
    """Replace every solution block in one cell's source with its placeholder."""
    if source.count(BEGIN) != source.count(END):
        raise LabSourceError(f"{where}: {source.count(BEGIN)} '{BEGIN}' but "
                             f"{source.count(END)} '{END}' lines; pair every block.")
    return SOLUTION_BLOCK.sub(lambda m: _placeholder(m.group(1), m.group(2), where), source)


def _placeholder(indent: str, block: str, where: str) -> str:
    try:
        tree = ast.parse(textwrap.dedent(block))
    except SyntaxError as exc:
        raise LabSourceError(f"{where}: the solution block does not parse ({exc.msg}).") from None
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
        for name in (name for target in targets for name in _assigned(target)):
            if name not in names:
                names.append(name)
    if not names:  # nested, the comment alone could be a whole body, which does not parse
        return f"{indent}{'...  ' if indent else ''}# your code here"
    return "\n".join(f"{indent}{name} = ...{PLACEHOLDER_NOTE}" for name in names)


def _assigned(target: ast.expr) -> list[str]:
    """The names an assignment's ``target`` binds: ``low, high = ...`` binds both (a block that
    unpacks gets a placeholder for each name, so the check after it still runs). ``_``, the
    name for a value thrown away, is not asked for: ``low, _ = ...`` leaves ``low = ...``."""
    if isinstance(target, ast.Name):
        return [] if target.id == "_" else [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        return [name for part in target.elts for name in _assigned(part)]
    if isinstance(target, ast.Starred):
        return _assigned(target.value)
    return []


def build_lab(solution: nbformat.NotebookNode, *, name: str = "notebook") -> nbformat.NotebookNode:
    """Return the learner's lab for a solution notebook (the input is not changed)."""
    lab = nbformat.from_dict(solution)
    for index, cell in enumerate(lab.cells):
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.source = strip_solutions(cell.source, where=f"{name} cell {index}")
        cell.outputs = []
        cell.execution_count = None
    lab.metadata.pop("widgets", None)
    return lab


def render(notebook: nbformat.NotebookNode) -> str:
    """The notebook as the exact text written to disk."""
    return nbformat.writes(notebook) + "\n"


def expected_labs(root: Path) -> dict[Path, str]:
    """What ``labs/`` should hold: each lab's path and exact text.

    Raises :class:`LabSourceError` naming a solution notebook that cannot be read.
    """
    labs: dict[Path, str] = {}
    for path in sorted((root / "solutions").glob("*_lab.ipynb")):
        try:
            solution = nbformat.read(path, as_version=4)
        except (OSError, ValueError, NotJSONError, AttributeError, KeyError, TypeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise LabSourceError(f"{path}: not a readable Jupyter notebook ({reason}); fix "
                                 "or restore the solution, then run the command again.") from None
        labs[root / "labs" / path.name] = render(build_lab(solution, name=path.name))
    return labs


def _placeholders(source: str) -> int:
    return source.count(PLACEHOLDER_NOTE.strip()) + source.count("# your code here")


def _exercise_cells(cells: list) -> dict[tuple[str, ...], int]:
    """Placeholders left in each exercise cell, keyed by the ids its ``check(...)`` calls name."""
    sources = ["".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code"]
    return {tuple(ids): _placeholders(s) for s in sources if (ids := CHECK_ID.findall(s))}


def learner_work(path: Path, expected: str | None = None) -> str:
    """Why the lab at ``path`` holds a learner's work ("" when it looks as generated).

    Work is a code cell that was run (outputs or an execution count) or an exercise whose
    placeholder was replaced: a cell with a ``check(...)`` call that has fewer placeholders
    than the same exercise in ``expected`` (the lab build would write), or none at all. A
    file that is not a readable notebook counts as work too: it is not build's to replace.
    """
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        ran = any(c.get("outputs") or c.get("execution_count") is not None
                  for c in cells if c.get("cell_type") == "code")
        exercises = _exercise_cells(cells)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"not a readable notebook ({type(exc).__name__})"
    if ran:
        return "it was run: it holds outputs"
    generated = _exercise_cells(json.loads(expected)["cells"]) if expected else {}
    filled = [i for ids, left in exercises.items() if left < generated.get(ids, 1) for i in ids]
    return f"exercise(s) {', '.join(filled)} filled in" if filled else ""


@dataclass
class BuildResult:
    """What ``build_labs`` did: labs written, stale labs moved to the backup, files left in
    place, the copy kept of each lab replaced or moved (``backups``: lab -> copy), and why
    each replaced lab held a learner's work (``work``: lab -> reason, :func:`learner_work`)."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    left: list[Path] = field(default_factory=list)
    backups: dict[Path, Path] = field(default_factory=dict)
    work: dict[Path, str] = field(default_factory=dict)


def build_labs(root: Path) -> BuildResult:
    """Write ``labs/`` from ``solutions/`` without destroying a learner's work.

    Every lab build replaces is first copied to a new folder ``root/.deploydl/labs-backup/
    <UTC time>/`` (:func:`_backup_folder`: never one an earlier build wrote), work
    or not (a learner's notes in Markdown are not work :func:`learner_work` can see, so
    nothing is replaced without a copy). A notebook in ``labs/`` with no solution is moved
    there only if it is named like a generated lab and holds no work; any other (a learner's
    own copy) is left where it is. A folder where a lab belongs, or a file named ``labs``,
    raises :class:`LabPathError` before anything is written.
    """
    expected = expected_labs(root)
    labs = _labs_folder(root)
    folders = [str(p.relative_to(root)) for p in expected if p.is_dir()]
    if folders:
        raise LabPathError(f"{', '.join(folders)}: a folder where a lab belongs; move it out "
                           "of labs/ and run the command again.")
    labs.mkdir(exist_ok=True)
    present = set(labs.glob("*.ipynb"))
    result = BuildResult()
    folder = _backup_folder(root / BACKUP)
    for path in sorted(present & set(expected)):  # every lab replaced is kept, work or not
        if lab_text(path) != expected[path]:
            folder.mkdir(parents=True, exist_ok=True)
            result.backups[path] = Path(shutil.copy2(path, folder / path.name))
            if why := learner_work(path, expected[path]):
                result.work[path] = why
    for other in sorted(present - set(expected)):
        if _LAB_NAME.fullmatch(other.name) and not learner_work(other):
            folder.mkdir(parents=True, exist_ok=True)
            result.backups[other] = Path(shutil.move(other, folder / other.name))
            result.removed.append(other)
        else:
            result.left.append(other)
    for path, text in expected.items():
        if lab_text(path) != text:
            path.write_text(text, encoding="utf-8", newline="\n")  # LF on Windows too
        result.written.append(path)
    return result


def _labs_folder(root: Path) -> Path:
    """``root/labs``, which may not exist yet; :class:`LabPathError` when a file (or a link
    to nothing) has its name: it may hold a learner's work, so it is never replaced."""
    folder = root / "labs"
    if not folder.is_dir() and (folder.exists() or folder.is_symlink()):
        raise LabPathError("labs is a file, not a folder: move it away (it may hold your "
                           "work), then run `deploydl labs build`.")
    return folder


def _backup_folder(parent: Path, now: datetime | None = None) -> Path:
    """A folder under ``parent`` named by the UTC time to the second, that no build used yet.

    UTC, because local time repeats an hour when clocks go back; and a suffix (``-2``, ...)
    when the name is taken all the same (two builds in one second), so no copy is ever
    overwritten. The folder is not created here: only a build that keeps a copy makes it.
    """
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%SZ")
    folder, n = parent / stamp, 1
    while folder.exists():
        n += 1
        folder = parent / f"{stamp}-{n}"
    return folder


def lab_text(path: Path) -> str | None:
    """A notebook's text as UTF-8 (CRLF read as LF), or None when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def check_labs(root: Path) -> list[str]:
    """What makes ``labs/`` differ from what ``build_labs`` would write (empty: in sync).
    Raises :class:`LabPathError` when ``labs`` is a file, not a folder."""
    expected = expected_labs(root)
    present = set(_labs_folder(root).glob("*.ipynb"))
    problems = [f"{p.relative_to(root)}: missing; run `deploydl labs build`"
                for p in sorted(set(expected) - present)]
    problems += [f"{p.relative_to(root)}: has no solution in solutions/; if it is your own "
                 "copy, move it out of labs/, otherwise delete it or add its solution"
                 for p in sorted(present - set(expected))]
    for p, text in expected.items():
        if p not in present or lab_text(p) == text:
            continue
        why = learner_work(p, text)
        problems.append(
            f"{p.relative_to(root)}: differs from solutions/{p.name} and holds your work ({why});"
            " `deploydl labs build` would replace it, keeping a copy in .deploydl/labs-backup/:"
            " copy it out of labs/ first if you want it where it is" if why
            else f"{p.relative_to(root)}: differs from solutions/{p.name} (edited by hand, or "
            "stale); edit the solution and run `deploydl labs build`")
    return problems
