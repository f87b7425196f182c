"""A referral point (refer above this chance of default) as an approval bar on the chance of
repaying: one function for Module 03's checker and widget."""

from __future__ import annotations

import math

import pytest

from deploydl.evaluation.decision import approval_bar


@pytest.mark.parametrize(("refer_above", "bar"), [(0.2, 0.8), (0.0, 1.0), (1.0, 0.0),
                                                  (0.2625, 0.7375)])
def test_referring_above_a_chance_of_default_approves_at_its_complement(refer_above, bar):
    assert math.isclose(approval_bar(refer_above), bar)
    assert approval_bar(refer_above) == 1 - refer_above  # the same float the callers had


@pytest.mark.parametrize("refer_above", [20, -0.1, 1.5, math.nan])
def test_a_referral_point_outside_0_to_1_is_refused_with_the_form_to_use(refer_above):
    with pytest.raises(ValueError, match=r"not a chance of default between 0 and 1.*0\.2 for "
                                         r"a 20% chance"):
        approval_bar(refer_above)

