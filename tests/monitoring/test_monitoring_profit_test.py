"""The profit A/B test (Module 06): metric, guardrail, censoring and delayed outcomes."""

import numpy as np
import pytest

from deploydl.monitoring.profit_test import (
    applicant_profit,
    profit_sample_size,
    profit_test,
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
