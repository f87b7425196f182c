"""The capstone's before-and-after chart explains its colours and states both averages."""

import matplotlib.colors
import matplotlib.pyplot as plt
import pandas as pd

from deploydl.capstone.charts import before_after_chart
from deploydl.present.charts import BAD, GOOD


def test_before_after_chart_has_both_averages_a_legend_and_plain_labels():
    log = pd.DataFrame({"ts": [1_000 + 86_400 * d for d in (0, 0, 1, 2, 3)],
                        "credit_history_years": [8.0, 9.0, 8.5, 6.0, 5.0]})
    fig = before_after_chart(log, change_day=2, change="the region opened")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == ("Average credit history went from 8.5 to 5.5 years\n"
                                        "when the region opened")
    assert ax.get_ylabel() == "average credit history (years)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "before", "after", "the region opened"]
    assert [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches] == [
        GOOD.lower(), GOOD.lower(), BAD.lower(), BAD.lower()]
    plt.close(fig)


def test_the_chart_marks_the_day_the_drift_alarm_fired_and_says_so():
    log = pd.DataFrame({"ts": [1_000 + 86_400 * d for d in (0, 1, 2, 3)],
                        "credit_history_years": [8.0, 9.0, 6.0, 5.0]})
    fig = before_after_chart(log, change_day=2, alarm_day=3)
    ax = fig.axes[0]
    assert ax.get_title(loc="left").endswith(
        "when the region opened on day 2; the drift alarm fired on day 3")
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "drift alarm (day 3)"
    marker = ax.lines[-1]
    assert list(marker.get_xdata()) == [3] and marker.get_ydata()[0] > 5.0
    plt.close(fig)
    fig = before_after_chart(log, change_day=2, alarm_day=2)
    assert fig.axes[0].get_title(loc="left").endswith("the drift alarm fired that day")
    plt.close(fig)
