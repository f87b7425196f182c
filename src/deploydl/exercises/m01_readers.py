"""How Module 01's checks read a learner's answer: column names that are not columns, the
form of an age rule and the real ages it flags, the rows an erasure lost and the legal holds
behind it. Module 01's checks (``m01``) call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deploydl.exercises.core import FormProblem, as_number, brief, form
from deploydl.exercises.m01_data import ERASE_ID

if TYPE_CHECKING:
    from deploydl.governance.privacy import ErasureReport


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
