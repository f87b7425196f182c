"""Module 08 (Capstone and careers): the new region through every stage, and the roles."""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise

#: The capstone lab's run and data (the lab builds the same).
NEW_REGION_ROWS, NEW_REGION_SEED = 1000, 5


def _violations(answer: Any) -> str | None:
    from deploydl.data import apply_drift, make_applicants
    from deploydl.governance.quality import APPLICANT_RULES, check_quality

    table = apply_drift(make_applicants(NEW_REGION_ROWS, seed=NEW_REGION_SEED), "new_region",
                        seed=NEW_REGION_SEED)
    expected = len(check_quality(table, APPLICANT_RULES).violations)
    if isinstance(answer, bool) or not isinstance(answer, int):
        return f"give a whole number of violations; you gave {answer!r}."
    return None if answer == expected else f"you gave {answer}."


EXERCISES = [
    Exercise(id="08.1", title="The new region's data fails the quality rules",
             checker=_violations,
             hints=("Run check_quality(new_region, APPLICANT_RULES) and count its violations.",
                    "len(check_quality(new_region, APPLICANT_RULES).violations)")),
    Exercise(id="08.2", title="Which feature raised the drift alarm?",
             expected="credit_history_years",
             hints=("Look at the traffic stage's result: run.monitoring['drifted'].",
                    "The new region's applicants have much shorter credit histories.")),
    Exercise(id="08.3", title="Promote the retrained version now?",
             expected=False,
             hints=("Look at run.ab['significant'] and run.ab['p_value']: is the difference "
                    "proven?",
                    "No: with p well above 0.05 and fewer applicants than planned, keep the "
                    "test running.")),
    Exercise(id="08.4", title="Who owns the fairness gate?",
             expected="Responsible-AI lead",
             hints=("roles_table() lists each role's capstone stages.",
                    "The role whose stages include 'fairness gate'.")),
]
