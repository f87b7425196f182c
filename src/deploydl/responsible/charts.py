"""Charts of Module 03: approval rates by group, the price of closing the gap, proxies, and
what the model relies on.

Every chart states its finding in the title, labels groups and features in plain words
(``30_to_50`` reads "30–50"), starts its value axis at zero, and has a legend where more than
one series is drawn (see :mod:`deploydl.present.charts`).
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd

from deploydl.data import AGE_BANDS
from deploydl.responsible.fairness import FOUR_FIFTHS

Frame = TypeVar("Frame", pd.Series, pd.DataFrame)


def in_band_order(values: Frame) -> Frame:
    """``values`` (a series or a table) indexed by age band, youngest first, whether a band is
    written as the code has it ("under_30") or in plain words ("under 30"); other groups keep
    their order, after the bands."""
    from deploydl.present.charts import human_label

    place = {name: i for i, band in enumerate(AGE_BANDS) for name in (band, human_label(band))}
    known = sorted((g for g in values.index if g in place), key=place.__getitem__)
    return values.reindex(known + [g for g in values.index if g not in place])


def approval_rates_chart(rates: pd.Series, *, ratio: float):
    """Share approved per group (``rates`` from 0 to 1), with the four-fifths screen drawn.

    ``ratio`` is the lowest group's rate over the highest's, as
    :func:`deploydl.responsible.fairness.fairness_summary` reports it. Returns the figure.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from deploydl.present.charts import (
        BAD,
        GOOD,
        NEUTRAL,
        human_label,
        label_bars,
        legend,
        new_figure,
    )

    pct = in_band_order(rates) * 100
    low = str(pct.idxmin())
    verdict = "below" if ratio < FOUR_FIFTHS else "at" if ratio == FOUR_FIFTHS else "above"
    fig, ax = new_figure(f"Applicants aged {human_label(low)} are approved {pct[low]:.0f}% of the "
                         f"time,\nratio {ratio:.2f}: {verdict} the four-fifths screen",
                         xlabel="age band", ylabel="applicants approved (%)")
    screen = FOUR_FIFTHS * pct.max()
    ax.bar([human_label(g) for g in pct.index], pct.to_numpy(),
           color=[BAD if r < screen else GOOD for r in pct])
    ax.axhline(screen, color=NEUTRAL, linestyle="--")
    ax.set_ylim(0, 100)
    legend(ax, handles=[Patch(color=BAD, label="below the screen"),
                        Patch(color=GOOD, label="at or above it"),
                        Line2D([], [], color=NEUTRAL, linestyle="--",
                               label="four-fifths of the best rate")],
           loc="upper left", ncols=3, frameon=False)
    label_bars(ax)
    return fig


def tradeoff_chart(curve: pd.DataFrame):
    """What each strength of group thresholds buys and costs, both in percentage points.

    ``curve`` is :func:`deploydl.responsible.fairness.tradeoff_curve`'s table. Two lines on
    one axis from zero: the approval gap between age bands, and the accuracy given up against
    strength 0. Returns the figure.
    """
    from deploydl.present.charts import BAD, GOOD, legend, new_figure

    gap = curve["demographic_parity_difference"] * 100
    lost = (curve["accuracy"].iloc[0] - curve["accuracy"]) * 100
    fig, ax = new_figure(f"Closing the approval gap from {gap.iloc[0]:.0f} to {gap.iloc[-1]:.0f} "
                         f"points\ncosts {lost.iloc[-1]:.1f} points of accuracy",
                         xlabel="strength of the group thresholds (0 = one threshold for all)",
                         ylabel="percentage points")
    ax.plot(curve["strength"], gap, marker="o", color=BAD,
            label="approval gap between age bands")
    ax.plot(curve["strength"], lost, marker="s", color=GOOD, label="accuracy given up")
    for series in (gap, lost):
        ax.annotate(f"{series.iloc[-1]:.1f}", (curve["strength"].iloc[-1], series.iloc[-1]),
                    textcoords="offset points", xytext=(8, -4), fontsize=13)
    ax.set_ylim(0, max(gap.max(), lost.max()) * 1.1)
    ax.set_xlim(-0.03, 1.12)
    legend(ax, loc="upper right")
    return fig


def proxy_chart(proxies: pd.Series, *, flag: float = 0.04):
    """How much each column reveals about age band, in percent of full information.

    ``proxies`` is :func:`deploydl.responsible.mitigation.proxy_strength`'s result
    (the uncertainty coefficient, 0 to 1); columns above ``flag`` are drawn as proxies, and
    ``flag`` itself as a dashed cut-off line. Grey bars are weaker proxies, not harmless ones.
    Returns the figure.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from deploydl.present.charts import (
        BAD,
        NEUTRAL,
        TEXT_MUTED,
        human_label,
        label_bars,
        legend,
        new_figure,
    )

    pct = proxies.sort_values() * 100
    names = [human_label(c).split(" (")[0] for c in proxies.sort_values(ascending=False).index]
    fig, ax = new_figure(f"{names[0].capitalize()} and {names[1]} are the strongest proxies\n"
                         "for age band; no column alone gives it away",
                         xlabel="share of age band the column reveals (%; 100 = all of it)",
                         ylabel="")
    ax.barh([human_label(c) for c in pct.index], pct.to_numpy(),
            color=[BAD if v > flag * 100 else NEUTRAL for v in pct])
    ax.axvline(flag * 100, color=TEXT_MUTED, linestyle="--", zorder=0.5)
    label_bars(ax, fmt="{:.1f}%")
    for text in ax.texts:  # a value just below the cut-off stays readable over its line
        text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set_xlim(0, max(pct.max(), flag * 100) * 1.2)
    legend(ax, handles=[Patch(color=BAD, label="flagged: a proxy for age band"),
                        Patch(color=NEUTRAL, label="below the cut-off: weaker, or none"),
                        Line2D([], [], color=TEXT_MUTED, linestyle="--",
                               label=f"{flag * 100:g}%: the cut-off for flagging")],
           loc="lower right")
    return fig


def importance_chart(importance: pd.DataFrame):
    """Permutation importance (drop in ROC AUC when a feature is shuffled), largest on top."""
    from deploydl.present.charts import GOOD, human_label, new_figure

    first = str(importance.index[0])
    fig, ax = new_figure(f"Shuffling {human_label(first)} costs the most: "
                         f"AUC drops {float(importance['importance'].iloc[0]):.2f}",
                         xlabel="drop in ROC AUC when shuffled", ylabel="")
    ax.barh([human_label(f) for f in importance.index[::-1]],
            importance["importance"].to_numpy()[::-1], color=GOOD)
    return fig


def saliency_chart(images, maps, predictions, *, ink_ratio: float, border_ratio: float):
    """Digits over their saliency maps, one column each, with a colour key and the verdict.

    ``images`` are the digits (each ``(1, H, W)`` or ``(H, W)``), ``maps`` their
    :func:`deploydl.responsible.explain.saliency_map` (0 to 1, 1 = the pixel that moves the
    answer most), ``predictions`` the digit the model read. ``ink_ratio`` and ``border_ratio``
    are the shares of saliency on inked pixels and on the border ring, each over that region's
    share of the pixels (1 = no more than its size). The title gives the verdict, which of the
    two the model leans on more per pixel, and both ratios; a colour key reads the maps.
    Returns the figure.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from deploydl.present.charts import course_style

    verdict = ("The reader leans more on the strokes than on the margin"
               if ink_ratio > border_ratio
               else "The reader leans on the margin as much as the strokes: check it")
    with course_style():
        fig, axes = plt.subplots(2, len(images), figsize=(9, 5.2), layout="constrained",
                                 squeeze=False)
        fig.suptitle(f"{verdict}:\nper pixel, ink gets {ink_ratio:.1f}x its share of the "
                     f"saliency, the border ring {border_ratio:.1f}x",
                     x=0.02, ha="left", fontsize=16, fontweight="bold")
        for column, (image, saliency, read) in enumerate(
                zip(images, maps, predictions, strict=True)):
            axes[0, column].imshow(np.asarray(image).reshape(np.shape(saliency)), cmap="gray_r")
            axes[0, column].set_title(f"reads {read}")
            shown = axes[1, column].imshow(saliency, cmap="viridis", vmin=0, vmax=1)
        for ax in axes.flat:
            ax.set_xticks([])
            ax.set_yticks([])
        axes[0, 0].set_ylabel("cheque digit")
        axes[1, 0].set_ylabel("saliency")
        key = fig.colorbar(shown, ax=axes[1, :].tolist(), shrink=0.9, ticks=[0, 0.5, 1])
        key.set_label("pull on the answer\n(1 = strongest pixel)")
    return fig
