"""Module 02's lab data and the numbers its checks expect: the logistic baseline and its
scores on the test and set-aside applicants (cached after the first check), the assumptions the
exercises state (the credit policy, the vendor's figure, the costs), the threshold that meets
the policy, and what optimising F1 costs. Module 02's checks (``m02``) and its readers
(``m02_readers``) use these.
"""

from __future__ import annotations

from functools import cache

#: The lab's data: training and test rows and seeds.
TRAIN_ROWS, TRAIN_SEED, TEST_ROWS, TEST_SEED = 5000, 0, 2000, 1
#: ... and the applicants set aside to choose a threshold on, never the test set (lesson 02's).
ASIDE_ROWS, ASIDE_SEED = 2000, 2
#: Exercise 02.2's credit policy: at most this share of approved loans may default.
MAX_BAD_RATE = 0.10
#: Exercise 02.4's vendor figure, as its prompt quotes it ("over 83% accuracy!"): the vendor's
#: claim for its own model, near the answer but not it, so the check confirms no copy of it.
VENDOR_ACCURACY = 0.83
#: Exercise 02.5's assumption: a good customer turned away costs this many dollars. Not 4,000:
#: there the slip ``ErrorCosts(4_000)`` (a bad loan at 4,000, a lost customer still at 2,000)
#: has the same break-even, 2,000 / 6,000 = 4,000 / 12,000, and passed.
TURNED_AWAY_COST = 3_000
#: Exercise 02.6's assumption: nothing is recovered from a bad loan, so one approved costs the
#: whole average loan, this many dollars (a lost customer still costs the USD 2,000 margin).
#: Loan size alone cannot move the 4:1 ratio of the two prices; recovery can.
BIG_LOAN_COST = 20_000


@cache
def _baseline():
    from deploydl.data import make_applicants
    from deploydl.models import train_baseline_model

    return train_baseline_model(make_applicants(TRAIN_ROWS, seed=TRAIN_SEED))


@cache
def _scored(rows: int, seed: int):
    """(``make_applicants(rows, seed=seed)``, the baseline's scores on it)."""
    from deploydl.data import make_applicants

    table = make_applicants(rows, seed=seed)
    return table, _baseline().predict_proba(table)


def lab_data():
    """(test table, the baseline's scores on it): what the lab computes."""
    return _scored(TEST_ROWS, TEST_SEED)


def lab_aside():
    """(set-aside table, the baseline's scores on it): where exercise 02.2's threshold is
    chosen."""
    return _scored(ASIDE_ROWS, ASIDE_SEED)


def _policy_pick(table, scores) -> float:
    """The highest threshold whose approved loans default at most :data:`MAX_BAD_RATE`."""
    from deploydl.evaluation.metrics import threshold_sweep

    sweep = threshold_sweep(table["default"], scores)
    return float(sweep.loc[sweep["bad_rate_approved"] <= MAX_BAD_RATE, "threshold"].max())


@cache
def f1_prices(bad_loan: float = BIG_LOAN_COST) -> tuple[float, float]:
    """Exercise 02.6: (cost of errors at F1's threshold, at the cheapest), in US dollars, when
    a bad loan approved costs ``bad_loan`` dollars (by default :data:`BIG_LOAN_COST`: nothing
    is recovered)."""
    from deploydl.evaluation.metric_choice import f1_against_money
    from deploydl.evaluation.metrics import ErrorCosts

    test, scores = lab_data()
    prices = {"priced": ErrorCosts(bad_loan_approved=bad_loan)}
    costs = f1_against_money(test["default"], scores, costs=prices)["cost: priced"]
    return float(costs.iloc[0]), float(costs.iloc[1])
