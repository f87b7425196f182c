"""What deploydl.data's docstrings promise about the generated tables, each checked against the
documented rule (mutation testing found these promises unchecked)."""

import numpy as np
import pandas as pd
import pytest

from deploydl.data import (
    NEW_REGION,
    REGIONS,
    apply_drift,
    inject_defects,
    load_digits_split,
    make_applicants,
    make_balance_sequences,
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return make_applicants(5000, seed=0)


@pytest.mark.parametrize("seed", [0, 1])
def test_about_15_to_20_percent_of_loans_default(seed):
    """make_applicants' docstring: "About 15-20% of loans default"."""
    assert 0.15 <= make_applicants(5000, seed=seed)["default"].mean() <= 0.20


def test_a_heavier_debt_ratio_defaults_more_often(table):
    heavy = table["debt_ratio"] > table["debt_ratio"].median()
    assert table.loc[heavy, "default"].mean() > table.loc[~heavy, "default"].mean() + 0.05


def test_a_bias_of_one_records_every_young_applicant_as_a_default():
    """bias runs "from 0 (none) to 1": at 1 every applicant under 30 who repaid is recorded as
    a default, and nobody else's label moves."""
    fair, biased = make_applicants(1000, seed=0), make_applicants(1000, seed=0, bias=1.0)
    young = (fair["age_band"] == "under_30").to_numpy()
    assert (biased.loc[young, "default"] == 1).all()
    assert fair.loc[young, "default"].mean() < 0.5  # so the bias did flag some
    assert biased.loc[~young, "default"].equals(fair.loc[~young, "default"])


def test_applicants_are_adults_and_their_years_fit_in_their_adult_life(table):
    adult_years = table["age"] - 18
    assert (adult_years >= 0).all()
    for column in ("employment_years", "credit_history_years"):
        assert (table[column] >= 0).all() and (table[column] <= adult_years).all(), column


def test_home_owner_is_a_0_or_1_integer(table):
    assert pd.api.types.is_integer_dtype(table["home_owner"])
    assert set(table["home_owner"].unique()) == {0, 1}


def test_the_north_skews_young_so_region_is_a_proxy_for_age(table):
    """Module 03's proxy: the university town in the north draws the under-30s."""
    assert set(table["region"].unique()) == set(REGIONS)
    north = table["region"] == "north"
    young = table["age_band"] == "under_30"
    assert north[young].mean() > 2 * north[~young].mean()


def test_national_ids_spread_over_every_unissued_area_and_free_group(table):
    """Areas 900-999; groups 01-99 outside the IRS's ranges named in the docstring (ITINs
    50-65, 70-88, 90-92, 94-99; ATINs 93; IRSNs 01-10, 17-19, 28-29, 37-39, 49, 66, 89)."""
    irs = {
        *range(50, 66),
        *range(70, 89),
        *range(90, 100),
        *range(1, 11),
        *range(17, 20),
        28,
        29,
        37,
        38,
        39,
        49,
        66,
        89,
    }
    free = set(range(1, 100)) - irs
    assert len(free) == 33  # the "33 groups" of _national_ids' docstring
    parts = table["national_id"].str.extract(r"^(\d{3})-(\d{2})-(\d{4})$").astype(int)
    assert set(parts[0]) == set(range(900, 1000))
    assert set(parts[1]) == free
    assert parts[2].between(1, 9999).all()


def test_the_first_draws_map_to_the_first_and_last_serials_of_area_900():
    """Worked by hand from _national_ids' docstring: draws (area 100, group 10, serial 1000)
    combine to 0, the first number: area 900, the first free group (11), serial 0001; (100,
    11, 1999) combine to 8,999 + 999 = 9,998, the last serial of that area and group."""
    from deploydl.data.personal import _national_ids

    ids = _national_ids(np.array([100, 100]), np.array([10, 11]), np.array([1000, 1999]))
    assert ids == ["900-11-0001", "900-11-9999"]


def test_phone_exchanges_are_three_digits_from_100(table):
    parts = table["phone"].str.extract(r"^\+1-555-(\d{3})-(\d{4})$").astype(int)
    assert parts[0].between(100, 999).all() and parts[0].min() < 110


def test_as_many_applicants_as_numbers_each_get_one():
    from deploydl.data.personal import _distinct

    assert _distinct(np.array([1, 1]), 2).tolist() == [1, 0]


def test_inflation_lifts_money_by_15_percent_to_the_nearest_hundred(table):
    drifted = apply_drift(table, "inflation")
    for column in ("income", "loan_amount"):
        assert (drifted[column] % 100 == 0).all(), column
        assert (drifted[column] - table[column] * 1.15).abs().max() <= 50, column


@pytest.mark.parametrize(("strength", "share"), [(1.0, 0.4), (0.5, 0.2), (5.0, 1.0)])
def test_the_new_region_takes_40_percent_of_applicants_at_full_strength(table, strength, share):
    moved = apply_drift(table, "new_region", strength=strength)["region"] == NEW_REGION
    assert abs(moved.mean() - share) < 0.03


def test_the_new_regions_applicants_have_thinner_files_and_are_still_adults(table):
    drifted = apply_drift(table, "new_region")
    moved = drifted["region"] == NEW_REGION
    before, after = (
        table.loc[moved, "credit_history_years"],
        drifted.loc[moved, "credit_history_years"],
    )
    assert (after[before > 0] < before[before > 0]).all()
    assert drifted["age"].min() >= 18 and (drifted.loc[moved, "age"] == 18).any()


@pytest.mark.parametrize(("strength", "share"), [(1.0, 0.5), (0.5, 0.25)])
def test_the_pipeline_bug_zeroes_half_the_rows_at_full_strength(table, strength, share):
    had_history = table["credit_history_years"] > 0
    drifted = apply_drift(table, "pipeline_bug", strength=strength)
    zeroed = drifted.loc[had_history, "credit_history_years"] == 0
    assert abs(zeroed.mean() - share) < 0.03


def test_a_negative_drift_strength_is_refused(table):
    with pytest.raises(ValueError, match="strength must be 0 or more"):
        apply_drift(table, "inflation", strength=-0.5)


def test_balances_drain_before_a_default_and_never_go_below_zero():
    balances, defaulted = make_balance_sequences(2000, seed=0)
    assert balances.min() >= 0.0
    change = balances[:, -3:].mean(axis=1) - balances[:, :3].mean(axis=1)
    assert change[defaulted == 1].mean() < 0 < change[defaulted == 0].mean()


def test_the_digits_split_is_stratified():
    """Each digit is held out in the same share, to within one image."""
    _, _, y_train, y_test = load_digits_split(test_size=0.25, seed=0)
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert (np.abs(np.bincount(y_test, minlength=10) - 0.25 * counts) <= 1).all()


def test_defects_plant_ages_of_0_or_199_and_accept_a_rate_of_one_fifth():
    table = make_applicants(500, seed=0)
    defective, truth = inject_defects(table, rate=0.2, seed=0, kinds=("out_of_range",))
    rows = truth["row"].to_list()
    assert len(rows) == 100 and set(defective.loc[rows, "age"]) == {0, 199}


def test_duplicate_copies_get_labels_after_the_last_row():
    table = make_applicants(200, seed=0)
    defective, truth = inject_defects(table, rate=0.05, seed=0, kinds=("duplicate",))
    assert defective.index.is_unique
    assert truth["row"].to_list() == list(range(200, 210))
