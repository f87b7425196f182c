"""The capstone's chart (Module 08): an input's daily average before and after a change."""

from __future__ import annotations

import pandas as pd


def before_after_chart(log: pd.DataFrame, *, change_day: int,
                       column: str = "credit_history_years",
                       change: str = "the region opened"):
    """Daily average of ``column`` in the prediction log, coloured before and after a change.

    ``log`` is :meth:`deploydl.monitoring.PredictionLog.frame` (a ``ts`` column in seconds);
    day 0 is the first logged day, and ``change_day`` is the first day after the change.
    Returns the figure, titled with both averages and with a legend for both colours.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, GOOD, human_label, new_figure

    day = (log["ts"] - log["ts"].min()) // 86_400
    daily = log.groupby(day.astype(int))[column].mean()
    before = daily[daily.index < change_day].mean()
    after = daily[daily.index >= change_day].mean()
    name = human_label(column)
    unit = name[name.index("(") + 1:-1] if name.endswith(")") else ""
    amounts = f"{before:.1f} to {after:.1f} {unit}".strip()
    fig, ax = new_figure(f"Average {name.split(' (')[0]} went from {amounts}\nwhen {change}",
                         xlabel="day", ylabel=f"average {name}")
    ax.bar(daily.index, daily.to_numpy(),
           color=[GOOD if d < change_day else BAD for d in daily.index])
    ax.axvline(change_day - 0.5, color="black", ls="--")
    ax.legend(handles=[Patch(color=GOOD, label="before"), Patch(color=BAD, label="after"),
                       Line2D([], [], color="black", ls="--", label=change)],
              loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, frameon=False)
    return fig
