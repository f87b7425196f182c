"""Module 03's exercises: the solutions pass, typical mistakes get a hint."""

from __future__ import annotations

import numpy as np
import pytest

from deploydl.exercises.core import FAILED, NOT_ATTEMPTED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

SOLUTIONS = {
    "03.1": {"ratio": 0.5345, "passes": False},
    "03.2": "credit_history_years",
    "03.3": {"under_30": 0.3, "30_to_50": 0.2, "over_50": 0.2, "lawful_as_is": False},
    "03.4": ["late_payments", "income"],
    "03.5": "C",
    "03.6": "B",
}
WRONG = {
    "03.1": {"ratio": 0.5345, "passes": True},
    "03.2": "region",
    "03.3": {"under_30": 0.3, "30_to_50": 0.2, "over_50": 0.2, "lawful_as_is": True},
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


def _refer(under_30, middle, over_50, lawful=False):
    """03.3's answer: each band's referral point (refer above this chance of default)."""
    return {"under_30": under_30, "30_to_50": middle, "over_50": over_50, "lawful_as_is": lawful}


def test_unfair_referral_points_are_named_as_such():
    result = evaluate(find_exercise("03.3"), _refer(0.2, 0.2, 0.2))
    assert "approval ratio is 0.53, below the four-fifths screen's 0.8" in result.message


def test_fair_but_costly_referral_points_are_named_as_such():
    result = evaluate(find_exercise("03.3"), _refer(0.4, 0.2, 0.2))
    assert result.status == FAILED
    assert "USD 1,166,000 per 1,000 applicants, above the USD 1,123,000" in result.message


def test_the_elderly_referred_at_a_lower_chance_than_any_band_is_not_lawful():
    # The screen's answer refers the over-50 band (which holds the elderly) at a lower chance of
    # default than the under-30 band: calling it lawful is refused under 12 CFR 1002.2(v) and
    # 1002.6(b)(2)(ii).
    for refer in (_refer(0.30, 0.20, 0.20, True), _refer(0.32, 0.20, 0.20, True)):
        result = evaluate(find_exercise("03.3"), refer)
        assert result.status == FAILED, refer
        assert "1002.2(v)" in result.message and "1002.6(b)(2)(ii)" in result.message, refer
    judged = evaluate(find_exercise("03.3"), _refer(0.28, 0.20, 0.20))
    assert judged.status == PASSED


def test_no_answer_meets_the_policy_with_the_elderly_at_least_as_favoured():
    # The cheapest referral points that clear the screen with the over-50 band referred at no
    # lower a chance than any band (found by a grid search, see m03) cost more than allowed.
    result = evaluate(find_exercise("03.3"), _refer(0.39, 0.2625, 0.39))
    assert result.status == FAILED and "the policy allows" in result.message


def _over_the_limit_by(monkeypatch, gap):
    """03.3's result for an answer that clears the screen at ``gap`` dollars (per 1,000
    applicants) over the policy's cost limit, USD 1,123,466.67."""
    from deploydl.exercises import m03

    today = dict.fromkeys(m03.BANDS, m03.today_refer_above())
    real = m03.outcome_of
    limit = real(today)["cost_per_1000"] * (1 + m03.MAX_COST_INCREASE)

    def over(refer_above):
        outcome = real(refer_above)
        return outcome if refer_above == today else {
            **outcome, "passes_four_fifths": True, "cost_per_1000": limit + gap}

    monkeypatch.setattr(m03, "outcome_of", over)
    return evaluate(find_exercise("03.3"), _refer(0.30, 0.20, 0.20))


@pytest.mark.parametrize(("gap", "says"), [
    (30, "USD 1,123,497 per 1,000 applicants, above the USD 1,123,467"),  # same thousand
    (600, "USD 1,124,067 per 1,000 applicants, above the USD 1,123,467"),
    (1400, "USD 1,124,867 per 1,000 applicants, above the USD 1,123,467"),
    (10_500, "USD 1,134,000 per 1,000 applicants, above the USD 1,123,000"),
])
def test_a_cost_over_the_limit_is_rounded_only_where_the_gap_stays_true(monkeypatch, gap, says):
    """A review's: USD 600 over read "USD 1,124,000 ... above the USD 1,123,000", a gap of
    USD 1,000; the thousands are shown only where their gap is within 10% of the real one."""
    result = _over_the_limit_by(monkeypatch, gap)
    assert result.status == FAILED
    assert "expected cost is " + says in result.message, result.message


@pytest.mark.parametrize(("gap", "says"), [(0.3, "by 30 cents"), (0.01, "by 1 cent:")])
def test_a_cost_cents_over_the_limit_is_told_in_cents_not_as_the_same_figure_twice(
        monkeypatch, gap, says):
    """A review's: a cost under 50 cents over the limit read "the expected cost is USD
    1,123,467 per 1,000 applicants, above the USD 1,123,467 the policy allows"."""
    result = _over_the_limit_by(monkeypatch, gap)
    assert result.status == FAILED
    assert "over the policy's limit of USD 1,123,466.67 per 1,000 applicants " + says in (
        result.message)  # the limit to the cent, beside a gap in cents
    assert result.message.count("1,123,46") == 1


def test_a_cost_at_the_limit_to_the_cent_meets_it(monkeypatch):
    """Money is counted in cents: a cost that lands a hair over the limit in floating point
    meets it (it was told it was over, and shown the same figure twice)."""
    assert _over_the_limit_by(monkeypatch, 1e-6).status == PASSED


def test_stricter_referral_points_are_refused():
    for refer in (_refer(0.25, 0.18, 0.15), _refer(0.28, 0.20, 0.17)):
        result = evaluate(find_exercise("03.3"), refer)
        assert result.status == FAILED and "at a lower chance of default than today's 20%" in (
            result.message), refer
    stricter = evaluate(find_exercise("03.3"), _refer(0.3, 0.18, 0.2))
    assert stricter.status == FAILED and "you refer 30_to_50 at" in stricter.message


@pytest.mark.parametrize("bars", [(0.7, 0.8, 0.8), (0.7, 0.7, 0.7), (0.75, 0.6, 0.65)])
def test_approval_score_bars_are_told_to_use_the_chance_of_default(bars):
    # The old frame's answers (approval-score bars such as 0.70 and 0.80: every one above 0.5,
    # or today's 0.80 among them) are named, not priced as referring only above a 70% or 80%
    # chance of default.
    result = evaluate(find_exercise("03.3"), _refer(*bars))
    assert result.status == FAILED
    assert "chances of repaying" in result.message and "refer above 20% is 0.20" in result.message


def test_reason_code_slips_are_told_in_the_chance_of_default():
    """Lab 03 prints each reason with how much lower the chance of default would be if matched:
    03.4's messages use that frame, not the old "score gain"."""
    from deploydl.responsible.explain import reason_codes
    from deploydl.responsible.mitigation import case_study, referred_example

    top = [r.feature for r in reason_codes(case_study().approval_score,
                                           *referred_example(case_study()))]
    for slip in (top[:2][::-1], [top[0], top[2]], top[2:4]):
        result = evaluate(find_exercise("03.4"), slip)
        assert result.status == FAILED, slip
        assert "lower the chance of default most" in result.message, slip
        assert "score gain" not in result.message, slip


def test_a_reason_that_is_no_feature_name_is_told_so_not_that_it_is_the_wrong_reason():
    """A red team's: "late payments" for late_payments was told that only one of the two is
    among the reasons; the slip is the spelling of a feature name."""
    result = evaluate(find_exercise("03.4"), ["late payments", "income"])
    assert result.status == FAILED
    assert result.message.startswith("'late payments' is not a feature name: the features are ")
    assert "only one of them" not in result.message
    # a review's: a misspelt name is a slip of form, as in 01.1 and 01.3: it uses up no hint
    from deploydl.exercises.core import FormProblem

    checker = find_exercise("03.4").checker
    assert isinstance(checker(["late payments", "income"]), FormProblem)


def test_the_reasons_themselves_are_told_to_give_their_feature_names():
    """A red team's: the first two Reason objects got "give the two feature names as a list",
    which does not say the names are in reason.feature."""
    from deploydl.responsible.explain import reason_codes
    from deploydl.responsible.mitigation import case_study, referred_example

    reasons = reason_codes(case_study().approval_score, *referred_example(case_study()))
    for answer in (reasons[:2], reasons[0]):
        result = evaluate(find_exercise("03.4"), answer)
        assert result.status == FAILED
        assert "reason.feature" in result.message and "feature=" not in result.message


def test_referral_points_given_in_percent_are_told_the_form():
    result = evaluate(find_exercise("03.3"), _refer(30, 20, 20))
    assert result.status == FAILED and "between 0 and 1 (0.25 for 25%)" in result.message


def test_the_judgement_is_required():
    result = evaluate(find_exercise("03.3"), {"under_30": 0.3, "30_to_50": 0.2, "over_50": 0.2})
    assert result.status != PASSED and "lawful_as_is" in result.message


def test_a_grid_of_referral_points_finds_none_within_policy_with_the_elderly_as_favoured():
    # m03's claim, pinned on a coarse grid (every referral point from 0.20 to 0.70 in steps of
    # 0.01; one below today's 0.20 is refused before anything else): no referral points clear
    # the four-fifths screen within the 10% cost limit while the over-50 band is referred at no
    # lower a chance of default than every other band. Each band's decisions depend only on its
    # own referral point, so the grid is summed band by band.
    import numpy as np

    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.evaluation.metrics import DEFAULT_COSTS
    from deploydl.exercises.m03 import BANDS, MAX_COST_INCREASE, outcome_of, today_refer_above
    from deploydl.responsible.mitigation import case_study

    test = case_study().test
    repaid = 1 - test[LABEL].to_numpy()
    default_chance = 1 - case_study().approval_score(test)
    band = test[PROTECTED_ATTRIBUTE].to_numpy()
    grid = np.round(np.arange(today_refer_above(), 0.70 + 1e-9, 0.01), 2)
    rate, cost = {}, {}
    for name in BANDS:
        p, r = default_chance[band == name], repaid[band == name]
        approved = p[None, :] <= grid[:, None] + 1e-12  # referred only above its point
        rate[name] = approved.mean(axis=1)
        cost[name] = ((approved & (r == 0)).sum(axis=1) * DEFAULT_COSTS.bad_loan_approved
                      + (~approved & (r == 1)).sum(axis=1)
                      * DEFAULT_COSTS.good_customer_turned_away)
    young, middle, old = np.ix_(range(len(grid)), range(len(grid)), range(len(grid)))
    rates = np.stack(np.broadcast_arrays(rate["under_30"][young], rate["30_to_50"][middle],
                                         rate["over_50"][old]))
    per_1000 = (cost["under_30"][young] + cost["30_to_50"][middle] + cost["over_50"][old]
                ) / len(repaid) * 1000
    elderly_as_favoured = (grid[old] >= grid[young]) & (grid[old] >= grid[middle])
    within = (rates.min(axis=0) >= 0.8 * rates.max(axis=0)) & elderly_as_favoured
    today = outcome_of(dict.fromkeys(BANDS, today_refer_above()))
    limit = today["cost_per_1000"] * (1 + MAX_COST_INCREASE)
    # The grid reproduces the checker's own arithmetic at its corner (today's referral points)
    assert np.isclose(per_1000[0, 0, 0], today["cost_per_1000"])
    # ... some points do clear the screen with the elderly as favoured, and all cost too much.
    assert within.any()
    assert per_1000[within].min() > limit


def test_lab_03_measures_with_the_checks_own_outcome_of(root):
    """One implementation: the lab imports outcome_of, the function 03.3's check measures an
    answer with, instead of a copy of its own; it prices what really happened too, which the
    lab prints beside the recorded cost."""
    import json

    from deploydl.exercises.m03 import BANDS, outcome_of, today_refer_above

    lab = json.loads((root / "solutions" / "03_responsible_ai_lab.ipynb").read_text("utf-8"))
    code = ["".join(c["source"]) for c in lab["cells"] if c["cell_type"] == "code"]
    assert "from deploydl.exercises.m03 import BANDS, outcome_of" in code[0]
    assert not any("def " in source for source in code)
    today = outcome_of(dict.fromkeys(BANDS, today_refer_above()))
    assert today["true_cost_per_1000"] != today["cost_per_1000"]


def _band_choices(repaid, scores, today: float):
    """Every distinct outcome of referring one band above some chance of default no lower
    than ``today``: for each, the approval rate, the cost of its errors in US dollars (Module
    02's prices) and the range of referral points that give it, [low, high)."""
    from deploydl.evaluation.metrics import DEFAULT_COSTS

    order = np.argsort(-scores, kind="stable")
    scores, repaid = scores[order], repaid[order]
    bars = np.unique(scores)[::-1]  # approve every score at or above a bar
    approved = np.searchsorted(-scores, -bars, side="right")  # scores sorted high to low
    more = approved >= (scores >= 1 - today).sum()  # referred at no lower a chance than today
    bars, approved = bars[more], approved[more]
    bad = np.concatenate([[0], np.cumsum(repaid == 0)])[approved]
    good_lost = repaid.sum() - np.concatenate([[0], np.cumsum(repaid == 1)])[approved]
    cost = (bad * DEFAULT_COSTS.bad_loan_approved
            + good_lost * DEFAULT_COSTS.good_customer_turned_away)
    below = np.concatenate([bars[1:], [-np.inf]])  # the next bar down approves more
    return approved / len(scores), cost, 1 - bars, 1 - below


def test_an_exact_search_finds_no_lawful_answer_within_the_cost_limit():
    """m03's comment: with the over-50 band referred at no lower a chance than every other
    band, no referral points clear the screen within 10% of today's cost; the 0.0025 grid's
    cheapest is 11.0% above today, and a search of every point where a band's approvals change
    finds none cheaper than 10.6% (USD 1,130,000 per 1,000 applicants)."""
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.exercises.m03 import BANDS, MAX_COST_INCREASE, outcome_of, today_refer_above
    from deploydl.responsible.mitigation import case_study

    study = case_study()
    test = study.test
    repaid = 1 - test[LABEL].to_numpy()
    scores = np.asarray(study.approval_score(test), dtype=float)
    groups = test[PROTECTED_ATTRIBUTE].to_numpy()
    today = today_refer_above()
    choices = {band: _band_choices(repaid[groups == band], scores[groups == band], today)
               for band in BANDS}
    u_rate, u_cost, u_low, _ = choices["under_30"]
    m_rate, m_cost, m_low, _ = choices["30_to_50"]
    cheapest = np.inf
    for o_rate, o_cost, _, o_high in zip(*choices["over_50"], strict=True):
        # over-50's referral point may sit anywhere below o_high: at or above the others'
        lawful = (o_high > u_low[:, None]) & (o_high > m_low[None, :])
        rates = np.broadcast_arrays(o_rate, u_rate[:, None], m_rate[None, :])
        clears = np.minimum.reduce(rates) >= 0.8 * np.maximum.reduce(rates)
        cost = o_cost + u_cost[:, None] + m_cost[None, :]
        cheapest = min(cheapest, cost[lawful & clears].min(initial=np.inf))
    per_1000 = cheapest / len(test) * 1000
    today_cost = outcome_of(dict.fromkeys(BANDS, today))["cost_per_1000"]
    assert per_1000 > today_cost * (1 + MAX_COST_INCREASE)
    assert per_1000 == pytest.approx(1_130_000)
    assert f"{per_1000 / today_cost - 1:.1%}" == "10.6%"
    grid = outcome_of({"under_30": 0.39, "30_to_50": 0.2625, "over_50": 0.39})
    assert f"{grid['cost_per_1000'] / today_cost - 1:.1%}" == "11.0%"
