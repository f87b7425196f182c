"""One look for every chart in the course: readable from the back of a room, colour-blind safe.

Every chart states its finding in the title, labels its axes with units, and uses the
Okabe-Ito palette, which stays distinguishable under the common forms of colour blindness.
The same rules write numbers and results in the lessons' text and printouts: money
(:func:`money`, :func:`usd`), shares (:func:`share`), labels (:func:`human_label`) and
printed lines (:func:`printout`).
"""

from __future__ import annotations

import math
import re
import textwrap
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Okabe-Ito colours: blue, orange, green, vermillion, purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: Colour for "good" outcomes and "bad" ones, used the same way in every module. NEUTRAL is
#: for lines, bars and fills only: as text on white it is too faint (2.8:1).
GOOD, BAD, NEUTRAL = "#0072B2", "#D55E00", "#999999"
#: Grey for secondary text (a caption, a quadrant's name): 5.3:1 on white, above WCAG AA's 4.5.
TEXT_MUTED = "#6B6B6B"

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
    """A figure and axes in the course style, titled with the finding and labelled with units.

    In a notebook, the figure is shown with its title as alt text (:func:`figure_alt`).
    """
    import matplotlib.pyplot as plt

    with course_style():
        fig, ax = plt.subplots(figsize=size, layout="constrained")
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    show_with_alt_text()
    return fig, ax


def figure_alt(fig) -> str:
    """A figure's alt text: its main title (which states the finding) and caption, on one line.

    The suptitle if the figure has one (the panels' own titles, such as "reads 2" over each
    small multiple, are left out), else each axes' titles; then a ``supxlabel`` caption; joined
    with "; ", with a dollar sign escaped from mathtext (``\\$``) written plainly. A figure with
    no title gets "Chart of Y against X" from its first axes' labels.
    """
    texts = [fig.get_suptitle()]
    if not texts[0].strip():
        texts = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    texts.append(fig.get_supxlabel())
    alt = "; ".join(" ".join(t.replace("\\$", "$").split()) for t in texts if t.strip())
    if alt or not fig.axes:
        return alt or "Chart"
    ax = fig.axes[0]
    labels = [" ".join(x.split()) for x in (ax.get_ylabel(), ax.get_xlabel())]
    return "Chart of " + " against ".join(x for x in labels if x) if any(labels) else "Chart"


def show_with_alt_text() -> None:
    """Make IPython show every matplotlib figure with :func:`figure_alt` as its PNG's alt text.

    Wraps the PNG formatter that the inline backend registered (same image, same size and
    dpi) so each output also stores ``metadata["image/png"]["alt"]``, which the slides write
    into ``<img alt>``. Outside IPython, or with no PNG formatter for figures, does nothing;
    calling it again does not wrap twice.
    """
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    try:
        shown = formatter.lookup_by_type(Figure)
    except KeyError:
        return
    if getattr(shown, "adds_alt_text", False):
        return

    def with_alt(fig):
        data = shown(fig)
        data, metadata = data if isinstance(data, tuple) else (data, {})
        if data is None:
            return None
        return data, {**(metadata or {}), "alt": figure_alt(fig)}

    with_alt.adds_alt_text = True  # type: ignore[attr-defined]
    formatter.for_type(Figure, with_alt)


def _luminance(colour) -> float:
    """WCAG relative luminance of a colour (0 black .. 1 white)."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(text, background="#FFFFFF") -> float:
    """WCAG contrast ratio of two colours, 1 to 21; AA asks 4.5 for text, 3 for large text."""
    high, low = sorted((_luminance(text), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink(fill) -> str:
    """Black or white text for a ``fill`` colour: whichever has the higher contrast ratio.

    White on the course's blue (5.2:1), black on its vermillion (5.4:1, white only 3.9:1),
    orange, purple and grey.
    """
    black, white = "#000000", "#FFFFFF"
    return black if contrast_ratio(black, fill) >= contrast_ratio(white, fill) else white


def ink_on_white(colour) -> str:
    """``colour`` as text on white: itself where it reaches WCAG's 4.5:1, else the lightest
    darker shade of it that does, in steps of 5% towards black.

    The course's blue stays ``#0072b2`` (5.2:1); its vermillion, 3.9:1 as text, becomes
    ``#c05500`` (4.6:1), still read as the vermillion of the line it labels.
    """
    from matplotlib.colors import to_hex, to_rgb

    red, green, blue = to_rgb(colour)
    for step in range(20):
        keep = 1 - step / 20
        shade = to_hex((red * keep, green * keep, blue * keep))
        if contrast_ratio(shade) >= 4.5:
            return shade
    return "#000000"  # 21:1


def legend(ax, **kwargs):
    """``ax.legend(**kwargs)`` with the course's text sizes: 13 pt entries and title.

    :func:`new_figure` applies the course style only while it makes the figure, so a legend
    added afterwards would fall back to matplotlib's 10 pt; every chart draws its legend here.
    """
    size = _STYLE["legend.fontsize"]
    kwargs.setdefault("fontsize", size)
    kwargs.setdefault("title_fontsize", size)
    return ax.legend(**kwargs)


def money(amount: float, *, unit: str = "$", nearest: int | None = None) -> str:
    """US dollars for people: 1234.6 -> '$1,235'; 2_500_000 -> '$2.5M'; -3.1e6 -> '-$3.1M'.

    ``unit="USD "`` writes 'USD 2.5M', for Markdown, where two '$' would be typeset as maths.
    ``nearest`` rounds to that many dollars and writes every digit, so that close amounts
    stay comparable: ``nearest=1000`` writes 1_021_333 as '$1,021,000', not '$1.0M'.
    A half rounds up, as people round money (36.5 -> '$37'; 2.25M -> '$2.3M'); an amount that
    rounds to nothing has no sign; NaN and infinity are refused.
    """
    if nearest is not None:
        if not (nearest > 0 and math.isfinite(nearest)):
            raise ValueError("nearest is the step to round to, in dollars, and must be a "
                             f"positive number; got {nearest!r}. Use 1000 for the nearest "
                             "thousand.")
        amount = to_nearest(amount, nearest)
    shown = round_half_up(abs(amount))
    millions = shown >= 1_000_000 and nearest is None  # 999,999.6 is $1.0M, not $1,000,000
    if millions:
        shown = round_half_up(abs(amount) / 1e6, places=1)
    sign = "-" if amount < 0 and shown else ""  # what rounds to nothing has no sign
    return f"{sign}{unit}{shown:,.1f}M" if millions else f"{sign}{unit}{shown:,.0f}"


def round_half_up(amount: float, *, places: int = 0) -> Decimal:
    """``amount`` rounded to ``places`` decimals (negative: to tens, hundreds) as people round
    money, a half away from zero: 36.5 -> 37, where Python's ``round`` and format strings take
    it to the even neighbour (36.5 -> 36). The amount is read as its shortest decimal form
    (``repr``), so 2.675 rounds to 2.68, as written, although the float just under it would
    round down."""
    if not math.isfinite(amount):
        raise ValueError(f"an amount of money must be a finite number; got {amount!r}. Check "
                         "the calculation that produced it.")
    with localcontext() as context:
        context.prec = 400  # every digit of the largest float (1.8e308) to the unit
        return Decimal(repr(float(amount))).quantize(Decimal(1).scaleb(-places),
                                                     rounding=ROUND_HALF_UP)


def to_nearest(amount: float, nearest: float) -> float:
    """``amount`` rounded to a whole number of ``nearest`` dollars, a half up, as
    :func:`money` shows it: ``to_nearest(1_123_500, 1000)`` is 1_124_000.0."""
    return float(round_half_up(amount / nearest)) * nearest


def usd(amount: float, *, nearest: int | None = None) -> str:
    """:func:`money` as a lesson's own text, tables and printouts write it: 'USD 2.5M',
    'USD 8,000' (the course's money rule, slides/README.md; charts keep '$').

    ``nearest`` as in :func:`money`: ``usd(1_021_333, nearest=1000)`` is 'USD 1,021,000'.
    """
    return money(amount, unit="USD ", nearest=nearest)


def share(fraction: float) -> str:
    """A share from 0 to 1 as a whole percent that stays true at the ends: "under 1%" and
    "over 99%" where rounding would read 0% or 100% of a share that is neither."""
    shown = f"{fraction:.0%}"
    if shown == "0%" and fraction > 0:
        return "under 1%"
    if shown == "100%" and fraction < 1:
        return "over 99%"
    return shown


#: Characters a printed result's line holds on a slide (``slides/theme.css``: 20 px monospace).
PRINTOUT_WIDTH = 88


def printout(text: str, prefix: str = "") -> str:
    """``text`` after ``prefix`` (a tick, a step number), wrapped at :data:`PRINTOUT_WIDTH`
    characters for printing, every line after the first indented two spaces past the prefix,
    so that a long result's continuation lines do not read as new items. Numbers and ranges
    ("0.757-0.881") are never split."""
    return textwrap.fill(text, PRINTOUT_WIDTH, initial_indent=prefix,
                         subsequent_indent=" " * len(prefix) + "  ",
                         break_long_words=False, break_on_hyphens=False)


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
