"""Module 02's exercises: what the learner is told for the near misses."""

from __future__ import annotations

from deploydl.exercises.m02 import _approve_everyone, lab_data
from deploydl.exercises.registry import find_exercise


def test_an_answer_rounded_too_far_is_told_to_give_three_significant_digits():
    test, _ = lab_data()
    repaid = 1 - float(test["default"].mean())
    assert _approve_everyone(repaid) is None
    assert _approve_everyone(round(repaid, 3)) is None
    for rounded in (round(repaid, 2), round(repaid, 1)):
        message = _approve_everyone(rounded)
        assert message is not None and "three significant digits" in message
    assert "defaulted" in _approve_everyone(1 - repaid)
    assert _approve_everyone(0.5) == "you gave 0.5."


def test_the_cross_validation_exercise_teaches_the_paired_comparison():
    exercise = find_exercise("02.3")
    text = " ".join([*exercise.hints, *exercise.choices.values()])
    assert "fold by fold" in text
    assert "smaller than the spread" not in text
