"""Module 01 (Data governance): find personal data, write a rule, grant access, erase a person.

The lab's data and what the checks compare an answer with are in ``m01_data``, and the readers
of a learner's answer (column names, an age rule, an erasure) in ``m01_readers``.
"""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise, as_list, as_whole, brief, form
from deploydl.exercises.m01_data import (
    ERASE_ID,
    FRAUD_NEEDS,
    ID_ACTIONS,
    IMPOSSIBLE_AGES,
    LAB_ROWS,
    LAB_SEED,
    NEAR_COUNT,
    PARTNER_ROWS,
    PARTNER_SEED,
    POSSIBLE_AGES,
    RETENTION_DAYS,
    RETENTION_TODAY,
)
from deploydl.exercises.m01_readers import (
    AGE_RULE_EXAMPLE,
    _age_rule_form,
    _false_alarms,
    _hold_problem,
    _not_columns,
    _rows_lost,
)

__all__ = ["ERASE_ID", "EXERCISES", "LAB_ROWS", "LAB_SEED", "RETENTION_DAYS", "RETENTION_TODAY"]


def _partner_pii(answer: Any) -> str | None:
    import pandas as pd

    if isinstance(answer, pd.DataFrame):
        return form("that is the whole table; give only its column names, e.g. "
                    "list(table['column']).")
    answer = as_list(answer)  # pii_columns(...)["column"] without list() is fine too
    if not isinstance(answer, list | set | tuple) or not all(isinstance(c, str) for c in answer):
        return form("give the column names as a list of text, e.g. ['a', 'b']; you gave "
                    f"{brief(answer)}.")
    from deploydl.governance.northbridge import partner_file
    from deploydl.governance.privacy import pii_columns, scan_pii

    partner = partner_file(PARTNER_ROWS, seed=PARTNER_SEED)
    unknown = _not_columns(answer, partner.columns, "the file")
    if unknown:
        return unknown
    wanted = set(pii_columns(scan_pii(partner), partner)["column"])
    extra, missed = set(answer) - wanted, wanted - set(answer)
    if missed:
        one = len(missed) == 1
        return (f"{len(missed)} more column{'' if one else 's'} you did not list "
                f"{'says' if one else 'say'} who a customer is or how to reach them (a name, an "
                "email, a phone or card number, even inside free text): scan every column.")
    if extra:
        one = len(extra) == 1
        return (f"{sorted(extra)} {'does' if one else 'do'} not say who a customer is or how to "
                "reach them. Once a row names someone, all of it is personal data, but the "
                "exercise asks only for the columns that identify people: the ones the scan "
                "flags.")
    return None


def _age_rule(answer: Any) -> str | None:
    from deploydl.data import inject_defects, make_applicants
    from deploydl.governance.quality import QualityRuleError, check_quality

    if not isinstance(answer, dict) or "age" not in answer:
        return form(f"give a rule set with an 'age' entry, e.g. {AGE_RULE_EXAMPLE}; you "
                    f"gave {brief(answer)}.")
    others = sorted(map(str, set(answer) - {"age"}))
    if others:  # the lab's next cell applies the whole rule set: it must hold the age rule only
        return form(f"give one entry, for 'age', as the exercise asks: remove {others}.")
    problem = _age_rule_form(answer["age"])
    if problem:
        return form(problem)
    rule = {"age": answer["age"]}
    clean = make_applicants(LAB_ROWS, seed=LAB_SEED)
    defective, truth = inject_defects(clean, rate=0.02, seed=3, kinds=("out_of_range",))
    try:
        caught = check_quality(defective, rule).rows("age")
    except QualityRuleError as exc:
        return f"the rule set cannot be used: {exc}"
    missed = len(set(truth["row"]) - set(caught))
    if missed:
        return f"your rule misses {missed} of the {len(truth)} impossible ages."
    false_alarms = len(check_quality(clean, rule).rows("age"))
    if false_alarms:
        return _false_alarms(clean, rule["age"], false_alarms)
    ages = (*IMPOSSIBLE_AGES, *POSSIBLE_AGES)
    probe = clean.head(len(ages)).assign(age=ages).reset_index(drop=True)
    flagged = {ages[row] for row in check_quality(probe, rule).rows("age")}
    let_through = [a for a in IMPOSSIBLE_AGES if a not in flagged]
    if any(a < min(POSSIBLE_AGES) for a in let_through):
        young = max(a for a in let_through if a < min(POSSIBLE_AGES))
        return (f"your rule catches this table's errors but would let an age of {young} "
                "through: applicants are adults, so what is the youngest believable age?")
    if let_through:
        return (f"your rule catches this table's errors but would let an age of "
                f"{min(let_through)} through: nobody that old applies for a loan; choose the "
                "largest believable age.")
    wrongly = sorted(a for a in POSSIBLE_AGES if a in flagged)
    if wrongly:
        return (f"your rule would flag a real applicant aged {wrongly[0]}: adults of "
                f"{min(POSSIBLE_AGES)} and people of {max(POSSIBLE_AGES)} do apply for loans.")
    return None


def _fraud_policy(answer: Any) -> str | None:
    from deploydl.governance.access import PolicyError, parse_policy
    from deploydl.governance.northbridge import APPLICANT_COLUMNS

    if not isinstance(answer, dict) or not all(isinstance(c, str) for c in answer):
        return form(f"give a dict of column name: action; you gave {brief(answer)}.")
    odd = sorted(c for c, a in answer.items() if not isinstance(a, str))
    if odd:
        return form(f"each action is text, 'allow', 'mask' or 'pseudonymise'; check {odd}, "
                    "e.g. {'income': 'allow'}.")
    # 'Allow', ' mask ' and the US spelling 'pseudonymize' mean what the policy means.
    spelling = {"pseudonymize": "pseudonymise"}
    actions = {c: spelling.get(a.strip().lower(), a.strip().lower()) for c, a in answer.items()}
    try:
        columns = parse_policy({"roles": {"fraud_analyst": {"columns": actions}}})[
            "fraud_analyst"]["columns"]
    except PolicyError as exc:  # an action the policy does not know: the answer's form
        return form(str(exc))
    unknown = _not_columns(columns, APPLICANT_COLUMNS, "the applicant table")
    if unknown:
        return unknown
    extra = sorted(set(columns) - set(FRAUD_NEEDS))
    if extra:
        return f"the team does not need {extra}: minimum access means nothing extra."
    missing = sorted(set(FRAUD_NEEDS) - set(columns))
    if missing:
        return f"the team cannot work without {missing}."
    wrong = sorted(c for c, a in columns.items() if a != FRAUD_NEEDS[c])
    if "applicant_id" in wrong:
        return ID_ACTIONS[columns["applicant_id"]]
    return (f"the team needs the real values of {wrong} to spot fraud: 'allow' "
            f"{'it' if len(wrong) == 1 else 'them'}.") if wrong else None


def _erasure(answer: Any) -> str | None:
    from deploydl.data import make_applicants
    from deploydl.governance.northbridge import (
        CREDIT_RECORD_HOLDS,
        DEMO_KEY,
        MODEL_NAME,
        build_platform,
    )
    from deploydl.governance.privacy import (
        ErasureReport,
        erase_subject,
        rows_mentioning,
        subject_identifiers,
    )

    if not (isinstance(answer, tuple) and len(answer) == 2
            and isinstance(answer[1], ErasureReport)):
        return form("store what erase_subject(...) returns: the pair (cleaned, report).")
    cleaned, report = answer
    import pandas as pd

    if not isinstance(cleaned, dict) or not all(isinstance(t, pd.DataFrame)
                                                for t in cleaned.values()):
        return form("the first item should be the cleaned datasets: a dict of tables.")
    applicants = make_applicants(LAB_ROWS, seed=LAB_SEED)
    platform = build_platform(applicants)
    ids = subject_identifiers(applicants, ERASE_ID, key=DEMO_KEY)
    reference, lawful = erase_subject(platform.datasets, ids, lineage=platform.lineage,
                                      holds=CREDIT_RECORD_HOLDS)
    problem = _hold_problem(report, lawful)
    if problem:
        return problem
    held = [h.dataset for h in CREDIT_RECORD_HOLDS]
    mentions = {name: rows_mentioning(table, ids.values()) for name, table in cleaned.items()}
    still = [name for name, mentioned in mentions.items() if mentioned.any()]
    person_lost, others_lost = _rows_lost(mentions, platform.datasets, list(ids.values()))
    if set(still) - set(held):
        if others_lost and not person_lost:
            return f"you erased someone else: use {ERASE_ID!r}."
        return (f"{ERASE_ID} is still in {sorted(set(still) - set(held))}: pass every "
                "identifier of the person.")
    if set(reference) - set(cleaned):
        return "pass every registered dataset (platform.datasets), not just some."
    if others_lost:
        return (f"you also deleted {others_lost} row{'s' * (others_lost != 1)} of other "
                "people: pass only this person's identifiers.")
    deleted = [name for name in held if name not in still]
    if deleted or any(report.rows_kept.get(name, 0) < 1 for name in held):
        return (f"the credit record is gone from {', '.join(deleted or held)}, but the law "
                "makes the bank keep it for a set period (GDPR Art. 17(3)(b)): pass "
                "holds=CREDIT_RECORD_HOLDS, as the lesson does.")
    if not all(cleaned[name].equals(table) for name, table in reference.items()):
        return ("the cleaned tables differ from what erase_subject(...) returns for this "
                "person: store its result as it is.")
    if report.models_to_retrain != [MODEL_NAME]:
        return "pass the platform's lineage, so the report can list the model to retrain."
    return None


def _retention(answer: Any) -> str | None:
    from deploydl.data import make_applicants
    from deploydl.governance.privacy import retention_overdue

    expected = len(retention_overdue(make_applicants(LAB_ROWS, seed=LAB_SEED),
                                     date_column="application_date",
                                     retention_days=RETENTION_DAYS, today=RETENTION_TODAY))
    count = as_whole(answer)
    if count is None:
        return form(f"give a whole number of applications; you gave {brief(answer)}.")
    if count == len(make_applicants(LAB_ROWS, seed=LAB_SEED)) - expected:
        return (f"that is the number who applied within the last {RETENTION_DAYS} days and may "
                "stay on the list; count the ones who must leave it.")
    if count == expected:
        return None
    if abs(count - expected) <= NEAR_COUNT:  # counted the 365-day rule's edge another way
        return (f"you gave {count}, close: an application must leave when it was made more than "
                f"{RETENTION_DAYS} days before {RETENTION_TODAY}; retention_overdue(...) "
                "applies exactly this rule, count its rows.")
    return f"you gave {brief(answer)}."


EXERCISES = [
    Exercise(
        id="01.1", title="Find the personal data in a partner's file",
        checker=_partner_pii,
        hints=("Column names can lie. Run scan_pii(partner) and summarise it with "
               "pii_columns(found, partner).",
               "Free text counts: a phone number in a memo says how to reach someone. "
               "Reference numbers that fail the Luhn check are not card numbers."),
    ),
    Exercise(
        id="01.2", title="Write a rule that catches impossible ages",
        checker=_age_rule,
        hints=("Applicants are adults: what are the smallest and largest believable ages?",
               "rule = {'age': {'min': 18, 'max': 100}}"),
    ),
    Exercise(
        id="01.3", title="Grant the fraud team the minimum access",
        checker=_fraud_policy,
        hints=("List only the four columns the team needs. Which one lets the team follow "
               "one application across tables without saying who applied?",
               "{'applicant_id': 'pseudonymise', 'income': 'allow', 'loan_amount': 'allow', "
               "'region': 'allow'}"),
    ),
    Exercise(
        id="01.4", title="Carry out an erasure request end to end",
        checker=_erasure,
        hints=("First collect every identifier with subject_identifiers(applicants, "
               f"'{ERASE_ID}', key=DEMO_KEY).",
               "The bank must keep the credit record: erase_subject(...) takes "
               "holds=CREDIT_RECORD_HOLDS, the legal hold on raw_applicants from the lesson.",
               "erasure = erase_subject(platform.datasets, ids, lineage=platform.lineage, "
               "holds=CREDIT_RECORD_HOLDS)"),
    ),
    Exercise(
        id="01.5", title="Who must leave the marketing list?",
        checker=_retention,
        hints=("retention_overdue(...) returns the rows past the period; count them with len().",
               f"len(retention_overdue(applicants, date_column='application_date', "
               f"retention_days={RETENTION_DAYS}, today='{RETENTION_TODAY}'))"),
    ),
]
