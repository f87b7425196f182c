"""Module 01 (Data governance): find personal data, write a rule, grant access, erase a person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deploydl.exercises.core import (
    Exercise,
    FormProblem,
    as_list,
    as_number,
    as_whole,
    brief,
    form,
)

if TYPE_CHECKING:
    from deploydl.governance.privacy import ErasureReport

#: The data every Module 01 lab exercise uses (the lab builds the same).
LAB_ROWS, LAB_SEED, ERASE_ID = 1000, 0, "NB-000123"
#: The partner's file of exercise 01.1: rows and seed.
PARTNER_ROWS, PARTNER_SEED = 200, 0
RETENTION_DAYS, RETENTION_TODAY = 365, "2026-03-01"
#: Exercise 01.5: a count this close to the right one has the retention rule's edge wrong.
NEAR_COUNT = 5


def _not_columns(names: Any, columns: Any, where: str) -> FormProblem | None:
    """What to say of the ``names`` that are not among the ``columns`` of ``where`` ("the
    file"): a misspelt name is a slip of form, so the answer is not weighed and uses up no
    hint. None when every name is a column."""
    unknown = [c for c in dict.fromkeys(names) if c not in columns]
    if not unknown:
        return None
    said = " and ".join(repr(c) for c in unknown)
    return form(f"{said} {'is not a column' if len(unknown) == 1 else 'are not columns'} of "
                f"{where} (names are case-sensitive); its columns are {list(columns)}.")


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


#: Exercise 01.2: ages a rule must flag (a child, a 17-year-old, nobody lives that long) and
#: ages it must let through (the youngest adult, an old but real applicant). Applicants are
#: adults, so the lower bound is 18; any upper bound from 90 to 129 is believable.
IMPOSSIBLE_AGES, POSSIBLE_AGES = (0, 5, 17, 130, 150, 199), (18, 90)
#: The form a learner's age rule should take (shown in messages).
AGE_RULE_EXAMPLE = "{'age': {'min': ..., 'max': ...}}"


def _age_rule_form(rule: Any) -> str | None:
    """What is wrong with the form of the 'age' entry (None when it can be used).

    :func:`deploydl.governance.quality.validate_rule` decides whether the rule can be applied
    at all (the same check :func:`~deploydl.governance.quality.check_quality` makes); this
    says it in terms of ages and adds what an age rule needs: numbers, a whole-number type.
    """
    import pandas as pd

    from deploydl.governance.quality import (
        RULE_KEYS,
        QualityRuleError,
        rule_dtype,
        rule_values,
        validate_rule,
    )

    if not isinstance(rule, dict):
        return (f"the 'age' entry should itself be a dict of checks, e.g. {AGE_RULE_EXAMPLE} "
                f"with two numbers; you gave {brief(rule)}.")
    unknown = sorted(str(k) for k in set(rule) - set(RULE_KEYS))
    if unknown:
        return f"a rule knows only the keys {list(RULE_KEYS)}; {unknown} is not one of them."
    in_years = {
        **{key: f"'{key}' should be a number of years (not text or None), as in "
                f"{AGE_RULE_EXAMPLE}" for key in ("min", "max")},
        **{key: f"'{key}' should be True or False (or leave it out)"
           for key in ("nullable", "unique")},
        "allowed": "'allowed' should list every permitted age as numbers, e.g. "
                   "list(range(18, 101)); a 'min' and a 'max' are simpler",
        "dtype": "'dtype' should name a whole-number type, as ages are stored: 'int64' (or "
                 "leave it out)",
        "pattern": "a 'pattern' is for text; ages are numbers: use 'min' and 'max'",
    }
    try:
        validate_rule("age", rule)
    except QualityRuleError as exc:
        if exc.key not in in_years:
            return str(exc)
        return f"{in_years[exc.key]}; you gave {brief(rule[exc.key])}."
    for key in ("min", "max"):  # validate_rule also takes dates, for date columns
        if key in rule and as_number(rule[key]) is None:
            return f"{in_years[key]}; you gave {brief(rule[key])}."
    if any(as_number(a) is None for a in rule_values(rule.get("allowed", [])) or []):
        return f"{in_years['allowed']}; you gave {brief(rule['allowed'])}."
    if "dtype" in rule and not pd.api.types.is_integer_dtype(rule_dtype(rule["dtype"])):
        return f"{in_years['dtype']}; you gave {brief(rule['dtype'])}."
    if "pattern" in rule:
        return f"{in_years['pattern']}."
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


def _false_alarms(clean: Any, rule: dict, count: int) -> str:
    """The message for the age ``rule`` that flags ``count`` real ages of the ``clean`` table,
    naming its ``'unique': True`` when that flags some of them: how many it adds (the flags
    with it minus those without), and whether the rest of the rule flags real ages too."""
    from deploydl.governance.quality import check_quality

    if rule.get("unique"):
        without = {key: value for key, value in rule.items() if key != "unique"}
        rest = len(check_quality(clean, {"age": without}).rows("age"))
        if rest < count:
            unique = (f"'unique': True flags {count - rest} real ages in the clean table"
                      + (" that the rest of your rule lets pass" if rest else "") + ": it "
                      "flags every applicant whose age an earlier one already has, and many "
                      "applicants are the same age. Remove 'unique'.")
            return unique + (f" The rest of your rule flags {rest} real ages too: change it "
                             "as well." if rest else "")
    return f"your rule also flags {count} real ages in the clean table."


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


def _rows_lost(mentions: dict, original: dict, identifiers: list[str]) -> tuple[int, int]:
    """How many rows of the person with ``identifiers``, and how many rows of other people,
    the cleaned datasets lack that the ``original`` ones hold (datasets in both only);
    ``mentions`` holds each cleaned dataset's rows that mention the person, as a mask."""
    from deploydl.governance.privacy import rows_mentioning

    person = others = 0
    for name in set(mentions) & set(original):
        before, after = rows_mentioning(original[name], identifiers), mentions[name]
        person += int(before.sum()) - int(after.sum())
        others += int((~before).sum()) - int((~after).sum())
    return person, others


def _hold_problem(report: ErasureReport, lawful: ErasureReport) -> str | None:
    """What is wrong with the legal holds behind the erasure ``report``, against ``lawful``,
    the report of the lesson's holds (CREDIT_RECORD_HOLDS): a hold on data no law makes the
    bank keep, or a hold that keeps the credit record on another ground or until another time.
    None when every hold it applied is the lesson's (an erasure with none is told elsewhere)."""
    extra = sorted(set(report.rows_kept) - set(lawful.rows_kept))
    if extra:
        one = len(extra) == 1
        return (f"your legal hold{'' if one else 's'} on {extra} {'keeps' if one else 'keep'} "
                f"{ERASE_ID}'s data there, but no law obliges the bank to keep it: a hold is "
                "only for what the law makes the bank keep, here the credit record in "
                f"{', '.join(lawful.rows_kept)}. Pass holds=CREDIT_RECORD_HOLDS, as the lesson "
                "does.")
    for name in report.rows_kept:
        because, until = report.kept_because.get(name), report.kept_until.get(name)
        if (because, until) != (lawful.kept_because[name], lawful.kept_until[name]):
            return (f"{name} is kept, but not under the lesson's legal hold: yours keeps it "
                    f"because {because!r}, until {until!r}. The bank may keep data a person "
                    "asked it to erase only where a law obliges it or for legal claims (GDPR "
                    "Art. 17(3)(b) and (e)), and only until that duty ends: pass "
                    "holds=CREDIT_RECORD_HOLDS, the lesson's hold, which names the duty and when "
                    "it ends.")
    return None


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
