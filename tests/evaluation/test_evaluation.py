import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from deploydl.evaluation import metrics as ev


@st.composite
def labels_and_scores(draw):
    n = draw(st.integers(min_value=2, max_value=200))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y[0], y[1] = 0, 1  # both classes present
    # Few distinct values, so ties in the scores are common (the hard case for ROC AUC).
    scores = np.array(draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.7, 0.9, 1.0])
                                    | st.floats(0, 1), min_size=n, max_size=n)))
    threshold = draw(st.sampled_from([0.05, 0.3, 0.5, 0.8]))
    return y, scores, threshold


@settings(max_examples=200, deadline=None)
@given(labels_and_scores())
def test_metrics_match_scikit_learn(case):
    y, s, t = case
    p = (s >= t).astype(int)
    assert ev.accuracy(y, p) == pytest.approx(skm.accuracy_score(y, p), abs=1e-12)
    assert ev.precision(y, p) == pytest.approx(skm.precision_score(y, p, zero_division=0),
                                               abs=1e-12)
    assert ev.recall(y, p) == pytest.approx(skm.recall_score(y, p), abs=1e-12)
    assert ev.f1(y, p) == pytest.approx(skm.f1_score(y, p, zero_division=0), abs=1e-12)
    assert ev.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    card = ev.scorecard(y, s, threshold=t)
    assert card["f1"] == pytest.approx(skm.f1_score(y, p, zero_division=0), abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(labels_and_scores())
def test_business_confusion_matches_scikit_learn(case):
    y, s, t = case
    out = ev.outcomes(y, s, threshold=t)
    tn, fp, fn, tp = skm.confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel()
    assert (out.good_approved, out.good_turned_away, out.bad_approved, out.bad_referred) == (
        tn, fp, fn, tp)
    assert out.cost == fn * 8_000 + fp * 2_000


def test_the_confusion_matrix_says_the_model_refers_and_never_declines():
    """The model approves or refers to an underwriter (Modules 02 and 03); a score at the
    threshold is referred."""
    table = ev.outcomes(np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.5, 0.3]),
                        threshold=0.5).table()
    assert list(table.columns) == ["approved", "referred to an underwriter"]
    assert table.to_dict("index") == {
        "repaid (good customer)": {"approved": 1, "referred to an underwriter": 1},
        "defaulted (bad loan)": {"approved": 1, "referred to an underwriter": 1}}


@pytest.mark.parametrize(("y", "s", "message"), [
    ([0, 1, 1], [0.2, 0.4], "y_true has 3 labels but y_score has 2 values"),
    ([1, 1, 1], [0.2, 0.4, 0.9], r"single class \(1\)"),
    ([0, 1, 1], [0.2, np.nan, 0.9], "1 non-finite values"),
    ([0, 1, 1], [0.2, np.inf, -np.inf], "2 non-finite values"),
    ([0, 1, 2], [0.2, 0.4, 0.9], "must hold 0 .repaid. and 1 .defaulted."),
])
def test_bad_input_is_named(y, s, message):
    with pytest.raises(ValueError, match=message):
        ev.roc_auc(y, s)
    with pytest.raises(ValueError, match=message):
        ev.threshold_sweep(y, s)


def test_decisions_must_be_zero_or_one():
    with pytest.raises(ValueError, match=r"y_pred must hold decisions 0/1; got values such as 0.4"):
        ev.accuracy([0, 1], [0.4, 1])
    with pytest.raises(ValueError, match="Unknown metric 'auc'"):
        ev.score([0, 1], [0.4, 1], metric="auc")


def test_threshold_sweep_finds_the_cheapest_threshold():
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.2).astype(int)
    s = np.clip(0.2 + 0.3 * y + rng.normal(0, 0.15, 2000), 0, 1)
    sweep = ev.threshold_sweep(y, s)
    best = ev.cost_minimising_threshold(y, s)
    assert sweep["cost"].min() == ev.outcomes(y, s, threshold=best).cost
    assert sweep["approved"].is_monotonic_increasing
    # Cheaper good-customer errors push the threshold down (decline more).
    cheap = ev.ErrorCosts(bad_loan_approved=8_000, good_customer_turned_away=200)
    assert ev.cost_minimising_threshold(y, s, costs=cheap) < best


def test_bootstrap_interval_covers_the_truth_at_about_the_nominal_rate():
    # Known case: each decision is right with probability 0.8, so true accuracy is 0.8.
    rng = np.random.default_rng(1)
    trials, covered = 200, 0
    for _ in range(trials):
        y = (rng.random(300) < 0.3).astype(int)
        right = rng.random(300) < 0.8
        pred = np.where(right, y, 1 - y)
        ci = ev.bootstrap_ci(y, pred, metric="accuracy", n_resamples=300,
                             seed=int(rng.integers(1 << 30)))
        covered += ci.low <= 0.8 <= ci.high
    assert 0.88 <= covered / trials <= 0.99


def test_bootstrap_interval_brackets_the_estimate():
    rng = np.random.default_rng(2)
    y = (rng.random(400) < 0.3).astype(int)
    s = np.clip(0.3 + 0.2 * y + rng.normal(0, 0.2, 400), 0, 1)
    ci = ev.bootstrap_ci(y, s, n_resamples=200)
    assert ci.low < ci.estimate < ci.high and ci.estimate == ev.roc_auc(y, s)
    assert "95% CI" in str(ci)
    with pytest.raises(ValueError, match="level must be between 0 and 1; got 95"):
        ev.bootstrap_ci(y, s, level=95)


def test_cross_validation_and_comparison_table(applicants):
    from deploydl.models import train_baseline_model

    cv = ev.cross_validate(train_baseline_model, applicants, k=3)
    assert len(cv.folds) == 3 and 0.6 < cv.mean < 0.9 and cv.std >= 0
    assert cv.mean == pytest.approx(np.mean(cv.folds))
    table = ev.compare_models({"baseline": train_baseline_model(applicants)}, applicants)
    assert list(table.columns) == [*ev.METRICS, "cost", "hindsight_threshold", "hindsight_cost"]
    assert table.loc["baseline", "hindsight_cost"] <= table.loc["baseline", "cost"]
    shown = ev.comparison_for_people(table.assign(cost=2_440_000.0, roc_auc=0.76449))
    assert shown.index.name == "model" and list(shown.columns) == [
        "accuracy", "precision", "recall", "F1", "ROC AUC", "cost at 0.5", "hindsight_threshold",
        "hindsight_cost"]
    assert shown.loc["baseline", ["ROC AUC", "cost at 0.5"]].tolist() == ["0.764", "USD 2.4M"]
    assert shown.loc["baseline", "recall"] == f"{table.round(3).loc['baseline', 'recall']:.3f}"
    assert ev.comparison_for_people(table.assign(accuracy=0.8385))["accuracy"].tolist() == [
        "0.838"]  # as the lesson's other tables round it


def test_accuracy_paradox():
    y = np.array([0] * 90 + [1] * 10)
    s = np.r_[np.full(85, 0.1), np.full(5, 0.9), np.full(10, 0.9)]
    table = ev.accuracy_paradox(y, s)
    assert table.loc["approve everyone", "accuracy"] == 0.9
    assert table.loc["approve everyone", "recall"] == 0.0
    assert table.loc["the model", "accuracy"] < 0.96
    assert table.loc["the model", "cost"] < table.loc["approve everyone", "cost"]


def test_calibration_finds_and_fixes_miscalibrated_scores(applicants):
    from deploydl.data import make_applicants
    from deploydl.evaluation.calibration import (
        break_even,
        calibrate,
        calibration_error,
        reliability_table,
    )
    from deploydl.models import train_baseline_model

    class Overconfident:  # ranks like the baseline, but every score is pushed up
        def __init__(self, model):
            self.model = model

        def predict_proba(self, table):
            return self.model.predict_proba(table) ** 0.5

    skewed = Overconfident(train_baseline_model(applicants))
    test = make_applicants(1500, seed=7)
    before = calibration_error(test["default"], skewed.predict_proba(test))
    fixed = calibrate(skewed, make_applicants(1500, seed=8))
    after = calibration_error(test["default"], fixed.predict_proba(test))
    assert before > 0.1 and after < 0.05
    assert reliability_table(test["default"], fixed.predict_proba(test))["count"].sum() == 1500
    assert break_even() == pytest.approx(0.2)
    with pytest.raises(ValueError, match="bins must be between 2"):
        reliability_table([0, 1], [0.1, 0.9], bins=5)


def test_gap_near_reads_the_reliability_group_nearest_the_threshold():
    from deploydl.evaluation.calibration import gap_near

    # two groups of four: mean scores 0.1 and 0.6, observed rates 0.25 and 0.5
    y = [0, 0, 0, 1, 0, 1, 0, 1]
    s = [0.05, 0.1, 0.1, 0.15, 0.55, 0.6, 0.6, 0.65]
    assert gap_near(y, s, at=0.2, bins=2) == pytest.approx(0.15)
    assert gap_near(y, s, at=0.5, bins=2) == pytest.approx(0.1)


def test_one_cost_of_errors_formula_prices_outcomes_and_the_fairness_explorer():
    """ErrorCosts.cost is the formula; Outcomes and the fairness explorer give the same dollars."""
    from deploydl.responsible.fairness_widget import policy_outcome

    costs = ev.ErrorCosts(bad_loan_approved=10.0, good_customer_turned_away=3.0)
    assert costs.cost(bad_approved=2, good_turned_away=5) == 35.0
    repaid = np.array([1, 1, 0, 0, 1, 0])
    scores = np.array([0.9, 0.2, 0.8, 0.1, 0.7, 0.3])
    groups = np.array(["a", "b", "a", "b", "a", "b"])
    # approve when the approval score reaches 0.5: approved = [1, 0, 1, 0, 1, 0]
    out = policy_outcome(repaid, scores, groups, {"a": 0.5, "b": 0.5}, costs=costs)
    assert out["cost_per_1000"] == pytest.approx(costs.cost(bad_approved=1, good_turned_away=1)
                                                 / 6 * 1000)
    o = ev.outcomes(1 - repaid, 1 - scores, threshold=0.5, costs=costs)
    assert o.cost == costs.cost(bad_approved=o.bad_approved, good_turned_away=o.good_turned_away)


def test_bootstrap_interval_is_the_middle_share_of_the_class_by_class_resamples():
    """The ends are the 2.5% and 97.5% quantiles (5% and 95% for a 90% interval) of ROC AUC on
    resamples drawn with replacement within each class, from the same seed: equal tails, not
    a lopsided range (recomputed here with numpy and scikit-learn)."""
    rng = np.random.default_rng(4)
    y = (rng.random(120) < 0.3).astype(int)
    s = np.clip(0.3 + 0.2 * y + rng.normal(0, 0.2, 120), 0, 1)
    draws = np.random.default_rng(9)
    groups = [np.flatnonzero(y == 0), np.flatnonzero(y == 1)]
    aucs = []
    for _ in range(200):
        idx = np.concatenate([draws.choice(g, len(g)) for g in groups])
        aucs.append(skm.roc_auc_score(y[idx], s[idx]))
    for level, tails in ((0.95, [0.025, 0.975]), (0.9, [0.05, 0.95])):
        ci = ev.bootstrap_ci(y, s, n_resamples=200, level=level, seed=9)
        assert [ci.low, ci.high] == pytest.approx(np.quantile(aucs, tails), abs=1e-12)


def test_threshold_sweep_columns_on_a_hand_worked_example():
    """Five applicants, two defaults; at 0.5 three are approved (scores below 0.5), one of
    them a default: 60% approved, a bad rate of 1 in 3 among the approved loans."""
    y = np.array([0, 0, 0, 1, 1])
    s = np.array([0.1, 0.2, 0.6, 0.3, 0.8])
    sweep = ev.threshold_sweep(y, s, thresholds=[0.05, 0.5, 0.9]).set_index("threshold")
    assert sweep.loc[0.5, "approved"] == pytest.approx(3 / 5)  # 2 good + 1 bad approved
    assert sweep.loc[0.5, "bad_rate_approved"] == pytest.approx(1 / 3)
    assert (sweep.loc[0.5, "bad_loans_approved"], sweep.loc[0.5, "good_customers_turned_away"]
            ) == (1, 1)
    assert sweep.loc[0.5, "cost"] == 8_000 + 2_000
    assert sweep.loc[0.05, "approved"] == 0.0 and sweep.loc[0.05, "bad_rate_approved"] == 0.0
    assert sweep.loc[0.9, "approved"] == 1.0
    assert sweep.loc[0.9, "bad_rate_approved"] == pytest.approx(2 / 5)


def test_compare_models_hindsight_is_the_cheapest_threshold_on_these_applicants():
    """hindsight_cost is the lowest cost over 0.01..0.99 (recomputed here from the counts),
    at the lowest threshold that reaches it; cost stays at the threshold asked for."""
    import pandas as pd

    rng = np.random.default_rng(5)
    y = (rng.random(300) < 0.2).astype(int)
    s = np.clip(0.15 + 0.3 * y + rng.normal(0, 0.15, 300), 0, 1)

    class Fixed:
        def predict_proba(self, table):
            return s

    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    costs = [8_000 * np.sum((s < t) & (y == 1)) + 2_000 * np.sum((s >= t) & (y == 0))
             for t in grid]
    row = ev.compare_models({"fixed": Fixed()}, pd.DataFrame({"default": y}),
                            threshold=0.5).loc["fixed"]
    assert row["hindsight_cost"] == min(costs) < row["cost"]
    assert row["hindsight_threshold"] == grid[int(np.argmin(costs))]
    assert row["cost"] == costs[49]  # the 0.5 asked for


def test_bootstrap_ci_refuses_too_few_resamples_with_a_message():
    """n_resamples=0 raised a bare IndexError from the quantile of nothing (a review's)."""
    with pytest.raises(ValueError, match="n_resamples must be at least 100"):
        ev.bootstrap_ci([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8], n_resamples=0)
