"""One look for every chart in the course: readable from the back of a room, colour-blind safe.

Every chart states its finding in the title, labels its axes with units, and uses the
Okabe-Ito palette, which stays distinguishable under the common forms of colour blindness.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Okabe-Ito colours: blue, orange, green, vermillion, purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: Colour for "good" outcomes and "bad" ones, used the same way in every module.
GOOD, BAD, NEUTRAL = "#0072B2", "#D55E00", "#999999"

_STYLE: dict[RcKeyType, Any] = {
    "font.size": 14, "axes.titlesize": 16, "axes.titleweight": "bold", "axes.labelsize": 14,
    "xtick.labelsize": 13, "ytick.labelsize": 13, "legend.fontsize": 13,
    "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
    "savefig.dpi": 100, "figure.figsize": (9, 4.5),
}


@contextmanager
def course_style():
    """Use the course's chart style inside a ``with`` block."""
    import matplotlib
    import matplotlib.pyplot as plt
    from cycler import cycler

    with plt.rc_context({**_STYLE, "axes.prop_cycle": cycler(color=PALETTE)}):
        try:
            yield
        finally:
            # Jupyter's inline backend turns interactive mode on when the first figure loads
            # it; rc_context would undo that on exit and later figures would not be shown.
            interactive = matplotlib.is_interactive()
    matplotlib.interactive(interactive)


def new_figure(title: str, *, xlabel: str, ylabel: str, size: tuple[float, float] = (9, 4.5)):
    """A figure and axes in the course style, titled with the finding and labelled with units."""
    import matplotlib.pyplot as plt

    with course_style():
        fig, ax = plt.subplots(figsize=size, layout="constrained")
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    return fig, ax


def legend(ax, **kwargs):
    """``ax.legend(**kwargs)`` with the course's text sizes: 13 pt entries and title.

    :func:`new_figure` applies the course style only while it makes the figure, so a legend
    added afterwards would fall back to matplotlib's 10 pt; every chart draws its legend here.
    """
    size = _STYLE["legend.fontsize"]
    kwargs.setdefault("fontsize", size)
    kwargs.setdefault("title_fontsize", size)
    return ax.legend(**kwargs)


def money(amount: float, *, unit: str = "$") -> str:
    """US dollars for people: 1234.6 -> '$1,235'; 2_500_000 -> '$2.5M'; -3.1e6 -> '-$3.1M'.

    ``unit="USD "`` writes 'USD 2.5M', for Markdown, where two '$' would be typeset as maths.
    """
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if amount >= 1e6:
        return f"{sign}{unit}{amount / 1e6:,.1f}M"
    return f"{sign}{unit}{amount:,.0f}"


def usd(amount: float) -> str:
    """:func:`money` as a lesson's own text, tables and printouts write it: 'USD 2.5M',
    'USD 8,000' (the course's money rule, slides/README.md; charts keep '$')."""
    return money(amount, unit="USD ")


#: Units that a column name ends with, and how a chart writes them.
_UNITS = {"years": "years", "ms": "ms", "pct": "%", "usd": "USD"}


def human_label(name: object) -> str:
    """A column or category name as a person writes it, for axes, ticks and legends.

    ``"30_to_50"`` -> ``"30–50"``; ``"under_30"`` -> ``"under 30"``;
    ``"credit_history_years"`` -> ``"credit history (years)"``; ``"p99_ms"`` -> ``"p99 (ms)"``.
    Text that is already plain comes back unchanged.
    """
    text = re.sub(r"(\d+)_to_(\d+)", "\\1\u2013\\2", str(name))
    head, _, unit = text.rpartition("_")
    if head and unit in _UNITS:
        text = f"{head} ({_UNITS[unit]})"
    return re.sub(r"\bid\b", "ID", text.replace("_", " "))


def human_labels(names) -> list[str]:
    """:func:`human_label` for each name, in order (an index, a list, dict keys)."""
    return [human_label(n) for n in names]


def label_bars(ax, *, fmt: str = "{:.0f}%") -> None:
    """Write each bar's value on top of it, so nobody has to read values off the axis."""
    for container in ax.containers:
        ax.bar_label(container, labels=[fmt.format(v) for v in container.datavalues],
                     fontsize=13, padding=2)
