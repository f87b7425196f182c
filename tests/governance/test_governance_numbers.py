"""The numbers and decisions of Module 01 a learner sees, each checked against the lesson's words,
the law it cites or arithmetic done here, not against the function itself."""

import hashlib
import hmac
from datetime import UTC, datetime

import pandas as pd
import pytest

from deploydl.governance.access import NORTHBRIDGE_POLICY, AccessController, AccessDenied
from deploydl.governance.catalog import CardError, Catalog, card_from_table
from deploydl.governance.lineage import content_hash
from deploydl.governance.northbridge import applicant_card
from deploydl.governance.privacy import luhn_valid, pseudonymise

KEY = b"k" * 32


@pytest.fixture
def controller():
    return AccessController(NORTHBRIDGE_POLICY, key=KEY,
                            clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))


# --- Access: "an analyst sees personal data masked; a data scientist sees a pseudonymous ID" ---

@pytest.mark.parametrize("role", ["analyst", "data_scientist"])
def test_no_role_but_compliance_sees_a_personal_value_as_it_is(controller, applicants, role):
    table = applicants.head(20)
    seen = controller.read(table, role=role, user="u", dataset="raw_applicants")
    personal = set(applicant_card(applicants).columns_with("personal")) & set(seen.columns)
    for column in personal:
        assert not (seen[column] == table[column]).any(), f"{role} sees {column} unmasked"


def test_the_analyst_sees_names_as_initials(controller, applicants):
    table = applicants.head(5)
    seen = controller.read(table, role="analyst", user="ana", dataset="raw", columns=["name"])
    initials = [" ".join(f"{word[0]}." for word in name.split()) for name in table["name"]]
    assert list(seen["name"]) == initials


def test_every_role_but_compliance_reads_without_the_held_persons_row(controller, applicants):
    """The lesson: "every role but compliance reads without that person's rows"."""
    table = applicants.head(50)
    controller.hold("raw_applicants", ["NB-000042"])
    for role in controller.roles:
        if role != "compliance":
            seen = controller.read(table, role=role, user="u", dataset="raw_applicants")
            assert len(seen) == 49, role


def test_the_auditor_reads_the_log_and_no_customer_data(controller, applicants):
    """The auditor's job is the access log: it needs no column of the applicant table."""
    assert controller.visible_columns("auditor") == {}
    with pytest.raises(AccessDenied, match="role 'auditor' may not read"):
        controller.read(applicants, role="auditor", user="aud", dataset="raw",
                        columns=["income"])


def test_a_role_not_in_the_policy_cannot_read_the_access_log(controller):
    """The lesson: "intern is not in the policy, so it gets nothing" (deny by default)."""
    with pytest.raises(AccessDenied, match="may not read the access log"):
        controller.access_log(role="intern", user="ian")
    log = controller.access_log(role="auditor", user="aud")
    assert list(log["granted"]) == [False, True]


def test_a_granted_column_the_table_lacks_is_a_logged_refusal(controller, applicants):
    with pytest.raises(AccessDenied, match=r"Columns \['income'\] are not in this dataset"):
        controller.read(applicants[["region"]], role="analyst", user="ana", dataset="summary",
                        columns=["income"])
    assert list(controller.access_log(role="auditor", user="aud")["granted"]) == [False, True]


# --- Catalog ---------------------------------------------------------------------------------

def _card(table, **overrides):
    fields = {"name": "x", "owner": "o", "purpose": "p", "source": "s",
              "lawful_basis": "consent", "retention_days": 30, "sensitivity": {}}
    return card_from_table(table, **(fields | overrides))


def test_special_category_data_counts_as_personal_data(applicants):
    """GDPR Art. 9 special categories are personal data too (docs/references.md)."""
    table = applicants[["income"]].assign(health="none")
    card = _card(table, sensitivity={"health": "special"})
    assert list(Catalog(".").table([card])["personal_data_columns"]) == [1]


def test_a_retention_period_of_zero_days_is_refused(applicants):
    with pytest.raises(CardError, match="retention_days"):
        _card(applicants[["income"]], retention_days=0)


# --- Lineage: "one changed cell gives a new fingerprint"; names and types count too ----------

def test_hash_changes_when_a_column_is_renamed_or_retyped(applicants):
    table = applicants[["region", "income"]].head(50)
    # "pay" sorts where "income" did: the column order alone does not change the hash
    assert content_hash(table.rename(columns={"income": "pay"})) != content_hash(table)
    assert content_hash(table.astype({"region": "category"})) != content_hash(table)


# --- Privacy ---------------------------------------------------------------------------------

def test_luhn_counts_only_13_to_19_digits_as_a_card_number():
    """The lesson: "a run of 13 to 19 digits" passing Luhn. 000000000000 passes the sum."""
    assert not luhn_valid("0" * 12)
    assert luhn_valid("4222222222222")  # a 13-digit Visa test number


def test_a_masked_number_keeps_only_its_last_four_digits():
    """mask's promise: "numbers keep their last four digits", however short the number."""
    from deploydl.governance.privacy import mask

    assert mask(pd.Series(["12345678", "555-1234"])).tolist() == ["****5678", "***-1234"]


def test_a_pseudonym_is_hmac_sha256_of_the_id_cut_to_16_hex_characters():
    expected = hmac.new(KEY, b"NB-000042", hashlib.sha256).hexdigest()[:16]
    assert pseudonymise(pd.Series(["NB-000042"]), key=KEY).tolist() == [f"P-{expected}"]


def test_a_pseudonym_key_needs_16_bytes():
    ids = pd.Series(["NB-000042"])
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonymise(ids, key=b"k" * 15)
    assert pseudonymise(ids, key=b"k" * 16).str.startswith("P-").all()


# --- Northbridge's pipeline: "duplicates and empty incomes dropped" ---------------------------

def test_cleaning_drops_a_repeated_application_and_an_empty_income(applicants):
    from deploydl.governance.northbridge import build_platform

    raw = pd.concat([applicants.head(20), applicants.head(20).iloc[[3]]], ignore_index=True)
    raw.loc[5, "income"] = None
    clean = build_platform(raw).datasets["clean_applicants"]
    assert len(clean) == 19  # 21 rows, less the repeat and the empty income
    assert clean["applicant_id"].is_unique and clean["income"].notna().all()


def test_the_region_summary_counts_applicants_and_their_default_rate():
    from deploydl.governance.northbridge import region_summary

    table = pd.DataFrame({"region": ["north", "north", "north", "south"],
                          "default": [1, 0, 0, 1]})
    summary = region_summary(table).set_index("region")
    assert summary.loc["north"].tolist() == [3, pytest.approx(1 / 3)]
    assert summary.loc["south"].tolist() == [1, 1.0]


# --- Quality: the lesson's rule table ("an age is a whole number between 18 and 100") ---------

#: The lesson's rules in words: each column's inclusive bounds (None: no bound on that side).
LESSON_BOUNDS = {"age": (18, 100), "income": (0, None), "debt_ratio": (0, 1.5)}


@pytest.mark.parametrize(("column", "bounds"), LESSON_BOUNDS.items())
def test_the_default_rules_hold_the_lessons_bounds_inclusive(applicants, column, bounds):
    from deploydl.governance.quality import check_quality

    low, high = bounds
    step = 1 if column == "age" else 0.01
    values = [low, low - step] + ([high, high + step] if high is not None else [])
    table = applicants.head(len(values)).copy()
    table[column] = pd.Series(values, index=table.index).astype(table[column].dtype)
    outside = [table.index[1]] + ([table.index[3]] if high is not None else [])
    assert check_quality(table).rows(column) == outside


def test_an_application_number_is_nb_and_exactly_six_digits(applicants):
    """The lesson: "written like NB-000001"; a digit more or less is another format."""
    from deploydl.governance.quality import check_quality

    table = applicants.head(3).assign(applicant_id=["NB-000001", "NB-0000002", "NB-00003"])
    assert check_quality(table).rows("applicant_id") == [1, 2]


def test_a_phone_number_starts_with_its_country_code(applicants):
    """The lesson: "written like +1-555-676-6684"."""
    from deploydl.governance.quality import check_quality

    table = applicants.head(2).assign(phone=["+1-555-676-6684", "1-555-676-6684"])
    assert check_quality(table).rows("phone") == [1]


def test_the_training_copy_keeps_rows_no_longer_than_the_five_year_credit_record(applicants):
    """The lesson: "model_features copies the five-year clock" of the raw applications."""
    from deploydl.governance.northbridge import training_card

    assert training_card(applicants).retention_days == 5 * 365 + 1  # five years, one leap day
    assert training_card(applicants).retention_days <= applicant_card(applicants).retention_days


def test_the_summary_counts_rows_with_a_violation_once(applicants):
    from deploydl.governance.quality import check_quality

    table = applicants.head(3).assign(age=[17, 40, 40], income=[-1.0, 1.0, 1.0])
    assert check_quality(table).summary() == "2 violations in 1 of 3 rows."
