"""Module 08 (Capstone and careers): the new region through every stage, and the roles."""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise, as_bool, as_whole, brief, form

#: The capstone lab's run and data (the lab builds the same).
NEW_REGION_ROWS, NEW_REGION_SEED = 1000, 5
#: The training data the new region is compared with (as in Module 06).
REFERENCE_ROWS, REFERENCE_SEED = 5000, 0
#: Requests the lab's capstone run sends to its A/B test (split between two versions).
LAB_AB_REQUESTS = 200


def new_region():
    """The new region's applicants, as the lab builds them."""
    from deploydl.data import apply_drift, make_applicants

    return apply_drift(make_applicants(NEW_REGION_ROWS, seed=NEW_REGION_SEED), "new_region",
                       seed=NEW_REGION_SEED)


def _violations(answer: Any) -> str | None:
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    expected, count = len(check_quality(new_region(), APPLICANT_RULES).violations), as_whole(answer)
    if count is None:
        return form(f"give a whole number of violations; you gave {brief(answer)}.")
    return None if count == expected else f"you gave {answer}."


def _is_region_diagnosis(answer: Any) -> str | None:
    from deploydl.data import make_applicants
    from deploydl.exercises.m06 import diagnose, judge_diagnosis

    return judge_diagnosis(answer, diagnose(make_applicants(REFERENCE_ROWS, seed=REFERENCE_SEED),
                                            new_region()))


def smallest_planned_size() -> int:
    """The fewest applicants per version any A/B plan of the capstone could ask for."""
    from deploydl.monitoring import sample_size

    return min(sample_size(rate / 100, -0.05) for rate in range(6, 95))


def _is_promotion(answer: Any) -> str | None:
    promote = as_bool(answer)
    if promote is None:
        return form(f"give True (promote now) or False (keep testing); you gave "
                    f"{brief(answer)}.")
    can_promote = smallest_planned_size() <= LAB_AB_REQUESTS
    if promote and not can_promote:
        return ("the test cannot have reached its planned size: compare n_a and n_b with "
                "planned_n before you trust any difference.")
    return None if promote == can_promote else "the test is big enough: read its p-value."


def _fairness_owner(answer: Any) -> str | None:
    from deploydl.capstone.careers import roles_table

    table = roles_table()
    owners = list(table.index[table["capstone stages"].str.contains("fairness gate")])
    if not isinstance(answer, str):
        return form(f"give the role's name as text; you gave {brief(answer)}.")
    if answer.strip().lower() in {o.lower() for o in owners}:
        return None
    if answer.strip() in set(table.index):
        return f"the {answer.strip()} owns other stages: look for 'fairness gate'."
    return f"{brief(answer)} is not a role in the table: copy the name as written."


EXERCISES = [
    Exercise(id="08.1", title="The new region's data fails the quality rules",
             checker=_violations,
             hints=("Run check_quality(new_region, APPLICANT_RULES) and count its violations.",
                    "len(check_quality(new_region, APPLICANT_RULES).violations)")),
    Exercise(id="08.2", title="Bug or real change? Decide what the drift alarm needs",
             checker=_is_region_diagnosis,
             hints=("Find the drifted feature with drift_report(reference, new_region), then "
                    "measure its share of exact zeros and compare with the reference's.",
                    "A broken pipeline adds zeros; a new population shifts the whole range. "
                    "Which one do you see?")),
    Exercise(id="08.3", title="Promote the retrained version now?",
             checker=_is_promotion,
             hints=("Look at run.ab['significant'], run.ab['p_value'], and n_a and n_b against "
                    "planned_n: is the difference proven?",
                    "No: with fewer applicants than planned, keep the test running.")),
    Exercise(id="08.4", title="Who owns the fairness gate?",
             checker=_fairness_owner,
             hints=("roles_table() lists each role's capstone stages.",
                    "The role whose stages include 'fairness gate'.")),
]
