"""Module 08's exercises: what the learner is told for the near misses."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise


def _truth():
    from deploydl.data import make_applicants
    from deploydl.exercises.m06 import diagnose
    from deploydl.exercises.m08 import REFERENCE_ROWS, REFERENCE_SEED, new_region

    rows = new_region()
    return rows, diagnose(make_applicants(REFERENCE_ROWS, seed=REFERENCE_SEED), rows)


def test_the_zero_share_of_central_rows_only_is_told_to_use_all_rows():
    """new_region holds Central's applicants and the other regions' on the same days: the
    share measured on Central's rows alone gets a message that says so."""
    from deploydl.data import NEW_REGION

    rows, truth = _truth()
    central = rows.loc[rows["region"] == NEW_REGION, truth["feature"]]
    only_central = float((central == 0).mean())
    assert round(only_central, 3) != round(truth["zero_share"], 3)
    result = evaluate(find_exercise("08.2"), {**truth, "zero_share": only_central})
    assert result.status == FAILED
    assert f"all {len(rows):,} rows of new_region, not only Central's" in result.message
    assert f"Central's {len(central):,} rows only" in result.message
    assert evaluate(find_exercise("08.2"), truth).status == PASSED
    other = evaluate(find_exercise("08.2"), {**truth, "zero_share": 0.3})
    assert other.status == FAILED and "Central" not in other.message


@pytest.mark.parametrize("owner", ["Responsible-AI lead", "Responsible AI lead",
                                   "responsible ai lead", " RESPONSIBLE-AI LEAD "])
def test_the_fairness_owner_ignores_case_and_hyphens_as_the_memo_check_does(owner):
    assert evaluate(find_exercise("08.4"), owner).status == PASSED


@pytest.mark.parametrize(("owner", "says"), [
    ("Data-steward", "the Data steward owns other stages"),
    ("ml engineer", "the ML engineer owns other stages"),
    ("Responsible AI", "is not a role in the table"),
    ("Risk officer", "is not a role in the table"),
])
def test_a_wrong_fairness_owner_is_told_why(owner, says):
    result = evaluate(find_exercise("08.4"), owner)
    assert result.status == FAILED and says in result.message
