"""Module 03 (Responsible AI): fairness ratio, the proxy, group thresholds, reason codes, rights,
the EU AI Act.

The checks recompute the answers from the seeded case study
(:func:`deploydl.responsible.mitigation.case_study`), the first time a check runs, never at import.
The policy of exercise 03.3, its tool (:func:`outcome_of`) and the columns 03.2 compares are in
``m03_data``, and the readers of a learner's answer (percentages, referral points, a cost over
the limit, feature names) in ``m03_readers``.
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
from deploydl.exercises.m03_data import (
    BANDS,
    MAX_COST_INCREASE,
    PROXY_CANDIDATES,
    outcome_of,
    today_refer_above,
)
from deploydl.exercises.m03_readers import (
    _over_the_limit,
    _percent,
    _plain_name,
    _read_as_repaying,
)
from deploydl.responsible.fairness import FOUR_FIFTHS

__all__ = ["BANDS", "EXERCISES", "MAX_COST_INCREASE", "PROXY_CANDIDATES", "outcome_of",
           "today_refer_above"]


def _check_ratio(answer: Any) -> str | None:
    if not isinstance(answer, dict) or set(answer) != {"ratio", "passes"}:
        return form("give a dict with two keys: {'ratio': ..., 'passes': True or False}; you "
                    f"gave {brief(answer)}.")
    ratio, passes = as_number(answer["ratio"]), as_bool(answer["passes"])
    if ratio is None or passes is None:
        return form("the ratio should be a number and passes should be True or False; you "
                    f"gave {brief(answer)}.")
    expected = outcome_of(dict.fromkeys(BANDS, today_refer_above()))["parity_ratio"]
    percentage = percentage_slip(ratio, expected, what="the ratio")
    if percentage:
        return percentage
    if math.isclose(ratio, 1 / expected, abs_tol=5e-3):
        return "divide the lowest approval rate by the highest, not the other way round."
    if not math.isclose(ratio, expected, abs_tol=5e-3):
        return f"the ratio you gave, {ratio:.3f}, is not the lowest rate over the highest."
    if passes is not (expected >= FOUR_FIFTHS):
        return f"the ratio is right; but does {expected:.2f} reach {FOUR_FIFTHS}?"
    return None




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


def _check_referral_points(answer: Any) -> str | None:
    if not isinstance(answer, dict) or set(answer) != set(BANDS) | {"lawful_as_is"}:
        return form(f"give one referral point per age band and your judgement: a dict with keys "
                    f"{sorted(BANDS)} and 'lawful_as_is' (True or False); you gave "
                    f"{brief(answer)}.")
    given = {band: as_number(answer[band]) for band in BANDS}
    refer_above = {band: v for band, v in given.items() if v is not None and 0 < v < 1}
    lawful = as_bool(answer["lawful_as_is"])
    if len(refer_above) != len(given) or lawful is None:
        return form(f"each referral point should be a chance of default between 0 and 1 (0.25 "
                    f"for 25%), and lawful_as_is True or False; you gave {brief(answer)}.")
    from deploydl.evaluation.decision import approval_bar

    today = today_refer_above()
    if _read_as_repaying(refer_above.values(), today):
        return (f"those look like chances of repaying (approval-score bars; today's rule's is "
                f"{approval_bar(today):.2f}). Give each band's referral point as a chance of "
                f"default: refer above {_percent(today)} is {today:.2f}.")
    stricter = sorted(band for band, v in refer_above.items() if v < today - 1e-9)
    if stricter:
        return (f"you refer {', '.join(stricter)} at a lower chance of default than today's "
                f"{_percent(today)}: a stricter rule for a band makes its age count against it. "
                "Refer the under-30 band at a higher chance instead.")
    outcome = outcome_of(refer_above)
    limit = outcome_of(dict.fromkeys(BANDS, today))["cost_per_1000"] * (1 + MAX_COST_INCREASE)
    if not outcome["passes_four_fifths"]:
        return (f"the approval ratio is {outcome['parity_ratio']:.2f}, below the four-fifths "
                "screen's 0.8.")
    over = _over_the_limit(outcome["cost_per_1000"], limit)
    if over:
        return f"the approval ratio clears the screen, but {over}"
    if lawful:
        # Every answer that meets the policy refers the over-50 band at a lower chance than
        # another band (see MAX_COST_INCREASE; tests/exercises pins it): the elderly rule bites.
        favoured = max(v for band, v in refer_above.items() if band != "over_50")
        return ("these referral points meet the screen and the cost limit, but they are not "
                "lawful as set: the over-50 band, which holds applicants aged 62 or more, is "
                f"referred above a {_percent(refer_above['over_50'])} chance of default while "
                f"another band is referred only above {_percent(favoured)}. Regulation B "
                "forbids giving an elderly applicant's age a less favourable value than the "
                "most favoured age group gets (12 CFR 1002.2(v), 1002.6(b)(2)(ii)); and a "
                "referral point set to equalise approval rates is no predictive use of age, so "
                "favouring a band by age is a question for counsel. Set lawful_as_is to False.")
    return None


def _check_reasons(answer: Any) -> str | None:
    from deploydl.responsible.explain import Reason, reason_codes
    from deploydl.responsible.mitigation import case_study, referred_example

    applicant, reference = referred_example(case_study())
    reasons = reason_codes(case_study().approval_score, applicant, reference)
    top = [r.feature for r in reasons]
    answer = as_list(answer)  # a Series or array of the two names is the list it holds
    if isinstance(answer, Reason) or isinstance(answer, list | tuple) and any(
            isinstance(a, Reason) for a in answer):
        return form("those are reasons, not names: give the first two reasons' feature names "
                    "(reason.feature), as a list of two texts.")
    if not isinstance(answer, list | tuple) or len(answer) != 2 or not all(
            isinstance(a, str) for a in answer):
        return form("give the two feature names as a list, e.g. ['income', 'debt_ratio']; "
                    f"you gave {brief(answer)}.")
    if {_plain_name(a) for a in answer} & {_plain_name(r.text) for r in reasons}:
        return form("those are the reasons' texts, for the letter to the applicant: give the "
                    "feature names (reason.feature), not the texts.")
    names = [_plain_name(a) for a in answer]  # 'Income' names the feature income too
    unknown = [a for a, name in zip(answer, names, strict=True) if name not in applicant]
    if unknown:
        return form(f"{brief(unknown[0])} is not a feature name: the features are "
                    f"{list(applicant)}. Give the features of the first two reasons "
                    "(reason.feature), spelt as there.")
    if names == top[:2]:
        return None
    if names == top[:2][::-1]:
        return ("the right two features, in the wrong order: list first the one whose match "
                "would lower the chance of default most (reasons come sorted, most first).")
    if set(names) & set(top[:2]):
        return (f"you gave {list(answer)}; only one of them is among the two reasons that would "
                "lower the chance of default most: take the features of the first two reasons, "
                "in order.")
    return (f"you gave {list(answer)}; the two reasons that would lower the chance of default "
            "most are elsewhere: take the features of the first two reasons, in order.")


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
        checker=_check_referral_points,
        hints=("Start from today's 0.20 for every band, then raise the under_30 referral point "
               "a little at a time and watch the ratio and the cost. Then compare the over-50 "
               "band's referral point with the highest: Regulation B forbids treating "
               "applicants aged 62 or more less favourably than the most favoured age group "
               "(12 CFR 1002.2(v), 1002.6(b)(2)(ii)).",
               "Referring the under-30 band only above a 30% chance of default (0.30) meets the "
               "screen and the cost limit; the over-50 band is then referred at a lower chance "
               "than the under-30 band, so 'lawful_as_is' is False."),
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
