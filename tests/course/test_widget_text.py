"""What a reader without a kernel sees of a stored widget (GitHub, nbviewer, a closed lesson).

A refreshed notebook keeps a widget's plain text only (:data:`deploydl.course.runner.WIDGET_TEXT`).
ipywidgets writes the widget's constructor there (``VBox(children=(FloatSlider(...``), which
reads as code; the lessons' panels write what they are instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from deploydl.course.runner import WIDGET_TEXT

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")])
#: A widget's constructor as ipywidgets prints it: ``VBox(children=...``, ``IntSlider(value=...``.
CONSTRUCTOR = re.compile(r"^[A-Z]\w*\((?:children|value|description|options)=")


def constructor_texts(path: Path) -> list[str]:
    """``cell id: text`` of each stored widget in ``path`` whose plain text is its constructor."""
    return [f"{cell.get('id')}: {output.data['text/plain'][:60]}"
            for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
            for output in cell.outputs
            if output.get("metadata", {}).get(WIDGET_TEXT)
            and CONSTRUCTOR.match(output.data.get("text/plain", ""))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_stored_widget_says_what_it_is(path):
    found = constructor_texts(path)
    assert not found, (f"{path.name} stores widgets as code a reader cannot use: {found}. "
                       "Build the widget as a deploydl.present.panel.Panel with a title, "
                       "then `deploydl refresh` the notebook.")


def test_a_widget_stored_as_its_constructor_is_named(tmp_path):
    widget = nbformat.v4.new_output(
        "execute_result", data={"text/plain": "VBox(children=(FloatSlider(value=0.5, "},
        metadata={WIDGET_TEXT: True}, execution_count=1)
    panel = nbformat.v4.new_output(
        "execute_result", data={"text/plain": "Threshold explorer (interactive: run this "
                                              "notebook to use it)"},
        metadata={WIDGET_TEXT: True}, execution_count=2)
    cells = [nbformat.v4.new_code_cell("explorer", outputs=[widget]),
             nbformat.v4.new_code_cell("panel", outputs=[panel])]
    cells[0]["id"], cells[1]["id"] = "c01", "c02"
    path = tmp_path / "planted.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert constructor_texts(path) == ["c01: VBox(children=(FloatSlider(value=0.5, "]
