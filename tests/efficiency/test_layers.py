"""What each layer of the service costs: every layer measured, the hardening priced (Module 05)."""

from __future__ import annotations


def test_layer_costs_name_every_layer_and_price_the_hardening():
    from deploydl.efficiency.layers import COURSE, HARDENED, NAIVE, layer_costs

    rows = {row["layer"]: row for row in layer_costs(calls=20, repeats=1)}
    assert {NAIVE, HARDENED, COURSE, "API key check"} <= set(rows)
    assert all(row["us"] > 0 for row in rows.values())
    hardened = rows[HARDENED]
    assert hardened["added_us"] == round(hardened["us"] - rows[NAIVE]["us"], 1)


def test_each_layer_is_priced_over_the_bare_call_and_each_endpoint_over_the_naive_one(
        monkeypatch):
    from deploydl.efficiency import layers

    times = {"ASGI call, no layer": 2.0, "request ID, access log, metrics": 6.5,
             "API key check": 3.5, "body limit and read deadline": 4.0, layers.NAIVE: 50.0,
             layers.HARDENED: 58.0, layers.COURSE: 70.0}  # microseconds per call

    async def timed(apps, *, calls, repeats):
        return {name: times[name] for name in apps}

    monkeypatch.setattr(layers, "_time_all", timed)
    added = {row["layer"]: row.get("added_us") for row in layers.layer_costs(calls=1)}
    assert added == {"ASGI call, no layer": None, "request ID, access log, metrics": 4.5,
                     "API key check": 1.5, "body limit and read deadline": 2.0,
                     layers.NAIVE: None, layers.HARDENED: 8.0, layers.COURSE: 20.0}
