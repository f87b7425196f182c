"""The Module 03 widget, driven without a browser."""

from __future__ import annotations

import numpy as np
import pytest
from widget_checks import assert_sliders_named

from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.responsible.fairness_widget import FairnessExplorer, policy_outcome


def test_policy_outcome_counts_cost_and_accuracy():
    repaid = np.array([1, 1, 0, 0])
    outcome = policy_outcome(repaid, [0.9, 0.1, 0.9, 0.1], ["a", "a", "b", "b"],
                             {"a": 0.5, "b": 0.5}, costs=ErrorCosts(7000, 3000))
    assert outcome["approval_rates"] == {"a": 0.5, "b": 0.5}
    assert outcome["accuracy"] == 0.5
    assert outcome["cost_per_1000"] == pytest.approx((7000 + 3000) / 4 * 1000)
    default = policy_outcome(repaid, [0.9, 0.1, 0.9, 0.1], ["a", "a", "b", "b"],
                             {"a": 0.5, "b": 0.5})
    assert default["cost_per_1000"] == pytest.approx(
        (DEFAULT_COSTS.bad_loan_approved + DEFAULT_COSTS.good_customer_turned_away) / 4 * 1000)
    assert outcome["passes_four_fifths"] is True


def test_a_ratio_of_exactly_four_fifths_passes():
    """Group b approves 4 of 5, group a all 5: a ratio of 0.8, which the rule does not flag."""
    outcome = policy_outcome(np.ones(10, dtype=int), [0.9] * 9 + [0.1], ["a"] * 5 + ["b"] * 5,
                             {"a": 0.5, "b": 0.5})
    assert outcome["parity_ratio"] == pytest.approx(0.8)
    assert outcome["passes_four_fifths"] is True


def test_moving_the_strength_slider_moves_everything_together():
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.responsible.mitigation import case_study

    study = case_study()
    test, valid = study.test, study.valid
    explorer = FairnessExplorer(1 - test[LABEL].to_numpy(), study.approval_score(test),
                                test[PROTECTED_ATTRIBUTE], study.approval_score(valid),
                                valid[PROTECTED_ATTRIBUTE])
    before = explorer.outcome
    assert explorer.refer_above.value == pytest.approx(0.2)  # break-even of the course's costs
    assert "chance of default" in explorer.refer_above.description  # the glossary's threshold
    assert "falls below the four-fifths screen" in explorer.panel.value
    assert explorer.thresholds["over_50"] == pytest.approx(0.8)  # no mitigation: one bar
    explorer.strength.value = 1.0
    after, bars = explorer.outcome, dict(explorer.thresholds)
    assert explorer.thresholds["over_50"] > 0.8  # the bar the outcome was computed with
    assert after["parity_ratio"] > 0.9 > before["parity_ratio"]
    assert after["accuracy"] < before["accuracy"]
    assert after["approval_rates"]["under_30"] > before["approval_rates"]["under_30"]
    assert "clears the four-fifths screen" in explorer.panel.value
    explorer.refer_above.value = 0.15  # stricter: refer at a lower chance of default
    assert explorer.thresholds["over_50"] > bars["over_50"]  # approval bars: 1 minus the point
    assert explorer.outcome["approval_rates"]["under_30"] < after["approval_rates"]["under_30"]
    assert len(explorer.widget().children) == 3
    assert_sliders_named(explorer.widget(), sliders=2)


def test_policy_outcome_prices_the_true_outcomes_too():
    recorded = np.array([1, 0, 0, 0])  # the record marks a repayer as a defaulter
    truth = np.array([1, 1, 0, 0])
    outcome = policy_outcome(recorded, [0.9, 0.9, 0.1, 0.1], ["a", "a", "b", "b"],
                             {"a": 0.5, "b": 0.5}, costs=ErrorCosts(7000, 3000),
                             true_repaid=truth)
    assert outcome["cost_per_1000"] == pytest.approx(7000 / 4 * 1000)
    assert outcome["true_cost_per_1000"] == 0
    assert outcome["true_accuracy"] == 1.0
    assert "true_cost_per_1000" not in policy_outcome(recorded, [0.9] * 4, ["a", "a", "b", "b"],
                                                      {"a": 0.5, "b": 0.5})
