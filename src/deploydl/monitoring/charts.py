"""Module 06's charts: what the labels say week by week, decay measured like for like, and an
A/B test's difference with its 95% range. Each title states the finding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Callable

    from deploydl.monitoring.health import DecayBaseline
    from deploydl.monitoring.profit_test import ProfitResult


def _judged_title(judged: int, weeks: int) -> str:
    """How many of the weeks have enough outcomes to judge, worded for each count."""
    if weeks == 1:
        return f"The one week {'has' if judged else 'does not have'} enough outcomes to judge"
    if judged == weeks:
        return f"All {weeks} weeks have enough outcomes to judge"
    if judged == 0:
        return f"None of the {weeks} weeks has enough outcomes to judge"
    verb = "has" if judged == 1 else "have"
    return f"Only {judged} of {weeks} weeks {verb} enough outcomes to judge"


def weekly_performance_chart(table: pd.DataFrame, *, first, last):
    """Coverage and AUC by week, as :func:`deploydl.monitoring.performance_by_period` returns
    them with ``freq="W"``; returns the figure.

    ``first`` and ``last`` are the times of the log's first and last predictions. A week the
    log covers only in part (its first or last) is labelled with its days and their count,
    "1 Mar (1 day)", so a day is not read as a week: :func:`~deploydl.monitoring.period_label`,
    as the table of :func:`~deploydl.monitoring.performance_for_people` writes it.

    The top panel is the share of each week's predictions whose outcome has arrived; the
    bottom one each judged week's AUC (0.5 a coin toss, 1 perfect) with its 95% range, and
    where the week could not be judged, its count of labels ("93 labels: too few", "no labels
    yet"). The title says how many weeks could
    be judged and whether their ranges overlap (then they may differ by chance).
    """
    import matplotlib.pyplot as plt

    from deploydl.monitoring.health import period_label
    from deploydl.present.charts import course_style

    if table.empty:
        raise ValueError("the table has no weeks: pass performance_by_period(frame, freq='W') "
                         "of a log with predictions in it.")
    weeks = [period_label(p, first=first, last=last, sep="\n") for p in table["period"]]
    x = np.arange(len(table))
    judged = table["auc"].notna()
    title = _weekly_title(table, judged)
    with course_style():
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5), sharex=True,
                                          layout="constrained", height_ratios=(1, 1.3))
        fig.suptitle(title, x=0.02, ha="left", fontsize=16, fontweight="bold")
        _coverage_panel(top, x, table)
        _auc_panel(bottom, x, table, judged, weeks)
    return fig


def _weekly_title(table: pd.DataFrame, judged: pd.Series) -> str:
    """How many weeks could be judged and whether their AUC ranges overlap."""
    overlap = judged.sum() > 1 and table.loc[judged, "auc_low"].max() < table.loc[
        judged, "auc_high"].min()
    return (_judged_title(int(judged.sum()), len(table))
            + (";\ntheir AUC ranges overlap, so they may differ by chance" if overlap else
               "" if judged.sum() < 2 else ";\ntheir AUC ranges do not all overlap"))


def _coverage_panel(top, x: np.ndarray, table: pd.DataFrame) -> None:
    """The top panel: each week's share of predictions whose outcome has arrived, in %."""
    from deploydl.present.charts import NEUTRAL, label_bars

    top.bar(x, table["coverage"] * 100, color=NEUTRAL)
    label_bars(top)
    top.set_ylim(0, 119)
    top.set_ylabel("outcomes in\n(% of week)")


def _auc_panel(bottom, x: np.ndarray, table: pd.DataFrame, judged: pd.Series,
               weeks: list[str]) -> None:
    """The bottom panel: each judged week's AUC with its 95% range, elsewhere its labels."""
    from deploydl.present.charts import GOOD, TEXT_MUTED

    lows, highs = table["auc_low"], table["auc_high"]
    bottom.errorbar(x[judged], table.loc[judged, "auc"],
                    yerr=[table.loc[judged, "auc"] - lows[judged],
                          highs[judged] - table.loc[judged, "auc"]],
                    fmt="o", color=GOOD, markersize=9, capsize=8, linewidth=2)
    for i, auc in zip(x[judged], table.loc[judged, "auc"], strict=True):
        bottom.annotate(f"{auc:.3f}", (i, auc), xytext=(10, 0), textcoords="offset points",
                        va="center", fontsize=13)
    floor = min(0.45, lows[judged].min() - 0.02) if judged.any() else 0.45
    bottom.set_ylim(floor, 1.0)
    for i in x[~judged]:
        bottom.text(i, floor + 0.05, _unjudged(int(table["labelled"].iloc[i])), ha="center",
                    va="bottom", fontsize=12, color=TEXT_MUTED)
    bottom.set_ylabel("AUC, 95% range")
    bottom.set_xticks(x, weeks)
    bottom.set_xlabel("week of the prediction (a part week gives its days)")


def _unjudged(labelled: int) -> str:
    """What a week too thin to judge shows in place of its AUC: its count of outcomes, so a
    day with 85% of its outcomes in (93 of them) is not read as a week with enough."""
    return "no labels\nyet" if labelled == 0 else f"{labelled:,} labels:\ntoo few"


def like_for_like_chart(everyone: float, baseline: DecayBaseline, made: float, *,
                        tolerance: float = 0.05):
    """The decay check's three AUCs as bars; returns the figure.

    ``everyone`` is the AUC at training on all test applicants, ``baseline`` the AUC there on
    those the model approves (:func:`deploydl.monitoring.approved_baseline`), and ``made`` the
    AUC on the loans made whose outcomes have arrived. A dashed line marks where the decay
    alert would fire (``tolerance`` below the baseline). The title gives the drop against
    both starting points: only the like-for-like one counts.
    """
    from matplotlib.lines import Line2D

    from deploydl.present.charts import BAD, GOOD, NEUTRAL, legend, new_figure

    like, wrong = baseline.auc - made, everyone - made
    fig, ax = new_figure(f"Like for like the AUC is {like:.3f} lower: "
                         f"{'decay alert' if like > tolerance else 'no alert'};\n"
                         f"against everyone, {wrong:.3f} lower"
                         + (": a false page" if wrong > tolerance >= like else ""),
                         xlabel="AUC (0.5 a coin toss, 1 perfect)", ylabel="", size=(9, 3.8))
    names = ["all test applicants\n(at training)", "approved test applicants\n(at training)",
             "loans made,\noutcomes in"]
    values = [everyone, baseline.auc, made]
    bars = ax.barh(names, values, color=[NEUTRAL, GOOD, GOOD], height=0.6)
    ax.bar_label(bars, labels=[f"{v:.3f}" for v in values], padding=4, fontsize=13)
    ax.invert_yaxis()
    alert = baseline.auc - tolerance
    ax.set_xlim(min(0.5, min(*values, alert) - 0.02), 1.0)  # every bar and the alert line
    ax.axvline(alert, color=BAD, linestyle="--")
    legend(ax, handles=[Line2D([], [], color=BAD, linestyle="--",
                               label=f"decay alert below {alert:.3f}")],
           loc="lower right", frameon=False)
    return fig


#: The narrowest range, as a share of the axis's width, whose two ends get a label each: below
#: it the two labels (about 6% of the width each) would overlap, so the range gets one label.
_LABELLED_ENDS_MIN_WIDTH = 0.12


def _range_end_labels(low: float, high: float, span: float,
                      dollars: Callable[[float], str]) -> list[tuple[float, str]]:
    """Where to write a range's ends on an axis from ``-span`` to ``span``, and what: each end
    under itself; a range too narrow for two labels once, at its middle ("\\$0" when both
    ends round to the same dollar, else "-\\$1 to +\\$1")."""
    if high - low >= _LABELLED_ENDS_MIN_WIDTH * 2 * span:
        return [(low, dollars(low)), (high, dollars(high))]
    first, second = dollars(low), dollars(high)
    return [((low + high) / 2, first if first == second else f"{first} to {second}")]


def profit_difference_chart(result: ProfitResult, *, current: str, candidate: str):
    """An A/B test's difference in profit per applicant (candidate minus current, US dollars)
    as a point with its range (95% at the test's default ``alpha``, ``result.level``) and a
    line at zero; returns the figure.

    The title states the finding: a range that crosses zero is no proven difference. Each end
    of the range is written under it; a range too narrow for two labels that do not overlap
    (one of zero width) gets one label, under its middle.
    """
    from deploydl.monitoring.profit_test import signed_usd
    from deploydl.present.charts import BAD, GOOD, NEUTRAL, new_figure

    def dollars(amount: float) -> str:
        return signed_usd(amount, unit="\\$")  # "$" escaped: matplotlib reads "$" as maths

    level = f"{result.level * 100:g}%"  # the test's own level: 95% at the default alpha
    if result.ci_low <= 0 <= result.ci_high:
        finding = f"No proven difference: the {level} range crosses zero"
    else:
        finding = (f"{candidate} earns {'more' if result.difference > 0 else 'less'}: "
                   f"the {level} range stays on one side of zero")
    fig, ax = new_figure(f"{finding}\n({dollars(result.difference)} per applicant, "
                         f"{dollars(result.ci_low)} to {dollars(result.ci_high)})",
                         xlabel=f"profit per applicant, {candidate} minus {current} (\\$)",
                         ylabel="", size=(9, 3.2))
    colour = NEUTRAL if result.ci_low <= 0 <= result.ci_high else (
        GOOD if result.difference > 0 else BAD)
    ax.errorbar([result.difference], [0], xerr=[[result.difference - result.ci_low],
                                                [result.ci_high - result.difference]],
                fmt="o", color="#000000", ecolor=colour, markersize=11, capsize=10,
                elinewidth=6)
    ax.axvline(0, color="#000000", linewidth=1.5)
    ax.annotate("no difference", (0, 0.45), xytext=(6, 0), textcoords="offset points",
                fontsize=13, va="center")
    # At least 10 dollars either side, so a range of exactly 0 still gets a readable axis.
    span = max(abs(result.ci_low), abs(result.ci_high), 10.0) * 1.25
    for end, text in _range_end_labels(result.ci_low, result.ci_high, span, dollars):
        # on a white ground, so the line at zero does not strike through a label under it
        ax.annotate(text, (end, 0), xytext=(0, -22), textcoords="offset points",
                    ha="center", va="top", fontsize=13,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set_xlim(-span, span)
    ax.set_ylim(-0.8, 0.7)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.xaxis.set_major_formatter(lambda value, _: dollars(value))
    return fig
