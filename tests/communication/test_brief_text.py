"""The brief's words for the new region: its four-fifths screen, read with its 95% range.

The inputs are built by hand (only the fields the words read), so each case is exact: a clear
pass, a ratio over 0.8 whose range straddles 0.8 (too close to call, as the fairness gate
says), a ratio under 0.8, and a region where nobody was approved (no ratio at all).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from deploydl.communication.brief import Context
from deploydl.communication.brief_text import decision_text, fairness_text

NAN = float("nan")


def _inputs(ratio: float | None, low: float | None = None, high: float | None = None):
    """An approvable version (gate passed clearly, positive value) and a new-region screen."""
    monitoring: dict = {}
    if ratio is not None:
        monitoring = {"region_parity_ratio": ratio, "region_n": 312, "region_smallest_n": 20}
        if low is not None:
            monitoring |= {"region_ratio_low": low, "region_ratio_high": high}
    return SimpleNamespace(
        context=Context(), registry={"version": "1.0.0"}, ab=None, monitoring=monitoring,
        fairness={"gate_passed": True, "too_close_to_call": False, "min_ratio": 0.8,
                  "validation_passed": True, "threshold_reason": "break-even"},
        money={"net_value_per_year": 1.0, "price_of_fairness_per_year": 0.0})


def test_a_region_ratio_whose_range_straddles_the_screen_is_too_close_to_call():
    """0.97 on few applicants, with a 95% range from 0.706 to 0.977: the region is not
    approved on that figure; its applicants go to underwriters until a fairness review."""
    inputs = _inputs(0.97, 0.706, 0.977)
    text = decision_text(inputs)
    assert text.startswith("Approve version {model_version}")
    assert "for the existing regions" in text and "the new one included" not in text
    # the ratio looks clear; the few applicants leave a range that reaches below the screen
    assert ("Send the new region's applicants to an underwriter until a named fairness "
            "review of the new region decides: the model's approval ratio there, "
            "{region_parity_ratio}, clears the screen, but on {region_n} applicants, "
            "{region_smallest_n} in the smallest band, its 95% range reaches {region_ratio_low}, "
            "below 0.80: too few to call.") in text
    assert "There its" not in text and "too close to 0.80" not in text
    finding = fairness_text(inputs)
    assert "95% range {region_ratio_low} to {region_ratio_high}: it straddles the screen's 0.80" \
        in finding
    assert "too close to call there" in finding and "the screen passes there" not in finding


def test_a_region_ratio_whose_whole_range_clears_the_screen_passes():
    inputs = _inputs(0.95, 0.86, 0.99)
    text = decision_text(inputs)
    assert "for every region, the new one included" in text
    assert "pass the fairness screen so far" in text and "too close" not in text
    finding = fairness_text(inputs)
    assert "(95% range {region_ratio_low} to {region_ratio_high}): the screen passes there" \
        in finding


def test_a_region_ratio_under_the_screen_fails_whatever_its_range():
    for inputs in (_inputs(0.75, 0.62, 0.88), _inputs(0.75)):
        text = decision_text(inputs)
        assert "for the existing regions" in text and "fail the fairness screen" in text
        assert "the screen FAILS there" in fairness_text(inputs)


@pytest.mark.parametrize("ratio", [0.85, None])
def test_without_a_range_the_ratio_alone_decides(ratio):
    """Monitoring recorded before the range existed, or no traffic from the region yet."""
    text = decision_text(_inputs(ratio))
    assert ("the new one included" in text) == (ratio is not None)
    assert ("region" in text) == (ratio is not None)


@pytest.mark.parametrize(("low", "high"), [(NAN, NAN), (None, None)])
def test_a_region_where_nobody_was_approved_fails_the_screen(low, high):
    """Nobody approved in the new region: its ratio is not a number (0/0), and the screen fails
    it, as the fairness gate does; a comparison with NaN is False, so it must not pass it."""
    inputs = _inputs(NAN, low, high)
    text = decision_text(inputs)
    assert "for the existing regions" in text and "the new one included" not in text
    assert "it approved none of the {region_n} applicants" in text
    assert "fail the fairness screen" in text and "{region_parity_ratio}" not in text
    finding = fairness_text(inputs)
    assert "the screen FAILS there" in finding and "{region_parity_ratio}" not in finding

