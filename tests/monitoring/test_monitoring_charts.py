"""Module 06's charts: weekly outcomes, decay like for like, and the A/B test's range."""

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


def test_weekly_chart_shows_coverage_each_judged_auc_and_the_weeks_too_few_to_judge():
    fig = weekly_performance_chart(_weeks([np.nan, 0.65, np.nan], [np.nan, 0.58, np.nan],
                                          [np.nan, 0.72, np.nan]))
    top, bottom = fig.axes
    assert figure_alt(fig) == "Only 1 of 3 weeks have enough outcomes to judge"
    assert [round(b.get_height()) for b in top.patches] == [85, 81, 0]
    assert [t.get_text() for t in bottom.get_xticklabels()] == [
        "23 Feb\u20131 Mar", "2\u20138 Mar", "30 Mar\u20135 Apr"]
    assert _texts(bottom).count("too few\nlabels") == 2 and "0.650" in _texts(bottom)
    plt.close("all")


@pytest.mark.parametrize(("low", "high", "ending"), [
    ([0.60, 0.55], [0.72, 0.81], "their AUC ranges overlap, so they may differ by chance"),
    ([0.80, 0.55], [0.90, 0.70], "their AUC ranges do not all overlap"),
])
def test_weekly_chart_title_says_whether_the_weeks_ranges_overlap(low, high, ending):
    auc = [np.mean(pair) for pair in zip(low, high, strict=True)]
    table = _weeks([auc[0], auc[1], np.nan], [*low, np.nan], [*high, np.nan])
    assert figure_alt(weekly_performance_chart(table)).endswith(ending)
    plt.close("all")


def test_weekly_chart_refuses_an_empty_table():
    with pytest.raises(ValueError, match="no weeks"):
        weekly_performance_chart(_weeks([np.nan] * 3, [np.nan] * 3, [np.nan] * 3).iloc[0:0])


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
