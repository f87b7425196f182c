"""Module 03's case study: the proxy, data minimisation and the rights map."""

from __future__ import annotations

import pytest

from deploydl.data import FEATURES
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.responsible.mitigation import (
    APPROVAL_THRESHOLD,
    RIGHTS,
    break_even_threshold,
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
