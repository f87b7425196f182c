import pytest

from deploydl.data import DEFECT_KINDS, inject_defects, make_applicants
from deploydl.governance.quality import (
    APPLICANT_RULES,
    QualityRuleError,
    build_schema,
    check_quality,
)

# Which rule on which column catches each planted defect.
CATCHES = {"missing": ("income", "not_nullable"),
           "out_of_range": ("age", None),
           "inconsistent_category": ("region", "isin"),
           "duplicate": ("applicant_id", "field_uniqueness")}


def test_clean_table_passes(applicants):
    report = check_quality(applicants)
    assert report.passed, report.counts()
    assert report.summary() == "All 2,000 rows passed every rule."


@pytest.mark.parametrize("seed", [0, 1])
def test_report_finds_every_planted_defect_and_names_the_rows(applicants, seed):
    defective, truth = inject_defects(applicants, rate=0.03, seed=seed)
    report = check_quality(defective)
    for kind, (column, check) in CATCHES.items():
        planted = sorted(truth.loc[truth["kind"] == kind, "row"])
        assert len(planted) == 60
        assert report.rows(column, check) == planted, kind
    for column in ("email", "phone"):  # the swapped headers: every row breaks the pattern
        planted = sorted(truth.loc[(truth["kind"] == "mislabelled_column")
                                   & (truth["column"] == column), "row"])
        assert report.rows(column, "pattern") == planted == list(defective.index)
    counts = report.counts().groupby("column")["violations"].sum()
    assert counts["income"] == counts["age"] == counts["region"] == counts["applicant_id"] == 60
    assert len(report.violations) == len(truth)


def test_truth_and_arguments_of_the_defect_generator(applicants):
    defective, truth = inject_defects(applicants, rate=0.01, seed=0, kinds=("missing",))
    assert set(truth["kind"]) == {"missing"} and len(defective) == len(applicants)
    assert defective.loc[truth["row"], "income"].isna().all()
    assert set(DEFECT_KINDS) >= set(truth["kind"])
    with pytest.raises(ValueError, match="Unknown defect kinds"):
        inject_defects(applicants, kinds=("typo",))
    with pytest.raises(ValueError, match="rate must be between 0 and 0.2"):
        inject_defects(applicants, rate=0.5)
    again, _ = inject_defects(make_applicants(2000, seed=0), rate=0.01, seed=0,
                              kinds=("missing",))
    assert again.equals(defective)


def test_rule_on_missing_column_is_a_clear_error(applicants):
    with pytest.raises(QualityRuleError, match="names column 'incme', which the table does not"):
        check_quality(applicants, {"incme": {"min": 0}})


def test_bad_rule_shapes_are_clear_errors():
    with pytest.raises(QualityRuleError, match=r"unknown keys \['minimum'\]"):
        build_schema({"income": {"minimum": 0}})
    with pytest.raises(QualityRuleError, match="must be a dict"):
        build_schema({"income": 0})


def test_default_rules_cover_the_columns_defects_land_in():
    assert set(DEFECT_KINDS.values()) <= set(APPLICANT_RULES)


def test_caught_counts_planted_defects_found_and_missed(applicants):
    defective, truth = inject_defects(applicants.head(500), rate=0.02, seed=1)
    rows = truth[truth["kind"] != "mislabelled_column"]
    report = check_quality(defective)
    caught = report.caught(rows)
    assert caught["planted"].sum() == len(rows) and (caught["missed"] == 0).all()
    lenient = check_quality(defective, rules={"age": {"min": 18}})
    partial = lenient.caught(rows)
    assert partial.loc["age", "caught"] < partial.loc["age", "planted"]
    assert partial.loc["income", "caught"] == 0 and partial.loc["income", "missed"] > 0
