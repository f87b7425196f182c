"""Module 03 (Responsible AI): fairness ratio, the proxy, group thresholds, reason codes, rights,
the EU AI Act.

The checks recompute the answers from the seeded case study
(:func:`deploydl.responsible.mitigation.case_study`), the first time a check runs, never at import.
"""

from __future__ import annotations

import math
from typing import Any

from deploydl.exercises.core import (
    Exercise,
    as_bool,
    as_list,
    as_number,
    brief,
    form,
    percentage_slip,
)

#: Policy of exercise 03.3: clear the four-fifths screen; expected cost at most 10% above
#: today's; no band's bar above today's common bar (0.8). Then judge the answer: "lawful_as_is"
#: must be False. Regulation B lets an empirically derived, demonstrably and statistically sound
#: scoring system use age as a predictor, so long as an elderly applicant's age (62 or more) gets
#: no value less favourable than the most favoured age group's (12 CFR 1002.2(v),
#: 1002.6(b)(2)(ii)). A bar set to equalise approval rates is no predictive use of age: it
#: favours a band because of its age, which for a band under 62 only a special purpose credit
#: program may do (12 CFR 1002.8): a question for counsel. No answer meets the screen and the
#: cost limit with the over-50 bar at or below every other bar: a search of all three bars in
#: steps of 0.0025 (0.30 to 0.95) finds the cheapest such answer, under_30 0.61, 30_to_50
#: 0.7375, over_50 0.61, at 11.0% above today's cost, and tests/exercises pins the claim on a
#: 0.01 grid. So every answer that meets the policy leaves the over-50 bar above another band's,
#: and the checker names that rule. (At the break-even threshold 0.8 today's parity ratio is
#: 0.53; within 10% any single lowered under_30 threshold from about 0.68 to 0.72 clears the
#: screen.)
MAX_COST_INCREASE = 0.10


def _outcome(thresholds: dict[str, float]) -> dict[str, Any]:
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE
    from deploydl.responsible.fairness_widget import policy_outcome
    from deploydl.responsible.mitigation import case_study

    test = case_study().test
    return policy_outcome(1 - test[LABEL].to_numpy(), case_study().approval_score(test),
                          test[PROTECTED_ATTRIBUTE], thresholds)


def _check_ratio(answer: Any) -> str | None:
    from deploydl.responsible.mitigation import APPROVAL_THRESHOLD, case_study

    if not isinstance(answer, dict) or set(answer) != {"ratio", "passes"}:
        return form("give a dict with two keys: {'ratio': ..., 'passes': True or False}; you "
                    f"gave {brief(answer)}.")
    ratio, passes = as_number(answer["ratio"]), as_bool(answer["passes"])
    if ratio is None or passes is None:
        return form("the ratio should be a number and passes should be True or False; you "
                    f"gave {brief(answer)}.")
    groups = case_study().test["age_band"].unique()
    expected = _outcome(dict.fromkeys(groups, APPROVAL_THRESHOLD))["parity_ratio"]
    percentage = percentage_slip(ratio, expected, what="the ratio")
    if percentage:
        return percentage
    if math.isclose(ratio, 1 / expected, abs_tol=5e-3):
        return "divide the lowest approval rate by the highest, not the other way round."
    if not math.isclose(ratio, expected, abs_tol=5e-3):
        return f"the ratio you gave, {ratio:.3f}, is not the lowest rate over the highest."
    if passes is not (expected >= 0.8):
        return f"the ratio is right; but does {expected:.2f} reach 0.8?"
    return None


#: The columns exercise 03.2's table compares (the lab shows the same).
PROXY_CANDIDATES = ("region", "notes", "home_owner", "loan_amount", "late_payments",
                    "credit_history_years")


def _check_proxy(answer: Any) -> str | None:
    from deploydl.responsible.mitigation import case_study, proxy_strength

    strength = proxy_strength(case_study().train, columns=PROXY_CANDIDATES)
    name = answer.strip().lower() if isinstance(answer, str) else None
    if name not in strength.index:
        return form(f"give one of the table's column names as text: {list(strength.index)}; "
                    f"you gave {brief(answer)}.")
    if name == str(strength.idxmax()):
        return None
    return (f"{brief(name)} tells less about age band than another column: read the "
            "highest proxy_strength.")


def _check_thresholds(answer: Any) -> str | None:
    groups = {"under_30", "30_to_50", "over_50"}
    if not isinstance(answer, dict) or set(answer) != groups | {"lawful_as_is"}:
        return form(f"give one threshold per age band and your judgement: a dict with keys "
                    f"{sorted(groups)} and 'lawful_as_is' (True or False); you gave "
                    f"{brief(answer)}.")
    given = {g: as_number(answer[g]) for g in groups}
    thresholds = {g: v for g, v in given.items() if v is not None and 0 < v < 1}
    lawful = as_bool(answer["lawful_as_is"])
    if len(thresholds) != len(given) or lawful is None:
        return form(f"each threshold should be a number between 0 and 1, and lawful_as_is True "
                    f"or False; you gave {brief(answer)}.")
    from deploydl.present.charts import money
    from deploydl.responsible.mitigation import APPROVAL_THRESHOLD

    raised = sorted(g for g, v in thresholds.items() if v > APPROVAL_THRESHOLD + 1e-9)
    if raised:
        return (f"you raised the bar for {', '.join(raised)} above today's {APPROVAL_THRESHOLD}: "
                "that makes a band's age count against it. Lower the under-30 bar instead.")
    outcome = _outcome(thresholds)
    limit = _outcome(dict.fromkeys(groups, APPROVAL_THRESHOLD))["cost_per_1000"] * (
        1 + MAX_COST_INCREASE)
    if not outcome["passes_four_fifths"]:
        return (f"the approval ratio is {outcome['parity_ratio']:.2f}, below the four-fifths "
                "screen's 0.8.")
    if outcome["cost_per_1000"] > limit:
        return (f"the approval ratio clears the screen, but the expected cost is "
                f"{money(outcome['cost_per_1000'])} per 1,000 applicants, above the "
                f"{money(limit)} the policy allows.")
    if lawful:
        # Every answer that meets the policy gives the over-50 bar more than another band's
        # (see MAX_COST_INCREASE; tests/exercises pins it), so the elderly rule always bites.
        favoured = min(v for g, v in thresholds.items() if g != "over_50")
        return ("these bars meet the screen and the cost limit, but they are not lawful as "
                f"set: the over-50 band, which holds applicants aged 62 or more, faces a bar "
                f"of {thresholds['over_50']:.2f} while another band gets {favoured:.2f}. "
                "Regulation B forbids giving an elderly applicant's age a less favourable "
                "value than the most favoured age group gets (12 CFR 1002.2(v), "
                "1002.6(b)(2)(ii)); and a bar set to equalise approval rates is no predictive "
                "use of age, so favouring a band by age is a question for counsel. Set "
                "lawful_as_is to False.")
    return None


def _check_reasons(answer: Any) -> str | None:
    from deploydl.responsible.explain import reason_codes
    from deploydl.responsible.mitigation import case_study, declined_example

    applicant, reference = declined_example(case_study())
    reasons = reason_codes(case_study().approval_score, applicant, reference)
    top = [r.feature for r in reasons]
    answer = as_list(answer)  # a Series or array of the two names is the list it holds
    if not isinstance(answer, list | tuple) or len(answer) != 2 or not all(
            isinstance(a, str) for a in answer):
        return form("give the two feature names as a list, e.g. ['income', 'debt_ratio']; "
                    f"you gave {brief(answer)}.")
    if {_plain_name(a) for a in answer} & {_plain_name(r.text) for r in reasons}:
        return form("those are the reasons' texts, for the letter to the applicant: give the "
                    "feature names (reason.feature), not the texts.")
    names = [_plain_name(a) for a in answer]  # 'Income' names the feature income too
    if names == top[:2]:
        return None
    if names == top[:2][::-1]:
        return ("the right two features, in the wrong order: list the one with the largest "
                "score gain first (reasons come sorted, largest first).")
    if set(names) & set(top[:2]):
        return (f"you gave {list(answer)}; only one of them is among the two largest score "
                "gains: take the features of the first two reasons, in order.")
    return f"you gave {list(answer)}; the two largest score gains are elsewhere."


def _plain_name(text: str) -> str:
    """``text`` without case or surrounding spaces, to compare a learner's name with ours."""
    return text.strip().lower()


EXERCISES = [
    Exercise(
        id="03.1", title="Disparate-impact ratio and the four-fifths screen",
        checker=_check_ratio,
        hints=("Divide the lowest approval rate by the highest; the screen asks for 0.8 or more.",
               "ratio = min(rates.values()) / max(rates.values()); "
               "answer_31 = {'ratio': ratio, 'passes': ratio >= 0.8}"),
    ),
    Exercise(
        id="03.2", title="Find the proxy", checker=_check_proxy,
        hints=("Look at the proxy_strength table: which column tells you most about age band?",
               "It is a column only time can change: older applicants have had longer to build "
               "it. Being useful for predicting repayment does not stop it being a proxy."),
    ),
    Exercise(
        id="03.3", title="Group thresholds: what the screen needs, and what the law says",
        checker=_check_thresholds,
        hints=("Start from 0.8 for every group, then lower the under_30 threshold a little "
               "at a time and watch the ratio and the cost. Then compare the over-50 bar with "
               "the lowest bar: Regulation B forbids treating applicants aged 62 or more less "
               "favourably than the most favoured age group (12 CFR 1002.2(v), "
               "1002.6(b)(2)(ii)).",
               "Lowering only the under_30 threshold to about 0.70 meets the screen and the cost "
               "limit; the over-50 band then has a higher bar than the under-30 band, so "
               "'lawful_as_is' is False."),
    ),
    Exercise(
        id="03.4", title="Reason codes for an applicant the model refers", checker=_check_reasons,
        hints=("Call reason_codes(...) and read the feature of the first two reasons.",
               "[r.feature for r in reasons[:2]]"),
    ),
    Exercise(
        id="03.5", title="Where an objection to an automated decision lands", expected="C",
        choices={"A": "Deleting their data is erasure (Article 17), not what they asked for: "
                      "they want a person to take the decision.",
                 "B": "Retraining changes future models, but this person's decision would "
                      "still be made by a machine alone."},
        hints=("GDPR Article 22 is about the decision being made by a machine alone. Which "
               "stage makes the decision?",),
    ),
    Exercise(
        id="03.6", title="Where the credit model stands under the EU AI Act", expected="B",
        choices={"A": "The Act lists scoring people's creditworthiness as high-risk (Annex III, "
                      "point 5(b)), and a listed system that profiles people, as credit scoring "
                      "does, stays high-risk (Art. 6(3)). Human oversight of referrals is one of "
                      "the duties the listing brings, not a way off the list.",
                 "C": "Building the model makes the bank its provider (Art. 3(3)); using it "
                      "makes the bank its deployer too, and the Act gives deployers duties of "
                      "their own (Art. 26 and 27): trained oversight, kept logs, an impact "
                      "assessment.",
                 "D": "The Act as adopted said 2 August 2026, but an amendment in force since "
                      "July 2026 moved these duties to 2 December 2027."},
        hints=("Read the lesson's section on the EU AI Act: what class is a credit-scoring "
               "system, who owes what (the bank built this model itself), and from when?",),
    ),
]
