"""Labs are generated from solutions: the only place exercises are written.

``build_lab`` is a short chain of string passes over a solution notebook: each block between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a placeholder (``answer = ...`` for each
name the block assigns), outputs and execution counts are cleared, and the notebook is
written in a fixed format so the result is byte-for-byte reproducible.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER_NOTE = "  # your answer here"
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}[^\n]*$",
                    re.MULTILINE | re.DOTALL)


class LabSourceError(ValueError):
    """A solution notebook's markers are unbalanced or its solution block does not parse."""


def strip_solutions(source: str, *, where: str = "cell") -> str:
    """Replace every solution block in one cell's source with its placeholder."""
    if source.count(BEGIN) != source.count(END):
        raise LabSourceError(f"{where}: {source.count(BEGIN)} '{BEGIN}' but "
                             f"{source.count(END)} '{END}' lines; pair every block.")
    return _BLOCK.sub(lambda m: _placeholder(m.group(1), m.group(2), where), source)


def _placeholder(indent: str, block: str, where: str) -> str:
    try:
        tree = ast.parse(textwrap.dedent(block))
    except SyntaxError as exc:
        raise LabSourceError(f"{where}: the solution block does not parse ({exc.msg}).") from None
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    if not names:
        return f"{indent}# your code here"
    return "\n".join(f"{indent}{name} = ...{PLACEHOLDER_NOTE}" for name in names)


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
    """What ``labs/`` should hold: each lab's path and exact text."""
    labs: dict[Path, str] = {}
    for path in sorted((root / "solutions").glob("*_lab.ipynb")):
        solution = nbformat.read(path, as_version=4)
        labs[root / "labs" / path.name] = render(build_lab(solution, name=path.name))
    return labs


def build_labs(root: Path) -> list[Path]:
    """Write ``labs/`` from ``solutions/``, removing labs that have no solution. Returns written."""
    expected = expected_labs(root)
    (root / "labs").mkdir(exist_ok=True)
    for stale in set((root / "labs").glob("*.ipynb")) - set(expected):
        stale.unlink()
    for path, text in expected.items():
        path.write_text(text, encoding="utf-8")
    return list(expected)


def check_labs(root: Path) -> list[str]:
    """What makes ``labs/`` differ from what ``build_labs`` would write (empty: in sync)."""
    expected = expected_labs(root)
    present = set((root / "labs").glob("*.ipynb"))
    problems = [f"{p.relative_to(root)}: missing; run `deploydl labs build`"
                for p in sorted(set(expected) - present)]
    problems += [f"{p.relative_to(root)}: has no solution in solutions/; remove it or add one"
                 for p in sorted(present - set(expected))]
    problems += [f"{p.relative_to(root)}: differs from solutions/{p.name} (edited by hand, or "
                 "stale); edit the solution and run `deploydl labs build`"
                 for p, text in expected.items()
                 if p in present and p.read_text(encoding="utf-8") != text]
    return problems
