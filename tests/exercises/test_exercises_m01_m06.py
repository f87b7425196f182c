"""Modules 01 and 06's exercises: a misspelt column uses up no hint, and the canary's share of
the traffic is not its error rate."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

#: Exercise 01.1's right answer (test_exercises_cases.py proves it passes).
PII = ["customer", "contact", "memo"]
#: Exercise 01.3's right answer.
FRAUD = {"applicant_id": "pseudonymise", "income": "allow", "loan_amount": "allow",
         "region": "allow"}


def test_01_1_a_name_that_is_not_a_column_says_so_and_uses_up_no_hint():
    exercise = find_exercise("01.1")
    misspelt = [evaluate(exercise, answer) for answer in (["CONTACT", "customer", "memo"],
                                                          ["customer", "contacts", "memo"])]
    assert all(r.status == FAILED and "is not a column of the file" in r.message
               for r in misspelt), [r.message for r in misspelt]
    assert [r.hint for r in misspelt] == [exercise.hints[0]] * 2
    wrong = evaluate(exercise, ["customer", "contact"])
    assert wrong.hint == exercise.hints[0], "the misspelt names used up the first hint"
    assert evaluate(exercise, ["customer", "contact", "ref_no"]).hint == exercise.hints[1]
    assert evaluate(exercise, PII).status == PASSED


def test_01_1_an_extra_column_is_told_it_does_not_identify_anyone_not_that_it_is_not_personal():
    """A review's: the check told a learner who listed ``balance`` that it "holds no personal
    data", but a named customer's balance is personal data (GDPR Art. 4(1)). The exercise asks
    for the columns that identify someone or say how to reach them."""
    exercise = find_exercise("01.1")
    for extra in ("balance", "ref_no"):
        message = evaluate(exercise, [*PII, extra]).message
        assert "no personal data" not in message, message
        assert f"['{extra}'] does not say who a customer is or how to reach them" in message
        assert "all of it is personal data" in message
    missed = evaluate(exercise, ["customer", "contact"]).message
    assert "says who a customer is or how to reach them" in missed, missed


def test_01_1_the_task_asks_for_the_identifying_columns_of_a_personal_row(root):
    import nbformat

    lab = nbformat.read(root / "solutions" / "01_data_governance_lab.ipynb", as_version=4)
    task = " ".join(next(c for c in lab.cells if c.id == "c02").source.split())
    assert "Which columns hold personal data?" not in task
    assert "Once a row names someone, the whole row is personal data" in task
    assert "Which columns identify a customer or say how to reach them?" in task


def test_01_2_a_unique_age_rule_is_told_that_unique_flags_the_real_ages():
    message = evaluate(find_exercise("01.2"),
                       {"age": {"min": 18, "max": 100, "unique": True}}).message
    assert message.startswith("'unique': True flags 940 real ages"), message
    assert "Remove 'unique'" in message


def test_01_2_a_unique_age_rule_with_a_narrow_range_is_told_both():
    """A review's: min 30 with 'unique' was told that 'unique' flags all 952 real ages and to
    remove it, though without 'unique' the rule still flags 204: say what 'unique' adds, and
    that the rest flags real ages too."""
    message = evaluate(find_exercise("01.2"),
                       {"age": {"min": 30, "max": 100, "unique": True}}).message
    assert message.startswith("'unique': True flags 748 real ages"), message
    assert "The rest of your rule flags 204 real ages too" in message, message


def test_01_3_a_misspelt_column_says_so_and_uses_up_no_hint():
    exercise = find_exercise("01.3")
    income = {k: v for k, v in FRAUD.items() if k != "income"}
    ids = {k: v for k, v in FRAUD.items() if k != "applicant_id"}
    for column, answer in (("Income", {**income, "Income": "allow"}),
                           ("applicant id", {**ids, "applicant id": "pseudonymise"})):
        result = evaluate(exercise, answer)
        assert result.status == FAILED, answer
        assert (f"{column!r} is not a column of the applicant table (names are "
                "case-sensitive)") in result.message, result.message
        assert result.hint == exercise.hints[0], "a misspelt name used up a hint"


def test_01_3_a_masked_or_allowed_applicant_id_is_told_why_it_fails():
    exercise = find_exercise("01.3")
    masked = evaluate(exercise, {**FRAUD, "applicant_id": "mask"}).message
    assert ("(NB-**0123): among the lab's 1,000 applications they still point to exactly "
            "one") in masked, masked
    assert "more than 10,000 they repeat" in masked, masked
    from deploydl.data import make_applicants
    from deploydl.governance.privacy import mask

    ids = make_applicants(1000, seed=0)["applicant_id"]
    assert mask(ids).nunique() == len(ids) == 1000, "the masked IDs single out each application"
    assert mask(ids[:1]).iloc[0].endswith(ids.iloc[0][-4:])
    allowed = evaluate(exercise, {**FRAUD, "applicant_id": "allow"}).message
    assert "real application number" in allowed and "without saying who" in allowed, allowed
    income = evaluate(exercise, {**FRAUD, "income": "mask"}).message
    assert income == "the team needs the real values of ['income'] to spot fraud: 'allow' it."


def test_06_5_the_canarys_share_of_the_traffic_is_not_its_error_rate():
    from deploydl.exercises.m06 import CANARY_SHARE, canary_error_rate

    rate = canary_error_rate()
    assert abs(rate - CANARY_SHARE) < 0.01, "the trap: the two are this close"
    exercise = find_exercise("06.5")
    result = evaluate(exercise, {"canary_error_rate": CANARY_SHARE, "action": "roll back"})
    assert result.status == FAILED
    assert "share of the traffic" in result.message and "two decimals" in result.message
    for right in (rate, round(rate, 2), round(rate, 3)):
        assert evaluate(exercise, {"canary_error_rate": right, "action": "roll back"}
                        ).status == PASSED, right


def test_06_2_neither_the_first_hint_nor_the_form_message_gives_a_passing_alpha():
    """A review's: hint 1 said "Try 0.01." and the form message "e.g. 0.01", which passes."""
    import re

    exercise = find_exercise("06.2")
    said = [exercise.hints[0], evaluate(exercise, "low").message]
    for text in said:
        for number in re.findall(r"\d*\.\d+", text):
            assert evaluate(exercise, float(number)).status == FAILED, (number, text)
    assert "quiet_and_bug_alarms(alpha)" in exercise.hints[0]  # it says how, not what


def test_06_6_hours_given_as_a_duration_are_told_to_convert_to_hours():
    from datetime import timedelta

    from deploydl.exercises.core import FormProblem
    from deploydl.exercises.m06 import _is_release_call, release_call

    truth = release_call()
    hours = timedelta(hours=truth["hours_to_window"])
    message = _is_release_call({**truth, "hours_to_window": hours})
    assert isinstance(message, FormProblem) and ".total_seconds() / 3600" in message


def test_each_diagnosis_names_the_table_its_lab_measures():
    """A review's: 08.2's message said "exactly 0 today", lab 06's table, for lab 08's
    new_region."""
    answers = {"06.1": ("today", "new_region"), "08.2": ("new_region", "today")}
    for exercise_id, (table, other) in answers.items():
        message = evaluate(find_exercise(exercise_id), {
            "feature": "credit_history_years", "zero_share": 0.5, "action": "retrain"}).message
        assert f"rows of {table} " in message and other not in message, message


def test_06_5_the_traffic_share_is_refused_to_float32_precision_and_0_199_is_no_rounding():
    """A review's: np.float32(0.2) and 0.2000001 passed where 0.2 is refused, and so did 0.199
    (12.5 of the canary's 63 requests), which is neither the rate (0.2063) nor a rounding of it
    to two decimals, the precision the message about 0.2 asks for."""
    import numpy as np

    exercise = find_exercise("06.5")
    for near in (np.float32(0.2), 0.2000001, 0.1999999):
        result = evaluate(exercise, {"canary_error_rate": near, "action": "roll back"})
        assert result.status == FAILED and "share of the traffic" in result.message, near
    for far in (0.199, 0.201):
        result = evaluate(exercise, {"canary_error_rate": far, "action": "roll back"})
        assert result.status == FAILED and "failed requests over its requests" in result.message


@pytest.mark.parametrize(("exercise_id", "answer", "says"), [
    ("06.6", {"hours_to_window": "57.5", "decision": "wait"}, "(57.5, not '57.5')"),
    ("06.5", {"canary_error_rate": "0.206", "action": "roll back"}, "(0.206, not '0.206')"),
    ("06.5", {"canary_error_rate": "20.6%", "action": "roll back"}, "(0.206, not '20.6%')"),
    ("06.1", {"feature": "credit_history_years", "zero_share": "0.336",
              "action": "fix the pipeline"}, "(0.336, not '0.336')"),
    ("06.3", "4724", "(4724, not '4724')"),
    ("06.2", "0.01", "(0.01, not '0.01')"),
])
def test_06_a_number_given_as_text_is_told_to_be_a_number(exercise_id, answer, says):
    """A review's: "57.5", the right hours as text, got "count the hours from Thursday 16:30
    ... you gave '57.5'", as if the hours were wrong."""
    from deploydl.exercises.core import FormProblem

    result = evaluate(find_exercise(exercise_id), answer)
    assert result.status == FAILED and "give a number, not text" in result.message
    assert says in result.message, result.message
    checker = find_exercise(exercise_id).checker
    assert isinstance(checker(answer), FormProblem)  # uses up no hint


def test_06_6_one_number_in_a_series_is_told_to_be_taken_out():
    import pandas as pd

    message = evaluate(find_exercise("06.6"), {"hours_to_window": pd.Series([57.5]),
                                               "decision": "wait"}).message
    assert "give one number, not a Series of 1 value" in message, message


def test_06_3_messages_count_approved_loans_per_version_as_the_task_does():
    """A review's: 4724.5 got "give a whole number of applicants per group"; the task asks for
    approved loans per version."""
    from deploydl.exercises.m06 import _sample_size_answer

    exercise, n = find_exercise("06.3"), _sample_size_answer()
    for wrong in (n + 0.5, 2 * n, n + 1):
        message = evaluate(exercise, wrong).message
        assert "approved loans per version" in message and "group" not in message, message


@pytest.mark.parametrize("spelt", ["{}", "({})", "Option {}.", " {} "])
def test_04_6_and_06_4_take_a_letter_as_multiple_choice_does(spelt):
    """A red-team reading's: "(D)" or "B." failed these two as not one letter, where every
    multiple-choice check reads them as the letter; a wrong letter still fails."""
    from deploydl.exercises.m04_incidents import INCIDENTS

    right = {str(n): letter for n, (_, letter) in INCIDENTS.items()}
    given = {n: spelt.format(letter) for n, letter in right.items()}
    assert evaluate(find_exercise("04.6"), given).status == PASSED
    assert evaluate(find_exercise("04.6"), {**given, "1": spelt.format("B")}).status == FAILED
    assert evaluate(find_exercise("06.4"), spelt.format("B")).status == PASSED
    assert evaluate(find_exercise("06.4"), spelt.format("A")).status == FAILED


@pytest.mark.parametrize("dtype", ["int64[pyarrow]", "string[pyarrow]"])
def test_01_2_a_dtype_that_needs_pyarrow_is_told_the_type_not_blamed_on_the_course(dtype):
    """A red-team reading's: pandas raised ImportError for a pyarrow dtype, which the check
    reported as its own crash ("the check of exercise 01.2 is broken"). The course does not
    install pyarrow; where it is installed, "int64[pyarrow]" is a whole-number type."""
    import importlib.util

    if importlib.util.find_spec("pyarrow") is not None:
        pytest.skip("pyarrow is installed here, so pandas makes these types")
    result = evaluate(find_exercise("01.2"), {"age": {"min": 18, "max": 100, "dtype": dtype}})
    assert result.status == FAILED and "whole-number type" in result.message, result.message


@pytest.mark.parametrize("given", ["Rollback", "roll-back", "ROLL BACK.", " roll  back "])
def test_06_an_option_spelt_another_way_is_that_option(given):
    """A red-team reading's: "rollback" and "Wait." were told to give one of the options
    (06.1, 06.5 and 06.6 read their option words with ``_pick``); a word of another option,
    or one cut short, is not it."""
    from deploydl.exercises.m06_answers import _pick

    options = ("roll back", "keep")
    assert _pick(given, options, "roll back", name="action", why="why") is None
    assert _pick(given, options, "keep", name="action", why="why") == "why"
    assert "one of ['roll back', 'keep']" in _pick("rollbac", options, "keep", name="action",
                                                     why="why")
