"""Module 03's case study: the proxy, data minimisation and the rights map."""

from __future__ import annotations

import re

import numpy as np
import pytest

from deploydl.data import FEATURES, LABEL, PROTECTED_ATTRIBUTE
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.responsible.mitigation import (
    APPROVAL_THRESHOLD,
    RIGHTS,
    break_even_threshold,
    case_study,
    feature_set_study,
    proxy_strength,
    rights_table,
)


def test_approval_threshold_is_the_break_even_of_the_course_costs():
    assert APPROVAL_THRESHOLD == break_even_threshold(DEFAULT_COSTS) == pytest.approx(0.8)
    assert break_even_threshold(ErrorCosts(7_000, 3_000)) == pytest.approx(0.7)


def test_region_is_a_proxy_for_age_and_notes_are_not(applicants):
    strength = proxy_strength(applicants, columns=("region", "notes", "late_payments"))
    assert strength.index[0] == "region"
    assert strength["region"] > 10 * strength["notes"]


def test_proxy_strength_names_missing_columns(applicants):
    with pytest.raises(ValueError, match=r"Columns \['shoe_size'\] are not in the table"):
        proxy_strength(applicants, columns=("shoe_size",))


def test_a_model_without_age_still_treats_age_bands_differently_through_region():
    study = feature_set_study({"features": FEATURES, "features + region": (*FEATURES, "region")})
    assert study.loc["features + region", "approval_ratio"] < study.loc["features",
                                                                        "approval_ratio"] < 0.8
    # the age bands in the lesson's order, youngest first, as every other table has them
    assert list(study.columns) == ["accuracy", "approved_under_30", "approved_30_to_50",
                                   "approved_over_50", "approval_ratio"]


def test_every_right_lands_somewhere():
    table = rights_table()
    assert len(table) == len(RIGHTS) >= 3
    assert table["lands_in"].str.len().min() > 0


def _lesson_bias(root) -> float:
    """The share of young repayers the lesson says were recorded as defaults (0..1)."""
    import nbformat

    lesson = nbformat.read(root / "notebooks" / "03_responsible_ai.ipynb", as_version=4)
    text = " ".join(c.source for c in lesson.cells if c.cell_type == "markdown")
    found = re.search(r"recorded (\d+)% of young\s+applicants who repaid as defaults", text)
    assert found, "the lesson no longer states the share of young repayers recorded as defaults"
    return int(found.group(1)) / 100


def test_the_record_marks_the_share_of_young_repayers_the_lesson_states_and_no_one_else(root):
    test = case_study().test
    recorded, truth = test[LABEL].to_numpy(), test["default_true"].to_numpy()
    young = (test[PROTECTED_ATTRIBUTE] == "under_30").to_numpy()
    changed = recorded != truth
    assert not changed[~young].any()  # older applicants' records are what happened
    assert (recorded[changed] == 1).all()  # the bias only turns repayers into defaults
    repayers = young & (truth == 0)
    share, n = changed[repayers].mean(), repayers.sum()
    stated = _lesson_bias(root)
    assert share == pytest.approx(stated, abs=3 * np.sqrt(stated * (1 - stated) / n)), (
        f"{share:.1%} of {n} young repayers are recorded as defaults; the lesson says "
        f"{stated:.0%}")


def test_a_saved_lab_03_that_imports_the_old_name_still_runs():
    """Lab 03 imported declined_example until December 2026; a learner's saved copy does still.
    The model refers, so the function's name is referred_example now."""
    from deploydl.responsible.mitigation import declined_example, referred_example

    assert declined_example is referred_example
