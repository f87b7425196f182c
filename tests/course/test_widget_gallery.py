"""The widget gallery stays honest: it builds a widget from every package module that makes one.

``make test`` renders ``tests/fixtures/widget_gallery.ipynb`` in JupyterLab instead of running
the nine lessons in the browser (that is ``make test-room``). The swap covers the lessons'
widgets only while (a) every module of ``src/deploydl`` that imports ipywidgets is used by a
cell of the gallery tagged ``widget`` (the browser test checks each such cell shows a widget),
and (b) no lesson imports ipywidgets itself: a lesson's widgets come from the package. Each rule
is also shown to fail on a planted case.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
from import_graph import ROOT, SRC, code_cells, imported, module_file

GALLERY = ROOT / "tests" / "fixtures" / "widget_gallery.ipynb"
WIDGET_TAG = "widget"


def _imports_ipywidgets(tree: ast.AST) -> bool:
    return any(name.split(".")[0] == "ipywidgets" for name in imported(tree))


def widget_modules(src: Path = SRC) -> set[str]:
    """Dotted names of the package's modules that import ipywidgets (at any depth)."""
    found = set()
    for path in (src / "deploydl").rglob("*.py"):
        if _imports_ipywidgets(ast.parse(path.read_text(encoding="utf-8"))):
            found.add(".".join(path.relative_to(src).with_suffix("").parts))
    return found


def missing_from_gallery(gallery: Path = GALLERY, src: Path = SRC) -> set[str]:
    """Widget modules that no ``widget``-tagged cell of ``gallery`` imports, directly or
    through a widget module it imports (a panel every widget is built on renders with them)."""
    used: set[str] = set()
    for cell, tree in code_cells(gallery):
        if WIDGET_TAG in cell.get("metadata", {}).get("tags", []):
            used |= imported(tree)
    widget = widget_modules(src)
    for name in used & widget:
        path = module_file(name, src)
        if path is not None:
            used |= imported(ast.parse(path.read_text(encoding="utf-8"))) & widget
    return widget - used


def lessons_importing_ipywidgets(folder: Path) -> list[str]:
    """``notebook, cell id`` of each lesson cell in ``folder`` that imports ipywidgets."""
    return [f"{notebook.name}, cell {cell.get('id')}"
            for notebook in sorted(folder.glob("*.ipynb"))
            for cell, tree in code_cells(notebook) if _imports_ipywidgets(tree)]


def test_the_package_has_the_widget_modules_the_lessons_show():
    found = widget_modules()
    assert len(found) >= 8, f"expected the lessons' eight widget modules at least; found {found}"
    assert "deploydl.capstone.careers" in found and "deploydl.course.doctor" not in found


def test_the_gallery_builds_a_widget_from_every_module_that_makes_one():
    missing = missing_from_gallery()
    assert not missing, (
        f"{sorted(missing)} import ipywidgets but no cell of {GALLERY.name} tagged "
        f"{WIDGET_TAG!r} uses them: add a cell that builds that widget as its lesson does, on "
        "small data, and tag it, so `make test` renders it in JupyterLab")


def test_no_lesson_imports_ipywidgets_itself():
    direct = lessons_importing_ipywidgets(ROOT / "notebooks")
    assert not direct, (
        f"lessons import ipywidgets directly in {direct}: build the widget in a module of "
        "src/deploydl (testable without a browser) and add it to the widget gallery; "
        "`make test` renders only the gallery's widgets")


def _plant(gallery: Path, *, drop_import_of: str) -> None:
    """Remove every widget cell of ``gallery`` that imports ``drop_import_of``."""
    notebook = json.loads(gallery.read_text(encoding="utf-8"))
    notebook["cells"] = [c for c in notebook["cells"]
                         if drop_import_of not in "".join(c["source"])]
    gallery.write_text(json.dumps(notebook), encoding="utf-8")


def test_a_widget_module_the_gallery_leaves_out_is_named(tmp_path):
    gallery = Path(shutil.copy(GALLERY, tmp_path / GALLERY.name))
    _plant(gallery, drop_import_of="deploydl.capstone.careers")
    assert missing_from_gallery(gallery) == {"deploydl.capstone.careers"}


def _copy_of_the_package(tmp_path: Path) -> Path:
    """A copy of ``src/deploydl`` under ``tmp_path`` to plant modules in; its ``src`` folder."""
    src = tmp_path / "src"
    shutil.copytree(SRC / "deploydl", src / "deploydl",
                    ignore=shutil.ignore_patterns("__pycache__", "assets"))
    return src


def test_a_new_widget_module_is_named_until_the_gallery_uses_it(tmp_path):
    src = _copy_of_the_package(tmp_path)
    (src / "deploydl" / "present" / "dial.py").write_text(
        "def dial():\n    from ipywidgets import IntSlider\n\n    return IntSlider()\n")
    assert missing_from_gallery(GALLERY, src) == {"deploydl.present.dial"}


def test_a_widget_module_only_an_unused_widget_module_imports_is_named(tmp_path):
    src = _copy_of_the_package(tmp_path)
    (src / "deploydl" / "present" / "frame.py").write_text(
        "from ipywidgets import VBox\n\nFrame = VBox\n")
    (src / "deploydl" / "present" / "dial.py").write_text(
        "def dial():\n    from deploydl.present.frame import Frame\n\n    return Frame()\n")
    # deploydl.present.panel is covered: the lessons' widgets the gallery imports import it
    assert missing_from_gallery(GALLERY, src) == {"deploydl.present.frame"}


@pytest.mark.parametrize("line", ["import ipywidgets as widgets",
                                  "from ipywidgets import interact",
                                  "from ipywidgets.widgets import IntSlider"])
def test_a_lesson_that_imports_ipywidgets_is_named(tmp_path, line):
    lesson = {"cells": [{"cell_type": "code", "id": "c01", "metadata": {}, "outputs": [],
                         "execution_count": None, "source": ["%matplotlib inline\n", line]}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "09_planted.ipynb").write_text(json.dumps(lesson), encoding="utf-8")
    assert lessons_importing_ipywidgets(tmp_path) == ["09_planted.ipynb, cell c01"]
