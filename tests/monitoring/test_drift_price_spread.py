"""Lesson 06 prices each drift scenario once, on one sample (``PRICING_SEED``), and says how far
another sample would move that price (``PRICES_OVER_SAMPLES``, which the lesson renders), and its
20-month count with it. This re-measures both."""

import re
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
#: The samples the lesson's "eight samples" are: seeds 0 to 7 of 20,000 applicants each.
SAMPLES = range(8)
#: The lesson's settings: the upstream bug (the explorer's), the weak and the strong inflation.
SETTINGS = [("pipeline_bug", 0.3), ("inflation", 0.2), ("inflation", 1.0)]


def _said(cell_id: str, pattern: str) -> tuple[int, ...]:
    """The numbers ``pattern`` finds in lesson 06's cell ``cell_id`` (its source, spaces
    folded), as integers."""
    cells = nbformat.read(ROOT / "notebooks" / "06_monitoring.ipynb", as_version=4).cells
    text = " ".join(next(c for c in cells if c.get("id") == cell_id).source.split())
    text = text.replace('" "', "")  # a code cell's string pieces, joined
    found = re.search(pattern, text)
    assert found, f"lesson 06's {cell_id} no longer says {pattern!r}"
    return tuple(int(s.replace(",", "")) for s in found.groups())


def test_lesson_06_states_how_far_another_sample_moves_each_drift_price_and_its_count():
    from deploydl.monitoring.alarm_days import stored_alarm_days
    from deploydl.monitoring.drift_cost import (
        PRICES_OVER_SAMPLES,
        PRICING_SEED,
        costlier_months,
        drift_cost_per_day,
    )
    from deploydl.serving.packaging import train_measured

    (weak_low, weak_high), (strong_low, strong_high) = (PRICES_OVER_SAMPLES["weak"],
                                                        PRICES_OVER_SAMPLES["strong"])
    fewest, most = _said("c19w", r"\((\d+) to (\d+) at each of the eight samples' prices\)")
    model = train_measured()[0]  # the lesson's model
    weak, strong = ([round(drift_cost_per_day(model, scenario="inflation", strength=strength,
                                              seed=seed), -2) for seed in SAMPLES]
                    for strength in (0.2, 1.0))
    assert PRICING_SEED in SAMPLES and weak[PRICING_SEED] == max(weak)  # "its highest price"
    assert (min(weak), max(weak), min(strong), max(strong)) == (
        weak_low, weak_high, strong_low, strong_high), (weak, strong)
    alarms = stored_alarm_days(SETTINGS)
    counts = [costlier_months(alarms[SETTINGS[1]], alarms[SETTINGS[2]], weak_per_day=w,
                              strong_per_day=s) for w, s in zip(weak, strong, strict=True)]
    assert (min(counts), max(counts)) == (fewest, most), counts
