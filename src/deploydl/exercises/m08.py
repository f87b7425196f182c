"""Module 08 (Capstone and careers): the new region through every stage, and the roles.

The checks of 08.1 to 08.3 are here; 08.4's check of who acts on the run's findings is in
``m08_findings``, and 08.5's check of the group memo in ``m08_memo``.
"""

from __future__ import annotations

import math
from typing import Any

from deploydl.exercises.core import Exercise, as_bool, as_number, as_whole, brief, form
from deploydl.exercises.m08_findings import OWNER_EVENTS, _acts_on_findings
from deploydl.exercises.m08_memo import MEMO_PARTS, ROLE_KEYS, _is_memo, _role_named

__all__ = ["EXERCISES", "LAB_AB_REQUESTS", "LAB_RUN_CENTRAL_APPLICANTS", "MEMO_PARTS",
           "NEW_REGION_ROWS", "NEW_REGION_SEED", "OWNER_EVENTS", "REFERENCE_ROWS",
           "REFERENCE_SEED", "ROLE_KEYS", "_is_memo", "_role_named", "new_region",
           "smallest_planned_size"]

#: The capstone lab's run and data (the lab builds the same).
NEW_REGION_ROWS, NEW_REGION_SEED = 1000, 5
#: The training data the new region is compared with (as in Module 06).
REFERENCE_ROWS, REFERENCE_SEED = 5000, 0
#: Requests the lab's capstone run sends to its A/B test (split between two versions).
LAB_AB_REQUESTS = 200
#: Central applicants in the lab's capstone run's own log, which the screen before 08.5 prints;
#: not a count of violations, which an answer to 08.1 is told (a test keeps it equal to the lab's
#: stored output).
LAB_RUN_CENTRAL_APPLICANTS = 205


def new_region():
    """A sample of applicants like those of the days after the new region opened, as the lab
    builds it: the Central region's and the other regions' together (``region`` says which).
    It is generated on its own, not read from the capstone run's prediction log."""
    from deploydl.data import apply_drift, make_applicants

    return apply_drift(make_applicants(NEW_REGION_ROWS, seed=NEW_REGION_SEED), "new_region",
                       seed=NEW_REGION_SEED)


def _violations(answer: Any) -> str | None:
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    expected, count = len(check_quality(new_region(), APPLICANT_RULES).violations), as_whole(answer)
    if count is None:
        return form(f"give a whole number of violations; you gave {brief(answer)}.")
    if count == expected:
        return None
    if count == LAB_RUN_CENTRAL_APPLICANTS:
        return (f"{count} is the number of Central applicants in the capstone run's own log, "
                "not a count of violations: run check_quality(new_region, APPLICANT_RULES) on "
                f"the {NEW_REGION_ROWS:,}-applicant sample and count its violations.")
    if count == NEW_REGION_ROWS:
        return (f"{count:,} is the number of applicants in new_region, the rows the rules "
                "checked, not a count of violations: run the quality rules on them and count "
                "the violations they report (one for each rule a row breaks).")
    return f"you gave {answer}."


def _is_region_diagnosis(answer: Any) -> str | None:
    from deploydl.data import NEW_REGION, make_applicants
    from deploydl.exercises.m06 import diagnose, judge_diagnosis

    rows = new_region()
    truth = diagnose(make_applicants(REFERENCE_ROWS, seed=REFERENCE_SEED), rows)
    wrong = judge_diagnosis(answer, truth, table="new_region")
    feature = answer.get("feature") if isinstance(answer, dict) else None
    if wrong and isinstance(feature, str) and feature.strip() == truth["feature"]:
        given = as_number(answer.get("zero_share"))
        central = rows.loc[rows["region"] == NEW_REGION, truth["feature"]]
        if given is not None and math.isclose(given, float((central == 0).mean()),
                                              abs_tol=5e-4):
            return ("that is the share of zeros among Central's rows only: "
                    f"measure it on all {len(rows):,} rows of new_region, not only Central's "
                    "(the drift report compared all of them with the reference).")
    return wrong


def smallest_planned_size() -> int:
    """The fewest applicants per version any A/B plan of the capstone could ask for."""
    from deploydl.monitoring import sample_size

    return min(sample_size(rate / 100, -0.05) for rate in range(6, 95))


def _is_promotion(answer: Any) -> str | None:
    promote = as_bool(answer)
    if promote is None:
        return form(f"give True (promote now) or False (keep testing), as a bool, without "
                    f"quotes; you gave {brief(answer)}.")
    can_promote = smallest_planned_size() <= LAB_AB_REQUESTS
    if promote and not can_promote:
        return ("the test cannot have reached its planned size: compare n_a and n_b with "
                "planned_n before you trust any difference.")
    return None if promote == can_promote else "the test is big enough: read its p-value."


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
    Exercise(id="08.4", title="Who acts on what the run found?",
             checker=_acts_on_findings,
             hints=("For each finding, decide what must be done, then whose part of the life "
                    "cycle that is in the owns column of roles_table(): who ran the rollout, "
                    "who built the model or who wrote the figures is not always who acts.",
                    "What counts as a valid application is a quality rule, whoever runs the "
                    "rollout; a release too close to call on fairness is cleared by the "
                    "fairness owner, not by the one who built it; spending more or stopping is "
                    "for the one who funds and carries the risk, not the value case's author.")),
    Exercise(id="08.5", title="Write and defend the group's decision",
             checker=_is_memo,
             hints=("Four parts, each a sentence or two: decision (on its own, advise loan "
                    "officers, or keep in the lab), evidence (figures quoted from value, run.ab "
                    "and screen), risk (with its owner from roles_table()), change (what would "
                    "change it).",
                    "e.g. evidence: 'net USD net_value_per_year a year against the current "
                    "process; on n_a + n_b applicants, far below planned_n, 1.1.0 earned USD "
                    "difference per applicant (p = p_value)', with this run's numbers."),
             passed=("the memo has its four parts. This check reads only that they are there, "
                     "not how good the memo is: your instructor grades it with the rubric.")),
]
