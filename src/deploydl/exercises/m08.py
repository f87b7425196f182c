"""Module 08 (Capstone and careers): the new region through every stage, and the roles."""

from __future__ import annotations

import re
from typing import Any

from deploydl.exercises.core import Exercise, as_bool, as_whole, brief, form

#: The capstone lab's run and data (the lab builds the same).
NEW_REGION_ROWS, NEW_REGION_SEED = 1000, 5
#: The training data the new region is compared with (as in Module 06).
REFERENCE_ROWS, REFERENCE_SEED = 5000, 0
#: Requests the lab's capstone run sends to its A/B test (split between two versions).
LAB_AB_REQUESTS = 200

#: The group memo of exercise 08.5: each part's key and what it holds. A person grades the
#: memo (the rubric is in docs/instructors.md); the check reads only that each part is there.
MEMO_PARTS = {
    "decision": "Module 00's question answered again: let the model approve loans on its own, "
                "let it advise loan officers, or keep it in the lab",
    "evidence": "the figures from the run's A/B test (run.ab) the decision rests on, quoted",
    "risk": "the largest risk left, and the role in roles_table() that owns it",
    "change": "what evidence would change the decision",
}
#: Fewest words in each part: more than a one-word answer, far short of judging the writing.
MEMO_MIN_WORDS = 6
#: Words that name one of Module 00's three options.
_OPTIONS = re.compile(r"\b(?:on its own|alone|by itself|automatic\w*|advis\w*|advice|"
                      r"officers?|underwriters?|lab)\b")
#: A version number ("1.1.0") is not a figure from the test.
_VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")


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


def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _role_named(text: str) -> bool:
    """True when ``text`` names a role of :func:`roles_table` ("MLOps" or "platform engineer"
    for "MLOps / platform engineer"; hyphens and case do not matter)."""
    from deploydl.capstone.careers import roles_table

    names = {_words(part) for role in roles_table().index for part in role.split("/")}
    return any(re.search(rf"\b{re.escape(name)}\b", _words(text)) for name in names if name)


def _is_memo(answer: Any) -> str | None:
    if not isinstance(answer, dict) or not all(isinstance(k, str) for k in answer):
        return form(f"give a dict with the memo's four parts, {list(MEMO_PARTS)}; you gave "
                    f"{brief(answer)}.")
    missing = [k for k in MEMO_PARTS if k not in answer]
    if missing:
        return form(f"the memo lacks {missing}: give all four parts, {list(MEMO_PARTS)}.")
    odd = [k for k in MEMO_PARTS if not isinstance(answer[k], str)]
    if odd:
        return form(f"write each part as text (a str); check {odd}.")
    short = [k for k in MEMO_PARTS if len(answer[k].split()) < MEMO_MIN_WORDS]
    if short:
        return (f"write each part as a sentence or two in your group's words (at least "
                f"{MEMO_MIN_WORDS} words); too short: {short}.")
    if len({_words(answer[k]) for k in MEMO_PARTS}) < len(MEMO_PARTS):
        return "two parts say the same thing: each part answers its own question."
    if not _OPTIONS.search(_words(answer["decision"])):
        return ("the decision should answer Module 00's question: approve loans on its own, "
                "advise loan officers, or keep it in the lab.")
    if not re.search(r"\d", _VERSION.sub("", answer["evidence"])):
        return "the evidence should quote the A/B test's figures from run.ab, not describe them."
    if not _role_named(answer["risk"]):
        return "the risk should name its owner, a role as roles_table() writes it."
    return None


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
    Exercise(id="08.5", title="Write and defend the group's decision",
             checker=_is_memo,
             hints=("Four parts, each a sentence or two: decision (on its own, advise loan "
                    "officers, or keep in the lab), evidence (figures quoted from run.ab), "
                    "risk (with its owner from roles_table()), change (what would change it).",
                    "e.g. evidence: 'On n_a + n_b applicants, far below planned_n, 1.1.0 earned "
                    "USD difference per applicant (p = p_value)', with this run's numbers."),
             passed=("the memo has its four parts. This check reads only that they are there, "
                     "not how good the memo is: your instructor grades it with the rubric.")),
]
