"""The building blocks of a report page (Module 07): headline figures tagged with their source,
sections and their charts as PNG data URIs, tables, figure cards and paragraphs.

Each headline number is written as ``<span data-figure="KEY">`` so a test can check it against
the module that computed it.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A headline number: what it is, how it reads, and which module computed it."""

    key: str
    label: str
    text: str
    value: float | str
    source: str

    def span(self) -> str:
        """The number as ``<span data-figure="KEY" data-value="VALUE">TEXT</span>``."""
        return (f'<span data-figure="{html.escape(self.key)}" '
                f'data-value="{html.escape(str(self.value))}">{html.escape(self.text)}</span>')


@dataclass
class Section:
    """A titled part of a document; ``body`` is HTML built with the helpers below.

    ``charts`` are ``(data URI, alt text)`` pairs: :func:`chart` makes one from a figure, with
    its title as the alt text. One chart opens the section (printed, it sits beside the text,
    so a section with a chart costs little more paper than one without); several follow the
    body, side by side.
    """

    title: str
    body: str
    charts: list[tuple[str, str]] = field(default_factory=list)


def chart(fig) -> tuple[str, str]:
    """A figure as a :class:`Section` chart: ``(PNG data URI, alt text from its titles)``.

    The figure is closed, so a notebook does not show it a second time.
    """
    from deploydl.present.charts import figure_alt

    alt = figure_alt(fig)
    return figure_to_data_uri(fig, close=True), alt


#: Pixels per inch of every figure a report embeds: a figure drawn 4 inches wide is 400 pixels.
FIGURE_DPI = 100


def figure_png(fig, *, close: bool = True) -> bytes:
    """A matplotlib figure as PNG bytes: the course's one figure encoder (:data:`FIGURE_DPI`,
    tight).

    ``close`` (the default) closes the figure, so a notebook does not show it a second time.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:image/png;base64,...`` URI (no file, no network)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_to_data_uri(fig, *, close: bool = False) -> str:
    """A matplotlib figure as a PNG data URI (:func:`figure_png`, then :func:`png_data_uri`)."""
    return png_data_uri(figure_png(fig, close=close))


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def html_table(rows: Sequence[Mapping[Any, object]], *, row_headers: bool = False) -> str:
    """A plain HTML table from a list of dicts with the same keys (the column names).

    The head's cells are column headers (``<th scope="col">``). With ``row_headers``, each
    row's first cell is that row's header (``<th scope="row">``, styled like the other cells),
    so a screen reader names the row with each number in it: use it where the first column
    names the row. On a phone a table wider than the screen scrolls on its own
    (``table-scroll``), and the page around it does not.
    """
    if not rows:
        return "<p><em>No data yet.</em></p>"
    head = "".join(f'<th scope="col">{html.escape(str(k))}</th>' for k in rows[0])
    body = "".join("<tr>" + "".join(_table_cell(v, header=row_headers and i == 0)
                                     for i, v in enumerate(row.values())) + "</tr>"
                   for row in rows)
    return (f'<div class="table-scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}'
            "</tbody></table></div>")


def _table_cell(value: object, *, header: bool) -> str:
    """One body cell of :func:`html_table`: a row header (``<th scope="row">``) or data."""
    text = html.escape(str(value))
    return f'<th scope="row">{text}</th>' if header else f"<td>{text}</td>"


def figure_columns(count: int, *, widest: int = 4) -> int:
    """Cards per row for ``count`` cards: at most ``widest``, and never one card alone on the
    last row (4 cards: 4 across, not 3 + 1; 5 cards: 3 + 2)."""
    if count <= widest:
        return max(count, 1)
    candidates = [*range(widest, 1, -1), *range(widest + 1, count)]
    return next(c for c in candidates if count % c != 1)


def figures_block(figures: list[Figure]) -> str:
    """Headline numbers as cards: the number, what it is, and where it came from."""
    cards = "".join(
        f'<div class="figure"><span class="value">{f.span()}</span>{html.escape(f.label)}'
        f'<div class="source">Source: {html.escape(f.source)}</div></div>' for f in figures)
    return (f'<div class="figures" style="--columns: {figure_columns(len(figures))}">'
            f"{cards}</div>")


def prose(template: str, figures: dict[str, Figure]) -> str:
    """A paragraph whose ``{key}`` placeholders become the figures' tagged numbers.

    The rest of the text is escaped, so every number in it comes from a :class:`Figure`.
    """
    parts = re.split(r"\{(\w+)\}", template)
    out = [figures[p].span() if i % 2 else html.escape(p) for i, p in enumerate(parts)]
    return "<p>" + "".join(out) + "</p>"
