"""Imports read from source, for the tests that check what a module or a notebook imports.

Reading the source, instead of importing it, keeps those tests to milliseconds and lets them
name the line's module. Three tests share it: the lessons need only the base dependencies
(``course/test_notebook_imports.py``), a server starts without heavy libraries
(``serving/test_lean_imports.py``), and the widget gallery covers every widget module
(``course/test_widget_gallery.py``).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def imported(tree: ast.AST, package: str = "", *, at_import: bool = False) -> set[str]:
    """Dotted names of the modules ``tree`` imports; for ``from a import b`` both ``a`` and
    ``a.b`` (``b`` may be a module). Relative imports are resolved against ``package``.

    Imports under ``if TYPE_CHECKING:`` never run and are left out. With ``at_import``, only
    the imports that run when the module itself is imported count: none inside a function.
    Without it, every import any code may run counts, except one in a ``try`` that catches
    ImportError (an optional import with its own fallback).
    """
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            children: list[ast.AST] = list(node.orelse)
        elif at_import and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            children = []
        elif not at_import and isinstance(node, ast.Try) and _guarded(node):
            children = [*node.handlers, *node.orelse, *node.finalbody]
        else:
            names.update(_names(node, package))
            children = list(ast.iter_child_nodes(node))
        for child in children:
            visit(child)

    visit(tree)
    return names


def _names(node: ast.AST, package: str) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if not isinstance(node, ast.ImportFrom):
        return set()
    base = node.module or ""
    if node.level:
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parts, *([base] if base else [])])
    return {base} | {f"{base}.{alias.name}" for alias in node.names}


def _guarded(node: ast.Try) -> bool:
    """A ``try`` whose handlers catch ImportError or ModuleNotFoundError."""
    names = set()
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names |= {k.id for k in kinds if isinstance(k, ast.Name)}
    return bool(names & {"ImportError", "ModuleNotFoundError"})


def module_file(name: str, src: Path = SRC) -> Path | None:
    """The source file of the course module ``name`` under ``src`` (None if it is not one)."""
    path = src.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def module_imports(name: str, *, at_import: bool = False) -> frozenset[str]:
    """What the course module ``name`` imports (see :func:`imported`); nothing if ``name`` is
    not a module file of ``src/``."""
    path = module_file(name)
    if path is None:
        return frozenset()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(imported(tree, package, at_import=at_import))


def reached(roots: Iterable[str], *, at_import: bool = False,
            not_followed: Iterable[str] = ()) -> dict[str, str]:
    """Every module reached from ``roots``, as ``{module: the module that imports it}``.

    The ``deploydl`` modules reached are followed, with their parent packages (importing a
    module runs its packages' ``__init__``); others are listed, not followed. Modules in
    ``not_followed`` are left out.
    """
    skip = set(not_followed)
    seen: dict[str, str] = {}
    todo = [(root, "(start)") for root in roots]
    while todo:
        name, parent = todo.pop()
        if name in seen or name in skip:
            continue
        seen[name] = parent
        if name.split(".")[0] != "deploydl":
            continue
        parts = name.split(".")
        todo += [(".".join(parts[:i]), name) for i in range(1, len(parts))]
        todo += [(child, name) for child in module_imports(name, at_import=at_import)]
    return seen


def cell_code(source: str) -> str:
    """A code cell as plain Python (IPython's own transform: magics become function calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def code_cells(notebook: Path) -> Iterator[tuple[dict, ast.AST]]:
    """Each code cell of ``notebook`` and its parsed source."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            yield cell, ast.parse(cell_code("".join(cell["source"])),
                                  filename=f"{notebook.name} cell {cell.get('id')}")
