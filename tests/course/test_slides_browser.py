"""Every deck in headless Chromium, offline: nothing external loads, and it works as a deck.

Uses Debian's Chromium (``.ci/run`` installs it). Without it these tests skip with the reason,
except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import chromium, distinct_colours, needs_chromium, offline_page

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


#: Every slide's content height against the slide's, in slide pixels (after figures are fitted),
#: the boxes on it whose content is wider than the box (a table or printout cut at the right),
#: and the smallest share of its own height a figure is shown at, or would have to shrink to.
#: A figure's own height is its PNG's natural height in slide px, scaled down only where the
#: PNG is wider than its box (the template's figureHeight says the same): measured here from
#: the image itself, so a cap from the CSS counts too, not only what fitFigures decided (it
#: stops at 0.8 and marks the share the slide would need as data-figure-shrink). Last, the text
#: and figures that reveal.js's navigation arrows cover on the screen (at the page's size: laid
#: out again first, for a page resized since the deck started).
_HEIGHTS = """() => {
  Reveal.layout();
  const limit = Reveal.getConfig().height, found = [];
  const meet = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const boxes = "table, pre, img, .jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-Cell";
  for (const slide of Reveal.getSlides()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v);
    const wide = Array.from(slide.querySelectorAll(boxes))
      .filter(el => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      .map(el => `${el.tagName.toLowerCase()}.${el.classList[0] || ""} `
                 + `${el.scrollWidth} px in ${el.clientWidth}`);
    if (slide.scrollWidth > Reveal.getConfig().width)
      wide.push(`the slide ${slide.scrollWidth} px in ${Reveal.getConfig().width}`);
    const shares = Array.from(slide.querySelectorAll(".jp-RenderedImage img")).map(img => {
      const own = img.naturalHeight * Math.min(1, img.parentElement.clientWidth / img.naturalWidth);
      return (img.offsetHeight + 1) / own;  // 1 px for the rounding of the shown height
    });
    if (slide.dataset.figureShrink) shares.push(Number(slide.dataset.figureShrink));
    const shrink = shares.some(share => share < 0.8) ? Math.min(...shares) : null;
    const arrows = Array.from(document.querySelectorAll(".controls .enabled .controls-arrow"))
      .map(arrow => arrow.getBoundingClientRect());
    const covered = [], text = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    while (text.nextNode()) {
      const line = document.createRange();
      line.selectNodeContents(text.currentNode);
      if (Array.from(line.getClientRects()).some(box => arrows.some(a => meet(a, box))))
        covered.push(text.currentNode.textContent.trim().slice(0, 40));
    }
    for (const img of slide.querySelectorAll("img"))
      if (arrows.some(a => meet(a, img.getBoundingClientRect())))
        covered.push(`figure "${img.alt.slice(0, 40)}"`);
    found.push({h: at.h, v: at.v || 0, height: slide.scrollHeight, limit, wide, shrink, covered,
                name: (slide.querySelector("h1, h2, h3, h4") || {}).textContent || ""});
  }
  return found;
}"""


def _slide(s: dict) -> str:
    """A slide as on screen (h.v, from 1) and its heading, for a failure message."""
    name = s["name"].strip().rstrip("\u00b6").strip()
    return f"{s['h'] + 1}.{s['v'] + 1}" + (f" ({name[:60]!r})" if name else "")


#: The screen the slides are measured on: 16:10, like the slide. Another screen shape only moves
#: what reveal.js puts around the slide, so only the arrows are checked again on a 4:3 projector's
#: screen, in the same page (no screenshot unless one fails).
SCREEN, SCREEN_4_3 = {"width": 1280, "height": 800}, {"width": 1024, "height": 768}


def _screenshots(page, lesson: str, slides: list[dict], suffix: str = "") -> None:
    """A screenshot of each slide in ``slides`` in test-artifacts/slides, for a failure."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for s in slides:
        page.evaluate(f"Reveal.slide({s['h']}, {s['v']})")
        name = f"{lesson}-too-big-{s['h'] + 1}.{s['v'] + 1}{suffix}.png"
        page.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_slide_fits_on_the_slide(browser, decks, lesson):
    """Content taller or wider than its box is cut off on the projector: split the slide, show
    fewer columns, or skip detail (slides/README.md). Nothing on a slide lies under the
    navigation arrows, on a 16:10 screen or a 4:3 one."""
    page = browser.new_page(viewport=SCREEN)
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto(decks[lesson].path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    slides = page.evaluate(_HEIGHTS)
    too_tall = [s for s in slides if s["height"] > s["limit"]]
    too_wide = [s for s in slides if s["wide"]]
    too_small = [s for s in slides if s["shrink"] is not None]
    covered = [s for s in slides if s["covered"]]
    _screenshots(page, lesson, too_tall + too_wide + too_small + covered)
    page.set_viewport_size(SCREEN_4_3)
    covered_4_3 = [s for s in page.evaluate(_HEIGHTS) if s["covered"]]
    _screenshots(page, lesson, covered_4_3, suffix="-4x3")
    page.close()
    assert len(slides) == decks[lesson].slides
    screens = (("", covered), (" on a 4:3 screen (1024x768)", covered_4_3))
    problems = [f"{_slide(s)} is {s['height']} px tall, of {s['limit']}" for s in too_tall] + [
        f"{_slide(s)} is cut off at the right: {'; '.join(s['wide'])}" for s in too_wide] + [
        f"{_slide(s)} shows a figure at {s['shrink']:.2f} of its own height (0.8 at least: "
        "move the text after it to a subslide)" for s in too_small] + [
        f"{_slide(s)} has content under the navigation arrows{screen}: {s['covered']!r} "
        "(slides/theme.css places them beside the slide)" for screen, found in screens
        for s in found]
    assert problems == [], (
        f"{lesson}: slide(s) that do not fit (h.v, numbered from 1 as on screen): "
        + ", ".join(problems) + ". Split the slide, show fewer columns or skip detail "
        f"(slides/README.md); screenshots in {ARTIFACTS}")


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_figure_has_alt_text(browser, decks, lesson):
    """Each figure's alt text is the one its notebook output stored (its title, see
    deploydl.present.charts.figure_alt): not nbconvert's "No description has been provided for
    this image", nor the template's fallback for an output stored without one (refresh the
    notebook: `deploydl refresh`)."""
    page = browser.new_page()
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto(decks[lesson].path.as_uri())
    alts = page.evaluate("Array.from(document.images).map(img => img.getAttribute('alt'))")
    page.close()
    missing = [i + 1 for i, alt in enumerate(alts)
               if not (alt or "").strip() or "no description" in alt.lower()]
    assert missing == [], (f"{lesson}: figure(s) {missing} of {len(alts)} have no alt text; "
                           "refresh the notebook (deploydl refresh) so its outputs store it")


def test_handouts_print_one_pdf_page_per_slide(root, decks, tmp_path):
    """`deploydl slides --pdf`: reveal.js print mode through Chromium, one PDF per deck.

    A slide that spilled over, or a deck printed before reveal.js laid it out (one page in
    all), would change the page count.
    """
    import pypdfium2

    from deploydl.course.slides import print_handouts

    needs_chromium()
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


#: The slide number's box and the slide's, on the screen (reveal.js scales the 1280x800 slide
#: to leave a margin around it), on the deck's last slide, whose number is the widest.
_NUMBER_AND_SLIDE = """() => {
  Reveal.slide(Reveal.getTotalSlides());
  Reveal.layout();
  const box = el => {
    const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  };
  return {number: box(document.querySelector(".reveal .slide-number")),
          slide: box(document.querySelector(".reveal .slides")),
          text: document.querySelector(".reveal .slide-number").textContent};
}"""


@pytest.mark.parametrize("screen", [SCREEN, SCREEN_4_3, {"width": 1920, "height": 1080}],
                         ids=["1280x800", "1024x768", "1920x1080"])
def test_the_slide_number_sits_beside_the_slide(browser, decks, screen):
    """reveal.js's own slide number covered the slide's last 14 px at 1280x800 (the bottom
    right of a long slide's last line): in the theme it sits in the margin around the slide,
    on a 16:10, a 4:3 and a 16:9 screen."""
    lesson = max(decks, key=lambda name: decks[name].slides)  # the widest number
    page = browser.new_page(viewport=screen)
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto(decks[lesson].path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    found = page.evaluate(_NUMBER_AND_SLIDE)
    page.close()
    number, slide = found["number"], found["slide"]
    assert found["text"].strip() and number["bottom"] > number["top"]
    apart = (number["left"] >= slide["right"] or number["right"] <= slide["left"]
             or number["top"] >= slide["bottom"] or number["bottom"] <= slide["top"])
    assert apart, (f"{lesson} at {screen['width']}x{screen['height']}: the slide number "
                   f"{' '.join(found['text'].split())!r} at {number} covers the slide at {slide} "
                   "(slides/theme.css, .slide-number)")
