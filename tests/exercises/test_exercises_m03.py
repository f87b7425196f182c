"""Module 03's exercises: the solutions pass, typical mistakes get a hint."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, NOT_ATTEMPTED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

SOLUTIONS = {
    "03.1": {"ratio": 0.5345, "passes": False},
    "03.2": "credit_history_years",
    "03.3": {"under_30": 0.7, "30_to_50": 0.8, "over_50": 0.8, "lawful_as_is": False},
    "03.4": ["late_payments", "income"],
    "03.5": "C",
    "03.6": "B",
}
WRONG = {
    "03.1": {"ratio": 0.5345, "passes": True},
    "03.2": "region",
    "03.3": {"under_30": 0.7, "30_to_50": 0.8, "over_50": 0.8, "lawful_as_is": True},
    "03.4": ["income", "late_payments"],
    "03.5": "B",
    "03.6": "A",
}


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_solution_passes_and_mistake_fails(exercise_id):
    exercise = find_exercise(exercise_id)
    assert evaluate(exercise, SOLUTIONS[exercise_id]).status == PASSED
    wrong = evaluate(exercise, WRONG[exercise_id])
    assert wrong.status == FAILED and wrong.hint
    assert evaluate(exercise, ...).status == NOT_ATTEMPTED


def _bars(under_30, middle, over_50, lawful=False):
    return {"under_30": under_30, "30_to_50": middle, "over_50": over_50, "lawful_as_is": lawful}


def test_unfair_thresholds_are_named_as_such():
    result = evaluate(find_exercise("03.3"), _bars(0.8, 0.8, 0.8))
    assert "approval ratio is 0.53, below the four-fifths screen's 0.8" in result.message


def test_fair_but_costly_thresholds_are_named_as_such():
    result = evaluate(find_exercise("03.3"), _bars(0.6, 0.8, 0.8))
    assert "above the" in result.message and "the policy allows" in result.message
    assert not result.message.startswith("fair enough")


def test_a_higher_bar_for_the_elderly_than_any_band_is_not_lawful():
    # The screen's answer gives the over-50 band (which holds the elderly) a higher bar than the
    # under-30 band: calling it lawful is refused under 12 CFR 1002.2(v) and 1002.6(b)(2)(ii).
    for bars in (_bars(0.70, 0.80, 0.80, True), _bars(0.68, 0.80, 0.80, True)):
        result = evaluate(find_exercise("03.3"), bars)
        assert result.status == FAILED, bars
        assert "1002.2(v)" in result.message and "1002.6(b)(2)(ii)" in result.message, bars
    judged = evaluate(find_exercise("03.3"), _bars(0.72, 0.80, 0.80))
    assert judged.status == PASSED


def test_no_answer_meets_the_policy_with_the_elderly_at_least_as_favoured():
    # The cheapest bars that clear the screen with the over-50 bar at or below every other bar
    # (found by a grid search, see m03) cost more than the policy allows.
    result = evaluate(find_exercise("03.3"), _bars(0.61, 0.7375, 0.61))
    assert result.status == FAILED and "the policy allows" in result.message


def test_raised_bars_are_refused():
    for bars in (_bars(0.75, 0.82, 0.85), _bars(0.72, 0.80, 0.83)):
        result = evaluate(find_exercise("03.3"), bars)
        assert result.status == FAILED and "raised the bar" in result.message, bars
    raised = evaluate(find_exercise("03.3"), _bars(0.7, 0.82, 0.8))
    assert raised.status == FAILED and "30_to_50" in raised.message


def test_the_judgement_is_required():
    result = evaluate(find_exercise("03.3"), {"under_30": 0.7, "30_to_50": 0.8, "over_50": 0.8})
    assert result.status != PASSED and "lawful_as_is" in result.message
