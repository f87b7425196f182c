"""Every package a lesson, lab or solution imports comes with the course's base install.

`make lab`, the README's manual steps, the Dockerfile, Binder and the offline kit all install
``[project] dependencies`` and no extra, so a notebook (or a course module it reaches) that
imports anything else crashes in the room while the tests, which install the test extra, pass.
This reads each notebook's code cells, follows the ``deploydl`` modules they import (every
import in them, at any depth: lessons call functions that import lazily), and checks that
each third-party top-level module belongs to a distribution the base dependencies install
(directly or as their own dependencies, read from this environment's metadata).
"""

from __future__ import annotations

import ast
import contextlib
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
from import_graph import ROOT, cell_code, code_cells, imported, module_imports, reached
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

NOTEBOOKS = sorted(p for folder in ("notebooks", "labs", "solutions")
                   for p in (ROOT / folder).glob("[0-9]*.ipynb"))
#: Course modules whose imports are not followed, and why no notebook needs what they import.
NOT_FOLLOWED = {
    # bench_servers imports it inside _serve_litserve, which runs only in the serving
    # benchmark's own server process (`deploydl bench`, the bench extra); Module 05 only reads
    # the benchmark's committed results.
    "deploydl.efficiency.bench_litserve": "litserve",
}


def base_requirements() -> tuple[str, ...]:
    return tuple(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["project"]["dependencies"])


@cache
def installed_by(requirements: tuple[str, ...]) -> frozenset[str]:
    """The distributions that installing ``requirements`` (no extras) brings on this platform:
    the requirements themselves and, recursively, their own unconditional dependencies."""
    found: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found or (requirement.marker is not None and
                             not requirement.marker.evaluate({"extra": ""})):
            continue
        found.add(name)
        # One not installed here adds nothing: the check below names what it cannot map.
        with contextlib.suppress(metadata.PackageNotFoundError):
            todo += [Requirement(r) for r in metadata.requires(name) or []]
    return frozenset(found)


@cache
def owners() -> dict[str, list[str]]:
    return metadata.packages_distributions()


@cache
def needed(path: Path) -> frozenset[str]:
    """Every module the notebook at ``path`` imports, and every module the ``deploydl``
    modules among them import, recursively (the parent packages too)."""
    imports = {name for _, tree in code_cells(path) for name in imported(tree)}
    return frozenset(reached(imports, not_followed=NOT_FOLLOWED))


def missing_from(requirements: tuple[str, ...], path: Path) -> dict[str, str]:
    """Third-party top-level modules ``path`` needs (directly or through ``deploydl``) that
    ``requirements`` do not install, each with the distribution that provides it here."""
    provided = installed_by(requirements)
    missing = {}
    for top in sorted({n.split(".")[0] for n in needed(path)}):
        if top in sys.stdlib_module_names or top in {"deploydl", "__future__"}:
            continue
        dists = {canonicalize_name(d) for d in owners().get(top, [])}
        if not dists & provided:
            missing[top] = ", ".join(sorted(dists)) or "not installed here"
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_needs_only_the_base_dependencies(path):
    missing = missing_from(base_requirements(), path)
    assert missing == {}, (
        f"{path.parent.name}/{path.name} imports {missing} (module: distribution), which "
        f"pyproject.toml's [project] dependencies do not install (only an extra does): a "
        f"learner who ran `make lab` gets ModuleNotFoundError. Add it to the dependencies "
        f"(and to binder/environment.yml), or stop importing it.")


def test_the_check_catches_a_package_only_an_extra_installs():
    """Without onnxruntime and kubernetes-validate in the list, Module 05 (through
    deploydl.efficiency) and Module 04 (directly) fail the check above."""
    kept = tuple(r for r in base_requirements()
                 if Requirement(r).name not in {"onnxruntime", "kubernetes-validate"})
    assert "onnxruntime" in missing_from(kept, ROOT / "notebooks" / "05_efficient_inference.ipynb")
    assert "kubernetes_validate" in missing_from(kept, ROOT / "notebooks" / "04_deployment.ipynb")


def test_the_scan_reads_magics_type_checking_and_guarded_imports():
    for name, what in NOT_FOLLOWED.items():
        assert what in {n.split(".")[0] for n in module_imports(name)}, (name, what)
    code = cell_code("%matplotlib inline\nimport numpy as np\nfrom deploydl.data import x\n")
    assert {"numpy", "deploydl.data", "deploydl.data.x"} <= imported(ast.parse(code))
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"
                     "try:\n    import b\nexcept ImportError:\n    b = None\n"
                     "def f():\n    import c\n    from . import d\n")
    assert imported(tree, "pkg.sub") == {"typing", "typing.TYPE_CHECKING", "c", "pkg.sub",
                                         "pkg.sub.d"}


def test_doctor_imports_every_direct_dependency_a_notebook_needs():
    """`deploydl doctor` passing means the lessons' packages import: it tries each one that a
    notebook needs and a base dependency names (their own dependencies come with them)."""
    from deploydl.course.doctor import REQUIRED_IMPORTS

    direct = {canonicalize_name(Requirement(r).name) for r in base_requirements()}
    tops = {top for path in NOTEBOOKS for top in {n.split(".")[0] for n in needed(path)}
            if {canonicalize_name(d) for d in owners().get(top, [])} & direct}
    assert tops - set(REQUIRED_IMPORTS) == set(), "add these to doctor's REQUIRED_IMPORTS"
    assert {"onnxruntime", "kubernetes_validate"} <= tops
