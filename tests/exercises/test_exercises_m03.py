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


def test_a_grid_of_bars_finds_none_within_policy_with_the_elderly_at_least_as_favoured():
    # m03's claim, pinned on a coarse grid (every bar from 0.30 to 0.80 in steps of 0.01; a bar
    # above today's 0.8 is refused before anything else): no bars clear the four-fifths screen
    # within the 10% cost limit while the over-50 bar is at or below every other band's. Each
    # band's decisions depend only on its own bar, so the grid is summed band by band.
    import numpy as np

    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.evaluation.metrics import DEFAULT_COSTS
    from deploydl.exercises.m03 import MAX_COST_INCREASE, _outcome
    from deploydl.responsible.mitigation import APPROVAL_THRESHOLD, case_study

    test = case_study().test
    repaid = 1 - test[LABEL].to_numpy()
    scores = case_study().approval_score(test)
    band = test[PROTECTED_ATTRIBUTE].to_numpy()
    grid = np.round(np.arange(0.30, APPROVAL_THRESHOLD + 1e-9, 0.01), 2)
    rate, cost = {}, {}
    for name in ("under_30", "30_to_50", "over_50"):
        s, r = scores[band == name], repaid[band == name]
        approved = s[None, :] >= grid[:, None]
        rate[name] = approved.mean(axis=1)
        cost[name] = ((approved & (r == 0)).sum(axis=1) * DEFAULT_COSTS.bad_loan_approved
                      + (~approved & (r == 1)).sum(axis=1)
                      * DEFAULT_COSTS.good_customer_turned_away)
    young, middle, old = np.ix_(range(len(grid)), range(len(grid)), range(len(grid)))
    rates = np.stack(np.broadcast_arrays(rate["under_30"][young], rate["30_to_50"][middle],
                                         rate["over_50"][old]))
    per_1000 = (cost["under_30"][young] + cost["30_to_50"][middle] + cost["over_50"][old]
                ) / len(repaid) * 1000
    elderly_as_favoured = (grid[old] <= grid[young]) & (grid[old] <= grid[middle])
    within = (rates.min(axis=0) >= 0.8 * rates.max(axis=0)) & elderly_as_favoured
    limit = _outcome(dict.fromkeys(rate, APPROVAL_THRESHOLD))["cost_per_1000"] * (
        1 + MAX_COST_INCREASE)
    # The grid reproduces the checker's own arithmetic at its corner (today's bars) ...
    today = _outcome(dict.fromkeys(rate, APPROVAL_THRESHOLD))
    assert np.isclose(per_1000[-1, -1, -1], today["cost_per_1000"])
    # ... some bars do clear the screen with the elderly as favoured, and all cost too much.
    assert within.any()
    assert per_1000[within].min() > limit
