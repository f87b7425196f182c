"""Slide decks built from the lesson notebooks, for a room without internet (``deploydl slides``).

One source: each lesson notebook is its own deck. Cells whose ``slideshow.slide_type`` is
"slide" or "subslide" start a slide, "fragment" reveals on the next key press, "notes" become
speaker notes (press S) and "skip" stays out. Code is hidden on slides unless the cell is
tagged ``slides-show-code``; figures and tables come from the committed outputs, so building
runs nothing. The convention is written for authors in ``slides/README.md``.

Every slide fits: slides are 1280x800, figures shrink to fit their slide (the template's
script; text never shrinks), and a browser test fails on any slide that is still too tall.
Every slide has a speaker note (:func:`slides_without_notes`). :func:`print_handouts` prints
each deck to PDF through Chromium in reveal.js's print mode, one page per slide.

Offline by construction: the files of reveal.js that a deck needs ship inside the package
(``deploydl/assets/reveal.js``, MIT licence, its web-font import removed) and are copied next to
the decks, so building needs no network and a deck opened from the file system loads nothing
from it: no CDN, no font files (system fonts only).

Licences: each deck shows the course's credit line (CC BY 4.0, README "Licence") at the foot
of the screen; reveal.js's ``LICENSE`` (with the notice of the marked library its notes plugin
bundles) goes next to the decks, and so does nbconvert's BSD-3-Clause licence
(:data:`JUPYTER_NOTICE`), which covers the JupyterLab CSS every deck inlines and the template
block adapted from nbconvert.
"""

from __future__ import annotations

import copy
import html
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from deploydl.course.curriculum import MODULES
from deploydl.course.runner import WIDGET_TEXT
from deploydl.present.report import COURSE_CREDIT

SHOW_CODE_TAG = "slides-show-code"
REVEAL_VERSION = "5.2.1"
#: reveal.js as shipped in ``deploydl/assets/reveal.js`` (from the npm package, same version).
REVEAL_DIR = Path(__file__).parents[1] / "assets" / "reveal.js"
#: The files a deck needs from the reveal.js package (paths inside :data:`REVEAL_DIR`).
REVEAL_FILES = ("LICENSE", "dist/reveal.css", "dist/reveal.js", "dist/theme/white.css",
                "plugin/notes/notes.js")
#: The slide's size in slide pixels (16:10, like most projectors); reveal.js scales it to
#: the screen, and every slide's content must fit in it (tests/course/test_slides_browser.py).
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 800
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: The file, next to the decks, that carries nbconvert's licence (the CSS a deck inlines says
#: "The full license is in the file LICENSE, distributed with this software").
JUPYTER_NOTICE = "LICENSE-jupyter.txt"


class SlidesError(RuntimeError):
    """The decks could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class Deck:
    """One built deck: its module number, title, HTML file and number of slides."""

    module: str
    title: str
    path: Path
    slides: int


def install_reveal(dest: Path, *, theme: Path) -> None:
    """Copy the shipped reveal.js files a deck needs into ``dest``, with the course's theme.

    The course theme (``slides/theme.css``) is installed as ``dist/theme/deploydl.css``; it uses
    system fonts, so no font file is needed.
    """
    for name in REVEAL_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REVEAL_DIR / name, dest / name)
    shutil.copyfile(theme, dest / "dist/theme/deploydl.css")


def jupyter_notice() -> str:
    """nbconvert's licence (BSD-3-Clause, Jupyter Development Team), read from the installed
    nbconvert, headed by what in a deck it covers."""
    from importlib.metadata import PackageNotFoundError, distribution

    head = ("The decks in this folder inline CSS from JupyterLab, as shipped by nbconvert, and "
            "are built with\na template block adapted from nbconvert. Both are Copyright (c) "
            "Jupyter Development Team,\ndistributed under the terms of the Modified BSD "
            "License (BSD-3-Clause):\n\n")
    try:
        dist = distribution("nbconvert")
        names = [f for f in dist.files or [] if f.name.upper().startswith("LICENSE")]
        text = next((dist.read_text(str(f).split(".dist-info/", 1)[-1]) for f in names
                     if ".dist-info/" in str(f)), None)
    except PackageNotFoundError:
        text = None
    return head + (text or "BSD 3-Clause License; Copyright (c) 2015-, Jupyter Development "
                           "Team. Full text: https://github.com/jupyter/nbconvert/blob/main/"
                           "LICENSE\n")


def slide_count(notebook: nbformat.NotebookNode) -> int:
    """How many slides and subslides the notebook's cell metadata marks."""
    return sum(cell.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide")
               for cell in notebook.cells)


def prepare(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of a lesson ready for the deck: code hidden unless tagged, no live widgets.

    Widgets need a running kernel (or a CDN script) to draw, so their outputs are dropped,
    and so is the plain text a refreshed lesson keeps in their place (a panel's name, a
    progress bar's last frame); a lesson shows the widget's effect with a stored figure or
    table instead.
    """
    deck = copy.deepcopy(notebook)
    deck.metadata.pop("widgets", None)
    for cell in deck.cells:
        if cell.cell_type != "code":
            continue
        if SHOW_CODE_TAG not in cell.metadata.get("tags", []):
            cell.metadata["transient"] = {"remove_source": True}
        cell.outputs = [o for o in cell.get("outputs", []) if not _is_widget(o)]
    return deck


def _is_widget(output: nbformat.NotebookNode) -> bool:
    """A widget's output: its live view, or the plain text a refreshed lesson keeps in its
    place (marked :data:`deploydl.course.runner.WIDGET_TEXT`)."""
    return (_WIDGET_VIEW in output.get("data", {})
            or bool(output.get("metadata", {}).get(WIDGET_TEXT)))


def _exporter(slides_dir: Path):
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.SlidesExporter.update(
        reveal_url_prefix="reveal.js", reveal_theme="deploydl", reveal_number="c/t",
        reveal_width=str(SLIDE_WIDTH), reveal_height=str(SLIDE_HEIGHT),
        reveal_transition="none", exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True, template_name="template",
        extra_template_basedirs=[str(slides_dir)])
    return SlidesExporter(config=config)


def build_decks(root: Path, *, out: Path | None = None) -> list[Deck]:
    """Build one deck per lesson that exists, plus an ``index.html``, into ``out``.

    Parameters
    ----------
    root : Path
        The course checkout (holds ``notebooks/`` and ``slides/``).
    out : Path, optional
        Where the decks go; ``slides/_build`` by default (git-ignored).
    """
    slides_dir = root / "slides"
    out = out or slides_dir / "_build"
    out.mkdir(parents=True, exist_ok=True)
    install_reveal(out / "reveal.js", theme=slides_dir / "theme.css")
    (out / JUPYTER_NOTICE).write_text(jupyter_notice(), encoding="utf-8")
    exporter = _exporter(slides_dir)
    decks = []
    for m in MODULES:
        lesson = root / m.lesson
        if not lesson.exists():
            continue
        notebook = nbformat.read(lesson, as_version=4)
        body, _ = exporter.from_notebook_node(prepare(notebook), resources={
            "metadata": {"name": f"{m.number} · {m.title}", "path": str(lesson.parent)},
            "deploydl_credit": COURSE_CREDIT})
        path = out / f"{lesson.stem}.html"
        path.write_text(body, encoding="utf-8")
        decks.append(Deck(m.number, m.title, path, slide_count(notebook)))
    (out / "index.html").write_text(_index_html(decks), encoding="utf-8")
    return decks


def _index_html(decks: list[Deck]) -> str:
    """A plain page linking every deck (no script, no external file), in the course's one
    page shell (:func:`deploydl.present.report.page`), in larger type for the projector."""
    from deploydl.present.report import page

    title = "Deploying Deep Learning: slides"
    items = "\n".join(f'<li><a href="{html.escape(d.path.name)}">{d.module} · '
                      f"{html.escape(d.title)}</a> ({d.slides} slides)</li>" for d in decks)
    return page(title, f"\n<h1>{html.escape(title)}</h1>\n"
                       "<p>Press S in a deck for the speaker notes, F for full screen.</p>\n"
                       f"<ul>\n{items}\n</ul>\n", extra_css="body { font-size: 20px; }",
                footer=COURSE_CREDIT)


def slides_without_notes(notebook: nbformat.NotebookNode) -> list[int]:
    """The slides (numbered from 1, in deck order) that have no speaker-notes cell."""
    missing, number, has_notes = [], 0, True
    for cell in notebook.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind in ("slide", "subslide"):
            if not has_notes:
                missing.append(number)
            number, has_notes = number + 1, False
        elif kind == "notes":
            has_notes = True
    return missing + ([number] if number and not has_notes else [])


def print_handouts(decks: list[Deck], *, out: Path, timeout: float = 120) -> list[Path]:
    """Print every deck to ``out/NN_topic.pdf`` with headless Chromium, one page per slide.

    Uses reveal.js's print mode (``?print-pdf``), so a handout shows each slide as it is shown
    on the projector, with figures fitted the same way. Raises :class:`SlidesError` when
    Chromium is missing.
    """
    from deploydl.present.report import chromium_advice, find_chromium, write_pdf

    if find_chromium() is None:
        raise SlidesError(f"Printing handouts needs Chromium, Chrome or Edge, and none was found: "
                          f"{chromium_advice()}. Or open a deck with ?print-pdf after its name "
                          "in Chrome and print it to PDF.")
    out.mkdir(parents=True, exist_ok=True)
    return [write_pdf(deck.path, out / f"{deck.path.stem}.pdf", query="?print-pdf",
                      settle_ms=5_000, timeout=timeout) for deck in decks]
