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

from deploydl.communication.brief import brief_money
from deploydl.course.runner import MEASUREMENT_TAG

ROOT = Path(__file__).resolve().parents[2]
BRIEF_LESSONS = ("notebooks/07_stakeholder_communication.ipynb", "notebooks/08_capstone.ipynb")


def _outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        for value in output.get("data", {}).values():
            parts.append(value if isinstance(value, str) else "")
    return "\n".join(parts)


def _stored_page(path: str) -> str:
    """The stored brief's page: the HTML its lesson shows in an ``<iframe srcdoc>``."""
    notebook = nbformat.read(ROOT / path, as_version=4)
    pages = [html.unescape(re.search(r'srcdoc="([^"]*)"', text).group(1))
             for text in map(_outputs_text, notebook.cells) if 'srcdoc="' in text]
    assert len(pages) == 1, f"{path}: expected one stored brief, found {len(pages)}"
    return pages[0]


def _stored(path: str) -> tuple[dict[str, tuple[str, str]], str]:
    """The stored brief's tagged figures (each as its value and its text on the page), and the
    text of every output nbval compares."""
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
    found = re.findall(r'data-figure="(\w+)" data-value="([^"]*)">([^<]*)<', briefs[0])
    return {key: (value, text) for key, value, text in found}, "\n".join(checked)


@pytest.mark.parametrize("path", BRIEF_LESSONS)
def test_the_stored_brief_is_the_one_the_lesson_computed(path):
    figures, checked = _stored(path)
    net = brief_money(float(figures["net_value_per_year"][0]), unit="USD ")
    assert net in checked, (f"{path}: the stored brief says the net value is {net}, which no "
                            "checked output of the lesson shows: refresh it with `deploydl "
                            "refresh --remeasure` (the brief's cell keeps old output otherwise).")
    version = figures["model_version"][0]
    assert f"version {version}" in checked or f"'{version}'" in checked


def test_each_stored_brief_prints_the_fairness_range_the_lesson_printed():
    """The reported flaw: lesson 08's gate printed the range "0.757-0.881", its brief "0.757 to
    0.880". Where a brief shows the range (not a failed gate's, as lesson 07's), the lesson's
    checked outputs show the same ends."""
    shown = 0
    for path in BRIEF_LESSONS:
        figures, checked = _stored(path)
        if "ratio_low" not in figures:  # a failed gate's brief shows no range
            continue
        shown += 1
        low, high = figures["ratio_low"][1], figures["ratio_high"][1]
        assert f"{low}-{high}" in checked or f"{low} to {high}" in checked, (
            f"{path}: the stored brief gives the approval ratio's 95% range as {low} to {high}, "
            "which no checked output of the lesson prints")
    assert shown, "no stored brief shows the gate's range, so nothing was compared"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("path", BRIEF_LESSONS)
def test_each_stored_brief_prints_on_two_a4_pages(path, tmp_path):
    """The reported flaw: lesson 08's brief (a drift event and an A/B test more than lesson
    07's) printed on three A4 pages; a board brief fits on two. Chromium prints the brief each
    lesson stores, as ``deploydl demo`` prints it."""
    import pypdfium2
    from browser import needs_chromium

    from deploydl.present.report import write_pdf

    needs_chromium()
    page = tmp_path / "brief.html"
    page.write_text(_stored_page(path), encoding="utf-8")
    document = pypdfium2.PdfDocument(str(write_pdf(page, tmp_path / "brief.pdf")))
    pages = len(document)
    document.close()
    assert pages <= 2, f"{path}: the stored brief prints on {pages} A4 pages, not 2"
