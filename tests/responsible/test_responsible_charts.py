"""Module 03's charts: plain labels, honest axes, a legend where colours mean something."""

import matplotlib.colors
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from deploydl.present.charts import BAD, GOOD, NEUTRAL
from deploydl.responsible.charts import (
    approval_rates_chart,
    importance_chart,
    proxy_chart,
    tradeoff_chart,
)


def _texts(items):
    return [t.get_text() for t in items]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_approval_rates_read_youngest_first_in_plain_words_with_the_screen():
    rates = pd.Series({"30_to_50": 0.63, "over_50": 0.69, "under_30": 0.37})
    ax = approval_rates_chart(rates, ratio=0.53).axes[0]
    assert _texts(ax.get_xticklabels()) == ["under 30", "30–50", "over 50"]
    assert ax.get_title(loc="left").startswith("Applicants aged under 30 are approved 37%")
    assert "below the four-fifths screen" in ax.get_title(loc="left")
    assert _colours(ax) == [BAD.lower(), GOOD.lower(), GOOD.lower()]
    assert _texts(ax.get_legend().get_texts()) == [
        "below the screen", "at or above it", "four-fifths of the best rate"]
    assert ax.get_ylim() == (0, 100)


def _colours(ax):
    return [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches]


def test_the_screen_is_four_fifths_of_the_best_rate_and_colours_the_bars_by_it():
    """Best rate 70%: the screen is 0.8 x 70 = 56%. A band at 57% is at or above it, one at
    55% below, whatever the average of the bands."""
    rates = pd.Series({"under_30": 0.55, "30_to_50": 0.57, "over_50": 0.70})
    ax = approval_rates_chart(rates, ratio=0.55 / 0.70).axes[0]
    (screen,) = ax.get_lines()
    assert list(screen.get_ydata()) == [pytest.approx(0.8 * 70)] * 2
    assert _colours(ax) == [BAD.lower(), GOOD.lower(), GOOD.lower()]


def test_a_band_exactly_at_four_fifths_meets_the_screen():
    """The four-fifths rule flags a ratio *below* 0.8; exactly 0.8 passes (40% against 50%)."""
    rates = pd.Series({"under_30": 0.4, "30_to_50": 0.5, "over_50": 0.5})
    ax = approval_rates_chart(rates, ratio=0.8).axes[0]
    assert "ratio 0.80: at the four-fifths screen" in ax.get_title(loc="left")
    assert _colours(ax) == [GOOD.lower()] * 3


def test_tradeoff_is_in_percentage_points_from_zero_against_strength():
    curve = pd.DataFrame({"strength": [0.0, 0.5, 1.0],
                          "demographic_parity_difference": [0.32, 0.15, 0.054],
                          "demographic_parity_ratio": [0.53, 0.77, 0.91],
                          "accuracy": [0.674, 0.666, 0.647], "selection_rate": [0.6] * 3})
    ax = tradeoff_chart(curve).axes[0]
    assert ax.get_ylabel() == "percentage points" and ax.get_ylim()[0] == 0
    assert not ax.xaxis_inverted() and ax.get_xlim()[0] < 0 < 1 < ax.get_xlim()[1]
    gap, lost = ax.get_lines()
    assert list(gap.get_ydata()) == pytest.approx([32, 15, 5.4])
    assert list(lost.get_ydata()) == pytest.approx([0, 0.8, 2.7])
    assert _texts(ax.get_legend().get_texts()) == ["approval gap between age bands",
                                                   "accuracy given up"]
    assert ax.get_title(loc="left") == ("Closing the approval gap from 32 to 5 points\n"
                                        "costs 2.7 points of accuracy")


def test_proxies_are_in_percent_with_plain_names_and_a_legend():
    proxies = pd.Series({"credit_history_years": 0.06, "region": 0.049, "income": 0.01})
    ax = proxy_chart(proxies).axes[0]
    assert _texts(ax.get_yticklabels()) == ["income", "region", "credit history (years)"]
    assert ax.get_xlim()[1] == pytest.approx(6 * 1.2)
    assert "%" in ax.get_xlabel() and "0 to 1" not in ax.get_xlabel()
    assert ax.get_title(loc="left").startswith("Credit history and region are the strongest")
    assert _texts(ax.get_legend().get_texts()) == [
        "flagged: a proxy for age band", "below the cut-off: weaker, or none",
        "4%: the cut-off for flagging"]
    assert [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches] == [
        NEUTRAL.lower(), BAD.lower(), BAD.lower()]


def test_proxies_draw_the_cut_off_as_a_line_and_never_call_a_grey_bar_harmless():
    # Lesson 03 drops employment years (3.1%, under the cut-off) as age-laden: a grey bar is
    # a weaker proxy, not one that "reveals little", and the cut-off is drawn where it is.
    proxies = pd.Series({"employment_years": 0.031, "region": 0.06})
    ax = proxy_chart(proxies, flag=0.05).axes[0]
    cut_offs = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [list(line.get_xdata()) for line in cut_offs] == [[5.0, 5.0]]
    legend_texts = _texts(ax.get_legend().get_texts())
    assert "5%: the cut-off for flagging" in legend_texts
    assert "reveals little" not in legend_texts


def test_importance_uses_plain_feature_names():
    importance = pd.DataFrame({"importance": [0.06, 0.02]},
                              index=pd.Index(["debt_ratio", "employment_years"], name="feature"))
    ax = importance_chart(importance).axes[0]
    assert _texts(ax.get_yticklabels()) == ["employment (years)", "debt ratio"]
    assert ax.get_title(loc="left") == "Shuffling debt ratio costs the most: AUC drops 0.06"


def test_the_saliency_chart_has_a_colour_key_and_gives_its_verdict():
    import matplotlib.pyplot as plt
    import numpy as np

    from deploydl.responsible.charts import saliency_chart

    images = [np.eye(8)[None], np.ones((1, 8, 8))]
    maps = [np.eye(8), np.full((8, 8), 0.5)]
    fig = saliency_chart(images, maps, [1, 7], ink_ratio=1.2, border_ratio=0.6)
    title = fig.get_suptitle()
    assert title.startswith("The reader leans more on the strokes than on the margin")
    assert "ink gets 1.2x its share" in title and "border ring 0.6x" in title
    keys = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(keys) == 1 and "strongest pixel" in keys[0].get_ylabel()
    assert [ax.get_title() for ax in fig.axes[:2]] == ["reads 1", "reads 7"]
    plt.close(fig)
    fig = saliency_chart(images, maps, [1, 7], ink_ratio=0.9, border_ratio=1.1)
    assert "check it" in fig.get_suptitle()
    plt.close(fig)
