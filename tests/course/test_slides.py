"""`deploydl slides`: decks from the lessons, code hidden unless asked for, nothing external."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from deploydl.cli import main
from deploydl.course.runner import WIDGET_TEXT
from deploydl.course.slides import (
    REVEAL_DIR,
    REVEAL_FILES,
    REVEAL_VERSION,
    SHOW_CODE_TAG,
    build_decks,
    prepare,
    slide_count,
    slides_without_notes,
)


@pytest.fixture(scope="module")
def decks(root, tmp_path_factory):
    return build_decks(root, out=tmp_path_factory.mktemp("decks"))


def test_code_is_hidden_unless_the_cell_asks_to_show_it():
    hidden = new_code_cell("x = 1")
    shown = new_code_cell("y = 2", metadata={"tags": [SHOW_CODE_TAG]})
    deck = prepare(new_notebook(cells=[new_markdown_cell("# Title"), hidden, shown]))
    assert deck.cells[1].metadata["transient"] == {"remove_source": True}
    assert "transient" not in deck.cells[2].metadata
    assert "transient" not in deck.cells[0].metadata


def test_live_widgets_are_dropped_and_the_lesson_is_not_changed():
    widget = new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "m"}, "text/plain": "bar"})
    text = new_output("stream", name="stdout", text="Trained.\n")
    lesson = new_notebook(cells=[new_code_cell("train()", outputs=[widget, text])],
                          metadata={"widgets": {"state": {}}})
    deck = prepare(lesson)
    assert deck.cells[0].outputs == [text] and "widgets" not in deck.metadata
    assert len(lesson.cells[0].outputs) == 2 and "widgets" in lesson.metadata


def test_a_refreshed_widget_s_text_stays_off_the_slide_and_other_text_stays_on():
    """A refreshed lesson keeps only a widget's text (``VBox(children=(...``), marked: noise
    on a slide. Unmarked text that looks alike stays."""
    saved = new_output("execute_result", data={"text/plain": "VBox(children=(FloatSlider("
                                               "value=0.5, description='threshold'),))"},
                       metadata={WIDGET_TEXT: True})
    figure = new_output("execute_result", data={"text/plain": "<Figure size 800x500>"})
    alike = new_output("execute_result", data={"text/plain": "VBox(children=())"})
    deck = prepare(new_notebook(cells=[new_code_cell("explorer",
                                                     outputs=[saved, figure, alike])]))
    assert deck.cells[0].outputs == [figure, alike]


@pytest.mark.parametrize("path", sorted(__import__("pathlib").Path(__file__).resolve()
                                        .parents[2].glob("notebooks/[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.stem)
def test_every_lesson_marks_at_least_six_slides(path):
    count = slide_count(nbformat.read(path, as_version=4))
    assert count >= 6, f"{path.name}: {count} slides marked; see slides/README.md"


def test_decks_load_only_local_files(root, decks):
    assert [d.path.stem for d in decks] == sorted(
        p.stem for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for deck in decks:
        page = deck.path.read_text(encoding="utf-8")
        links = re.findall(r'(?:src|href)="([^"]*)"', page)
        external = [u for u in links if not u.startswith(("reveal.js/", "data:", "#"))]
        assert external == [], f"{deck.path.name} links outside the build: {external}"
        assert "@import" not in page and "fonts.googleapis" not in page
    reveal = decks[0].path.parent / "reveal.js"
    assert (reveal / "dist/reveal.js").exists() and (reveal / "plugin/notes/notes.js").exists()
    assert "source-sans-pro" not in (reveal / "dist/theme/white.css").read_text(encoding="utf-8")


def _custom_properties(css: str) -> dict[str, str]:
    """Each CSS custom property a stylesheet sets (``--name: value``), the last one winning."""
    return {name: value.strip() for name, value in re.findall(r"--([a-z0-9-]+):\s*([^;}]+)", css)}


def _resolve(value: str, properties: dict[str, str]) -> str:
    """A property's value with ``var(--name)`` followed to the colour it names."""
    while (match := re.fullmatch(r"var\(--([a-z0-9-]+)\)", value)):
        value = properties[match.group(1)]
    return value


def test_shown_code_and_the_slide_number_are_readable(decks):
    """WCAG's 4.5:1 for text: each colour the deck's code highlighting uses, on the code's
    #f5f5f5, and the slide number's white on its dark backing over the white page."""
    from deploydl.present.charts import contrast_ratio

    page = decks[0].path.read_text(encoding="utf-8")
    theme = (decks[0].path.parent / "reveal.js/dist/theme/deploydl.css").read_text(
        encoding="utf-8")
    used = set(re.findall(r"\.highlight [^{]*\{[^}]*var\(--jp-mirror-editor-([a-z-]+)-color",
                          page))
    properties = _custom_properties(page) | _custom_properties(theme)
    colours = {name: _resolve(properties[f"jp-mirror-editor-{name}-color"], properties)
               for name in used}
    assert {"comment", "keyword", "number", "string"} <= set(colours)
    faint = {name: (colour, round(contrast_ratio(colour, "#f5f5f5"), 2))
             for name, colour in colours.items() if contrast_ratio(colour, "#f5f5f5") < 4.5}
    assert faint == {}
    alpha = float(re.search(r"\.slide-number\s*\{[^}]*background-color:\s*rgba\(0, 0, 0, "
                            r"([0-9.]+)\)", theme).group(1))
    grey = "#{0:02x}{0:02x}{0:02x}".format(round(255 * (1 - alpha)))
    assert contrast_ratio("#ffffff", grey) >= 4.5


def test_the_index_is_the_course_page_shell_linking_every_deck(decks):
    """index.html is report.page() (the course's one page shell), offline, one link a deck."""
    from deploydl.present.report import CSS, page

    index = (decks[0].path.parent / "index.html").read_text(encoding="utf-8")
    head = page("Deploying Deep Learning: slides", "")
    assert index.startswith(head.split("</style>")[0]) and CSS in index
    links = re.findall(r'<a href="([^"]*)">', index)
    assert links == [d.path.name for d in decks]
    assert all(f"({d.slides} slides)" in index for d in decks)
    assert "http" not in index and "<script" not in index


def test_welcome_deck_shows_notes_and_only_the_tagged_code(decks):
    page = decks[0].path.read_text(encoding="utf-8")
    assert page.count('<aside class="notes">') >= 1
    assert "LocalServer" in page  # tagged slides-show-code
    assert "roc_auc_score" not in page  # untagged: only its printed result is shown
    assert "Trained. On 2,000 applicants" in page
    assert "data:image/png;base64," in page  # the figure, from the committed output


def test_a_figure_s_alt_text_is_the_one_its_output_stored(root):
    """The template writes each output's ``metadata["image/png"]["alt"]`` into ``<img alt>``
    (escaped), and never nbconvert's "No description has been provided for this image"."""
    from html.parser import HTMLParser

    from deploydl.course.slides import _exporter

    class Images(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.alts: list[str | None] = []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.alts.append(dict(attrs).get("alt"))

    png = "iVBORw0KGgo="
    described = new_output("display_data", data={"image/png": png},
                           metadata={"image/png": {"alt": 'Costs fall by "half" <here>'}})
    bare = new_output("display_data", data={"image/png": png})
    notebook = new_notebook(cells=[new_markdown_cell("# Title"),
                                   new_code_cell("x", outputs=[described, bare])])
    body, _ = _exporter(root / "slides").from_notebook_node(prepare(notebook))
    images = Images()
    images.feed(body)
    assert images.alts == ['Costs fall by "half" <here>',
                           "Chart (no description was stored with it)"]
    assert "No description has been provided" not in body


def test_the_shipped_reveal_is_the_pinned_version_without_web_fonts():
    assert f"reveal.js {REVEAL_VERSION}" in (REVEAL_DIR / "SOURCE.txt").read_text(encoding="utf-8")
    assert "reveal.js 5.2." in (REVEAL_DIR / "dist/reveal.js").read_text(encoding="utf-8")[:300]
    assert all((REVEAL_DIR / name).is_file() for name in REVEAL_FILES)
    assert "MIT" in (REVEAL_DIR / "LICENSE").read_text(encoding="utf-8")
    theme = (REVEAL_DIR / "dist/theme/white.css").read_text(encoding="utf-8")
    assert "@import" not in theme and "source-sans-pro.css" not in theme


def test_decks_carry_the_credit_line_and_the_licences_they_need(decks):
    """CC BY 4.0 asks for the credit with every copy; the inlined JupyterLab CSS points at "the
    file LICENSE" (nbconvert's, BSD-3-Clause); notes.js bundles marked (MIT)."""
    from html import escape

    from deploydl.course.slides import JUPYTER_NOTICE
    from deploydl.present.report import COURSE_CREDIT

    build = decks[0].path.parent
    for deck in decks:
        page = deck.path.read_text(encoding="utf-8")
        assert page.count(f'<div class="deploydl-credit">{escape(COURSE_CREDIT)}</div>') == 1
    assert COURSE_CREDIT in (build / "index.html").read_text(encoding="utf-8")
    notice = (build / JUPYTER_NOTICE).read_text(encoding="utf-8")
    assert "Jupyter Development Team" in notice and "Redistribution and use" in notice
    reveal = (build / "reveal.js/LICENSE").read_text(encoding="utf-8")
    assert "Hakim El Hattab" in reveal and "Christopher Jeffrey" in reveal


def test_building_needs_no_network(root, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    decks = build_decks(root, out=tmp_path / "decks")
    assert decks and (tmp_path / "decks/reveal.js/dist/reveal.js").exists()


def test_cli_builds_into_slides_build(root, capsys):
    assert main(["slides", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "slides/_build/00_welcome.html:" in out and "index.html" in out
    assert (root / "slides/_build/index.html").exists()


LESSONS = sorted(Path(__file__).resolve().parents[2].glob("notebooks/*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_slide_has_speaker_notes(path):
    missing = slides_without_notes(nbformat.read(path, as_version=4))
    assert missing == [], (f"{path.name}: slides {missing} (from 1) have no speaker note; add "
                           "a markdown cell marked `notes` starting 'Instructor note:' "
                           "(slides/README.md)")


def test_slides_without_notes_counts_slides_and_subslides():
    def cell(kind):
        return new_markdown_cell("x", metadata={"slideshow": {"slide_type": kind}})

    notebook = new_notebook(cells=[cell("slide"), cell("notes"), cell("subslide"), cell("-"),
                                   cell("slide"), cell("skip"), cell("notes"), cell("slide")])
    assert slides_without_notes(notebook) == [2, 4]
