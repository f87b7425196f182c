"""Modules 07 and 08's exercises: the solutions pass, typical mistakes get a hint."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise


@pytest.fixture(scope="module")
def inputs():
    from deploydl.capstone.project import lesson_inputs

    return lesson_inputs()


def _brief(inputs, decision):
    from dataclasses import replace

    from deploydl.communication.brief import Context
    from deploydl.communication.brief_page import brief_html

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


def test_07_1_accepts_the_rate_in_any_plain_form_and_rejects_wrong_numbers(inputs):
    rate = inputs.evaluation["approval_rate"]
    tens = round(rate * 10)
    fifths = round(rate * 5)
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten"]
    tail = " of applicants get a yes straight away; a person checks the others."
    right = [f"About {rate:.0%}{tail}", f"About {rate:.1%}{tail}",
             f"About {rate * 100:.1f} per cent{tail}", f"About {tens} in 10{tail}",
             f"About {words[tens]} in ten{tail}", f"About {words[fifths]} in five{tail}",
             f"About {round(rate * 100)} out of 100{tail}"]
    wrong = [f"About {tens + 1} in 10{tail}", f"About {tens - 1} in 10{tail}",
             f"About {rate * 100 + 2:.0f}%{tail}", f"About {words[tens + 1]} in ten{tail}",
             f"About {rate * 100 - 1.5:.1f}%{tail}", f"Most{tail}"]
    exercise = find_exercise("07.1")
    for answer in right:
        assert evaluate(exercise, answer).status == PASSED, answer
    for answer in wrong:
        result = evaluate(exercise, answer)
        assert result.status == FAILED, answer
        assert f"'{rate:.0%}' or '{tens} in 10'" in result.message, result.message


def test_07_4_decision_follows_the_evidence(inputs):
    from deploydl.exercises.m07 import DECISION

    assert not inputs.fairness["gate_passed"], "the lesson's model fails the fairness gate"
    assert inputs.money["net_value_per_year"] < 0, "and costs more than the current process"
    assert not DECISION.lower().startswith("approve"), "so the CRO's decision approves nothing"


def test_module_08_scenario_teaches_what_its_exercises_say():
    from deploydl.data import make_applicants
    from deploydl.exercises.m06 import diagnose
    from deploydl.exercises.m08 import (
        LAB_AB_REQUESTS,
        new_region,
        smallest_planned_size,
    )
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    assert len(check_quality(new_region(), APPLICANT_RULES).violations) > 0, (
        "the new region should break Module 01's region rule")
    assert diagnose(make_applicants(5000, seed=0), new_region())["action"] == "retrain", (
        "the new region is a real change, the contrast to Module 06's pipeline bug")
    assert smallest_planned_size() > LAB_AB_REQUESTS, "the lab's A/B test must be too small"


MEMO = {"decision": "Keep it in the lab for the new region until the test ends.",
        "evidence": "1.1.0 earned USD -124 per applicant (p = 0.666) on 400 applicants.",
        "risk": "Fairness in the new region rests on 25 applicants; the Responsible-AI lead "
                "owns it.",
        "change": "A proven gain at 11,873 applicants per version would change it."}


def test_08_5_memo_check_reads_the_parts_and_leaves_the_grading_to_the_rubric():
    from deploydl.exercises.core import NOT_ATTEMPTED
    from deploydl.exercises.m08 import MEMO_PARTS

    exercise = find_exercise("08.5")
    passed = evaluate(exercise, MEMO)
    assert passed.status == PASSED and "rubric" in passed.message
    assert "not how good" in passed.message  # it never tells a group its memo is good
    lab_placeholder = dict.fromkeys(MEMO_PARTS, ...)
    assert evaluate(exercise, lab_placeholder).status == NOT_ATTEMPTED
    one_word = evaluate(exercise, dict.fromkeys(MEMO_PARTS, "Advise"))
    assert one_word.status == FAILED and "at least" in one_word.message
    assert "owner" in evaluate(exercise, {**MEMO, "risk": "Fairness in the new region is "
                                                          "not settled yet."}).message
