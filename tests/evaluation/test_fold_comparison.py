"""Module 02's fold-by-fold comparison: the Nadeau-Bengio corrected resampled t-test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import ttest_rel

from deploydl.evaluation.metrics import CVResult, compare_folds

#: The lesson's printed, rounded fold differences (network minus baseline).
ROUNDED = np.array([-0.002, 0.000, -0.003, -0.004, -0.001])


def test_corrected_test_matches_a_hand_computed_value():
    # mean -0.002; sample variance 1e-5 / 4 = 2.5e-6; k = 5, n_test / n_train = 1/4:
    # t = -0.002 / sqrt((1/5 + 1/4) * 2.5e-6) = -0.002 / sqrt(1.125e-6) = -1.8856
    result = compare_folds(ROUNDED, np.zeros(5))
    assert result.mean_difference == pytest.approx(-0.002)
    assert result.t == pytest.approx(-0.002 / math.sqrt(0.45 * 2.5e-6))
    assert result.t == pytest.approx(-1.8856, abs=1e-4)
    assert result.p_value == pytest.approx(0.1324, abs=5e-4)
    assert result.verdict() == "not enough evidence of a difference at the 5% level"


def test_corrected_test_is_more_conservative_than_the_plain_paired_test():
    plain = compare_folds(ROUNDED, np.zeros(5), corrected=False)
    corrected = compare_folds(ROUNDED, np.zeros(5))
    assert plain.t == pytest.approx(-2.8284, abs=1e-4)
    assert plain.p_value == pytest.approx(ttest_rel(ROUNDED, np.zeros(5)).pvalue)
    assert plain.p_value < 0.05 < corrected.p_value
    assert abs(corrected.t) == pytest.approx(abs(plain.t) * math.sqrt(0.2 / 0.45))
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = rng.normal(0.75, 0.02, 5), rng.normal(0.75, 0.02, 5)
        assert compare_folds(a, b).p_value >= compare_folds(a, b, corrected=False).p_value


def test_a_small_consistent_gap_is_a_difference_though_far_inside_the_spread():
    base = np.array([0.70, 0.72, 0.74, 0.76, 0.78])  # a spread of about 0.03
    gaps = np.array([0.0030, 0.0031, 0.0029, 0.0030, 0.0030])
    result = compare_folds(CVResult("roc_auc", tuple(base - gaps), 0.0, 0.0),
                           CVResult("roc_auc", tuple(base), 0.0, 0.0))
    assert result.p_value < 1e-4
    assert result.verdict() == "a difference at the 5% level"
    assert result.differences == pytest.approx(tuple(-gaps))


def test_test_to_train_sets_the_correction_and_bad_input_is_named():
    a, b = [0.74, 0.75, 0.73, 0.76], [0.73, 0.74, 0.73, 0.74]
    assert compare_folds(a, b).t == pytest.approx(compare_folds(a, b, test_to_train=1 / 3).t)
    with pytest.raises(ValueError, match="same folds"):
        compare_folds([0.7, 0.8], [0.7])
    with pytest.raises(ValueError, match="test_to_train"):
        compare_folds(a, b, test_to_train=0)
    identical = compare_folds(a, a)
    assert identical.t == 0.0 and identical.p_value == 1.0
