"""The board briefs stored in lessons 07 and 08 show the figures their lessons computed.

A brief's cell is tagged ``nbval-ignore-output`` (nbval does not compare it), and ``deploydl
refresh`` keeps such a cell's stored output while its code is unchanged, so a package change can
leave a brief from an older run on the page. The brief tags each number (``data-figure``); the
lesson prints the same numbers in cells nbval does compare. They must agree.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from deploydl.course.runner import MEASUREMENT_TAG
from deploydl.present.charts import usd

ROOT = Path(__file__).resolve().parents[2]
BRIEF_LESSONS = ("notebooks/07_stakeholder_communication.ipynb", "notebooks/08_capstone.ipynb")


def _outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        for value in output.get("data", {}).values():
            parts.append(value if isinstance(value, str) else "")
    return "\n".join(parts)


def _stored(path: str) -> tuple[dict[str, str], str]:
    """The stored brief's tagged figures, and the text of every output nbval compares."""
    notebook = nbformat.read(ROOT / path, as_version=4)
    briefs, checked = [], []
    for cell in notebook.cells:
        text = _outputs_text(cell)
        if MEASUREMENT_TAG in cell.metadata.get("tags", []):
            if 'srcdoc="' in text:
                briefs.append(html.unescape(text))
        else:
            checked.append(text)
    assert len(briefs) == 1, f"{path}: expected one stored brief, found {len(briefs)}"
    figures = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', briefs[0]))
    return figures, "\n".join(checked)


@pytest.mark.parametrize("path", BRIEF_LESSONS)
def test_the_stored_brief_is_the_one_the_lesson_computed(path):
    figures, checked = _stored(path)
    net = usd(float(figures["net_value_per_year"]))
    assert net in checked, (f"{path}: the stored brief says the net value is {net}, which no "
                            "checked output of the lesson shows: refresh it with `deploydl "
                            "refresh --remeasure` (the brief's cell keeps old output otherwise).")
    version = figures["model_version"]
    assert f"version {version}" in checked or f"'{version}'" in checked
