"""Exercises with instant feedback: ``check(id, answer)`` after each one (all modules)."""

from deploydl.exercises.core import (
    CHECK_ERROR,
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    RECORD_MIME,
    Exercise,
    Result,
    check,
    evaluate,
    last_status,
    passed,
)
from deploydl.exercises.registry import all_exercises, find_exercise, module_exercises

__all__ = ["CHECK_ERROR", "FAILED", "NOT_ATTEMPTED", "PASSED", "RECORD_MIME", "Exercise",
           "Result", "all_exercises", "check", "evaluate", "find_exercise", "module_exercises",
           "last_status", "passed"]
