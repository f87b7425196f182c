from datetime import UTC, datetime

import pytest

from deploydl.governance.access import (
    NORTHBRIDGE_POLICY,
    AccessController,
    AccessDenied,
    PolicyError,
    role_view,
)

KEY = b"k" * 32


@pytest.fixture
def controller():
    return AccessController(NORTHBRIDGE_POLICY, key=KEY,
                            clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))


def test_analyst_sees_masked_personal_data(controller, applicants):
    seen = controller.read(applicants.head(5), role="analyst", user="ana", dataset="raw")
    assert "national_id" not in seen.columns and "phone" not in seen.columns
    assert seen["email"].str.contains(r"^\w\*\*\*@example\.com$").all()
    assert (seen["income"] == applicants["income"].head(5)).all()
    assert seen["applicant_id"].str.startswith("P-").all()  # personal on the card: pseudonymised


def test_data_scientist_sees_pseudonymous_ids_only(controller, applicants):
    seen = controller.read(applicants.head(5), role="data_scientist", user="dan", dataset="raw")
    assert seen["applicant_id"].str.startswith("P-").all()
    assert not {"name", "email", "phone", "national_id", "address"} & set(seen.columns)


def test_denied_for_unknown_role_and_ungranted_column(controller, applicants):
    with pytest.raises(AccessDenied, match="role 'intern' is not in the policy"):
        controller.read(applicants, role="intern", user="ian", dataset="raw")
    with pytest.raises(AccessDenied, match=r"role 'analyst' may not read \['national_id'\]"):
        controller.read(applicants, role="analyst", user="ana", dataset="raw",
                        columns=["income", "national_id"])
    with pytest.raises(AccessDenied, match="may not read the access log"):
        controller.access_log(role="analyst", user="ana")


def test_every_read_is_logged_and_only_auditors_read_the_log(controller, applicants):
    controller.read(applicants, role="analyst", user="ana", dataset="raw", columns=["income"])
    with pytest.raises(AccessDenied):
        controller.read(applicants, role="intern", user="ian", dataset="raw")
    log = controller.access_log(role="auditor", user="aud")
    assert list(log["user"]) == ["ana", "ian", "aud"]
    assert list(log["granted"]) == [True, False, True]
    assert list(log["dataset"]) == ["raw", "raw", "access_log"]
    assert log.loc[0, "columns"] == "income" and log.loc[0, "when"] == "2026-01-01T00:00:00+00:00"
    assert "not in the policy" in log.loc[1, "reason"]


@pytest.mark.parametrize(("policy", "message"), [
    ("roles:\n  analyst:\n    columns: {income: allow\n", "not valid YAML near line"),
    ("users: []", "must have a 'roles:' mapping"),
    ("roles:\n  analyst: everything", "Role 'analyst' needs a 'columns:' mapping"),
    ("roles:\n  analyst:\n    columns: {income: read}", r"unknown actions \{'income': 'read'\}"),
])
def test_unparsable_policy_is_a_clear_error(policy, message):
    with pytest.raises(PolicyError, match=message):
        AccessController(policy, key=KEY)


def test_role_widget_shows_what_each_role_may_read(controller, applicants):
    box = role_view(controller, applicants, dataset="raw")
    picker, view = box.children
    assert "<b>analyst</b> may read 8 of 20 columns" in view.value
    picker.value = "data_scientist"
    assert "P-" in view.value and "@example.com" not in view.value
    picker.value = "intern"
    assert "Access denied" in view.value
    picker.value = "auditor"
    assert "The access log" in view.value and "intern" in view.value
    # a screen reader reads each cell with its column: every header cell says so
    assert "<th>" not in view.value and '<th scope="col">' in view.value


HELD = ["NB-000042", "held@example.com"]  # the held person's ID and an identifier not present


def test_rows_under_a_legal_hold_are_hidden_from_every_role_but_compliance(controller,
                                                                           applicants):
    table = applicants.head(50)
    controller.hold("raw_applicants", HELD)
    assert controller.holds == {"raw_applicants": sorted(HELD)}
    for role in ("analyst", "data_scientist"):
        seen = controller.read(table, role=role, user="u", dataset="raw_applicants")
        assert 41 not in seen.index and len(seen) == 49, role
    held = controller.read(table, role="compliance", user="cat", dataset="raw_applicants")
    assert held.loc[41, "applicant_id"] == "NB-000042"
    log = controller.access_log(role="auditor", user="aud")
    assert list(log["reason"][:2]) == ["granted; 1 held row(s) withheld"] * 2


def test_a_hold_follows_the_person_not_the_row_label_or_dataset_name(controller, applicants):
    table = applicants.head(50)
    controller.hold("raw_applicants", HELD)
    resorted = table.sort_values("income").reset_index(drop=True)
    seen = controller.read(resorted, role="compliance", user="cat", dataset="raw_applicants",
                           columns=["applicant_id"])
    assert len(seen) == 50 and "NB-000042" in set(seen["applicant_id"])
    for dataset in ("raw_applicants", "other", "marketing_list"):
        ids = set(resorted.loc[controller.read(resorted, role="analyst", user="u",
                                               dataset=dataset).index, "applicant_id"])
        assert ids == set(table["applicant_id"]) - {"NB-000042"}, dataset  # only the held one
    by_email = controller.read(table.assign(applicant_id="x"), role="analyst", user="u",
                               dataset="copy")  # a copy without the ID: found by another one
    assert len(by_email) == 50  # held@example.com is not in this table: nobody else withheld
    controller.hold("raw_applicants", [table.loc[7, "email"]])
    assert len(controller.read(table.assign(applicant_id="x"), role="analyst", user="u",
                               dataset="copy")) == 49


def test_a_hold_needs_a_list_of_identifiers(controller):
    with pytest.raises(TypeError, match=r"give a list, e.g. \['NB-000042'\]"):
        controller.hold("raw_applicants", "NB-000042")
    with pytest.raises(ValueError, match="identifiers is empty"):
        controller.hold("raw_applicants", [])
