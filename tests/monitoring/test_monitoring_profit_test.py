"""The profit A/B test (Module 06): metric, guardrail, censoring and delayed outcomes."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from deploydl.monitoring.profit_test import (
    applicant_profit,
    interval_in_words,
    profit_sample_size,
    profit_test,
    read_profit_test,
    record_outcomes,
    signed_usd,
)


def test_profit_counts_only_outcomes_that_can_be_seen():
    profit = applicant_profit(["approve", "approve", "refer"], [0, 1, np.nan])
    assert profit.tolist() == [2000.0, -8000.0, -150.0]  # the referral's outcome is censored
    with pytest.raises(ValueError, match="1 approved loan\\(s\\) have no outcome yet"):
        applicant_profit(["approve"], [np.nan])


def test_refusing_everyone_does_not_win_the_test():
    rng = np.random.default_rng(0)
    defaulted = (rng.random(4000) < 0.15).astype(float)
    a = applicant_profit(["approve"] * 2000, defaulted[:2000])
    b = applicant_profit(["refer"] * 2000, defaulted[2000:])  # no approved defaults at all
    result = profit_test(a, b, np.ones(2000), np.zeros(2000))
    assert result.difference < 0 and not result.guardrail_ok
    assert "guardrail BROKEN" in result.summary()


def test_a_real_profit_gain_is_found_and_the_size_is_planned():
    rng = np.random.default_rng(1)
    a, b = rng.normal(500, 3000, 6000), rng.normal(700, 3000, 6000)
    result = profit_test(a, b, np.ones(6000), np.ones(6000), planned_n=3600)
    assert result.significant and result.ci_low > 0 and result.warning == ""
    assert profit_sample_size(3000, 200) == pytest.approx(3532, abs=2)


@pytest.mark.parametrize(("n_a", "n_b", "alpha"), [(6, 11, 0.05), (40, 25, 0.10), (300, 300, 0.01)])
def test_the_p_value_and_interval_are_welchs_as_scipy_computes_them(n_a, n_b, alpha):
    """B minus A, unequal spreads and sizes: scipy's Welch t-test is the reference."""
    rng = np.random.default_rng(n_a)
    a, b = rng.normal(100, 900, n_a), rng.normal(250, 300, n_b)
    result = profit_test(a, b, np.ones(n_a), np.ones(n_b), alpha=alpha)
    welch = stats.ttest_ind(b, a, equal_var=False)
    ci = welch.confidence_interval(1 - alpha)
    assert result.p_value == pytest.approx(welch.pvalue, rel=1e-9)
    assert (result.ci_low, result.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert result.significant == (welch.pvalue < alpha)


def test_the_interval_and_the_p_value_never_disagree():
    """A 95% interval that excludes 0 with p above 0.05 (a normal interval beside Welch's t
    p-value on small groups) would tell the reader two things at once."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(3, 12))
        result = profit_test(rng.normal(0, 300, n), rng.normal(150, 300, n + 2),
                             np.ones(n), np.ones(n + 2))
        assert (result.ci_low > 0 or result.ci_high < 0) == result.significant, result


class _Log:
    """The two methods of a prediction log that :func:`record_outcomes` uses."""

    def __init__(self, frame):
        self.rows, self.labels = frame, {}

    def frame(self, *, since=None, until=None):
        return self.rows[self.rows["ts"] >= since]

    def add_labels(self, labels, *, key="applicant_id", since=None):
        self.labels.update(labels)
        return len(labels)


def test_only_the_loans_made_get_an_outcome():
    log = _Log(pd.DataFrame({"ts": [0, 10, 10, 10], "applicant_id": ["old", "a", "b", "c"],
                             "decision": ["approve", "approve", "refer", "approve"]}))
    sent = pd.DataFrame({"applicant_id": ["a", "b", "c"], "default": [1, 0, 0]})
    assert record_outcomes(log, sent, since=10) == 2
    assert log.labels == {"a": 1, "c": 0}  # "b" was referred: censored; "old" is before
    with pytest.raises(ValueError, match="1 approved applicant\\(s\\) in the log are not"):
        record_outcomes(log, sent.iloc[:1], since=10)
    with pytest.raises(ValueError, match="a 'default' column"):
        record_outcomes(log, sent[["applicant_id"]], since=10)


def test_an_earlier_row_under_the_same_id_keeps_its_own_outcome():
    """Simulated IDs repeat (NB-000001 in the canary and in the A/B test): the test's
    outcomes must not land on the earlier rows."""
    from deploydl.monitoring import LoggedPrediction, PredictionLog, SimulatedClock

    clock = SimulatedClock(0.0)
    log = PredictionLog(":memory:", clock=clock)

    def logged(request_id):
        log.record([LoggedPrediction(request_id, "m", "1", {"income": 1.0}, 0.1, "approve",
                                     latency_ms=1.0, applicant_id="NB-000001")])

    logged("canary")
    clock.advance(days=1)
    logged("ab")
    sent = pd.DataFrame({"applicant_id": ["NB-000001"], "default": [1]})
    assert record_outcomes(log, sent, since=clock()) == 1
    labels = log.frame().set_index("request_id")["label"]
    assert labels["ab"] == 1 and pd.isna(labels["canary"])


def test_the_reading_tallies_each_version_and_tests_b_against_a():
    logged = pd.DataFrame({
        "model_version": ["1.0"] * 4 + ["1.1"] * 4,
        "decision": ["approve", "approve", "refer", "approve",
                     "approve", "refer", "refer", "approve"],
        "label": [0, 1, np.nan, 0, 0, np.nan, np.nan, 0]})
    reading = read_profit_test(logged, current="1.0", candidate="1.1", effect=500.0)
    # A: 2000 - 8000 - 150 + 2000 = -4150 over 4; B: 2000 - 150 - 150 + 2000 = 3700 over 4
    assert reading.table.loc["1.0"].tolist() == [4, 0.75, -1037.5]
    assert reading.table.loc["1.1"].tolist() == [4, 0.5, 925.0]
    assert reading.table_for_people().loc["1.0"].tolist() == [4, "75%", "-USD 1,038"]
    assert reading.result.difference == pytest.approx(925.0 + 1037.5)
    assert not reading.result.guardrail_ok  # B approves 25 points fewer
    std = applicant_profit(["approve", "approve", "refer", "approve"], [0, 1, 0, 0]).std(ddof=1)
    assert reading.planned == profit_sample_size(std, 500.0)
    with pytest.raises(ValueError, match="version\\(s\\) \\['2.0'\\]"):
        read_profit_test(logged, current="1.0", candidate="2.0")


def test_interval_in_words_signs_the_bounds_and_glosses_the_p_value():
    assert interval_in_words(-12.4, 30.6, 0.4271) == (
        "probably lies between -USD 12 and +USD 31 per applicant. p = 0.427 is the chance of a "
        "gap at least this big if nothing had changed.")


def test_the_summary_writes_money_as_the_course_does():
    """Whole dollars with the currency first, as ``usd()`` writes it ("-USD 22", not
    "-22 USD"), a plus on gains, and no "-USD 0" for a loss that rounds to nothing."""
    result = profit_test([100.0, 300.0, 500.0], [70.0, 290.0, 464.0], [1, 1, 1], [1, 1, 1])
    assert result.summary().startswith("profit per applicant B - A = -USD 25 (95% CI -USD ")
    assert " to +USD " in result.summary()
    assert signed_usd(-0.3) == "USD 0" and signed_usd(2.5e6) == "+USD 2.5M"


def test_signed_usd_rounds_a_half_up_and_signs_what_it_shows():
    """A half rounds away from zero, as ``money()`` rounds it, and the sign goes with the
    number shown: 0.5 is a gain of USD 1, not 'USD 0' (Python's ``round`` takes it to 0)."""
    assert [signed_usd(x) for x in (0.5, 2.5, -0.5, -2.5, 0.49)] == [
        "+USD 1", "+USD 3", "-USD 1", "-USD 3", "USD 0"]


@pytest.mark.parametrize(("alpha", "label"), [(0.05, "95% CI"), (0.20, "80% CI")])
def test_the_profit_summary_names_the_intervals_own_level(alpha, label):
    rng = np.random.default_rng(0)
    result = profit_test(rng.normal(100, 50, 40), rng.normal(110, 50, 40), np.ones(40),
                         np.ones(40), alpha=alpha)
    assert label in result.summary() and result.level == pytest.approx(1 - alpha)


def test_the_profit_test_warns_of_peeking_in_the_a_b_tests_words():
    """The two tests wrote the same warning twice, in different words (a code review's)."""
    from deploydl.monitoring import ab_test

    rng = np.random.default_rng(0)
    short = profit_test(rng.normal(100, 50, 30), rng.normal(110, 50, 40), np.ones(30),
                        np.ones(40), planned_n=100)
    assert short.warning == ab_test(3, 30, 4, 40, planned_n=100).warning
    assert short.warning.startswith("Warning: only 30 of the planned 100 per group.")
    assert "peeking" in short.warning
    full = profit_test(rng.normal(100, 50, 30), rng.normal(110, 50, 30), np.ones(30),
                       np.ones(30), planned_n=30)
    assert full.warning == ""
