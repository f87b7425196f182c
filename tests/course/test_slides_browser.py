"""Every deck in headless Chromium, offline: nothing external loads, and it works as a deck.

Uses Debian's Chromium (``.ci/run`` installs it). Without it these tests skip with the reason,
except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import chromium, distinct_colours, offline_page

from deploydl.course.slides import build_decks

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts" / "slides"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    return {d.path.stem: d for d in build_decks(ROOT, out=tmp_path_factory.mktemp("decks"))}


def test_every_lesson_has_a_deck(decks):
    assert sorted(decks) == LESSONS


@pytest.mark.parametrize("lesson", LESSONS)
def test_deck_works_offline_in_chromium(browser, decks, lesson):
    deck = decks[lesson]
    shot = ARTIFACTS / f"{lesson}.png"
    page, visit = offline_page(browser, shot, width=1280, height=800)
    blocked, errors = visit.blocked, visit.errors
    page.goto(deck.path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    total, first = page.evaluate("[Reveal.getTotalSlides(), Reveal.getIndices().h]")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1")
    page.close()
    assert blocked == [], f"{lesson}: the deck asked the network for {blocked}"
    assert errors == [], f"{lesson}: JavaScript errors {errors}"
    assert total >= 6, f"{lesson}: {total} slides; mark at least 6 (see slides/README.md)"
    assert first == 0
    assert distinct_colours(shot) > 8, f"{lesson}: the first slide looks blank ({shot})"


#: Every slide's content height against the slide's, in slide pixels (after figures are fitted).
_HEIGHTS = """() => {
  const limit = Reveal.getConfig().height, found = [];
  for (const slide of Reveal.getSlides()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v);
    found.push({h: at.h, v: at.v || 0, height: slide.scrollHeight, limit});
  }
  return found;
}"""


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_slide_fits_on_the_slide(browser, decks, lesson):
    """Content taller than the slide is cut off on the projector: split the slide or skip detail."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto(decks[lesson].path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    heights = page.evaluate(_HEIGHTS)
    too_tall = [s for s in heights if s["height"] > s["limit"]]
    for s in too_tall:
        page.evaluate(f"Reveal.slide({s['h']}, {s['v']})")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{lesson}-too-tall-{s['h'] + 1}.{s['v'] + 1}.png"))
    page.close()
    assert len(heights) == decks[lesson].slides
    assert too_tall == [], (
        f"{lesson}: slide(s) taller than the slide (numbered from 1 as on screen, h.v): "
        + ", ".join(f"{s['h'] + 1}.{s['v'] + 1} is {s['height']} px of {s['limit']}"
                    for s in too_tall) + f"; screenshots in {ARTIFACTS}")


def test_handouts_print_one_pdf_page_per_slide(root, decks, tmp_path):
    """`deploydl slides --pdf`: reveal.js print mode through Chromium, one PDF per deck.

    A slide that spilled over, or a deck printed before reveal.js laid it out (one page in
    all), would change the page count.
    """
    import pypdfium2

    from deploydl.course.slides import print_handouts
    from deploydl.present.report import find_chromium

    if find_chromium() is None:
        with chromium():  # skips (or fails under CI) with the reason
            pass
    chosen = [decks[name] for name in LESSONS]
    pdfs = print_handouts(chosen, out=tmp_path)
    assert [p.name for p in pdfs] == [f"{name}.pdf" for name in LESSONS]
    for deck, pdf in zip(chosen, pdfs, strict=True):
        document = pypdfium2.PdfDocument(str(pdf))
        pages = len(document)
        first = document[0].render(scale=0.5).to_pil().convert("RGB")
        document.close()
        assert pages == deck.slides, f"{pdf.name}: {pages} pages for {deck.slides} slides"
        assert len(first.getcolors(maxcolors=1 << 24) or ()) > 8, f"{pdf.name}: blank page 1"
