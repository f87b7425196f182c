import pandas as pd
import pytest

from deploydl.data import PII_COLUMNS
from deploydl.governance.northbridge import DEMO_KEY, build_platform
from deploydl.governance.privacy import (
    erase_subject,
    find_pii,
    luhn_valid,
    mask,
    pii_columns,
    pseudonymise,
    retention_overdue,
    scan_pii,
    scan_precision_recall,
    subject_identifiers,
)


def test_scanner_recall_is_total_and_precision_high_on_the_generated_table(applicants):
    pii_cells = {(r, c) for r in applicants.index for c in PII_COLUMNS}
    precision, recall = scan_precision_recall(applicants, pii_cells)
    assert recall == 1.0
    assert precision >= 0.95


def test_scanner_finds_pii_hidden_in_free_text_and_ignores_decoys(applicants):
    table = applicants.head(400).copy()
    pii_cells = {(r, c) for r in table.index for c in PII_COLUMNS}
    leaks = table.index[::10]
    table.loc[leaks, "notes"] = "Call back on " + table.loc[leaks, "phone"]
    pii_cells |= {(r, "notes") for r in leaks}
    decoys = table.index[5::10]  # 16-digit references that fail Luhn, and plain street names
    table.loc[decoys, "notes"] = [f"Ref {_break_luhn(n)} at Mill Lane branch"
                                  for n in table.loc[decoys, "card_number"]]
    precision, recall = scan_precision_recall(table, pii_cells)
    assert recall == 1.0
    assert precision >= 0.95


def test_scan_precision_recall_reuses_a_scan_and_has_no_precision_without_hits(applicants):
    table = applicants.head(20)
    pii_cells = {(r, "email") for r in table.index}
    found = scan_pii(table)
    assert scan_precision_recall(table, pii_cells, found=found) == (1 / 6, 1.0)
    precision, recall = scan_precision_recall(table[["notes"]].iloc[:0], pii_cells)
    assert precision != precision and recall == 0.0


def _break_luhn(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_card_numbers_that_fail_luhn_are_rejected(applicants):
    card = applicants["card_number"].iloc[0]
    assert luhn_valid(card) and find_pii(card) == ["card_number"]
    assert not luhn_valid(_break_luhn(card))
    assert "card_number" not in find_pii(f"order {_break_luhn(card)}")
    assert find_pii("4111 1111 1111 1111") == ["card_number"]


def test_pii_columns_summarises_by_column(applicants):
    summary = pii_columns(scan_pii(applicants.head(50)), applicants.head(50))
    assert sorted(summary["column"]) == sorted(PII_COLUMNS)
    assert (summary["share"] == "100%").all()  # a percent, as the course's other tables show
    assert (summary["cells"] == 50).all()
    few = scan_pii(applicants.head(200)).query("row < 1")  # found on 1 of 200 rows: 0.5%
    assert set(pii_columns(few, applicants.head(200))["share"]) == {"under 1%"}
    assert set(summary.loc[summary["column"] == "card_number", "kind"]) == {"card_number"}


def test_mask_keeps_shape_but_hides_value():
    masked = mask(pd.Series(["ada.smith1@example.com", "+1-555-123-4567", "Ada Smith",
                             "12 Mill Lane", 42]))
    assert masked.tolist() == ["a***@example.com", "+*-***-***-4567", "A. S.", "*** Mill Lane",
                               42]


def test_pseudonyms_are_stable_keyed_and_need_a_real_key():
    ids = pd.Series(["NB-000001", "NB-000002", "NB-000001"])
    one = pseudonymise(ids, key=b"k" * 16)
    assert one[0] == one[2] != one[1] and one[0].startswith("P-")
    assert (pseudonymise(ids, key=b"j" * 16) != one).all()
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonymise(ids, key=b"short")


def test_retention_finds_rows_past_the_period(applicants):
    overdue = retention_overdue(applicants, date_column="application_date",
                                retention_days=365, today="2026-06-30")
    age = pd.Timestamp("2026-06-30") - applicants["application_date"]
    assert list(overdue) == list(applicants.index[age.dt.days > 365])
    assert 0 < len(overdue) < len(applicants)
    with pytest.raises(KeyError, match="date_column 'collected'"):
        retention_overdue(applicants, date_column="collected", retention_days=1, today="2026")


def test_a_row_whose_clock_has_not_started_is_never_overdue(applicants):
    """A loan still running has no end date: the clock that counts from it has not started."""
    ended = applicants["application_date"].where(applicants.index % 2 == 0)  # odd rows: NaT
    overdue = retention_overdue(applicants.assign(relationship_ended=ended),
                                date_column="relationship_ended", retention_days=1,
                                today="2040-01-01")
    assert list(overdue) == list(applicants.index[applicants.index % 2 == 0])


def test_erasure_removes_the_person_everywhere_and_lists_what_to_rebuild(applicants):
    platform = build_platform(applicants)
    ids = subject_identifiers(applicants, "NB-000042", key=DEMO_KEY)
    held = [n for n, t in platform.datasets.items() if t.isin(list(ids.values())).any(axis=None)]
    derived_holding = [n for n in held if n != "raw_applicants"]
    assert len(derived_holding) == 3  # planted in three derived datasets, one pseudonymous
    cleaned, report = erase_subject(platform.datasets, ids, lineage=platform.lineage)
    for name, table in cleaned.items():
        assert not table.isin(list(ids.values())).any(axis=None), name
    assert sorted(report.rows_removed) == sorted(held)
    assert report.datasets_to_rebuild == ["clean_applicants", "marketing_list",
                                          "model_features", "region_summary"]
    assert report.models_to_retrain == ["default_risk_v1"]
    assert "Retrain models: default_risk_v1" in report.summary()


def test_erasure_needs_an_identifier(applicants):
    platform = build_platform(applicants.head(20))
    with pytest.raises(ValueError, match="identifiers is empty"):
        erase_subject(platform.datasets, {}, lineage=platform.lineage)
    with pytest.raises(KeyError, match="No applicant 'X'"):
        subject_identifiers(applicants, "X", key=DEMO_KEY)


def test_erasure_keeps_what_a_legal_hold_names_and_says_why(applicants):
    from deploydl.governance.northbridge import CREDIT_RECORD_HOLDS
    from deploydl.governance.privacy import LegalHold

    platform = build_platform(applicants)
    ids = subject_identifiers(applicants, "NB-000042", key=DEMO_KEY)
    cleaned, report = erase_subject(platform.datasets, ids, lineage=platform.lineage,
                                    holds=CREDIT_RECORD_HOLDS)
    assert report.rows_kept == {"raw_applicants": 1}
    assert "raw_applicants" not in report.rows_removed
    assert cleaned["raw_applicants"].isin(list(ids.values())).any(axis=None)
    assert not cleaned["marketing_list"].isin(list(ids.values())).any(axis=None)
    assert "Art. 17(3)(b)" in report.kept_because["raw_applicants"]
    summary = report.summary()
    assert "Kept under legal hold in raw_applicants (1 row)" in summary
    assert "Keep until: 5 years after the customer relationship ends" in summary
    assert "25 months after the applicant was told the decision" in summary
    assert report.held_identifiers == {"raw_applicants": list(ids.values())}
    assert report.searched_no_match == ["region_summary"]
    assert "Searched, not found: region_summary." in summary
    with pytest.raises(ValueError, match=r"unknown dataset\(s\) \['nowhere'\]"):
        erase_subject(platform.datasets, ids, lineage=platform.lineage,
                      holds=[LegalHold("nowhere", "a reason", "a ground")])


def test_erasure_finds_identifiers_inside_text_in_any_case(applicants):
    from deploydl.governance.privacy import rows_mentioning

    table = applicants.head(50).copy()
    email = table.loc[3, "email"]
    table["notes"] = ""
    table.loc[7, "notes"] = f"Complaint: write to {email.upper()}."
    table.loc[8, "notes"] = f"Not the same person: x{email}"
    table.loc[10, "notes"] = "Scanned: nb-000042_scan.pdf"  # a file name: "_" after ends a word
    table.loc[11, "notes"] = "See NB-0000420"  # a longer ID, another person
    table.loc[12, "notes"] = f"archive/{email}_2024.msg"
    table.loc[13, "notes"] = f"Another customer: mary_{email}"  # "_" may sit inside an address
    hit = rows_mentioning(table, [email, "nb-000020", "NB-000042"])
    assert list(table.index[hit]) == [3, 7, 10, 12, 19, 41]


def test_erasing_an_address_leaves_a_longer_address_that_ends_with_it():
    from deploydl.governance.lineage import Lineage

    crm = pd.DataFrame({"applicant_id": ["NB-1", "NB-2"],
                        "email": ["lee@example.com", "ann_lee@example.com"]})
    lineage = Lineage()
    lineage.register("crm", crm)
    cleaned, report = erase_subject({"crm": crm}, {"applicant_id": "NB-1",
                                                   "email": "lee@example.com"}, lineage=lineage)
    assert list(cleaned["crm"]["email"]) == ["ann_lee@example.com"]
    assert report.rows_removed == {"crm": 1}


def test_a_held_dataset_without_the_person_is_listed_as_searched_not_found():
    """A hold keeps a dataset's rows; where that dataset never mentioned the person, the report
    must still say it was searched, or a reply to the person cannot account for it."""
    from deploydl.governance.lineage import Lineage
    from deploydl.governance.privacy import LegalHold

    crm = pd.DataFrame({"applicant_id": ["NB-1", "NB-2"]})
    ledger = pd.DataFrame({"applicant_id": ["NB-2", "NB-3"]})
    lineage = Lineage()
    lineage.register("crm", crm)
    lineage.register("ledger", ledger)
    _, report = erase_subject({"crm": crm, "ledger": ledger}, {"applicant_id": "NB-1"},
                              lineage=lineage,
                              holds=[LegalHold("ledger", "a ledger kept by law", "Art. 17(3)(b)")])
    assert report.searched_no_match == ["ledger"]
    assert report.rows_kept == {} and report.rows_removed == {"crm": 1}
    assert "Searched, not found: ledger." in report.summary()


def test_a_rebuild_with_the_suppression_list_leaves_erased_people_out(applicants):
    platform = build_platform(applicants)
    ids = subject_identifiers(applicants, "NB-000042", key=DEMO_KEY)
    from deploydl.governance.northbridge import CREDIT_RECORD_HOLDS

    cleaned, _ = erase_subject(platform.datasets, ids, lineage=platform.lineage,
                               holds=CREDIT_RECORD_HOLDS)
    again = build_platform(cleaned["raw_applicants"])
    assert (again.datasets["marketing_list"]["applicant_id"] == "NB-000042").any()
    rebuilt = build_platform(cleaned["raw_applicants"], suppress=["NB-000042"])
    for name, table in rebuilt.datasets.items():
        if name != "raw_applicants":
            assert not table.isin(list(ids.values())).any(axis=None), name


def test_a_suppression_list_must_be_a_list_and_lineage_counts_rows_dropped(applicants):
    with pytest.raises(TypeError, match=r"give a list, e.g. \['NB-000006'\]"):
        build_platform(applicants.head(20), suppress="NB-000006")
    platform = build_platform(applicants.head(20),
                              suppress=["NB-000006", "NB-999998", "NB-999999"])
    assert "NB-000006" not in set(platform.datasets["clean_applicants"]["applicant_id"])
    clean_step = next(s for s in platform.lineage.steps if s.step == "clean")
    assert clean_step.params["suppressed"] == 1  # one of the three IDs was in the table
