"""Module 07's lesson inputs: each caller gets a copy of its own, so a number changed in one
copy (the dataclass is frozen, its dicts and tables are not) reaches no other caller."""

import pandas as pd

from deploydl.capstone.project import lesson_inputs


def test_each_call_gets_a_copy_of_its_own_that_no_other_call_sees_changed():
    """The twelfth review's: the learner's `inputs` and the checks' run were one object, so
    `inputs.evaluation["approval_rate"] = 0.95` changed the figures the checks compare with."""
    mine, theirs = lesson_inputs(), lesson_inputs()
    true_rate = theirs.evaluation["approval_rate"]
    true_rates = theirs.by_group["selection_rate"].copy()
    mine.evaluation["approval_rate"] = 0.95
    mine.money["net_value_per_year"] = 2_500_000.0
    mine.by_group["selection_rate"] /= 2
    fresh = lesson_inputs()
    for other in (theirs, fresh):
        assert other.evaluation["approval_rate"] == true_rate
        assert other.money["net_value_per_year"] < 0, "the lesson's model costs money"
        pd.testing.assert_series_equal(other.by_group["selection_rate"], true_rates)
