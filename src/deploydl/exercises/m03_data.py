"""The facts Module 03's checks compare an answer with: the policy of exercise 03.3 (its cost
limit and the age bands), today's referral point and what a set of referral points does to the
case study's applicants, and the columns exercise 03.2 compares. Module 03's checks (``m03``)
and its readers (``m03_readers``) use these.
"""

from __future__ import annotations

from typing import Any

from deploydl.data import AGE_BANDS

#: Policy of exercise 03.3, in the lesson's frame: each age band gets a referral point, the chance
#: of default above which its applicants go to an underwriter (today 20% for every band, Module
#: 02's break-even, :func:`today_refer_above`). Clear the four-fifths screen; expected cost at
#: most 10% above today's; no band referred at a lower chance of default than today's. Then judge
#: the answer: "lawful_as_is" must be False. Regulation B lets an empirically derived,
#: demonstrably and statistically sound scoring system use age as a predictor, so long as an
#: elderly applicant's age (62 or more) gets no value less favourable than the most favoured age
#: group's (12 CFR 1002.2(v), 1002.6(b)(2)(ii)). A referral point set to equalise approval rates
#: is no predictive use of age: it favours a band because of its age, which for a band under 62
#: only a special purpose credit program may do (12 CFR 1002.8): a question for counsel. No
#: answer meets the screen and the cost limit with the over-50 band referred at no lower a chance
#: than every other band: on a grid of all three referral points in steps of 0.0025 (0.05 to
#: 0.70) the cheapest such answer is under_30 0.39, 30_to_50 0.2625, over_50 0.39, at 11.0%
#: above today's cost, and a search of every referral point at which a band's approvals change
#: finds none cheaper than 10.6% above (USD 1,130,000 per 1,000 applicants, against the limit's
#: USD 1,123,467); tests/exercises pins the claim on a 0.01 grid. So every answer that meets
#: the policy refers the over-50 band at a lower chance than another band, and the checker names
#: that rule. (Today's approval ratio is 0.53; within 10% any single under_30 referral point from
#: about 0.28 to 0.32 clears the screen.)
MAX_COST_INCREASE = 0.10
#: How far the gap between two rounded figures may stray from the real gap, as a share of it,
#: for the message to round them: further, and the reader would see a gap that is not there.
GAP_SHOWN_WITHIN = 0.1
#: The age bands of the case study, each with its own referral point in exercise 03.3.
BANDS = AGE_BANDS


def today_refer_above() -> float:
    """Today's referral point for every band: refer above this chance of default (0.20, the
    break-even of Module 02's costs, :func:`deploydl.evaluation.calibration.break_even`)."""
    from deploydl.evaluation.calibration import break_even

    return break_even()


def outcome_of(refer_above: dict[str, float]) -> dict[str, Any]:
    """What referring each age band above its own chance of default does to the case study's
    test applicants (:func:`~deploydl.responsible.mitigation.case_study`): lab 03's tool for
    exercise 03.3, and what its check measures an answer with.

    Parameters
    ----------
    refer_above : dict
        Each band of :data:`BANDS` to its referral point: the chance of default (0..1) above
        which its applicants go to an underwriter (today 0.20 for every band,
        :func:`today_refer_above`).

    Returns
    -------
    dict
        :func:`~deploydl.responsible.fairness_widget.policy_outcome` with Module 02's costs:
        approval rates by band, the approval ratio (lowest rate over highest), whether it
        clears the four-fifths screen, accuracy and the expected cost in US dollars per 1,000
        applicants, on the recorded outcomes and (``true_accuracy``, ``true_cost_per_1000``)
        on what really happened before the biased recording.
    """
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.evaluation.decision import approval_bar
    from deploydl.responsible.fairness_widget import policy_outcome
    from deploydl.responsible.mitigation import case_study

    study = case_study()
    test = study.test
    bars = {band: approval_bar(chance) for band, chance in refer_above.items()}
    return policy_outcome(1 - test[LABEL].to_numpy(), study.approval_score(test),
                          test[PROTECTED_ATTRIBUTE], bars,
                          true_repaid=1 - test["default_true"].to_numpy())


#: The columns exercise 03.2's table compares (the lab shows the same).
PROXY_CANDIDATES = ("region", "notes", "home_owner", "loan_amount", "late_payments",
                    "credit_history_years")
