"""The facts Module 01's checks compare an answer with: the lab's data (rows and seeds) and the
person exercise 01.4 erases, 01.5's retention rule, the ages 01.2 probes a rule with, and the
access 01.3 grants the fraud team. Module 01's checks (``m01``) and its readers
(``m01_readers``) use these.
"""

from __future__ import annotations

#: The data every Module 01 lab exercise uses (the lab builds the same).
LAB_ROWS, LAB_SEED, ERASE_ID = 1000, 0, "NB-000123"
#: The partner's file of exercise 01.1: rows and seed.
PARTNER_ROWS, PARTNER_SEED = 200, 0
RETENTION_DAYS, RETENTION_TODAY = 365, "2026-03-01"
#: Exercise 01.5: a count this close to the right one has the retention rule's edge wrong.
NEAR_COUNT = 5


#: Exercise 01.2: ages a rule must flag (a child, a 17-year-old, nobody lives that long) and
#: ages it must let through (the youngest adult, an old but real applicant). Applicants are
#: adults, so the lower bound is 18; any upper bound from 90 to 129 is believable.
IMPOSSIBLE_AGES, POSSIBLE_AGES = (0, 5, 17, 130, 150, 199), (18, 90)


#: Exercise 01.3: the columns the fraud team needs, and the action each needs.
FRAUD_NEEDS = {"income": "allow", "loan_amount": "allow", "region": "allow",
               "applicant_id": "pseudonymise"}
#: Exercise 01.3: why each wrong action for ``applicant_id`` fails the fraud team's need.
ID_ACTIONS = {
    "allow": "'allow' shows applicant_id as it is, the real application number, which the "
             "bank's other tables link straight to the applicant's name. Pseudonymise it: a "
             "pseudonym links one application's records across tables without saying who "
             "applied.",
    "mask": "'mask' keeps only applicant_id's last four digits (NB-**0123): among the "
            "lab's 1,000 applications they still point to exactly one, so they protect "
            "nothing, and at a bank with more than 10,000 they repeat, so the team could no "
            "longer follow one application across tables. Pseudonymise it: a pseudonym links "
            "those records without saying who applied.",
}
