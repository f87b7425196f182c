"""The capstone's chart (Module 08): an input's daily average before and after a change."""

from __future__ import annotations

import pandas as pd


def before_after_chart(log: pd.DataFrame, *, change_day: int,
                       column: str = "credit_history_years",
                       change: str = "the region opened", alarm_day: int | None = None):
    """Daily average of ``column`` in the prediction log, coloured before and after a change.

    ``log`` is :meth:`deploydl.monitoring.PredictionLog.frame` (a ``ts`` column in seconds);
    day 0 is the first logged day, and ``change_day`` is the first day after the change.
    ``alarm_day`` (same days; e.g. the capstone's ``monitoring["alarm_day"]``) marks the day
    the drift alarm fired, with a marker over that day's bar, a legend entry and the title
    saying when it fired; ``None`` leaves the alarm off the chart. Returns the figure, titled
    with both averages and with a legend for both colours.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, GOOD, human_label, legend, new_figure

    day = (log["ts"] - log["ts"].min()) // 86_400
    daily = log.groupby(day.astype(int))[column].mean()
    before = daily[daily.index < change_day].mean()
    after = daily[daily.index >= change_day].mean()
    name = human_label(column)
    unit = name[name.index("(") + 1:-1] if name.endswith(")") else ""
    amounts = f"{before:.1f} to {after:.1f} {unit}".strip()
    when = f"when {change}"
    if alarm_day is not None:
        fired = "that day" if alarm_day == change_day else f"on day {alarm_day}"
        when = f"when {change} on day {change_day}; the drift alarm fired {fired}"
    fig, ax = new_figure(f"Average {name.split(' (')[0]} went from {amounts}\n{when}",
                         xlabel="day", ylabel=f"average {name}")
    ax.bar(daily.index, daily.to_numpy(),
           color=[GOOD if d < change_day else BAD for d in daily.index])
    ax.axvline(change_day - 0.5, color="black", ls="--")
    handles = [Patch(color=GOOD, label="before"), Patch(color=BAD, label="after"),
               Line2D([], [], color="black", ls="--", label=change)]
    if alarm_day is not None:
        top = float(daily.max())
        ax.set_ylim(0, top * 1.25)
        ax.plot([alarm_day], [daily.get(alarm_day, top) + top * 0.08], marker="v",
                markersize=16, color="black", linestyle="none")
        handles.append(Line2D([], [], marker="v", markersize=14, color="black",
                              linestyle="none", label=f"drift alarm (day {alarm_day})"))
    legend(ax, handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2),
           ncols=len(handles), frameon=False)
    return fig
