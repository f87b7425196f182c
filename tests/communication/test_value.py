"""The value case's 95% range (Modules 07 and 08): a paired bootstrap over the applicants."""

from __future__ import annotations

import numpy as np
import pytest

from deploydl.communication.value import (
    ValueAssumptions,
    interval_words,
    value_case,
    value_interval,
)


def _applicants(n: int, seed: int):
    """Labels, the model's scores and the current process's scores: both rank risk a little."""
    rng = np.random.default_rng(seed)
    risk = rng.uniform(0.02, 0.6, n)
    y = (rng.uniform(size=n) < risk).astype(int)
    model = np.clip(risk + rng.normal(0, 0.12, n), 0, 1)
    current = np.clip(risk + rng.normal(0, 0.15, n), 0, 1)
    return y, model, current


OPTIONS = {"threshold": 0.3, "current_threshold": 0.3}


def test_the_range_is_fixed_by_its_seed_and_holds_the_estimate():
    y, model, current = _applicants(800, seed=1)
    first = value_interval(y, model, current, **OPTIONS)
    assert first == value_interval(y, model, current, **OPTIONS)
    assert set(first) == {"low", "high", "level", "n_resamples"}
    net = value_case(y, model, current, **OPTIONS)["net_value_per_year"]
    assert first["low"] < net < first["high"]
    assert first["low"] % 1000 == 0 and first["high"] % 1000 == 0  # rounded as shown
    assert value_interval(y, model, current, seed=2, **OPTIONS) != first


def test_it_is_paired_the_same_applicants_price_both_processes():
    """Two identical processes save nothing on every resample: the range is the running cost
    alone. Resampling each process on its own applicants would give a wide range here."""
    y, model, _ = _applicants(500, seed=3)
    a = ValueAssumptions(running_cost=100_000.0)
    same = value_interval(y, model, model, assumptions=a, **OPTIONS)
    assert same["low"] == same["high"] == -100_000.0


def test_the_range_matches_resampling_by_hand_with_value_case():
    y, model, current = _applicants(400, seed=4)
    rng = np.random.default_rng(99)
    by_hand = []
    for _ in range(2000):
        idx = rng.integers(0, len(y), len(y))
        by_hand.append(value_case(y[idx], model[idx], current[idx],
                                  **OPTIONS)["net_value_per_year"])
    low, high = np.quantile(by_hand, [0.025, 0.975])
    got = value_interval(y, model, current, **OPTIONS)
    width = high - low
    assert got["low"] == pytest.approx(low, abs=0.1 * width)
    assert got["high"] == pytest.approx(high, abs=0.1 * width)


def test_about_95_in_100_ranges_contain_the_true_value():
    """Draw many test sets from one large population; the population's own net value is the
    truth. The share of ranges that contain it is close to 95% (loose bounds: 60 draws)."""
    y, model, current = _applicants(200_000, seed=5)
    truth = value_case(y, model, current, **OPTIONS)["net_value_per_year"]
    rng = np.random.default_rng(6)
    hits = 0
    for _ in range(60):
        idx = rng.choice(len(y), 1000, replace=False)
        r = value_interval(y[idx], model[idx], current[idx], n_resamples=400, **OPTIONS)
        hits += r["low"] <= truth <= r["high"]
    assert 0.85 <= hits / 60 <= 1.0


def test_the_range_narrows_with_more_applicants():
    y, model, current = _applicants(8000, seed=7)
    small = value_interval(y[:500], model[:500], current[:500], **OPTIONS)
    large = value_interval(y, model, current, **OPTIONS)
    assert large["high"] - large["low"] < 0.5 * (small["high"] - small["low"])


@pytest.mark.parametrize(("options", "match"), [({"level": 1.5}, "level"),
                                                 ({"n_resamples": 10}, "n_resamples")])
def test_bad_settings_say_what_to_fix(options, match):
    y, model, current = _applicants(100, seed=8)
    with pytest.raises(ValueError, match=match):
        value_interval(y, model, current, **OPTIONS, **options)


def test_the_words_say_when_the_sign_is_not_established():
    assert interval_words(-2_224_000, 943_000) == (
        "95% range -USD 2.2M to USD 943,000 a year: it spans zero, so even the sign is not "
        "established")
    assert interval_words(705_000, 3_126_000).endswith("positive across the range")
    assert interval_words(-900_000, -10_000, unit="$").startswith("95% range -$900,000")
    assert interval_words(-900_000, -10_000).endswith("negative across the range")


def test_the_largest_swing_is_the_biggest_move_of_any_row():
    import pandas as pd

    from deploydl.communication.value import largest_swing

    table = pd.DataFrame({"low": [-5.0, 1.0], "base": [-3.0, -2.0], "high": [-1.0, -4.0]})
    assert largest_swing(table) == 3.0
