"""Charts of Module 02's evaluation: how cross-validation uses the data, what each threshold costs.

Each chart states its finding in the title, has a legend where colours carry meaning, and
labels ticks in plain words (see :mod:`deploydl.present.charts`).
"""

from __future__ import annotations

from deploydl.evaluation.metrics import DEFAULT_COSTS, CVResult, ErrorCosts


def cross_validation_chart(cv: CVResult, *, model: str = "baseline"):
    """The k rounds of cross-validation as a grid: which fold trains and which one tests.

    Each round is a row; the held-out fold is marked with its score. Returns the figure.
    """
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, GOOD, ink, legend, new_figure

    k = len(cv.folds)
    name = cv.metric.replace("roc_auc", "ROC AUC")
    fig, ax = new_figure(f"Each fold is tested once: {model} {name} {cv.mean:.3f} ± {cv.std:.3f}",
                         xlabel=f"the data, in {k} folds", ylabel="training round", size=(9, 4.6))
    ax.imshow(np.eye(k), cmap=ListedColormap([GOOD, BAD]), aspect="auto")
    ax.set_xticks(range(k), [f"fold {i + 1}" for i in range(k)])
    ax.set_yticks(range(k), [f"round {i + 1}" for i in range(k)])
    short = name.split()[-1]
    for i, value in enumerate(cv.folds):
        ax.text(i, i, f"test\n{short} {value:.3f}", ha="center", va="center", color=ink(BAD),
                fontsize=13)
    legend(ax, handles=[Patch(color=GOOD, label="the model trains on it"),
                        Patch(color=BAD, label="held out: the model is tested on it")],
           loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2, frameon=False)
    return fig


def threshold_cost_chart(y_true, y_score, *, rule: float, hindsight: float,
                         costs: ErrorCosts = DEFAULT_COSTS, n_resamples: int = 1000,
                         seed: int = 0):
    """The cost of errors at every threshold, with the rule's threshold, hindsight's and 0.5 marked.

    Parameters
    ----------
    y_true : array-like of int
        What happened: 1 if the loan defaulted, 0 if it was repaid.
    y_score : array-like of float
        The model's probability of default for each applicant (0..1).
    rule : float
        The threshold fixed before the test (the break-even the costs imply); the title says
        how much it saves, in US dollars on these applicants, against deciding at 0.5, with a
        95% paired bootstrap interval
        (:func:`deploydl.evaluation.resampling.paired_cost_difference`).
    hindsight : float
        The threshold that would have been cheapest on these outcomes: reported, never picked.
    costs : ErrorCosts
        The price of each kind of error.
    n_resamples, seed : int
        The bootstrap behind the title's interval (fixed seed: the same on any CPU).

    Returns
    -------
    matplotlib.figure.Figure
        The chart: cost of errors (US$ millions, axis from zero) against the threshold.
    """
    from deploydl.evaluation.metrics import outcomes, threshold_sweep
    from deploydl.evaluation.resampling import paired_cost_difference
    from deploydl.present.charts import BAD, GOOD, legend, money, new_figure

    sweep = threshold_sweep(y_true, y_score, costs=costs)
    at_half = outcomes(y_true, y_score, threshold=0.5, costs=costs)
    at_rule = outcomes(y_true, y_score, threshold=rule, costs=costs)
    at_hindsight = outcomes(y_true, y_score, threshold=hindsight, costs=costs)
    saved = paired_cost_difference(y_true, y_score, threshold_a=0.5, threshold_b=rule,
                                   costs=costs, n_resamples=n_resamples, seed=seed)

    def dollars(amount: float) -> str:  # escaped: three '$' in one title would be mathtext
        return money(round(amount, -3), unit="\\$")

    n = len(y_true)  # checked by threshold_sweep above
    fig, ax = new_figure(
        f"Deciding at the break-even {rule:.2f} instead of 0.5 cuts the cost of errors by "
        f"{dollars(saved.estimate)}\non {n:,} test applications (95% interval "
        f"{dollars(saved.low)} to {dollars(saved.high)})",
        xlabel="threshold (refer to an underwriter at this chance of default or above)",
        ylabel="cost of errors (US$ millions)")
    ax.plot(sweep["threshold"], sweep["cost"] / 1e6, color=GOOD, linewidth=3)
    ax.set_ylim(0, float(sweep["cost"].max()) / 1e6 * 1.45)  # from zero: room for the legend
    ax.axvline(rule, color="black", linestyle=":", linewidth=2,
               label=f"break-even {rule:.2f}: the rule ({money(at_rule.cost)})")
    ax.axvline(hindsight, color=BAD, linestyle="--",
               label=f"cheapest in hindsight: {hindsight:.2f} ({money(at_hindsight.cost)})")
    ax.plot([0.5], [at_half.cost / 1e6], marker="o", markersize=10, color="black",
            linestyle="none", label=f"the textbook 0.5 ({money(at_half.cost)})")
    legend(ax, loc="upper right")
    return fig


def synthetic_gap_chart(comparison, *, outcome: str = "default", close: float = 0.1):
    """How far the synthetic rows are from the real ones, column by column, as bars.

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`deploydl.models.compare_synthetic`'s table, one row per column: its "KS
        distance" (0 when real and synthetic values match, 1 when they never overlap) and, for
        ``outcome``, its "real mean" and "synthetic mean".
    outcome : str
        The yes/no column the model predicts. For it the KS distance is the gap between the two
        rates (0.07: 11% invented against 18% real), so it is drawn as its own category and
        the title and its label give both rates: judge it in points, not against ``close``.
    close : float
        The rule of thumb for the other columns: a distance above it is a real gap. Drawn as a
        line; the bars above it are coloured as bad.

    Returns
    -------
    matplotlib.figure.Figure
        The chart: one bar per column, the widest gap at the top; the title names the columns
        above ``close`` and gives the outcome's rate in the invented and the real rows.
    """
    from deploydl.present.charts import PALETTE, new_figure

    if outcome not in comparison.index:
        raise ValueError(f"comparison has no row for the outcome {outcome!r} (rows: "
                         f"{list(comparison.index)}); pass compare_synthetic(real, synthetic) "
                         "with the outcome among its columns, or name it with outcome=.")
    ks = comparison["KS distance"].sort_values()
    rate = f"{comparison.loc[outcome, 'synthetic mean']:.0%}"
    real_rate = f"{comparison.loc[outcome, 'real mean']:.0%}"
    fig, ax = new_figure(_gap_title(ks, outcome=outcome, close=close, rate=rate,
                                    real_rate=real_rate),
                         xlabel="KS distance (0 = the same values, 1 = no overlap)", ylabel="",
                         size=(9, 5.5))
    rates = PALETTE[1]
    _gap_bars(ax, ks, outcome=outcome, close=close, rates=rates,
              outcome_label=f"{ks[outcome]:.2f} = {rate} invented vs {real_rate} real")
    ax.axvline(close, color="black", linestyle="--", linewidth=2, zorder=1)
    ax.set_xlim(0, max(float(ks.max()), close) * 1.45)  # from zero: room for the labels
    _gap_legend(ax, outcome=outcome, close=close, rates=rates)
    return fig


def _gap_title(ks, *, outcome: str, close: float, rate: str, real_rate: str) -> str:
    """The finding: the columns above ``close`` (widest first) and the outcome's two rates."""
    from deploydl.present.charts import human_label

    far = [human_label(name) for name, value in ks.items()
           if value > close and name != outcome][::-1]
    gaps = (f"{' and '.join(far)}\ndiffer (above {close:g})" if far
            else f"every other column\nwithin {close:g}")
    verdict = (f"is off:\n{rate} invented vs {real_rate} real" if rate != real_rate
               else f"matches: {rate}")
    return f"Invented rows: {gaps}; the {human_label(outcome)} rate {verdict}"


def _gap_bars(ax, ks, *, outcome: str, close: float, rates: str, outcome_label: str) -> None:
    """One labelled bar per column, coloured close, a real gap, or the outcome's own colour.

    The outcome's long label starts past the ``close`` line when its bar stops short of it.
    """
    from deploydl.present.charts import BAD, GOOD, human_label, label_bars

    ax.barh([human_label(name) for name in ks.index], ks.to_numpy(),
            color=[rates if name == outcome else BAD if value > close else GOOD
                   for name, value in ks.items()])
    label_bars(ax, fmt="{:.2f}")
    for label in ax.texts:  # readable where a label crosses the line
        label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1})
    label = ax.texts[list(ks.index).index(outcome)]
    label.set_text(outcome_label)
    if ks[outcome] < close:  # the line would run through the words: start them past it
        label.xy = (close, label.xy[1])
        label.xyann = (6, label.xyann[1])


def _gap_legend(ax, *, outcome: str, close: float, rates: str) -> None:
    """The legend of the three colours, under the chart."""
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, GOOD, human_label, legend

    legend(ax, handles=[Patch(color=GOOD, label=f"close: {close:g} or less"),
                        Patch(color=BAD, label=f"a real gap: above {close:g} (dashed line)"),
                        Patch(color=rates, label=f"{human_label(outcome)} (yes/no): gap in rates")],
           loc="upper center", bbox_to_anchor=(0.4, -0.18), ncols=2, frameon=False)


def reliability_chart(y_true, scores, *, threshold: float | None = None, bins: int = 10):
    """One reliability panel per model: its scores as trained (dashed) and calibrated (solid).

    ``scores`` maps ``(model name, "as trained" | "calibrated")`` to that model's scores
    (chances of default, 0..1) on ``y_true``'s applicants (lesson 02's ``test_scores``), drawn
    in the order the models first appear. Each panel has the diagonal (perfectly calibrated),
    the break-even ``threshold`` (default :func:`deploydl.evaluation.calibration.break_even`)
    and an x axis zoomed to where that model's scores are. The title gives, from the data, the
    largest gap in percentage points between an as-trained score and the observed default rate
    in the group nearest the threshold (:func:`deploydl.evaluation.calibration.gap_near`).
    Module 02. Returns the figure.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from deploydl.evaluation.calibration import break_even, gap_near, reliability_table
    from deploydl.present.charts import course_style, legend, show_with_alt_text

    cut = break_even(DEFAULT_COSTS) if threshold is None else threshold
    models = list(dict.fromkeys(name for name, _ in scores))
    tables = {key: reliability_table(y_true, s, bins=bins) for key, s in scores.items()}
    near = max(gap_near(y_true, scores[(m, "as trained")], at=cut, bins=bins) for m in models)
    top = max(float(t["observed_rate"].max()) for t in tables.values())
    with course_style():
        fig, axes = plt.subplots(1, len(models), sharey=True, squeeze=False,
                                 figsize=(4.2 * len(models), 5.8), layout="constrained")
    for ax, name in zip(axes[0], models, strict=True):
        _reliability_panel(ax, name, tables[(name, "as trained")], tables[(name, "calibrated")],
                           cut=cut)
    axes[0][0].set_ylim(0, np.ceil(top * 10 + 0.5) / 10)
    axes[0][0].set_ylabel("default rate observed in the group", fontsize=14)
    axes[0][len(models) // 2].set_xlabel("average score in the group (chance of default)",
                                         fontsize=14)
    fig.suptitle(f"Reliability: near the break-even {cut:.2f}, every model's scores were "
                 f"within {np.ceil(near * 100):.0f} points\nof the observed default rate even "
                 "before calibrating", x=0.01, ha="left", fontsize=16, fontweight="bold")
    handles, labels = axes[0][0].get_legend_handles_labels()
    legend(fig, handles=handles, labels=labels, loc="outside lower center", ncols=len(labels),
           frameon=False)  # the figure's, under the panels: the course's text size
    show_with_alt_text()  # the notebook's PNG carries the title as its alt text
    return fig


def _reliability_panel(ax, name: str, raw, fixed, *, cut: float) -> None:
    """One model's panel: the diagonal, the break-even, as trained and calibrated, its x axis
    zoomed to the model's average scores (a tenth of margin, at most 1)."""
    import numpy as np

    from deploydl.present.charts import BAD, GOOD, NEUTRAL, TEXT_MUTED

    right = max(float(raw["mean_score"].max()), float(fixed["mean_score"].max()))
    ax.plot([0, 1], [0, 1], color=NEUTRAL, linestyle=":", label="perfectly calibrated")
    ax.axvline(cut, color=GOOD, linestyle="--", label=f"break-even {cut:.2f}")
    ax.plot(raw["mean_score"], raw["observed_rate"], marker="o", mfc="white",
            color=TEXT_MUTED, linestyle="--", label="as trained")
    ax.plot(fixed["mean_score"], fixed["observed_rate"], marker="o", color=BAD,
            label="calibrated")
    ax.set_xlim(0, min(1.0, np.ceil(right * 10 + 0.5) / 10))
    ax.set_title(name, loc="left", fontsize=14)
    ax.tick_params(labelsize=13)
    ax.grid(alpha=0.3)
