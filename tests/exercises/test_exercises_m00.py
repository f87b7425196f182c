"""Module 00's exercises: what the learner is told for the near misses."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, FormProblem, evaluate
from deploydl.exercises.m00 import NEW_INCOME, risk
from deploydl.exercises.registry import find_exercise


def _reply(p: float) -> dict:
    """What client.predict(...) returns for one applicant scored ``p``."""
    return {"model_name": "loan-default", "model_version": "1.0.0", "threshold": 0.27,
            "predictions": [{"probability_of_default": round(p, 6), "decision": "approve",
                             "out_of_range": [], "reasons": []}]}


def _costs(approved: float, declined: float) -> dict:
    return {"cost_if_approved": approved, "cost_if_declined": declined, "decision": "approve"}


def test_00_1_one_prediction_from_the_reply_is_told_to_store_the_whole_reply():
    """The red team's: reply["predictions"][0] was told "send one applicant", which it did."""
    reply = _reply(risk(income=NEW_INCOME))
    assert evaluate(find_exercise("00.1"), reply).status == PASSED
    assert evaluate(find_exercise("00.1"), reply["predictions"][0]).status == FAILED
    message = find_exercise("00.1").checker(reply["predictions"][0])
    assert isinstance(message, FormProblem), "a slip of form uses up no hint"
    assert "whole reply of client.predict(...)" in message
    assert "reply['predictions'][0]" in message and "send one applicant" not in message


def test_00_2_costs_rounded_to_the_nearest_ten_dollars_are_told_the_rounding_not_the_formula():
    """The red team's: 450 / 1,890 (the right costs to the nearest USD 10) were told the
    formula; the formula was right, the rounding too coarse for the check."""
    p = risk(income=NEW_INCOME)
    approve, decline = p * 8000, (1 - p) * 2000
    assert evaluate(find_exercise("00.2"), _costs(round(approve), round(decline))).status == PASSED
    result = evaluate(find_exercise("00.2"), _costs(round(approve, -1), round(decline, -1)))
    assert result.status == FAILED
    assert "rounded to the nearest USD 10" in result.message and "to the dollar" in result.message
    assert "should be the chance" not in result.message


def test_00_2_costs_from_the_score_before_the_raise_are_named():
    """The red team's: costs from the applicant as they were (p = 0.1488) were told the
    formula for a bad loan's cost, which they had right."""
    before = risk()
    for p in (before, round(before, 3)):
        result = evaluate(find_exercise("00.2"), _costs(p * 8000, (1 - p) * 2000))
        assert result.status == FAILED
        assert "before the raise" in result.message and f"{NEW_INCOME:,}" in result.message
        assert "should be the chance" not in result.message
    # one cost from the old score, the other from a wrong formula: the old score is named
    p = risk(income=NEW_INCOME)
    result = evaluate(find_exercise("00.2"), _costs(before * 8000, p * 2000))
    assert result.message.startswith("cost_if_approved uses the applicant's score from before")


@pytest.mark.parametrize("places", [1, 2, 3])
def test_00_1_a_rounded_reply_is_told_it_was_rounded(places):
    """A red-team reading's: a reply whose score was rounded was told the service gives a
    different score and to send the changed applicant, which the learner had done."""
    score = round(risk(income=NEW_INCOME), places)
    reply = {"model_name": "loan-default", "model_version": "1.0.0", "threshold": 0.5,
             "predictions": [{"probability_of_default": score, "decision": "approve"}]}
    result = evaluate(find_exercise("00.1"), reply)
    assert result.status == FAILED, result.message
    assert result.message.startswith(f"the probability_of_default was rounded ({score:g})")
