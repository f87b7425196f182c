"""Module 02's F1-or-money table and the order-matters sequence task."""

from __future__ import annotations

import numpy as np
import pytest

from deploydl.evaluation.metric_choice import f1_against_money
from deploydl.evaluation.metrics import ErrorCosts, f1, outcomes
from deploydl.models.payment_order import (
    DUE,
    compare_order,
    make_payment_histories,
    order_free_totals,
)


def test_f1_stays_put_while_the_cheapest_threshold_moves_with_the_prices():
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.2).astype(int)
    scores = np.clip(0.2 + 0.3 * y + rng.normal(0, 0.2, 2000), 0, 1)
    prices = {"bank": ErrorCosts(8_000, 2_000), "equal": ErrorCosts(2_000, 2_000),
              "big loans": ErrorCosts(20_000, 2_000)}
    table = f1_against_money(y, scores, costs=prices)
    assert list(table.index) == ["best F1", "lowest cost: bank", "lowest cost: equal",
                                 "lowest cost: big loans"]
    best = table.loc["best F1"]
    assert best["f1"] == pytest.approx(f1(y, scores >= best["threshold"]))
    assert best["f1"] == table["f1"].max()
    for name, price in prices.items():
        row = table.loc[f"lowest cost: {name}"]
        assert row[f"cost: {name}"] == outcomes(y, scores, threshold=row["threshold"],
                                                costs=price).cost
        assert row[f"cost: {name}"] == table[f"cost: {name}"].min()
    cheapest = table["threshold"]
    assert cheapest["lowest cost: big loans"] < cheapest["lowest cost: bank"] < (
        cheapest["lowest cost: equal"])


def test_thresholds_chosen_on_one_set_are_reported_on_another():
    rng = np.random.default_rng(1)
    y, y_test = ((rng.random((2, 2000)) < 0.2).astype(int))
    scores = np.clip(0.2 + 0.3 * y + rng.normal(0, 0.2, 2000), 0, 1)
    s_test = np.clip(0.2 + 0.3 * y_test + rng.normal(0, 0.2, 2000), 0, 1)
    prices = {"bank": ErrorCosts(8_000, 2_000)}
    chosen = f1_against_money(y, scores, costs=prices)
    reported = f1_against_money(y, scores, costs=prices, report_on=(y_test, s_test))
    assert list(reported["threshold"]) == list(chosen["threshold"])
    for name, row in reported.iterrows():
        at = outcomes(y_test, s_test, threshold=row["threshold"], costs=prices["bank"])
        assert row["cost: bank"] == at.cost, name
        assert row["f1"] == pytest.approx(f1(y_test, s_test >= row["threshold"]))


def test_f1_against_money_needs_a_price():
    with pytest.raises(ValueError, match="costs is empty"):
        f1_against_money([0, 1], [0.2, 0.8], costs={})


def test_only_the_timing_of_missed_payments_differs_between_the_classes():
    x, y = make_payment_histories(3000, label_noise=0.0, seed=0)
    assert x.shape == (3000, 12) and set(np.unique(y)) == {0, 1}
    totals = order_free_totals(x)
    for column in ("months_missed", "total_paid"):
        assert totals[column][y == 1].mean() == pytest.approx(totals[column][y == 0].mean(),
                                                              rel=0.05)
    missed = x < DUE / 2
    assert missed[y == 1][:, :8].sum() == 0 and missed[y == 0][:, 4:].sum() == 0
    assert totals["months_missed"].between(1, 3).all()


def test_label_noise_flips_about_that_share():
    _, clean = make_payment_histories(4000, label_noise=0.0, seed=5)
    _, noisy = make_payment_histories(4000, label_noise=0.1, seed=5)
    assert (clean != noisy).mean() == pytest.approx(0.1, abs=0.02)


def test_an_overlapping_window_is_refused():
    with pytest.raises(ValueError, match="window must be between 1 and months // 2 = 6; got 7"):
        make_payment_histories(10, window=7)


@pytest.mark.slow
def test_the_gru_reads_the_order_that_totals_lose():
    result = compare_order(train_rows=1000, test_rows=600, seed=0)
    assert result["gru_auc"] > 0.8
    assert abs(result["totals_auc"] - 0.5) < 0.08
