"""The 07.4 reader: what a reader sees in a brief's HTML, compared with the brief of the
lesson's run asked the same decision.

:func:`read_brief` reads the learner's page; :func:`brief_problem` is what exercise 07.4
(``m07``) calls with it. The grader loads this module fresh before ``m07`` (see
:func:`deploydl.exercises.grading.check_files`), so it imports only outside modules."""

from __future__ import annotations

import html
import os
import re
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from deploydl.communication.brief import BriefInputs

#: What 07.4 says after a figure, table, chart or section of a brief that is not the run's:
#: what to change, not the line that solves it (the last hint gives that).
_NUMBERS = (" Its numbers, tables and charts must be the run's: build the brief from `inputs` as "
            "they are, changing only the decision (not from a copy whose numbers you changed).")
#: What 07.4 says after opening lines that are not the run's: the context's other words
#: (project, purpose, audience) were changed with the decision, as in the lab's example.
_WORDS = (" Its words other than the decision must be the run's: give the new Context the "
          "decision alone, so that the project, purpose and audience keep the run's words.")
#: What 07.4 calls the part of a brief before its first section: its title and lede.
_OPENING = "the title and opening lines (project, purpose, whom it applies to)"


class _Part(NamedTuple):
    """A part of a brief a reader sees: its heading's text (:data:`_OPENING` before the
    first), the text in it and its charts as (alt text, image); texts in pieces as parsed."""

    heading: list[str]
    text: list[str]
    charts: list[tuple[str, str]]

    def title(self) -> str:
        """The heading as one line."""
        return " ".join("".join(self.heading).split())


#: Tags inside a line of text: the others (paragraphs, cells, headings) part words.
_INLINE = frozenset(("a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub",
                     "sup"))


class _Reading(HTMLParser):
    """What a reader sees in a brief's HTML ``page``, read with an HTML parser (any attribute
    order or quotes, entities read; comments, styles, scripts and links' targets unread).

    ``html``: the ``page`` as given; ``boxed``: whether it has a decision box; ``decision``:
    the box's text as written, each figure tagged in it as its ``{key}`` placeholder; ``box``:
    its text as shown; ``figures``: every figure the page tags, (key, value, text as shown);
    ``parts``: the text and charts outside the box, by section (:class:`_Part`).
    """

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = page
        self.boxed = False
        self.decision: list[str] = []
        self.box: list[str] = []
        self.figures: list[tuple[str, str, str]] = []
        self.parts = [_Part([_OPENING], [], [])]
        self._spans: list[list[str] | None] = []  # open spans: a figure's [key, value, text]
        self._box_depth = 0  # divs open inside the decision box
        self._unread = 0  # styles and scripts open
        self._heading = False  # inside a section's heading
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a style or script (unread), a div (the decision box or one inside it), a span
        (a figure when it has ``data-figure``), a section; note an image's chart."""
        a = {name: value or "" for name, value in attrs}
        self._part_words(tag)
        if tag in ("style", "script"):
            self._unread += 1
        elif tag == "div" and (self._box_depth or "decision" in a.get("class", "").split()):
            self._box_depth += 1
            self.boxed = True
        elif tag == "span":
            figure = [a["data-figure"], a.get("data-value", ""), ""] if "data-figure" in a else None
            if figure and self._box_depth and not any(self._spans):
                self.decision.append("{" + figure[0] + "}")
            self._spans.append(figure)
        elif tag == "h2":
            self.parts.append(_Part([], [], []))
            self._heading = True
        elif tag == "img":
            self.parts[-1].charts.append((a.get("alt", ""), a.get("src", "")))

    def handle_endtag(self, tag: str) -> None:
        """Close what :meth:`handle_starttag` opened; a figure's span records the figure."""
        self._part_words(tag)
        if tag in ("style", "script"):
            self._unread = max(self._unread - 1, 0)
        elif tag == "div" and self._box_depth:
            self._box_depth -= 1
        elif tag == "span" and self._spans:
            figure = self._spans.pop()
            if figure:
                key, value, text = figure
                self.figures.append((key, value, " ".join(text.split())))
        elif tag == "h2":
            self._heading = False

    def handle_data(self, data: str) -> None:
        """Text a reader sees: into each open figure, and into the decision box or the part
        (its heading too) it stands in."""
        if self._unread:
            return
        for figure in filter(None, self._spans):
            figure[2] += data
        if self._box_depth:
            self.box.append(data)
            if not any(self._spans):
                self.decision.append(data)
            return
        if self._heading:
            self.parts[-1].heading.append(data)
        self.parts[-1].text.append(data)

    def _part_words(self, tag: str) -> None:
        """A tag that is not inside a line (:data:`_INLINE`) parts the words on either side
        of it, outside the decision box (whose words are read as the brief writes them)."""
        if tag not in _INLINE and not self._box_depth and not self._unread:
            self.parts[-1].text.append(" ")


def read_brief(answer: Any) -> _Reading | None:
    """What a reader sees in ``answer``, or None when it is not a brief's HTML text (a text
    with ``<html`` and a decision box)."""
    page = _Reading(answer) if isinstance(answer, str) and "<html" in answer.lower() else None
    return None if page is None or not page.boxed else page


def brief_problem(page: _Reading, inputs: BriefInputs, decision: str) -> str | None:
    """What is wrong with the brief ``page`` (:func:`read_brief`) as the brief of the run's
    ``inputs`` asked ``decision``, or None. Its decision box must be ``decision`` as the brief
    renders it, every word, with the run's figures tagged in its placeholders (how the words
    are spaced, a line break or a trailing space, does not matter); every figure the brief
    tags must be the run's (:func:`_figures_differ`), and so must everything else a reader
    sees: each section's text and charts (:func:`_parts_differ`), and the page's markup
    (:func:`_markup_differs`: a style, a script or an attribute added by hand changes what a
    reader sees too). Only the decision may differ from the run's brief (and where the model
    card link points)."""
    written = "".join(page.decision)
    run_page = _run_brief(inputs, written if written.split() == decision.split() else decision)
    run = _Reading(run_page)
    said, asked = "".join(page.box).split(), "".join(run.box).split()
    if said != asked:
        return _box_differs(said, asked)
    if written.split() != decision.split():
        return "keep {model_version} and {threshold} as placeholders so the numbers are tagged."
    return (_figures_differ(page, run, inputs) or _parts_differ(page, run)
            or _markup_differs(page.html, run_page))


#: Link targets, which the learner may point elsewhere (the model card's file).
_HREF = re.compile(r"""href=(?:"[^"]*"|'[^']*')""")


def _markup_differs(answer: str, run_page: str) -> str | None:
    """What 07.4 says when the brief ``answer`` is not the ``run_page`` (the run's brief with
    the learner's decision) as HTML, once both are read alike: entities read, spacing and
    link targets aside; None when they agree. Its text and figures agreed already, so what
    differs is markup: a tag, an attribute, a style or a script, added or changed by hand."""
    ours, theirs = (" ".join(html.unescape(_HREF.sub('href=""', p)).split())
                    for p in (answer, run_page))
    if ours == theirs:
        return None
    at = len(os.path.commonprefix([ours, theirs]))
    return (f"the brief's words and figures are the run's, but its HTML is not: near "
            f"'{ours[max(at - 20, 0):at + 40]}' it has a tag, attribute, style or script the "
            f"run's brief does not. Store the HTML brief_html(...) gives, unchanged, rather than "
            "editing it.")


def _run_brief(inputs: BriefInputs, decision: str) -> str:
    """The brief of the lesson's run (its ``inputs``) asked ``decision``: the CRO's decision as
    the learner spaced it, so what the brief says because of the decision's words is said
    alike."""
    from deploydl.communication.brief import Context
    from deploydl.communication.brief_page import brief_html

    return brief_html(replace(inputs, context=Context(decision=decision)))


def _figures_differ(page: _Reading, run: _Reading, inputs: BriefInputs) -> str | None:
    """What 07.4 says when a figure the brief ``page`` tags is not one the ``run``'s brief
    (of ``inputs``) tags (its key, value and the text shown, as many times), is not in it, or
    is left out; None when they all agree."""
    from deploydl.communication.brief_page import brief_figures

    shown, computed = Counter(page.figures), Counter(run.figures)
    for key, value, text in shown - computed:
        ran = [(v, t) for k, v, t in run.figures if k == key]
        if not ran:
            return f"the brief shows a figure '{key}' that the run's does not have.{_NUMBERS}"
        figure = brief_figures(inputs).get(key)
        label = f"the brief's {figure.label if figure else key} ({key})"
        if text not in [t for _, t in ran]:
            return f"{label} reads {text} where the run computed {ran[0][1]}.{_NUMBERS}"
        if value != ran[0][0]:
            return f"{label} reads {value} where the run computed {ran[0][0]}.{_NUMBERS}"
        return f"{label} is shown more often than in the run's brief.{_NUMBERS}"
    missing = sorted({key for key, _, _ in computed - shown})
    if missing:
        return f"the brief leaves out figures of the run: {', '.join(missing)}.{_NUMBERS}"
    return None


def _parts_differ(page: _Reading, run: _Reading) -> str | None:
    """What 07.4 says when the brief ``page`` outside its decision box is not the ``run``'s
    brief as a reader sees it: its sections, the words of one (tables, lede and headings
    too; spacing aside) or its charts (:func:`_charts_differ`); None when they agree."""
    titles, ran = [p.title() for p in page.parts], [p.title() for p in run.parts]
    if titles != ran:
        return (f"the brief's sections are {titles[1:]} where the run's brief has {ran[1:]}."
                f"{_NUMBERS}")
    for ours, theirs in zip(page.parts, run.parts, strict=True):
        opening = ours is page.parts[0]
        name = _OPENING if opening else f"the section '{ours.title()}'"
        said, asked = "".join(ours.text).split(), "".join(theirs.text).split()
        if said != asked:
            where = _parting(said, asked, name, "the run's brief")
            return f"{where}.{_WORDS if opening else _NUMBERS}"
        charts = _charts_differ(ours.charts, theirs.charts)
        if charts:
            return f"in {name}, {charts}.{_NUMBERS}"
    return None


def _charts_differ(charts: list[tuple[str, str]], ran: list[tuple[str, str]]) -> str | None:
    """What 07.4 says when a part's ``charts``, (alt text, image) each, are not the run's
    (``ran``), or None."""
    if len(charts) != len(ran):
        return f"the brief shows {len(charts)} chart(s) where the run's brief shows {len(ran)}"
    for (alt, image), (ran_alt, ran_image) in zip(charts, ran, strict=True):
        if alt != ran_alt:
            return f"the chart reads '{alt}' where the run's reads '{ran_alt}'"
        if image != ran_image:
            return f"the chart '{alt}' is not the one drawn from the run's numbers"
    return None


def _box_differs(said: list[str], asked: list[str]) -> str:
    """What 07.4 says when the decision box's words ``said`` are not the CRO's decision's,
    ``asked`` (figures filled in): where they part and what is missing or different."""
    where = _parting(said, asked, "the decision box", "the CRO's decision")
    return f"{where}. Pass the whole of DECISION in Context(decision=...)."


def _parting(said: list[str], asked: list[str], ours: str, theirs: str) -> str:
    """Where the words ``said`` (of ``ours``, e.g. "the decision box") part from ``asked``
    (of ``theirs``) and what is missing or different there."""
    same = len(os.path.commonprefix([said, asked]))
    after = f"after '{' '.join(said[max(0, same - 6):same])}', " if same else ""
    if same == len(said):
        return f"{after}{ours} stops; {theirs} goes on '{_words(asked[same:])}'"
    if same == len(asked):
        return f"{ours} adds '{_words(said[same:])}' after {theirs}"
    return (f"{after}{ours} reads '{_words(said[same:])}' where {theirs} reads "
            f"'{_words(asked[same:])}'")


def _words(words: list[str], most: int = 10) -> str:
    """The first ``most`` of ``words`` as text, with "..." when some are left out."""
    return " ".join(words[:most]) + (" ..." if len(words) > most else "")
