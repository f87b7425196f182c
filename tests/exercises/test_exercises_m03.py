"""Module 03's exercises: the solutions pass, typical mistakes get a hint."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, NOT_ATTEMPTED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

SOLUTIONS = {
    "03.1": {"ratio": 0.5345, "passes": False},
    "03.2": "region",
    "03.3": {"under_30": 0.7, "30_to_50": 0.8, "over_50": 0.8},
    "03.4": ["late_payments", "income"],
    "03.5": "C",
    "03.6": "B",
}
WRONG = {
    "03.1": {"ratio": 0.5345, "passes": True},
    "03.2": "credit_history_years",
    "03.3": {"under_30": 0.3, "30_to_50": 0.8, "over_50": 0.8},
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


def test_unfair_thresholds_are_named_as_such():
    result = evaluate(find_exercise("03.3"), {"under_30": 0.8, "30_to_50": 0.8, "over_50": 0.8})
    assert "approval ratio is 0.53, below the four-fifths screen's 0.8" in result.message


def test_fair_but_costly_thresholds_are_named_as_such():
    result = evaluate(find_exercise("03.3"), {"under_30": 0.6, "30_to_50": 0.8, "over_50": 0.8})
    assert "above the" in result.message and "the policy allows" in result.message
