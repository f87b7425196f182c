"""Module 00 (Welcome): three warm-up exercises with the live service.

The checks rebuild the lab's model (the course's calibrated model, the same seeded training
the lab runs, cached after the first check) and compute every expected value from it at check
time. The model is calibrated on applicants set aside for it, so its probability can be read
as a chance (exercises 00.2 and 00.3 rely on that).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from deploydl.exercises.core import Exercise, as_number, brief, form, is_rounding

#: The lab's world: the applicant and the raise (the model is the course's calibrated one,
#: :func:`deploydl.serving.packaging.train_measured`).
APPLICANT_SEED, NEW_INCOME = 7, 120_000
#: How far a probability read from the reply may be off (read to three decimals, 0.056 for
#: 0.0562): exercise 00.2 accepts each cost off by this times its unit cost.
READ_TOLERANCE = 5e-4


@cache
def _model():
    from deploydl.serving.packaging import train_measured

    return train_measured().model


def lab_applicant() -> dict[str, Any]:
    """The applicant the lab starts from (before the raise)."""
    from deploydl.data import FEATURES, make_applicants

    row = make_applicants(1, seed=APPLICANT_SEED).iloc[0][list(FEATURES)]
    return {str(name): value for name, value in row.to_dict().items()}


def risk(*, income: float | None = None) -> float:
    """The model's probability of default for the lab's applicant (with ``income``, if given)."""
    applicant = lab_applicant() if income is None else dict(lab_applicant(), income=income)
    return float(_model().predict_proba([applicant])[0])


def _is_service_reply(reply: Any) -> str | None:
    if not isinstance(reply, dict):
        return form(f"store the whole reply of client.predict(...) (a dict); you gave a "
                    f"{type(reply).__name__}.")
    if "predictions" not in reply and "probability_of_default" in reply:
        return form("this is one prediction taken from the reply: store the whole reply of "
                    "client.predict(...), not reply['predictions'][0].")
    predictions = reply.get("predictions")
    if not isinstance(predictions, list) or len(predictions) != 1 or not isinstance(
            predictions[0], dict):
        return "the reply should hold exactly one prediction: send one applicant (a dict)."
    probability = as_number(predictions[0].get("probability_of_default"))
    if probability is None or not 0.0 <= probability <= 1.0:
        return "the reply has no probability_of_default between 0 and 1."
    if "model_version" not in reply:
        return "the reply has no model_version: did it come from the service?"
    if math.isclose(probability, risk(), abs_tol=1e-5):
        return ("this is the score of the applicant as they were: change the income to "
                f"{NEW_INCOME:,} before you send them.")
    right = risk(income=NEW_INCOME)
    if math.isclose(probability, right, abs_tol=1e-5):
        return None
    if is_rounding(probability, right, places=range(1, 5)):
        return (f"the probability_of_default was rounded ({probability:g}): store the reply as "
                "the service sent it, reply = client.predict(...), and round only what you "
                "print.")
    return (f"the service gives a different score for this applicant with an income of "
            f"{NEW_INCOME:,}: send dict(applicant, income={NEW_INCOME}) and keep the reply.")


#: Exercise 00.2's two costs, in the order :func:`_expected_costs` gives them.
COST_NAMES = ("cost_if_approved", "cost_if_declined")


def _expected_costs(p: float) -> tuple[float, float]:
    """(cost if approved, cost if declined) in US dollars, on average, for a chance of default
    ``p``: the bank's price of each mistake (Module 02) times the chance of making it."""
    from deploydl.evaluation.metrics import DEFAULT_COSTS

    return (p * DEFAULT_COSTS.bad_loan_approved,
            (1 - p) * DEFAULT_COSTS.good_customer_turned_away)


def _tolerances() -> tuple[float, float]:
    """How far each cost (if approved, if declined) may be off, in US dollars: a probability
    read from the reply to three decimals is off by up to :data:`READ_TOLERANCE`, so each cost
    by that much of its unit cost (and by a dollar at least, for rounding)."""
    from deploydl.evaluation.metrics import DEFAULT_COSTS

    return (max(1.0, READ_TOLERANCE * DEFAULT_COSTS.bad_loan_approved),
            max(1.0, READ_TOLERANCE * DEFAULT_COSTS.good_customer_turned_away))


def _off(given: tuple[float, float], p: float) -> tuple[float | None, float | None]:
    """The given costs, each replaced by None where it is within its tolerance of the cost
    for a chance of default ``p``: what is left is off."""
    (approved, declined), (approve, decline), (tol_approved, tol_declined) = (
        given, _expected_costs(p), _tolerances())
    return (None if math.isclose(approved, approve, abs_tol=tol_approved) else approved,
            None if math.isclose(declined, decline, abs_tol=tol_declined) else declined)


def _is_cost_decision(answer: Any) -> str | None:
    keys = {*COST_NAMES, "decision"}
    if not isinstance(answer, dict) or set(answer) != keys:
        return form(f"give a dict with the keys {sorted(keys)}; you gave {brief(answer)}.")
    if_approved, if_declined = (as_number(answer[name]) for name in COST_NAMES)
    if if_approved is None or if_declined is None:
        return form("the two costs should be amounts in dollars (numbers).")
    p = risk(income=NEW_INCOME)
    problem = _cost_problem((if_approved, if_declined), p)
    if problem:
        return problem
    approve, decline = _expected_costs(p)
    right = "approve" if approve <= decline else "decline"
    decision = answer["decision"]
    if not isinstance(decision, str) or decision.strip().lower() not in {"approve", "decline"}:
        return form(f"the decision should be 'approve' or 'decline'; you gave {brief(decision)}.")
    if decision.strip().lower() != right:
        return "the costs are right; pick the decision with the lower expected cost."
    return None


def _cost_problem(given: tuple[float, float], p: float) -> str | None:
    """What is wrong with the two costs given for a chance of default ``p``, the score after
    the raise; None when both are right (within their tolerances)."""
    from deploydl.evaluation.metrics import DEFAULT_COSTS

    (approve, decline), (tol_approved, tol_declined) = _expected_costs(p), _tolerances()
    if math.isclose(given[0], decline, abs_tol=tol_declined) and math.isclose(
            given[1], approve, abs_tol=tol_approved):
        return "the two costs are swapped: approving risks a bad loan, declining a good customer."
    off = _off(given, p)
    # Only a cost that is off is compared with a rounded probability.
    rounded = _rounded_probability(p, *off)
    if rounded:
        return (f"the costs come from a rounded probability ({rounded}): use the unrounded "
                "probability of default from the reply, "
                "reply['predictions'][0]['probability_of_default'].")
    slip = _before_the_raise(off, given) or _rounded_cost(off, (approve, decline))
    if slip:
        return slip
    if off[0] is not None:
        return (f"cost_if_approved should be the chance of default times the cost of a bad "
                f"loan (USD {DEFAULT_COSTS.bad_loan_approved:,.0f}); you gave {off[0]:,.2f}.")
    if off[1] is not None:
        return (f"cost_if_declined should be the chance of repaying times the cost of a lost "
                f"customer (USD {DEFAULT_COSTS.good_customer_turned_away:,.0f}); you gave "
                f"{off[1]:,.2f}.")
    return None


def _before_the_raise(off: tuple[float | None, float | None],
                      given: tuple[float, float]) -> str | None:
    """The message for costs that are off because they were computed from the score of the
    applicant as they were, before the raise; None otherwise."""
    before = _off(given, risk())
    stale = [name for name, now, then in zip(COST_NAMES, off, before, strict=True)
             if now is not None and then is None]
    if not stale:
        return None
    costs = "both costs use" if len(stale) == 2 else f"{stale[0]} uses"
    return (f"{costs} the applicant's score from before the raise ({risk():.3f}): use the "
            f"probability of default in your reply for the income of {NEW_INCOME:,}.")


def _rounded_cost(off: tuple[float | None, float | None],
                  right: tuple[float, float]) -> str | None:
    """The message for a cost that is off only because it is the right cost rounded to the
    nearest USD 10 or 100 (1,890 for 1,887.60), too far for the check; None otherwise, and for
    0, which says nothing of the number."""
    for name, given, cost in zip(COST_NAMES, off, right, strict=True):
        for digits in (1, 2):
            if given and given == round(cost, -digits):
                return (f"{name} is the right cost rounded to the nearest USD {10 ** digits:,} "
                        f"(you gave {given:,.0f}), too far for the check: give each cost "
                        "unrounded, or to the dollar.")
    return None


def _rounded_probability(p: float, if_approved: float | None,
                         if_declined: float | None) -> str | None:
    """The probability of default ``p`` rounded to one or two decimals, as text, when a cost
    that is off was computed from that rounding (``round(p, 2) * 8000``); None otherwise. A
    cost given as None is right (within its tolerance) and is not compared: one read to three
    decimals may also equal a rounding to two when ``p`` is near one."""
    for decimals in (1, 2):
        read = round(p, decimals)
        if read != p and any(
                cost is not None and math.isclose(cost, from_read, abs_tol=0.01)
                for cost, from_read in zip((if_approved, if_declined), _expected_costs(read),
                                           strict=True)):
            return f"{read:.{decimals}f}"
    return None


EXERCISES = [
    Exercise(
        id="00.1", title="Score a changed applicant over HTTP",
        checker=_is_service_reply,
        hints=("Copy the applicant with a new income, e.g. dict(applicant, income=120_000), "
               "then send it with client.predict(...) and store the reply.",
               "reply = client.predict(dict(applicant, income=120_000))"),
    ),
    Exercise(
        id="00.2", title="Approve or decline: weigh the two costs",
        checker=_is_cost_decision,
        hints=("Read the probability of default from the reply. Approving costs that chance "
               "times USD 8,000; declining costs the chance of repaying times USD 2,000.",
               "p = reply['predictions'][0]['probability_of_default']; cost_if_approved = "
               "p * 8000; cost_if_declined = (1 - p) * 2000; the lower one wins."),
    ),
    Exercise(
        id="00.3", title="What does a probability of 0.12 mean?",
        expected="C",
        choices={"A": "A probability is not a verdict: some applicants scored this low do "
                      "default, as the cell above shows.",
                 "B": "The score is not the model's confidence in itself; it is a share of "
                      "similar applicants, and only past outcomes tell how well it holds."},
        hints=("A model gives odds for people like this applicant, not a verdict about one "
               "person. Which option talks about many similar applicants and checks it?",),
    ),
]
