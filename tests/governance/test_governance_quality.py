import numpy as np
import pandas as pd
import pytest

from deploydl.data import DEFECT_KINDS, inject_defects, make_applicants
from deploydl.governance.quality import (
    APPLICANT_RULES,
    RULE_KEYS,
    QualityRuleError,
    build_schema,
    check_quality,
    rules_in_words,
)

# Which rule on which column catches each planted defect (the check's words, or their start).
CATCHES = {"missing": ("income", "never empty"),
           "out_of_range": ("age", None),
           "inconsistent_category": ("region", "one of"),
           "duplicate": ("applicant_id", "no two rows share it")}


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
        assert report.rows(column, "in the expected format") == planted == list(defective.index)
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


@pytest.mark.parametrize(("rule", "key", "says"), [
    ({"min": "18", "max": "100"}, "min", "'min' should be a number"),
    ({"min": 18, "max": None}, "max", "'max' should be a number"),
    ({"min": True}, "min", "'min' should be a number"),
    ({"allowed": 18}, "allowed", "'allowed' should list the permitted values"),
    ({"allowed": "north"}, "allowed", "'allowed' should list the permitted values"),
    ({"allowed": np.arange(18, 101).reshape(1, -1)}, "allowed", "'allowed' should list"),
    ({"dtype": "18"}, "dtype", "'dtype' should name a column type pandas knows"),
    ({"dtype": pd.Series([1])}, "dtype", "'dtype' should name a column type"),
    ({"nullable": "yes"}, "nullable", "'nullable' should be True or False"),
    ({"pattern": 18}, "pattern", "'pattern' should be a regular expression written as text"),
    ({"pattern": "NB-[0-9"}, "pattern", "'pattern' is not a valid regular expression"),
])
def test_rule_values_of_the_wrong_form_are_errors_that_say_what_to_write(applicants, rule,
                                                                          key, says):
    # Before, these counted nonsense violations or raised pandas' bare TypeError.
    with pytest.raises(QualityRuleError, match=says) as error:
        check_quality(applicants, {"age": rule})
    assert error.value.key == key and "In the rule for column 'age'" in str(error.value)


@pytest.mark.parametrize("rule", [
    {"dtype": np.dtype("int64"), "min": 18, "max": 100},
    {"dtype": pd.Int64Dtype()},
    {"dtype": int, "min": np.int64(18), "max": 100.0},
    {"allowed": np.arange(18, 101)},
    {"allowed": pd.Series(range(18, 101))},
    {"allowed": pd.Index(range(18, 101)), "nullable": np.False_, "unique": False},
])
def test_numpy_and_pandas_forms_of_a_rule_are_accepted(applicants, rule):
    assert not check_quality(applicants, {"age": rule}).rows("age")
    assert check_quality(applicants.assign(age=17), {"age": {**rule, "min": 18}}).rows("age")


def test_a_date_bound_is_accepted():
    table = pd.DataFrame({"day": pd.to_datetime(["2026-01-01", "2025-06-01"])})
    report = check_quality(table, {"day": {"min": pd.Timestamp("2026-01-01")}})
    assert report.rows("day") == [1]


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


def test_rules_in_words_reads_each_rule_as_a_sentence(applicants):
    words = rules_in_words(APPLICANT_RULES, examples=applicants).set_index("column")["rule"]
    assert list(words.index) == list(APPLICANT_RULES)
    assert words["age"] == "a whole number; between 18 and 100; never empty"
    assert words["region"] == "one of north, south, east or west; never empty"
    assert words["applicant_id"] == ("written like NB-000001; no two rows share it; "
                                     "never empty")
    assert "\\d" not in " ".join(words)  # no regular expression left for the reader
    plain = rules_in_words({"code": {"pattern": r"\d{3}", "nullable": True}})
    assert plain["rule"].tolist() == [r"matching the pattern \d{3}; may be empty"]
    with pytest.raises(QualityRuleError, match="unknown keys"):
        rules_in_words({"age": {"minimum": 18}})


# For each rule key: a rule, a column of three values that breaks it, and the words the report
# names the broken check by (the course's own words, set where the check is made).
BROKEN = {
    "dtype": ({"dtype": "int64"}, [1.5, 2.5, 3.5], "a whole number"),
    "min": ({"min": 18}, [17, 18, 40], "at least 18"),
    "max": ({"max": 100}, [17, 101, 40], "at most 100"),
    "nullable": ({"nullable": False}, [1.0, None, 2.0], "never empty"),
    "unique": ({"unique": True}, ["a", "b", "a"], "no two rows share it"),
    "allowed": ({"allowed": ["north", "south"]}, ["north", "east", "south"],
                "one of north or south"),
    "pattern": ({"pattern": r"NB-\d{6}"}, ["NB-000001", "NB-1", "NB-000003"],
                "in the expected format"),
}


def test_every_rule_key_has_a_broken_example():
    assert set(BROKEN) == set(RULE_KEYS)


@pytest.mark.parametrize("key", RULE_KEYS)
def test_a_report_names_each_broken_check_in_the_courses_words(key):
    # A check made without words would show up here under pandera's own name instead.
    rule, values, words = BROKEN[key]
    report = check_quality(pd.DataFrame({"c": values}), {"c": rule})
    assert report.violations["check"].tolist() == [words], report.violations


def test_a_rule_list_from_a_columns_unique_values_reads_in_words():
    # A learner's rule built from series.unique() holds numpy scalars, which pandera prints
    # as np.int64(0): the words must still come out, not a crash.
    table = pd.DataFrame({"late": [0, 1, 2, 7]})
    rules = {"late": {"allowed": list(table["late"].iloc[:3].unique())}}
    failed = check_quality(table, rules).counts()["check"]
    assert list(failed) == ["one of 0, 1 or 2"]
    assert rules_in_words({"late": {"dtype": int, "allowed": []}})["rule"][0] == (
        "a whole number; no value allowed; never empty")


@pytest.mark.parametrize(("dtype", "words"), [
    ("Int64", "a whole number"), ("int32", "a whole number"), (np.dtype("int64"), "a whole number"),
    ("Float64", "a number"), (float, "a number"), ("bool", "yes or no"),
    ("boolean", "yes or no"), ("datetime64[ns]", "a date"), ("string", "text"), (str, "text"),
    ("category", "of type category"),
])
def test_a_rules_type_reads_in_plain_words_whatever_its_spelling(dtype, words):
    # pandas' nullable "Int64" is a whole number to a risk officer, not "of type Int64".
    assert rules_in_words({"c": {"dtype": dtype}})["rule"][0] == f"{words}; never empty"
