"""Fairness metrics against fairlearn, reweighing against its closed form, and mitigation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploydl.responsible import fairness

GROUPS = ("a", "b", "c", "d")


@st.composite
def decisions(draw):
    """Labels, decisions and 2-4 groups; every group has a positive and a negative label."""
    n_groups = draw(st.integers(2, 4))
    rows = []
    for group in GROUPS[:n_groups]:
        size = draw(st.integers(2, 30))
        labels = [1, 0] + draw(st.lists(st.integers(0, 1), min_size=size - 2,
                                        max_size=size - 2))
        preds = draw(st.lists(st.integers(0, 1), min_size=size, max_size=size))
        rows += [(group, y, p) for y, p in zip(labels, preds, strict=True)]
    order = draw(st.permutations(range(len(rows))))
    frame = pd.DataFrame([rows[i] for i in order], columns=["group", "y", "p"])
    return frame["y"].to_numpy(), frame["p"].to_numpy(), frame["group"]


@settings(max_examples=60, deadline=None)
@given(decisions())
def test_summary_measures_match_fairlearn(data):
    from fairlearn import metrics as fl

    y, p, g = data
    kw = {"sensitive_features": g}
    dp_ratio = fl.demographic_parity_ratio(y, p, **kw)
    assert fairness.demographic_parity_difference(y, p, g) == pytest.approx(
        fl.demographic_parity_difference(y, p, **kw), abs=1e-9)
    if not np.isnan(dp_ratio):
        assert fairness.demographic_parity_ratio(y, p, g) == pytest.approx(dp_ratio, abs=1e-9)
    assert fairness.equal_opportunity_difference(y, p, g) == pytest.approx(
        fl.equal_opportunity_difference(y, p, **kw), abs=1e-9)
    assert fairness.equalized_odds_difference(y, p, g) == pytest.approx(
        fl.equalized_odds_difference(y, p, **kw), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(decisions())
def test_rates_by_group_match_fairlearn_metricframe(data):
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    y, p, g = data
    frame = MetricFrame(metrics={"selection_rate": selection_rate,
                                 "true_positive_rate": true_positive_rate,
                                 "false_positive_rate": false_positive_rate,
                                 "accuracy": accuracy_score},
                        y_true=y, y_pred=p, sensitive_features=g).by_group
    ours = fairness.rates_by_group(y, p, g)
    for column in frame.columns:
        np.testing.assert_allclose(ours[column].to_numpy(), frame[column].to_numpy(),
                                   atol=1e-9)
    precision = fairness.metric_by_group(precision_score, y, p, g, zero_division=np.nan)
    np.testing.assert_allclose(ours["precision"].to_numpy(), precision.to_numpy(), atol=1e-9)


def test_four_fifths_flag():
    y = np.array([1, 1, 1, 1, 0] * 2)
    groups = ["a"] * 5 + ["b"] * 5
    low = fairness.fairness_summary(y, [1, 1, 1, 0, 0, 1, 1, 1, 1, 1], groups)
    assert low["demographic_parity_ratio"] == pytest.approx(0.6)
    assert low["passes_four_fifths"] is False
    high = fairness.fairness_summary(y, [1, 1, 1, 1, 0, 1, 1, 1, 1, 1], groups)
    assert high["passes_four_fifths"] is True


@settings(max_examples=40, deadline=None)
@given(decisions(), st.floats(0, 1))
def test_reweighing_matches_closed_form(data, strength):
    y, _, g = data
    weights = fairness.reweighing_weights(g, y, strength=strength)
    for i in range(len(y)):
        in_group, same_label = (g == g.iloc[i]).to_numpy(), y == y[i]
        full = in_group.mean() * same_label.mean() / (in_group & same_label).mean()
        assert weights[i] == pytest.approx(1 + strength * (full - 1), abs=1e-9)
    # At full strength the weighted label rate is the same in every group.
    full = fairness.reweighing_weights(g, y)
    rates = [np.average(y[(g == k).to_numpy()], weights=full[(g == k).to_numpy()])
             for k in g.unique()]
    np.testing.assert_allclose(rates, y.mean(), atol=1e-9)


def test_parity_thresholds_equalise_selection_rates():
    rng = np.random.default_rng(0)
    groups = pd.Series(np.repeat(["x", "y"], 500))
    scores = rng.random(1000) + np.where(groups == "x", 0.2, 0.0)
    none = fairness.parity_thresholds(scores, groups, threshold=0.7, strength=0.0)
    assert none == {"x": 0.7, "y": 0.7}
    cuts = fairness.parity_thresholds(scores, groups, threshold=0.7)
    chosen = fairness.apply_thresholds(scores, groups, cuts)
    assert fairness.demographic_parity_difference(np.ones(1000), chosen, groups) < 0.01
    assert chosen.mean() == pytest.approx((scores >= 0.7).mean(), abs=0.01)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: fairness.rates_by_group([1, 0, 1], [1, 0], ["a", "b", "a"]),
     r"same length; got \{'y_true': 3, 'y_pred': 2, 'groups': 3\}"),
    (lambda: fairness.demographic_parity_ratio([1, 0], [1, 0], ["a", "a"]),
     r"only 1 group is present \(\['a'\]\)"),
    (lambda: fairness.rates_by_group([1, 0], [1, 0], pd.Categorical(["a", "b"], ["a", "b", "c"])),
     r"Group\(s\) \['c'\] have no members"),
    (lambda: fairness.rates_by_group([1, 2], [1, 0], ["a", "b"]),
     r"y_true must hold only 0 and 1; got values \[2\]"),
    (lambda: fairness.equal_opportunity_difference([0, 0, 1], [1, 0, 1], ["a", "a", "b"]),
     r"true-positive rate is undefined for group\(s\) \['a'\]"),
    (lambda: fairness.reweighing_weights(["a", "a", "b", "b"], [1, 1, 0, 1]),
     r"Group 'a' has nobody with label 0"),
    (lambda: fairness.parity_thresholds([0.5, 0.6], ["a", "b"], threshold=0.5, strength=2),
     r"strength must be between 0 \(no mitigation\) and 1 \(full\); got 2"),
    (lambda: fairness.apply_thresholds([0.5, 0.6], ["a", "b"], {"a": 0.5}),
     r"No threshold for group\(s\) \['b'\]"),
    (lambda: fairness.metric_by_group(len, [1], [1, 0], ["a", "b"]), "same length"),
])
def test_bad_input_gets_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_mitigation_halves_parity_gap_for_at_most_three_points(capsys):
    """Acceptance: default strength cuts the parity gap by >= half for <= 3 points of accuracy."""
    from deploydl.responsible.mitigation import case_study, mitigation_effect

    effect = mitigation_effect(case_study())
    with capsys.disabled():
        print(f"\nparity gap {effect['parity_difference_before']:.4f} -> "
              f"{effect['parity_difference_after']:.4f}; accuracy "
              f"{effect['accuracy_before']:.4f} -> {effect['accuracy_after']:.4f}")
    assert effect["parity_difference_after"] <= 0.5 * effect["parity_difference_before"]
    assert effect["accuracy_before"] - effect["accuracy_after"] <= 0.03


def test_tradeoff_curve_runs_from_none_to_full():
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.responsible.mitigation import APPROVAL_THRESHOLD, case_study

    study = case_study()
    test, valid = study.test, study.valid
    curve = fairness.tradeoff_curve(
        1 - test[LABEL], study.approval_score(test), test[PROTECTED_ATTRIBUTE],
        threshold=APPROVAL_THRESHOLD, strengths=(0.0, 0.5, 1.0),
        fitted_on=(study.approval_score(valid), valid[PROTECTED_ATTRIBUTE]))
    gaps = curve["demographic_parity_difference"].to_numpy()
    assert list(curve["strength"]) == [0.0, 0.5, 1.0]
    assert gaps[0] > gaps[1] > gaps[2]


def test_selection_rates_need_no_labels_and_match_the_full_table():
    y = np.array([1, 0, 1, 0, 1, 1])
    p = np.array([1, 1, 0, 0, 1, 0])
    g = ["a", "a", "a", "b", "b", "b"]
    rates = fairness.selection_rates(p, g)
    assert rates.to_dict() == fairness.rates_by_group(y, p, g)["selection_rate"].to_dict()
    with pytest.raises(ValueError, match="only 1 group"):
        fairness.selection_rates([1, 0], ["a", "a"])


def test_selection_ratio_is_the_one_approval_ratio_and_needs_no_labels():
    y = np.array([1, 0, 1, 0, 1, 1])
    p = np.array([1, 1, 0, 0, 1, 0])
    g = ["a", "a", "a", "b", "b", "b"]
    assert fairness.selection_ratio(p, g) == pytest.approx(0.5)
    assert fairness.selection_ratio(p, g) == fairness.demographic_parity_ratio(y, p, g)
    assert np.isnan(fairness.selection_ratio(np.zeros(6, dtype=int), g))  # nobody selected


def test_selection_ratios_are_selection_ratio_row_by_row():
    """The fairness sweep's ratio at each threshold, counted at once: the same numbers as
    selection_ratio on each row, NaN where a row selects nobody, the same checks."""
    rng = np.random.default_rng(4)
    groups = pd.Series(rng.choice(["18-25", "26-40", "65+"], 400), index=range(100, 500))
    rows = (rng.random((6, 400)) < np.linspace(0, 0.9, 6)[:, None]).astype(int)
    rows[0] = 0  # nobody selected
    got = fairness.selection_ratios(rows, groups)
    assert np.isnan(got[0])
    assert got[1:].tolist() == [fairness.selection_ratio(r, groups) for r in rows[1:]]
    with pytest.raises(ValueError, match="same length; got 399 and 400"):
        fairness.selection_ratios(rows[:, 1:], groups)
    with pytest.raises(ValueError, match="only 0 and 1"):
        fairness.selection_ratios(rows * 2, groups)
    with pytest.raises(ValueError, match="only 1 group"):
        fairness.selection_ratios(rows, ["a"] * 400)


def _applicants(rng, sizes=(346, 1000), rates=(0.68, 0.84)):
    groups = np.repeat(["under_30", "over_30"], sizes)
    chance = np.repeat(rates, sizes)
    return (rng.random(len(groups)) < chance).astype(int), groups


def test_selection_ratio_range_brackets_the_ratio_and_is_the_same_every_run():
    approved, groups = _applicants(np.random.default_rng(0))
    low, high = fairness.selection_ratio_range(approved, groups)
    assert low < fairness.selection_ratio(approved, groups) < high
    assert (low, high) == fairness.selection_ratio_range(approved, groups)  # fixed seed
    assert 0.05 < high - low < 0.2  # ~350 young applicants: several points either way
    bigger = fairness.selection_ratio_range(np.tile(approved, 10), np.tile(groups, 10))
    assert bigger[1] - bigger[0] < (high - low) / 2  # ten times the applicants: narrower
    assert np.isnan(fairness.selection_ratio_range(np.zeros(4, dtype=int), ["a", "b"] * 2)).all()
    with pytest.raises(ValueError, match="confidence"):
        fairness.selection_ratio_range(approved, groups, confidence=95)


def test_selection_ratio_range_matches_resampling_the_applicants():
    """Drawing each group's approvals as binomial counts is resampling people within groups."""
    rng = np.random.default_rng(1)
    approved, groups = _applicants(rng)
    ratios = []
    for _ in range(2000):
        picks = np.concatenate([rng.choice(np.flatnonzero(groups == g), (groups == g).sum())
                                for g in ("under_30", "over_30")])
        ratios.append(fairness.selection_ratio(approved[picks], groups[picks]))
    by_people = np.percentile(ratios, [2.5, 97.5])
    assert fairness.selection_ratio_range(approved, groups) == pytest.approx(by_people, abs=0.01)


def test_selection_ratio_range_contains_the_true_ratio_about_95_times_in_100():
    rng = np.random.default_rng(2)
    true_ratio = 0.68 / 0.84
    hits = [low <= true_ratio <= high for low, high in
            (fairness.selection_ratio_range(*_applicants(rng), resamples=1000)
             for _ in range(200))]
    assert 0.9 <= np.mean(hits) <= 0.99
