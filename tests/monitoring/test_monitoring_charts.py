"""Module 06's charts: weekly outcomes, decay like for like, and the A/B test's range."""

import dataclasses
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from chart_checks import assert_legend_readable

from deploydl.monitoring.charts import (
    like_for_like_chart,
    profit_difference_chart,
    weekly_performance_chart,
)
from deploydl.monitoring.health import DecayBaseline
from deploydl.monitoring.profit_test import ProfitResult
from deploydl.present.charts import figure_alt


def _result(difference: float, low: float, high: float) -> ProfitResult:
    return ProfitResult(profit_a=300.0, profit_b=300.0 + difference, difference=difference,
                        ci_low=low, ci_high=high, p_value=0.5, significant=not low <= 0 <= high,
                        approval_a=0.83, approval_b=0.84, guardrail_ok=True, warning="")


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_profit_chart_says_a_range_across_zero_proves_nothing_and_marks_zero():
    fig = profit_difference_chart(_result(-22.4, -487.0, 443.0), current="1.0.0",
                                  candidate="1.1.0")
    ax = fig.axes[0]
    assert figure_alt(fig) == ("No proven difference: the 95% range crosses zero "
                               "(-$22 per applicant, -$487 to +$443)")
    assert ax.get_xlabel() == "profit per applicant, 1.1.0 minus 1.0.0 (\\$)"
    assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "-"][-1] == 0
    assert {"-\\$487", "+\\$443"} <= set(_texts(ax))
    low, high = ax.get_xlim()
    assert low < -487 and high > 443
    plt.close("all")


def test_profit_chart_names_the_winner_when_the_range_stays_on_one_side():
    better = profit_difference_chart(_result(150.0, 40.0, 260.0), current="1.0.0",
                                     candidate="1.1.0")
    worse = profit_difference_chart(_result(-150.0, -260.0, -40.0), current="1.0.0",
                                    candidate="1.1.0")
    assert figure_alt(better).startswith("1.1.0 earns more: the 95% range stays on one side")
    assert figure_alt(worse).startswith("1.1.0 earns less")
    plt.close("all")


def _weeks(auc, low, high) -> pd.DataFrame:
    return pd.DataFrame({"period": ["2026-02-23/2026-03-01", "2026-03-02/2026-03-08",
                                    "2026-03-30/2026-04-05"],
                         "predictions": [110, 770, 110], "labelled": [93, 621, 0],
                         "coverage": [0.85, 0.81, 0.0], "auc": auc, "auc_low": low,
                         "auc_high": high})


def _weekly(table: pd.DataFrame, first="2026-02-23 08:00", last="2026-04-05 18:00"):
    """The chart of ``table`` for a log from ``first`` to ``last`` (whole weeks by default)."""
    return weekly_performance_chart(table, first=first, last=last)


def _ticks(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[1].get_xticklabels()]


def test_weekly_chart_shows_coverage_each_judged_auc_and_the_weeks_too_few_to_judge():
    fig = _weekly(_weeks([np.nan, 0.65, np.nan], [np.nan, 0.58, np.nan],
                         [np.nan, 0.72, np.nan]))
    top, bottom = fig.axes
    assert figure_alt(fig) == "Only 1 of 3 weeks has enough outcomes to judge"
    assert [round(b.get_height()) for b in top.patches] == [85, 81, 0]
    assert _ticks(fig) == ["23 Feb\u20131 Mar", "2\u20138 Mar", "30 Mar\u20135 Apr"]
    assert "0.650" in _texts(bottom)
    assert {"93 labels:\ntoo few", "no labels\nyet"} <= set(_texts(bottom))
    plt.close("all")


@pytest.mark.parametrize(("first", "last", "ticks"), [
    ("2026-03-01 09:00+00:00", "2026-03-30 17:00+00:00",
     ["1 Mar\n(1 day)", "2\u20138 Mar", "30 Mar\n(1 day)"]),
    ("2026-02-27", "2026-04-02", ["27 Feb\u20131 Mar\n(3 days)", "2\u20138 Mar",
                                  "30 Mar\u20132 Apr\n(4 days)"]),
])
def test_weekly_chart_labels_a_part_week_with_its_days_so_a_day_is_not_read_as_a_week(
        first, last, ticks):
    table = _weeks([np.nan, 0.65, np.nan], [np.nan, 0.58, np.nan], [np.nan, 0.72, np.nan])
    assert _ticks(_weekly(table, first, last)) == ticks
    plt.close("all")


def test_weekly_table_labels_each_week_as_the_chart_does_on_one_line():
    from deploydl.monitoring import performance_for_people

    table = _weeks([np.nan, 0.65, np.nan], [np.nan, 0.58, np.nan], [np.nan, 0.72, np.nan])
    first, last = "2026-03-01 09:00+00:00", "2026-03-30 17:00+00:00"
    shown = performance_for_people(table, first=first, last=last)
    assert list(shown["period"]) == ["1 Mar (1 day)", "2\u20138 Mar", "30 Mar (1 day)"]
    assert [t.replace("\n", " ") for t in _ticks(_weekly(table, first, last))] == list(
        shown["period"])
    plt.close("all")


@pytest.mark.parametrize(("period", "label"), [
    ("2026-03-01", "1 Mar"),  # a day of performance_by_period(freq="D")
    ("2026-02-23/2026-03-01", "23 Feb\u20131 Mar"),
    ("2026-03-30/2026-04-05", "30 Mar\u20132 Apr (4 days)"),
])
def test_period_label_writes_days_and_weeks_and_counts_the_days_of_a_part_week(period, label):
    from deploydl.monitoring import period_label

    assert period_label(period, first="2026-02-01", last="2026-04-02 23:00") == label


def test_period_label_refuses_a_period_outside_the_log():
    from deploydl.monitoring import period_label

    with pytest.raises(ValueError, match="outside the log's days 2026-03-01 to 2026-03-30"):
        period_label("2026-04-06/2026-04-12", first="2026-03-01", last="2026-03-30")


@pytest.mark.parametrize(("auc", "title"), [
    ([0.7, 0.65, 0.68], "All 3 weeks have enough outcomes to judge"),
    ([np.nan, 0.65, 0.68], "Only 2 of 3 weeks have enough outcomes to judge"),
    ([np.nan, np.nan, np.nan], "None of the 3 weeks has enough outcomes to judge"),
    ([0.65], "The one week has enough outcomes to judge"),
    ([np.nan], "The one week does not have enough outcomes to judge"),
])
def test_weekly_chart_title_counts_the_judged_weeks_in_plain_words(auc, title):
    table = _weeks([np.nan] * 3, [np.nan] * 3, [np.nan] * 3).iloc[:len(auc)].assign(
        auc=auc, auc_low=[a - 0.01 for a in auc], auc_high=[a + 0.3 for a in auc])
    assert figure_alt(_weekly(table)).split(";")[0] == title
    plt.close("all")


def test_weekly_chart_shows_a_decayed_week_below_the_usual_axis():
    table = _weeks([0.70, 0.40, np.nan], [0.62, 0.31, np.nan], [0.78, 0.49, np.nan])
    fig = _weekly(table)
    low, high = fig.axes[1].get_ylim()
    assert low < 0.31 and high >= 0.78
    too_few = [t for t in fig.axes[1].texts if t.get_text() == "no labels\nyet"]
    assert too_few
    assert all(low < t.get_position()[1] < 0.5 for t in too_few)
    plt.close("all")


@pytest.mark.parametrize(("low", "high", "ending"), [
    ([0.60, 0.55], [0.72, 0.81], "their AUC ranges overlap, so they may differ by chance"),
    ([0.80, 0.55], [0.90, 0.70], "their AUC ranges do not all overlap"),
])
def test_weekly_chart_title_says_whether_the_weeks_ranges_overlap(low, high, ending):
    auc = [np.mean(pair) for pair in zip(low, high, strict=True)]
    table = _weeks([auc[0], auc[1], np.nan], [*low, np.nan], [*high, np.nan])
    assert figure_alt(_weekly(table)).endswith(ending)
    plt.close("all")


def test_weekly_chart_refuses_an_empty_table():
    with pytest.raises(ValueError, match="no weeks"):
        _weekly(_weeks([np.nan] * 3, [np.nan] * 3, [np.nan] * 3).iloc[0:0])


def test_like_for_like_chart_gives_both_drops_and_marks_the_alert_level():
    fig = like_for_like_chart(0.752, DecayBaseline(auc=0.684, threshold=0.27, approved=1500),
                              0.666)
    ax = fig.axes[0]
    assert figure_alt(fig) == ("Like for like the AUC is 0.018 lower: no alert; against "
                               "everyone, 0.086 lower: a false page")
    assert [round(b.get_width(), 3) for b in ax.patches] == [0.752, 0.684, 0.666]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(0.634)
    assert_legend_readable(fig)
    decayed = like_for_like_chart(0.752, DecayBaseline(auc=0.684, threshold=0.27,
                                                       approved=1500), 0.6)
    assert figure_alt(decayed).startswith("Like for like the AUC is 0.084 lower: decay alert;")
    assert not figure_alt(decayed).endswith("a false page")
    plt.close("all")


def test_like_for_like_chart_shows_an_auc_and_an_alert_line_below_a_half():
    fig = like_for_like_chart(0.52, DecayBaseline(auc=0.51, threshold=0.27, approved=1500),
                              0.42)
    low, high = fig.axes[0].get_xlim()
    assert low < 0.42 and low < 0.51 - 0.05 and high == 1.0
    plt.close("all")


def test_profit_chart_keeps_a_readable_axis_when_both_range_ends_are_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns on identical limits
        fig = profit_difference_chart(_result(0.0, 0.0, 0.0), current="1.0.0",
                                      candidate="1.1.0")
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert low <= -10 and high >= 10
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert len(set(ticks)) == len(ticks), ticks  # no "$0" written three times
    plt.close("all")


def _range_labels(fig) -> list:
    """The range's end labels under the point (the texts written in dollars), drawn."""
    fig.canvas.draw()
    return [t for t in fig.axes[0].texts if "$" in t.get_text()]


@pytest.mark.parametrize(("low", "high", "texts"), [
    (0.0, 0.0, ["\\$0"]),  # a zero-wide range: one "$0", not two on top of each other
    (-1.0, 1.0, ["-\\$1 to +\\$1"]),
    (-487.0, 443.0, ["-\\$487", "+\\$443"]),
])
def test_profit_chart_labels_the_range_ends_without_overlap(low, high, texts):
    fig = profit_difference_chart(_result((low + high) / 2, low, high), current="1.0.0",
                                  candidate="1.1.0")
    labels = _range_labels(fig)
    assert [t.get_text() for t in labels] == texts
    boxes = [t.get_window_extent() for t in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close("all")


def test_the_profit_chart_names_the_tests_own_level():
    """It said "the 95% range" of any test; at alpha=0.10 the range is 90% (a review's)."""
    from deploydl.monitoring.charts import profit_difference_chart

    result = dataclasses.replace(_result(20.0, -30.0, 70.0), level=0.9)
    fig = profit_difference_chart(result, current="1.0.0", candidate="1.1.0")
    assert "the 90% range crosses zero" in fig.axes[0].get_title(loc="left")
    plt.close("all")
