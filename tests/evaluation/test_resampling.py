"""Paired bootstrap intervals on one test set (Module 02): exact, deterministic, honest."""

import numpy as np
import pytest

from deploydl.evaluation import resampling
from deploydl.evaluation.metrics import ErrorCosts, outcomes
from deploydl.evaluation.resampling import (
    bootstrap_sums,
    breach_share,
    cost_each,
    paired_cost_difference,
)


def _sample(n=400, seed=0):
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0, 1, n)
    return (rng.uniform(0, 1, n) < scores).astype(int), scores


def test_cost_each_sums_to_the_cost_of_errors():
    y, s = _sample()
    costs = ErrorCosts(bad_loan_approved=8_000, good_customer_turned_away=2_000)
    for t in (0.2, 0.5, 0.8):
        assert cost_each(y, s, threshold=t, costs=costs).sum() == outcomes(
            y, s, threshold=t, costs=costs).cost


def test_cost_each_adds_the_referral_price_to_every_referred_applicant():
    y, s = _sample()
    plain = cost_each(y, s, threshold=0.4)
    with_time = cost_each(y, s, threshold=0.4, referral=150)
    assert ((with_time - plain) == np.where(s >= 0.4, 150, 0)).all()


def test_the_draws_do_not_depend_on_the_block_size(monkeypatch):
    """Stored outputs (Modules 02, 07, 08) rest on this: numpy draws each index from the seed's
    stream in turn, so any block size gives the same resamples as one draw of them all."""
    values = np.arange(4001.0)  # odd: blocks of odd size, where a 32-bit buffer would show
    rng = np.random.default_rng(3)
    at_once = values[rng.integers(0, len(values), size=(1001, len(values)))].sum(axis=1)
    assert (bootstrap_sums(values, n_resamples=1001, seed=3) == at_once).all()
    monkeypatch.setattr(resampling, "_CELLS", 7 * len(values))  # blocks of 7 resamples
    assert (bootstrap_sums(values, n_resamples=1001, seed=3) == at_once).all()


def test_bootstrap_sums_of_columns_are_sums_on_the_same_applicants():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 9, 300), rng.integers(0, 9, 300)
    both = bootstrap_sums(np.column_stack([a, b]), n_resamples=200, seed=5)
    assert both.shape == (200, 2)
    assert (both[:, 0] == bootstrap_sums(a, n_resamples=200, seed=5)).all()
    assert (both[:, 1] == bootstrap_sums(b, n_resamples=200, seed=5)).all()


def test_paired_difference_estimate_is_the_cost_gap_and_is_bracketed():
    y, s = _sample()
    gap = paired_cost_difference(y, s, threshold_a=0.5, threshold_b=0.2, n_resamples=300)
    exact = outcomes(y, s, threshold=0.5).cost - outcomes(y, s, threshold=0.2).cost
    assert gap.estimate == exact
    assert gap.low <= gap.estimate <= gap.high and gap.level == 0.95


def test_paired_difference_of_a_choice_with_itself_is_exactly_zero():
    y, s = _sample()
    same = paired_cost_difference(y, s, s, threshold_a=0.3, threshold_b=0.3, n_resamples=100)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)


def test_paired_difference_is_the_same_with_the_same_seed_and_moves_with_another():
    y, s = _sample()
    one = paired_cost_difference(y, s, threshold_a=0.5, threshold_b=0.3, n_resamples=300)
    assert one == paired_cost_difference(y, s, threshold_a=0.5, threshold_b=0.3,
                                         n_resamples=300)
    other = paired_cost_difference(y, s, threshold_a=0.5, threshold_b=0.3, n_resamples=300,
                                   seed=1)
    assert (other.low, other.high) != (one.low, one.high)


def test_breach_share_is_zero_far_inside_the_cap_and_one_far_outside():
    y, s = _sample(1000)
    assert breach_share(y, s, threshold=0.05, cap=0.5, n_resamples=200) == 0.0
    assert breach_share(y, s, threshold=0.99, cap=0.1, n_resamples=200) == 1.0


def test_breach_share_near_a_cap_met_exactly_is_between():
    y, s = _sample(1000)
    approved = s < 0.4
    cap = y[approved].mean()  # the threshold meets this cap exactly on the sample
    assert 0.2 < breach_share(y, s, threshold=0.4, cap=cap, n_resamples=400) < 0.8


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n_resamples": 10}, "n_resamples must be at least 100 for a 95% interval; got 10"),
    ({"level": 95}, "level must be between 0 and 1; got 95"),
])
def test_paired_difference_rejects_bad_settings(kwargs, match):
    y, s = _sample()
    with pytest.raises(ValueError, match=match):
        paired_cost_difference(y, s, threshold_a=0.5, threshold_b=0.2, **kwargs)


def test_breach_share_needs_a_cap_that_is_a_share():
    y, s = _sample()
    with pytest.raises(ValueError, match="cap must be a share between 0 and 1; got 10"):
        breach_share(y, s, threshold=0.3, cap=10)


def test_breach_share_asks_for_enough_batches_without_promising_an_interval():
    y, s = _sample()
    with pytest.raises(ValueError, match="at least 100 for a breach share; got 10") as error:
        breach_share(y, s, threshold=0.3, cap=0.1, n_resamples=10)
    assert "interval" not in str(error.value)


def test_paired_interval_is_the_middle_share_of_the_resampled_differences():
    """The ends are the 2.5% and 97.5% quantiles (5% and 95% for a 90% interval) of the
    difference summed over each draw of applicants: equal tails, recomputed here from the
    seed's draws and costs priced by hand (USD 8,000 a bad loan approved, 2,000 a good
    customer referred)."""
    y, s = _sample(300)
    each = {t: np.where(s < t, 8_000 * y, 2_000 * (1 - y)) for t in (0.5, 0.2)}
    draws = np.random.default_rng(4).integers(0, len(y), size=(400, len(y)))
    totals = (each[0.5] - each[0.2])[draws].sum(axis=1)
    for level, tails in ((0.95, [0.025, 0.975]), (0.9, [0.05, 0.95])):
        gap = paired_cost_difference(y, s, threshold_a=0.5, threshold_b=0.2, n_resamples=400,
                                     level=level, seed=4)
        assert [gap.low, gap.high] == list(np.quantile(totals, tails))


def test_a_batch_exactly_at_the_cap_does_not_breach_it():
    """"More than the cap" breaches: a batch whose approved loans default at exactly the cap
    keeps to it. Ten applicants, four approved, two of those bad: batches often sit at 50%."""
    y = np.array([1, 1, 0, 0, 1, 0, 1, 0, 1, 0])
    s = np.array([0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
    draws = np.random.default_rng(0).integers(0, 10, size=(400, 10))
    approved, bad = (s < 0.5)[draws].sum(axis=1), ((s < 0.5) & (y == 1))[draws].sum(axis=1)
    at_cap = (approved > 0) & (2 * bad == approved)
    assert at_cap.mean() > 0.1  # the case is worth testing: many batches sit exactly at 50%
    share = breach_share(y, s, threshold=0.5, cap=0.5, n_resamples=400)
    assert share == np.mean(2 * bad > np.maximum(approved, 1))
    assert share == breach_share(y, s, threshold=0.5, cap=0.5 + 1e-9, n_resamples=400)
    assert share < breach_share(y, s, threshold=0.5, cap=0.5 - 1e-9, n_resamples=400)
