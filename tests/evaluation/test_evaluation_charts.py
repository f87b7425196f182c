"""Module 02's charts: cross-validation's folds, and the cost of errors by threshold."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from deploydl.evaluation.charts import (
    cross_validation_chart,
    reliability_chart,
    synthetic_gap_chart,
    threshold_cost_chart,
)
from deploydl.evaluation.metrics import CVResult, ErrorCosts


def test_cross_validation_chart_has_a_legend_and_one_test_cell_per_round():
    cv = CVResult(metric="roc_auc", folds=(0.7, 0.72, 0.74), mean=0.72, std=0.016)
    fig = cross_validation_chart(cv, model="baseline")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "the model trains on it", "held out: the model is tested on it"]
    assert [t.get_text() for t in ax.texts] == ["test\nAUC 0.700", "test\nAUC 0.720",
                                                "test\nAUC 0.740"]
    assert ax.get_title(loc="left") == "Each fold is tested once: baseline ROC AUC 0.720 ± 0.016"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["fold 1", "fold 2", "fold 3"]
    plt.close(fig)


def test_threshold_cost_chart_prices_the_rule_against_a_half_and_labels_each_mark():
    y = np.array([1, 0, 0, 0])
    scores = np.array([0.3, 0.25, 0.1, 0.05])
    costs = ErrorCosts(bad_loan_approved=8_000, good_customer_turned_away=2_000)
    # at 0.5 the bad loan is approved (8,000); at 0.28 it is declined and nobody good is
    fig = threshold_cost_chart(y, scores, rule=0.28, hindsight=0.26, costs=costs)
    ax = fig.axes[0]
    title = ax.get_title(loc="left")
    assert title.startswith("Deciding at the break-even 0.28 instead of 0.5 cuts the cost of "
                            "errors by \\$8,000\non 4 test applications (95% interval \\$")
    assert title.count("$") == title.count("\\$") == 3, "every dollar escaped from mathtext"
    assert [line.get_xdata()[0] for line in ax.lines[1:]] == [0.28, 0.26, 0.5]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "break-even 0.28: the rule ($0)", "cheapest in hindsight: 0.26 ($0)",
        "the textbook 0.5 ($8,000)"]
    assert ax.get_ylim()[0] == 0, "the cost axis starts at zero"
    assert "refer" in ax.get_xlabel() and "decline" not in ax.get_xlabel()  # the lesson's word
    plt.close(fig)


def _comparison(ks: dict[str, float], *, rates: tuple[float, float] = (0.18, 0.11)):
    """A compare_synthetic-like table: the KS distances, and the default rate, real then
    invented."""
    table = pd.DataFrame({"KS distance": ks, "real mean": 0.5, "synthetic mean": 0.5})
    table.loc["default", ["real mean", "synthetic mean"]] = rates
    return table


def test_synthetic_gap_chart_names_the_columns_above_the_line_and_the_outcome_rates():
    fig = synthetic_gap_chart(_comparison({"income": 0.04, "home_owner": 0.15,
                                           "employment_years": 0.13, "loan_amount": 0.096,
                                           "default": 0.07}))
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == ("Invented rows: home owner and employment (years)\n"
                                        "differ (above 0.1); the default rate is off:\n"
                                        "11% invented vs 18% real")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "income", "default", "loan amount", "employment (years)", "home owner"]  # widest on top
    assert [line.get_xdata()[0] for line in ax.lines] == [0.1]
    assert [t.get_text() for t in ax.texts] == ["0.04", "0.07 = 11% invented vs 18% real",
                                                "0.10", "0.13", "0.15"]
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours[1] not in (colours[0], colours[-1]), "the yes/no outcome: its own category"
    assert ax.get_xlim()[0] == 0, "the distance axis starts at zero"
    plt.close(fig)


def test_synthetic_gap_chart_keeps_the_rates_label_off_the_dashed_line():
    fig = synthetic_gap_chart(_comparison({"income": 0.04, "home_owner": 0.15,
                                           "default": 0.07}))
    fig.canvas.draw()
    ax = fig.axes[0]
    line_x = ax.transData.transform((0.1, 0))[0]
    label = ax.texts[1].get_window_extent()
    assert label.x0 > line_x, "the outcome's label starts past the 0.1 line, not across it"
    plt.close(fig)


def test_synthetic_gap_chart_says_when_every_column_is_close_and_refuses_no_outcome():
    fig = synthetic_gap_chart(_comparison({"income": 0.04, "default": 0.004},
                                          rates=(0.184, 0.18)))
    assert fig.axes[0].get_title(loc="left") == ("Invented rows: every other column\nwithin "
                                                 "0.1; the default rate matches: 18%")
    plt.close(fig)
    with pytest.raises(ValueError, match="no row for the outcome 'default'"):
        synthetic_gap_chart(pd.DataFrame({"KS distance": {"income": 0.04}}))


def test_reliability_chart_draws_one_panel_per_model_baseline_included():
    """Lesson 02's plot drew four series over one another below 0.35 and left the baseline
    out (an executive reader's): now a panel per model, zoomed to its scores."""
    rng = np.random.default_rng(0)
    p = rng.uniform(0.02, 0.5, 2000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    scores = {(name, label): p * (1.3 if label == "as trained" else 1.0)
              for name in ("logistic baseline", "neural network")
              for label in ("as trained", "calibrated")}
    fig = reliability_chart(y, scores)
    assert [ax.get_title("left") for ax in fig.axes] == ["logistic baseline", "neural network"]
    for ax in fig.axes:  # the diagonal, the break-even, then the two series
        assert [line.get_label() for line in ax.lines][2:] == ["as trained", "calibrated"]
        assert ax.get_xlim()[1] <= 0.8  # zoomed to the scores (at most 0.65 here)
    assert "near the break-even 0.20" in fig.get_suptitle()
    plt.close(fig)
