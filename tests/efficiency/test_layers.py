"""What each layer of the service costs: every layer measured, the hardening priced (Module 05)."""

from __future__ import annotations


def test_layer_costs_name_every_layer_and_price_the_hardening():
    from deploydl.efficiency.layers import COURSE, HARDENED, NAIVE, layer_costs

    rows = {row["layer"]: row for row in layer_costs(calls=20, repeats=1)}
    assert {NAIVE, HARDENED, COURSE, "API key check"} <= set(rows)
    assert all(row["us"] > 0 for row in rows.values())
    hardened = rows[HARDENED]
    assert hardened["added_us"] == round(hardened["us"] - rows[NAIVE]["us"], 1)
