"""The executive brief's charts (Module 07): the board's value chart and fairness chart, sized
to sit side by side on a printed half page, and the engineers' cost chart for the model card;
:func:`chart_axes` also draws the audience explorer's panels.
"""

from __future__ import annotations

import textwrap

from deploydl.communication.brief_inputs import BriefInputs
from deploydl.communication.brief_risks import screen_verdict
from deploydl.communication.brief_rounding import brief_money, headline_net_value
from deploydl.communication.value import spans_zero
from deploydl.present.charts import human_label, human_labels

#: The brief's two charts are drawn at this size (inches). They sit side by side under the
#: headline cards; printed, each takes half an A4 page's width (3.5 inches), about 0.8 of this
#: size, so their text, drawn at :data:`BRIEF_TEXT_PT` or more, prints at 10 pt or more (the
#: body text is 9.5 pt), and the brief keeps to two pages. (Beside its section's text,
#: at 40% of the width and this size 5 by 3.6, it printed at 6.6 to 8.8 pt.)
BRIEF_CHART_SIZE = (4.1, 2.1)
#: The smallest text in the brief's charts (points, as drawn: the house 13 pt); their titles
#: are drawn at :data:`BRIEF_TITLE_PT`, less than the course's 16 pt, to fit the half page.
BRIEF_TEXT_PT, BRIEF_TITLE_PT = 13, 14
#: The height of one line of a brief chart's title (inches: its points times matplotlib's line
#: spacing, 1.2, over 72). :data:`BRIEF_CHART_SIZE` holds a title of two lines; a longer one
#: adds this much per line to the figure, and the plot keeps its height.
TITLE_LINE_INCHES = BRIEF_TITLE_PT * 1.2 / 72
#: The engineers' cost chart, in the model card, where it prints wider than in the brief.
CARD_CHART_SIZE = (5.0, 3.6)


def chart_axes(title: str, *, xlabel: str, ylabel: str, size: tuple[float, float], ax=None):
    """A new figure of ``size`` inches (:func:`deploydl.present.charts.new_figure`), or, given
    ``ax``, that panel of a larger figure, titled and labelled in the course style."""
    from deploydl.present.charts import course_style, new_figure

    if ax is None:
        return new_figure(title, xlabel=xlabel, ylabel=ylabel, size=size)
    with course_style():
        ax.set_title(title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    return ax.figure, ax


def _brief_figure(title: str, *, xlabel: str, ylabel: str, ax=None):
    """A figure for the brief (:func:`chart_axes`), of :data:`BRIEF_CHART_SIZE`, with its
    title at :data:`BRIEF_TITLE_PT`, wrapped to fit; a title over two lines makes the figure
    taller (:data:`TITLE_LINE_INCHES`)."""
    from deploydl.present.charts import course_style

    own_figure = ax is None
    fig, ax = chart_axes("", xlabel=xlabel, ylabel=ylabel, size=BRIEF_CHART_SIZE, ax=ax)
    wrapped = textwrap.fill(title, 30)
    with course_style():
        ax.set_title(wrapped, loc="left", fontsize=BRIEF_TITLE_PT)
    extra_lines = len(wrapped.splitlines()) - 2
    if own_figure and extra_lines > 0:  # the figure grows by the line; the plot keeps its height
        width, height = BRIEF_CHART_SIZE
        fig.set_size_inches(width, height + extra_lines * TITLE_LINE_INCHES)
    return fig, ax


def cost_chart(inputs: BriefInputs, *, ax=None):
    """The cost of errors in US dollars per applicant at every threshold, on an axis from zero
    (ticks with thousands separators), with the break-even, the cheapest threshold in
    hindsight and the chosen one marked on the curve; a caption under the chart gives the gap
    in money per 1,000 applicants (on a figure of its own: drawn on a panel ``ax`` of a larger
    figure, it has no caption)."""
    from matplotlib.ticker import StrMethodFormatter

    from deploydl.present.charts import BAD, GOOD, NEUTRAL, legend

    e, sweep = inputs.evaluation, inputs.sweep
    per = 1000 / e["n_test"]  # the caption's money is per 1,000 applicants; the axis, per one
    own_figure = ax is None
    fig, ax = chart_axes(f"Threshold {e['threshold']:.2f} costs {e['hindsight_gap_share']:.1%} "
                         f"more\nthan the cheapest in hindsight",
                         xlabel="threshold (chance of default)",
                         ylabel="cost of errors\n(USD per applicant)",
                         size=CARD_CHART_SIZE, ax=ax)
    ax.plot(sweep["threshold"], sweep["cost"] / e["n_test"], color=NEUTRAL, linewidth=2)
    for threshold, label, color, marker in (
            (e["break_even"], "break-even", "#000000", "s"),
            (e["hindsight_threshold"], "hindsight's best", BAD, "D"),
            (e["threshold"], "chosen", GOOD, "o")):
        at = sweep.loc[(sweep["threshold"] - threshold).abs().idxmin(), "cost"]
        ax.plot([threshold], [at / e["n_test"]], marker=marker, markersize=10, color=color,
                linestyle="none", label=f"{label} {threshold:.2f}")
    ax.set_ylim(0, float(sweep["cost"].max()) / e["n_test"] * 1.1)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_xlim(0, 1)
    legend(ax, loc="lower right", frameon=False, labelspacing=0.3, borderaxespad=0.2)
    if not own_figure:
        return fig
    fig.supxlabel(textwrap.fill(
        f"Chosen before the test (fairness screen {screen_verdict(inputs.fairness)}), it costs "
        f"{brief_money(e['hindsight_gap'] * per)} more per 1,000 applicants than a threshold "
        "only hindsight could have picked.", 52), x=0.0, ha="left", fontsize=12,
        color="#333333")
    return fig


def value_chart(inputs: BriefInputs, *, ax=None):
    """The board's chart: the model against the current process, in money a year. Zero is the
    current process (the y-axis label says so); the title (:func:`value_title`) gives the net
    value against it and says when its 95% range crosses zero; the bars are what the model
    saves (or loses) against it and its running cost; the net value is a dot with its 95%
    range as a whisker, each labelled in money. The value section's text gives both
    processes' costs. Given ``ax``, it draws on that panel of a larger figure."""
    from deploydl.present.charts import BAD, GOOD, NEUTRAL

    m = inputs.money
    net, low, high = m["net_value_per_year"], m["net_value_low"], m["net_value_high"]
    values = [m["saved_per_year"], -m["running_cost_per_year"], net]
    scale, unit = ((1e6, "$M") if max(map(abs, [*values, low, high])) >= 1e6
                   else (1e3, "$k"))
    fig, ax = _brief_figure(value_title(net, low, high), xlabel="",
                            ylabel=f"{unit} a year\n0 = current process", ax=ax)
    names = ["saved" if values[0] >= 0 else "lost", "running\ncost", "net\nvalue"]
    bars = ax.bar(names[:2], [v / scale for v in values[:2]],
                  color=[GOOD if values[0] >= 0 else BAD, BAD])
    ax.bar_label(bars, labels=[brief_money(v) for v in values[:2]], fontsize=BRIEF_TEXT_PT,
                 padding=2)
    # the net value is an estimate with its range: a dot and a whisker, labelled beside them
    ax.errorbar([names[2]], [net / scale],
                yerr=[[max(net - low, 0) / scale], [max(high - net, 0) / scale]],
                color=GOOD if net >= 0 else BAD, ecolor="#000000", capsize=8, linewidth=2,
                marker="o", markersize=11)
    ax.annotate(brief_money(net), (2, net / scale), xytext=(12, 0), textcoords="offset points",
                va="center", fontsize=BRIEF_TEXT_PT)
    end = low if abs(low) > abs(high) else high  # named at the end away from the zero line
    ax.annotate("95% range", (2, end / scale), xytext=(12, 0), textcoords="offset points",
                va="center", fontsize=BRIEF_TEXT_PT, color="#333333")
    ax.axhline(0, color=NEUTRAL, lw=1.5)
    shown = [0.0, *(v / scale for v in values), low / scale, high / scale]
    pad = 0.15 * ((max(shown) - min(shown)) or 1)
    ax.set_ylim(min(shown) - pad, max(shown) + pad)
    ax.set_xlim(-0.6, 2.9)
    return fig


def value_title(net: float, low: float, high: float) -> str:
    """The value chart's title: the net value a year ``net`` against the current process, as
    the headline card writes it (:func:`headline_net_value`), in every case; when its 95% range
    (``low`` to ``high``) crosses zero, what the other side of zero means: a positive net value
    "may be a loss", a negative one "may be a gain"."""
    title = f"Net value {headline_net_value(net)} a year vs the current process"
    if spans_zero(low, high):
        title += "; may be a loss" if net > 0 else "; may be a gain"
    return title


def fairness_chart(inputs: BriefInputs, *, ax=None):
    """The share approved at once per age band, with the four-fifths line of the screen; a band
    below the line is drawn in ``BAD``, the others in ``GOOD``. The title gives the screen's
    verdict (:func:`_fairness_title`). Given ``ax``, it draws on that panel of a larger
    figure."""
    from deploydl.present.charts import BAD, GOOD, NEUTRAL, label_bars, legend
    from deploydl.responsible.charts import in_band_order

    rates = in_band_order(inputs.by_group["selection_rate"]) * 100
    f = inputs.fairness
    fig, ax = _brief_figure(_fairness_title(f), xlabel="", ylabel="approved at once (%)", ax=ax)
    line = rates.max() * f["min_ratio"]  # labelled with its value: a bar can sit a hair below
    # a band below the screen in the course's colour for it (as Module 03's chart)
    ax.bar(human_labels(rates.index), rates.to_numpy(),
           color=[BAD if rate < line else GOOD for rate in rates])
    ax.axhline(line, color=NEUTRAL, ls="--",
               label=f"{f['min_ratio']:.0%} of the best rate: {line:.1f}%")
    ax.set_ylim(0, 115)
    ax.set_yticks(range(0, 101, 50))
    # under the age bands, in the place of an axis label: above the bars it hid their labels
    legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False,
           borderaxespad=0)
    label_bars(ax)
    return fig


def _fairness_title(fairness: dict) -> str:
    """The fairness chart's title: the four-fifths screen's verdict on the held-out applicants.
    Too close to call (a pass whose 95% range reaches below the screen), it gives the ratio
    and says the range reaches below, as the brief's text does."""
    worst, screen = human_label(fairness["worst_group"]), fairness["min_ratio"]
    if not fairness["gate_passed"]:
        return f"Applicants aged {worst} fall below the four-fifths screen"
    if fairness.get("too_close_to_call"):  # short lines: a longer title shrank the chart
        return (f"{worst[0].upper()}{worst[1:]}: approved "
                f"{fairness['demographic_parity_ratio']:.0%} as often as the best; 95% range "
                f"dips below {screen:.0%}")
    return f"Every age band is approved at least {screen:.0%} as often as the best"
