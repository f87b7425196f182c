"""Modules 07 and 08's exercises: the solutions pass, typical mistakes get a hint."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise


@pytest.fixture(scope="module")
def inputs():
    from deploydl.capstone import lesson_inputs

    return lesson_inputs()


def _brief(inputs, decision):
    from dataclasses import replace

    from deploydl.brief import Context
    from deploydl.brief_page import brief_html

    return brief_html(replace(inputs, context=Context(decision=decision)))


def test_module_07(inputs):
    from deploydl.exercises.m07 import DECISION

    rate = f"{inputs.evaluation['approval_rate']:.0%}"
    cases = {
        "07.1": (f"About {rate} of applicants get a yes at once; a person checks the rest.",
                 f"The classifier approves {rate} at threshold 0.3."),
        "07.2": ({"board": "value", "regulator": "fairness", "call-centre": "decisions",
                  "engineers": "cost"},
                 {"board": "cost", "regulator": "fairness", "call-centre": "decisions",
                  "engineers": "value"}),
        "07.3": (inputs.fairness["demographic_parity_ratio"],
                 1 / inputs.fairness["demographic_parity_ratio"]),
        "07.4": (_brief(inputs, DECISION), _brief(inputs, "")),
    }
    for exercise_id, (right, wrong) in cases.items():
        exercise = find_exercise(exercise_id)
        assert evaluate(exercise, right).status == PASSED, exercise_id
        assert evaluate(exercise, wrong).status == FAILED, exercise_id


def test_module_08():
    from deploydl.data import apply_drift, make_applicants
    from deploydl.exercises.m08 import NEW_REGION_ROWS, NEW_REGION_SEED
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    table = apply_drift(make_applicants(NEW_REGION_ROWS, seed=NEW_REGION_SEED), "new_region",
                        seed=NEW_REGION_SEED)
    count = len(check_quality(table, APPLICANT_RULES).violations)
    assert count > 0, "the new region should break Module 01's region rule"
    cases = {"08.1": (count, count + 1), "08.2": ("credit_history_years", "age"),
             "08.3": (False, True), "08.4": ("Responsible-AI lead", "ML engineer")}
    for exercise_id, (right, wrong) in cases.items():
        exercise = find_exercise(exercise_id)
        assert evaluate(exercise, right).status == PASSED, exercise_id
        assert evaluate(exercise, wrong).status == FAILED, exercise_id
