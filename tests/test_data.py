import numpy as np
import pandas as pd
import pytest

from deploydl.data import (
    DRIFT_SCENARIOS,
    FEATURES,
    NEW_REGION,
    PII_COLUMNS,
    apply_drift,
    load_digits_split,
    make_applicants,
    make_balance_sequences,
)


def test_same_seed_same_table_and_other_seed_differs():
    pd.testing.assert_frame_equal(make_applicants(300, seed=3), make_applicants(300, seed=3))
    assert not make_applicants(300, seed=3).equals(make_applicants(300, seed=4))


def test_without_personal_data_the_other_columns_are_the_same():
    """personal_data=False leaves the PII columns out (a simulation needs none), yet still
    draws them, so every other value is the one the full table holds."""
    full = make_applicants(400, seed=7, bias=0.3)
    lean = make_applicants(400, seed=7, bias=0.3, personal_data=False)
    assert not set(PII_COLUMNS) & set(lean.columns)
    pd.testing.assert_frame_equal(lean, full.drop(columns=list(PII_COLUMNS)))


def test_columns_types_and_ranges(applicants):
    for column in (*FEATURES, *PII_COLUMNS, "age_band", "region", "default"):
        assert column in applicants.columns
    assert applicants["applicant_id"].is_unique
    assert set(applicants["default"].unique()) == {0, 1}
    assert 0.10 < applicants["default"].mean() < 0.30
    assert (applicants["income"] > 0).all() and (applicants["loan_amount"] > 0).all()
    assert (applicants["credit_history_years"] <= applicants["age"] - 18).all()


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
                for i, d in enumerate(digits))
    return total % 10 == 0


def test_card_numbers_are_16_digit_test_range_numbers_that_pass_luhn(applicants):
    cards = applicants["card_number"]
    assert cards.str.fullmatch(r"400000\d{10}").all()  # "4000 00", like published test cards
    assert all(_luhn_ok(n) for n in cards)
    assert not any(_luhn_ok(n[:-1] + str((int(n[-1]) + 1) % 10)) for n in cards.head(50))


def test_national_ids_are_never_issued_numbers(applicants):
    ids = applicants["national_id"].str.extract(r"^(\d{3})-(\d{2})-(\d{4})$").astype(int)
    area, group, serial = ids[0], ids[1], ids[2]
    assert area.between(900, 999).all()  # the SSA never issues area 900-999
    itin_or_atin = group.between(50, 65) | group.between(70, 88) | group.between(90, 99)
    irsn = (group.between(1, 10) | group.between(17, 19) | group.between(28, 29)
            | group.between(37, 39) | group.isin([49, 66, 89]))  # IRS campus codes
    assert not (itin_or_atin | irsn).any() and (serial > 0).all()


def test_never_issued_numbers_leave_every_other_column_as_drawn():
    """The ID and card columns map the same random draws, so the rest of the table is fixed."""
    first = make_applicants(5000, seed=0).iloc[0]  # Module 00's first loan, as it always was
    assert (first["income"], first["address"], first["phone"]) == (
        44300.0, "126 Quay Road", "+1-555-994-7815")
    assert str(first["application_date"].date()) == "2025-10-06"


@pytest.mark.parametrize("seed", [0, 7])
def test_no_two_applicants_share_a_national_id_a_phone_or_a_card(seed):
    """As with real people. Drawn at random, seed 0's 5,000 rows held one national ID and one
    phone twice, and seed 7's four phones; each repeat now moves on to a free number."""
    table = make_applicants(5000, seed=seed)
    for column in ("national_id", "phone", "card_number"):
        assert table[column].is_unique, column
    assert table["phone"].str.fullmatch(r"\+1-555-\d{3}-\d{4}").all()


def test_a_repeat_moves_to_the_next_free_number_and_first_holders_keep_theirs():
    from deploydl.data.personal import _distinct

    assert _distinct(np.array([5, 5, 6]), 10).tolist() == [5, 7, 6]  # 6's holder keeps it
    assert _distinct(np.array([9, 9]), 10).tolist() == [9, 0]  # past the top, from the bottom
    with pytest.raises(ValueError, match="3 applicants cannot each have one of 2 numbers"):
        _distinct(np.array([0, 1, 0]), 2)


def test_bias_raises_recorded_defaults_for_under_30_only():
    fair = make_applicants(4000, seed=0, bias=0.0)
    biased = make_applicants(4000, seed=0, bias=0.3)
    young = fair["age_band"] == "under_30"
    assert biased.loc[young, "default"].mean() > fair.loc[young, "default"].mean() + 0.1
    assert biased.loc[~young, "default"].mean() == fair.loc[~young, "default"].mean()


@pytest.mark.parametrize("bad", [{"n": 0}, {"bias": 1.5}, {"bias": -0.1}])
def test_bad_arguments_name_the_problem(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        make_applicants(**{"n": 10, **bad})


@pytest.mark.parametrize("scenario", sorted(DRIFT_SCENARIOS))
def test_drift_scenarios_change_their_columns_only(applicants, scenario):
    drifted = apply_drift(applicants, scenario, strength=1.0, seed=1)
    changed = [c for c in applicants.columns if not applicants[c].equals(drifted[c])]
    assert changed and set(changed) <= set(DRIFT_SCENARIOS[scenario].columns)
    assert apply_drift(applicants, scenario, strength=0.0).equals(applicants)


@pytest.mark.parametrize("scenario", sorted(DRIFT_SCENARIOS))
def test_drift_keeps_each_age_band_true_to_its_age(scenario):
    drifted = apply_drift(make_applicants(2000, seed=5), scenario, seed=5)
    bands = pd.cut(drifted["age"], [0, 29, 50, 200], right=True,
                   labels=["under_30", "30_to_50", "over_50"]).astype(str)
    stale = drifted["age_band"] != bands
    assert not stale.any(), f"{stale.sum()} rows keep the band of their age before the drift"


def test_new_region_moves_applicants_without_changing_their_outcomes():
    applicants = make_applicants(5000, seed=5)
    drifted = apply_drift(applicants, "new_region", seed=5)
    moved = drifted["region"] == NEW_REGION
    assert (drifted.loc[moved, "age_band"] == "under_30").mean() > (
        applicants.loc[moved, "age_band"] == "under_30").mean() + 0.2  # younger: bands follow
    assert drifted["default"].equals(applicants["default"])  # what happened is unchanged


def test_unknown_drift_scenario_lists_the_choices(applicants):
    with pytest.raises(ValueError, match="inflation"):
        apply_drift(applicants, "meteor")


def test_balance_sequences_and_digits_shapes():
    balances, defaulted = make_balance_sequences(100, months=12, seed=0)
    assert balances.shape == (100, 12) and balances.dtype == np.float32
    assert set(np.unique(defaulted)) <= {0, 1}
    x_train, x_test, y_train, y_test = load_digits_split(seed=0)
    assert x_train.shape[1:] == (1, 8, 8) and x_train.min() >= 0.0 and x_train.max() <= 1.0
    assert len(x_train) + len(x_test) == 1797 and len(y_train) == len(x_train)
