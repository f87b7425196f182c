"""Drift tests (Module 06): scipy cross-checks, false alarms, detection of each scenario."""

import json
import math

import matplotlib.colors
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from deploydl.data import DRIFT_SCENARIOS, FEATURES, make_applicants
from deploydl.monitoring.alarm_days import (
    STORED_ALARM_MONTHS,
    alarm_days_by_month,
    alarm_spread,
    chance_first,
    daily_monitor,
    first_alarm,
    first_alarm_report,
    later_months,
    store_alarm_days,
    stored_alarm_days,
)
from deploydl.monitoring.drift import (
    adjust_p_values,
    chi2_test,
    contingency_table,
    drift_report,
    feature_kind,
    jensen_shannon,
    ks_test,
    psi,
    wasserstein,
)
from deploydl.monitoring.drift_cost import costlier_months
from deploydl.monitoring.traffic import simulate_clean_and_drifted, simulate_traffic


@pytest.fixture(scope="module")
def reference():
    return make_applicants(5000, seed=0)


def test_ks_matches_scipy(reference):
    current = make_applicants(300, seed=5)["income"] * 1.05
    expected = stats.ks_2samp(reference["income"], current)
    assert ks_test(reference["income"], current) == pytest.approx(
        (expected.statistic, expected.pvalue), rel=1e-12)


@pytest.mark.parametrize("column", ["region", "home_owner", "late_payments"])
def test_chi2_matches_scipy_on_the_same_table(reference, column):
    current = make_applicants(400, seed=9)[column]
    table = contingency_table(reference[column], current)
    expected = stats.chi2_contingency(table, correction=False)
    assert chi2_test(reference[column], current) == pytest.approx(
        (expected.statistic, expected.pvalue), rel=1e-12)


def test_chi2_sees_a_category_the_reference_never_had():
    statistic, p_value = chi2_test(["north"] * 500 + ["south"] * 500,
                                   ["north"] * 40 + ["south"] * 40 + ["central"] * 40)
    assert p_value < 1e-6 and statistic > 50


def test_distances_and_psi_are_zero_on_identical_data_and_grow_with_shift(reference):
    income = reference["income"]
    assert wasserstein(income, income) == 0 and psi(income, income) == pytest.approx(0)
    assert jensen_shannon(reference["region"], reference["region"]) == pytest.approx(0)
    assert wasserstein(income, income * 1.15) > 0.2
    assert psi(income, income * 1.3) > 0.25


def test_psi_matches_a_hand_computed_example():
    """0..99 cut at its quartiles (24.75, 49.5, 74.25): 25% in each bin. The current sample
    puts 10%, 20%, 30% and 40% there, so PSI = sum (cur - ref) ln(cur / ref)."""
    reference = np.arange(100)
    current = np.repeat([0, 30, 60, 90], [10, 20, 30, 40])
    by_hand = ((0.10 - 0.25) * math.log(0.10 / 0.25) + (0.20 - 0.25) * math.log(0.20 / 0.25)
               + (0.30 - 0.25) * math.log(0.30 / 0.25) + (0.40 - 0.25) * math.log(0.40 / 0.25))
    assert by_hand == pytest.approx(0.2282, abs=1e-4)
    assert psi(reference, current, bins=4) == pytest.approx(by_hand, rel=1e-12)
    # Deciles by default: ten values in each tenth of 0..99, then all of them in the top one.
    tenths = 9 * (0.0001 - 0.1) * math.log(0.0001 / 0.1) + (1 - 0.1) * math.log(1 / 0.1)
    assert psi(reference, np.full(50, 99)) == pytest.approx(tenths, rel=1e-12)


def test_the_data_set_drifts_from_a_quarter_of_the_features_drifting():
    """With four features, one that drifts is a quarter: the data-set alarm (at least 25%)
    sounds; with eight, one is not enough and two are."""
    rng = np.random.default_rng(0)
    reference = pd.DataFrame(rng.normal(size=(1000, 8)), columns=[f"f{i}" for i in range(8)])

    def report(columns, moved):
        current = reference[columns].copy()  # unmoved columns are the reference itself
        current[moved] += 3.0  # three standard deviations: drift no test can miss
        return drift_report(reference[columns], current)

    four = report(["f0", "f1", "f2", "f3"], ["f0"])
    assert (four.drifted, four.share_drifted, four.dataset_drift) == (["f0"], 0.25, True)
    eight = list(reference.columns)
    assert not report(eight, ["f0"]).dataset_drift
    assert report(eight, ["f0", "f1"]).dataset_drift


@pytest.mark.parametrize("method, theirs", [("holm", "holm"), ("bh", "fdr_bh")])
def test_corrections_match_statsmodels(method, theirs):
    p = np.array([0.001, 0.04, 0.03, 0.2, 0.0125, 0.9])
    np.testing.assert_allclose(adjust_p_values(p, method=method),
                               multipletests(p, method=theirs)[1], rtol=1e-12)


def test_feature_type_rule(reference):
    kinds = {c: feature_kind(reference[c]) for c in (*FEATURES, "region")}
    assert kinds["income"] == "numeric" and kinds["region"] == "categorical"
    assert kinds["home_owner"] == "categorical"


def test_large_samples_use_distances_not_p_values(reference):
    report = drift_report(reference, make_applicants(6000, seed=3), features=FEATURES)
    assert {f.test for f in report.features} == {"wasserstein", "jensen_shannon"}
    assert report.drifted == [] and all(f.p_value is None for f in report.features)


def test_false_alarms_on_200_no_drift_resamples_stay_under_5_percent(reference):
    dataset_alarms = feature_alarms = 0
    for seed in range(200):
        current = reference.sample(300, replace=True, random_state=seed)
        report = drift_report(reference, current, features=FEATURES)
        dataset_alarms += report.dataset_drift
        feature_alarms += bool(report.drifted)
    assert dataset_alarms / 200 <= 0.05
    assert feature_alarms / 200 <= 0.05  # Holm keeps even "any feature" alarms under alpha


@pytest.mark.parametrize("scenario", sorted(DRIFT_SCENARIOS))
def test_each_scenario_is_detected_within_two_days_of_its_start(reference, scenario):
    traffic = simulate_traffic(days=20, per_day=300, scenario=scenario, start_day=12, seed=4)
    daily = daily_monitor(reference, traffic)
    alarm = first_alarm(daily, start_day=12)
    assert alarm is not None and alarm - 12 <= 2


@pytest.mark.parametrize(("scenario", "strength"), [("pipeline_bug", 0.3), ("inflation", 0.05)])
def test_first_alarm_report_stops_on_the_day_the_full_monitor_finds(reference, scenario,
                                                                    strength):
    traffic = simulate_traffic(days=14, per_day=300, scenario=scenario, start_day=8,
                               strength=strength, seed=5)
    daily = daily_monitor(reference, traffic)
    found = first_alarm_report(reference, traffic, start_day=8)
    alarm = first_alarm(daily, start_day=8)
    assert (found is None) == (alarm is None)
    if found is not None:
        day, report = found
        assert day == alarm
        assert ", ".join(report.drifted) == daily.loc[daily["day"] == day, "drifted"].item()


def test_alarm_days_by_month_are_each_months_first_alarm(reference):
    kwargs = {"days": 8, "start_day": 4, "per_day": 200}
    settings = [("pipeline_bug", 0.3), ("inflation", 0.2)]
    found = alarm_days_by_month(reference, settings=settings, months=3,
                                naming_drifted=False, **kwargs)
    caught = alarm_days_by_month(reference, settings=settings, months=3, **kwargs)
    for scenario, strength in settings:
        expected, catches = [], []
        for seed in range(3):
            traffic = simulate_traffic(scenario=scenario, strength=strength, seed=seed, **kwargs)
            daily = daily_monitor(reference, traffic)
            expected.append(first_alarm(daily, start_day=4))
            moved = set(DRIFT_SCENARIOS[scenario].columns)
            named = daily["drifted"].str.split(", ").map(
                lambda names, m=moved: bool(set(names) & m))
            days = daily.loc[(daily["day"] >= 4) & named, "day"]
            catches.append(int(days.iloc[0]) if len(days) else None)
        assert found[(scenario, strength)] == expected
        assert caught[(scenario, strength)] == catches


def test_chance_first_counts_months_a_chance_flag_came_before_the_catch():
    assert chance_first([11, 12, None, 14, 17], [14, 12, None, None, 16]) == 2


def test_the_stored_alarm_months_are_what_alarm_days_by_month_measures(tmp_path):
    """Module 06 reads them from the file: they must be the measurement, on the lesson's data."""
    from deploydl.serving.packaging import TRAINING_ROWS, TRAINING_SEED

    stored = json.loads(STORED_ALARM_MONTHS.read_text())
    settings = [(key.rsplit(" ", 1)[0], float(key.rsplit(" ", 1)[1]))
                for key in stored["alarm_days"]]
    reference = make_applicants(TRAINING_ROWS, seed=TRAINING_SEED)  # train_measured's data
    assert store_alarm_days(reference, settings=settings, path=tmp_path / "a.json") == stored
    key = " ".join(map(str, settings[0]))
    assert stored_alarm_days(settings[:1]) == {settings[0]: stored["catch_days"][key]}
    assert stored_alarm_days(settings[:1], naming_drifted=False) == {
        settings[0]: stored["alarm_days"][key]}
    with pytest.raises(KeyError, match=r"No stored alarm days for \['inflation 0.7'\]"):
        stored_alarm_days([("inflation", 0.7)])


def test_alarm_spread_counts_delays_and_months_that_never_alarm():
    assert alarm_spread([10, 12, None, 10, 17], start_day=10) == {
        "months": 5, "never": 1, "on_first_day": 2, "median_delay": 1.0, "min_delay": 0,
        "max_delay": 7}
    assert alarm_spread([None], start_day=10)["median_delay"] is None


def test_costlier_months_prices_each_drifted_day_up_to_the_alarm_or_the_end():
    # weak: 3 days x 100 = 300 vs strong 1 day x 250; never: 20 days x 100 = 2,000 vs 500
    weak, strong = [12, None, 10], [10, 11, 10]
    assert costlier_months(weak, strong, weak_per_day=100, strong_per_day=250) == 2


def test_later_months_counts_a_weak_alarm_after_the_strong_one_or_never():
    assert later_months([12, None, 10, 11], [10, 11, 10, None]) == 2


def test_clean_and_drifted_are_two_simulations_made_once():
    kwargs = {"days": 6, "per_day": 50, "start_day": 3, "seed": 2}
    clean, drifted = simulate_clean_and_drifted(scenario="inflation", strength=0.5, **kwargs)
    pd.testing.assert_frame_equal(clean, simulate_traffic(**kwargs))
    pd.testing.assert_frame_equal(drifted, simulate_traffic(scenario="inflation", strength=0.5,
                                                            **kwargs))
    assert not clean.equals(drifted)


def test_a_drifted_simulation_leaves_the_next_one_of_the_same_applicants_undrifted():
    """The applicants of a size and seed are generated once and drifted on a copy."""
    kwargs = {"days": 4, "per_day": 30, "start_day": 0, "seed": 5}
    simulate_traffic(scenario="inflation", **kwargs)
    fresh = make_applicants(120, seed=5)
    pd.testing.assert_frame_equal(simulate_traffic(**kwargs).drop(columns="day"), fresh)


def test_a_simulated_day_is_a_day_of_the_value_cases_year():
    """One fact, one value: Module 06's days bring a day's share of the applications a year
    that the board's value case (Modules 07 and 08) scales to."""
    from deploydl.communication.brief import Assumptions
    from deploydl.communication.value import ValueAssumptions
    from deploydl.data import APPLICATIONS_PER_DAY

    per_year = ValueAssumptions().applications_per_year
    assert Assumptions().applications_per_year == per_year
    assert round(per_year / 365) == APPLICATIONS_PER_DAY
    assert len(simulate_traffic(days=2, start_day=0)) == 2 * APPLICATIONS_PER_DAY


def test_report_explains_bad_input(reference):
    with pytest.raises(ValueError, match="Nothing to compare: 0 shared feature"):
        drift_report(reference, pd.DataFrame({"other": [1]}))
    with pytest.raises(ValueError, match="method must be one of"):
        adjust_p_values([0.1], method="bonferoni")


def test_lab_alert_threshold_checker_accepts_a_quiet_alpha_and_refuses_the_default():
    from deploydl.exercises.m06 import _catches_bug_quietly

    assert _catches_bug_quietly(0.01) is None
    assert "false alarm" in _catches_bug_quietly(0.05)
    assert "between 0 and 1" in _catches_bug_quietly("low")


def test_drift_days_chart_names_both_alarms_the_start_and_day_zero():
    import matplotlib.pyplot as plt
    import pandas as pd

    from deploydl.monitoring.alarm_days import drift_days_chart
    from deploydl.present.charts import BAD, NEUTRAL

    daily = pd.DataFrame({"day": [0, 1, 2, 3], "n_drifted": [0, 1, 3, 2],
                          "dataset_drift": [False, False, True, True]})
    fig = drift_days_chart(daily, drift_day=2, event="inflation starts")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == ("Inflation starts on day 2; the data-set alarm "
                                        "fires on day 2")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "data set drifted: data-set alarm", "one feature drifted: feature alarm",
        "inflation starts"]
    assert ax.get_xlabel() == "day of the simulation"
    colours = [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches]
    assert colours == [NEUTRAL.lower(), NEUTRAL.lower(), BAD.lower(), BAD.lower()]
    # told apart without colour too: the data-set days and their legend entry are hatched
    assert [b.get_hatch() or "" for b in ax.patches] == ["", "", "//", "//"]
    assert [h.get_hatch() or "" for h in ax.get_legend().legend_handles[:2]] == ["//", ""]
    assert ax.get_ylim()[1] > 3 and list(ax.get_yticks()) == [0, 1, 2, 3]
    quiet = drift_days_chart(daily.assign(dataset_drift=False), drift_day=2, first_day="1 March")
    assert quiet.axes[0].get_title(loc="left").endswith("the data-set alarm never fires")
    assert quiet.axes[0].get_xlabel() == "day of the simulation (day 0 = 1 March)"
    plt.close("all")


def test_report_in_words_names_what_moved_its_size_and_the_verdict():
    from deploydl.monitoring.drift import DriftReport, FeatureDrift, shift_size

    def feature(name, psi, drifted):
        return FeatureDrift(name, "numeric", "ks", 0.1, 0.01, 0.02, psi, drifted)

    report = DriftReport((feature("income", 0.094, True), feature("loan_amount", 0.3, True),
                          feature("debt_ratio", 0.02, False)), share_drifted=2 / 3,
                         dataset_drift=True, n_reference=100, n_current=100)
    assert report.in_words() == (
        "2 of 3 inputs moved: income (a small shift, PSI 0.09) and loan amount (a large shift, "
        "PSI 0.30). The other input looks like the data the model learned from. That is enough to "
        "raise the data-set alarm.")
    one = DriftReport((feature("debt_ratio", 0.12, True), feature("income", 0.0, False)),
                      share_drifted=0.5, dataset_drift=False, n_reference=9, n_current=9)
    assert one.in_words().startswith("1 of 2 inputs moved: debt ratio (a moderate shift, PSI")
    assert one.in_words().endswith("a warning, not enough for the data-set alarm.")
    calm = DriftReport((feature("income", 0.01, False),), share_drifted=0.0,
                       dataset_drift=False, n_reference=9, n_current=9)
    assert calm.in_words().startswith("No input moved: all 1 look like")
    assert [shift_size(v) for v in (0.0999, 0.1, 0.2499, 0.25)] == [
        "small", "moderate", "moderate", "large"]
