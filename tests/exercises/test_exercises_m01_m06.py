"""Modules 01 and 06's exercises: a misspelt column uses up no hint, and the canary's share of
the traffic is not its error rate."""

from __future__ import annotations

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

#: Exercise 01.1's right answer (test_exercises_cases.py proves it passes).
PII = ["customer", "contact", "memo"]


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
