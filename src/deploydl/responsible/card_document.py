"""The model card itself (Module 03; Module 07 presents it): its sections, and how it prints
as Markdown (whole or in two halves) and as one self-contained HTML page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from deploydl.present.report import html_table, page, png_data_uri
from deploydl.present.tables import markdown_table

#: Where :func:`to_markdown_halves` breaks the card: before this section.
HALF_WAY = "Fairness findings"


@dataclass(frozen=True)
class ModelCard:
    """The sections of a model card (after Mitchell et al., 2019).

    ``metrics`` holds overall numbers (name -> value, shares as 0..1); ``by_group`` holds one
    row per group of the protected attribute; ``charts`` maps a caption to PNG bytes;
    ``status`` says, after the title, what a card that does not describe a released model is
    (``"draft: ..., not approved"``).
    """

    name: str
    version: str
    intended_use: str
    out_of_scope: str  # what it must not be used for: the card's "Not for" section
    data: str
    metrics: dict[str, float]
    by_group: pd.DataFrame
    fairness_findings: tuple[str, ...]
    limitations: tuple[str, ...]
    explainability: str
    charts: dict[str, bytes] = field(default_factory=dict)
    status: str = ""


def _title(card: ModelCard) -> str:
    """The card's title: name, version and, for a card that is not of a released model, its
    status in brackets."""
    return f"Model card: {card.name} {card.version}" + (f" ({card.status})" if card.status
                                                         else "")


def _number(value: float, name: str = "") -> str:
    """A metric as people read it: shares (0..1) as percentages, ``0.716`` -> ``'71.6%'``;
    a chance of default (by its ``name``) to the whole percent, as the course quotes it
    (``0.167`` -> ``'17%'``); an AUC, an F1 score or a threshold with two decimals
    (``0.72``), as the course quotes them: none of them is a share of anything."""
    if "chance of default" in name.lower():
        return f"{value:.0%}"
    if any(word in name.lower() for word in ("auc", "f1", "threshold")):
        return f"{value:.2f}"
    return f"{value:.1%}" if 0 <= value <= 1 else f"{value:,.2f}"


def _sections(card: ModelCard) -> list[tuple[str, list[str] | str]]:
    metrics = [f"{k.replace('_', ' ')}: {_number(v, k)}" for k, v in card.metrics.items()]
    return [("Intended use", card.intended_use), ("Not for", card.out_of_scope),
            ("Data", card.data),
            ("Metrics overall", metrics), ("Fairness findings", list(card.fairness_findings)),
            ("Limitations", list(card.limitations)),
            ("Explainability", card.explainability)]


def _group_table(card: ModelCard) -> pd.DataFrame:
    """The metrics by group as text, headers in plain words, the groups as the first column."""
    from deploydl.present.charts import human_label

    table = card.by_group.apply(lambda column: column.map(
        lambda v: _number(v, str(column.name)) if isinstance(v, float) else v))
    table.index.name = human_label(table.index.name or "group")
    return table.rename(columns=human_label)


def _section_mark(heading_level: int) -> str:
    """The Markdown mark of the card's section headings (``"##"`` for a card whose title is
    at ``heading_level`` 1): one level below the title, which has one ``#`` fewer."""
    if not 1 <= heading_level <= 5:
        raise ValueError(f"heading_level must be 1 to 5 (the sections sit one level below, and "
                         f"Markdown has six), not {heading_level!r}: 1 for a card of its own, "
                         "3 for a card shown under a page's ## heading.")
    return "#" * (heading_level + 1)


def to_markdown(card: ModelCard, *, heading_level: int = 1) -> str:
    """The card as Markdown (charts are listed by caption; the HTML embeds them).

    Its title is a heading of ``heading_level`` (1, the default: ``#``, for a card of its
    own) and its sections one level below; a page with a title of its own shows the card
    lower (3 under an ``##`` heading), so the page keeps a single top heading.
    """
    section = _section_mark(heading_level)
    lines = [f"{section[1:]} {_title(card)}", ""]
    for title, body in _sections(card):
        lines += [f"{section} {title}", ""]
        lines += [f"- {item}" for item in body] if isinstance(body, list) else [body]
        lines.append("")
        if title == "Metrics overall":
            lines += [f"{section} Metrics by group", "", markdown_table(_group_table(card)), ""]
    if card.charts:
        lines += [f"{section} Charts", "", *[f"- {caption}" for caption in card.charts], ""]
    return "\n".join(lines)


def to_markdown_halves(card: ModelCard, *, heading_level: int = 1) -> tuple[str, str]:
    """The Markdown card in two halves, each short enough for a slide: what the model is and
    how it performs; then what it found (fairness, limits, explanations). Joined by a blank
    line, they are :func:`to_markdown` (at the same ``heading_level``)."""
    section = _section_mark(heading_level)
    first, second = to_markdown(card, heading_level=heading_level).split(
        f"\n\n{section} {HALF_WAY}\n", 1)
    return first, f"{section} {HALF_WAY}\n{second}"


def to_html(card: ModelCard) -> str:
    """The card as one self-contained HTML page: inline CSS, charts as base64 PNG data URIs."""
    parts = [f"<h1>{html.escape(_title(card))}</h1>"]
    for title, body in _sections(card):
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if isinstance(body, list):
            parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in body) + "</ul>")
        else:
            parts.append(f"<p>{html.escape(body)}</p>")
        if title == "Metrics overall":
            parts.append("<h2>Metrics by group</h2>" + html_table(
                _group_table(card).reset_index().to_dict("records"), row_headers=True))
    for caption, png in card.charts.items():
        parts.append(f"<figure><img alt='{html.escape(caption)}' "
                     f"src='{png_data_uri(png)}'><figcaption>"
                     f"{html.escape(caption)}</figcaption></figure>")
    return page(f"Model card: {card.name}", "\n".join(parts))
