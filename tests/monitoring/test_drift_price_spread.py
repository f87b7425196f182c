"""Lesson 06 prices each drift scenario once, on one sample (``PRICING_SEED``), and says how far
another sample would move that price. This re-measures the spread it states."""

import re
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
#: The samples the lesson's "eight samples" are: seeds 0 to 7 of 20,000 applicants each.
SAMPLES = range(8)


def test_lesson_06_states_how_far_another_sample_moves_each_drift_price():
    from deploydl.monitoring.drift_cost import PRICING_SEED, drift_cost_per_day
    from deploydl.serving.packaging import train_measured

    cells = nbformat.read(ROOT / "notebooks" / "06_monitoring.ipynb", as_version=4).cells
    text = " ".join(next(c for c in cells if c.get("id") == "c17").source.split())
    stated = re.search(r"the weak inflation would cost between about USD ([\d,]+) and ([\d,]+), "
                       r"and of the strong one between about USD ([\d,]+) and ([\d,]+) "
                       r"\(eight samples\)", text)
    assert stated, "lesson 06's c17 no longer states the price spread"
    weak_low, weak_high, strong_low, strong_high = (int(s.replace(",", ""))
                                                    for s in stated.groups())
    model = train_measured()[0]  # the lesson's model
    for strength, low, high in ((0.2, weak_low, weak_high), (1.0, strong_low, strong_high)):
        prices = [round(drift_cost_per_day(model, scenario="inflation", strength=strength,
                                           seed=seed), -2) for seed in SAMPLES]
        assert PRICING_SEED in SAMPLES and (min(prices), max(prices)) == (low, high), prices
