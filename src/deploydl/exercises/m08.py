"""Module 08 (Capstone and careers): the new region through every stage, and the roles."""

from __future__ import annotations

import math
import re
from typing import Any

from deploydl.exercises.core import Exercise, as_bool, as_number, as_whole, brief, form

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

#: The group memo of exercise 08.5: each part's key and what it holds. A person grades the
#: memo (the rubric is in docs/instructors.md); the check reads only that each part is there.
MEMO_PARTS = {
    "decision": "Module 00's question answered again: let the model approve loans on its own, "
                "let it advise loan officers, or keep it in the lab",
    "evidence": "the figures the decision rests on, quoted from the run: the value case "
                "(value), the A/B test (run.ab), the new region's screen (screen)",
    "risk": "the largest risk left, and the role in roles_table() that owns it",
    "change": "what evidence would change the decision",
}
#: Fewest words in each part: more than a one-word answer, far short of judging the writing.
MEMO_MIN_WORDS = 6
#: Key words that name each role of roles_table() in a memo's risk part, in the group's own
#: wording ("the product manager", "the Responsible AI team", "platform"); case and hyphens
#: do not matter, and a plural counts.
ROLE_KEYS = {
    "ML engineer": ("ml engineer", "machine learning engineer"),
    "MLOps / platform engineer": ("mlops", "platform"),
    "Data steward": ("data steward", "steward"),
    "AI product manager": ("product manager",),
    "Responsible-AI lead": ("responsible ai",),
    "Executive sponsor": ("executive sponsor", "sponsor"),
}
#: A version number ("1.1.0"), or the number of a module, a table or another part of a
#: document ("Module 00", "Table 2", "section 3.1"), is a label, not a figure from the run.
_NOT_A_FIGURE = re.compile(r"\b\d+\.\d+\.\d+\b|\b(?:modules?|tables?|figures?|fig\.?|sections?"
                           r"|pages?|chapters?|appendix|exhibits?|slides?|exercises?|lessons?)"
                           r"\s+\d+(?:\.\d+)*\b", re.IGNORECASE)
#: Module 00's three options, each as a decision part may name it: approve on its own,
#: advise loan officers, keep it in the lab.
_OPTIONS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    r"\bapprov\w*\b[^,;:]{0,40}?\b(?:on its own|by itself|alone|autonomously|unaided)\b"
    r"|\bautonomous(?:ly)?\b",
    r"\badvi[sc]\w*",
    r"\b(?:in|to|back to) the lab\b"))
#: Words that rule an option out ("not approve on its own or keep it in the lab"): a clause
#: with one of them is a choice, not a list of alternatives.
_RULED_OUT = re.compile(r"\b(?:not|never|neither|nor|no|rather than|instead of)\b|n't\b",
                        re.IGNORECASE)
#: Words that say a group has not chosen ("we could not agree whether", "not sure"): their
#: "not" rules no option out.
_NOT_CHOSEN = re.compile(r"\b(?:could|can|did|do)\s*(?:not|n't)\s+(?:yet\s+)?"
                         r"(?:agree|decide|choose)\b|\b(?:not sure|unsure)\b", re.IGNORECASE)
#: Words that, right after the first option a clause names, give the reasons for choosing it
#: ("keep it in the lab, since advising or approving would both lose money"): the options
#: after them are the reasons, not alternatives.
_BECAUSE = re.compile(r"^\W*(?:since|because|as|given that)\b", re.IGNORECASE)
#: A risk part that says nobody owns it ("nobody owns", "no owner", "not owned", "unowned").
_NO_OWNER = re.compile(r"\b(?:nobody|no one|no-one|none)\b[^.;:]{0,20}?\bown(?:s|ed)?\b"
                       r"|\b(?:no|without an?)\s+(?:\w+\s+)?owners?\b|\bnot\s+(?:yet\s+)?owned\b"
                       r"|\bunowned\b|\bownerless\b", re.IGNORECASE)
#: What just before a role's key word says it is absent ("no platform", "without a sponsor").
_ABSENT_BEFORE = re.compile(r"\b(?:no|not|without|nor|lacks?)\s+(?:\w+\s+){0,2}$",
                            re.IGNORECASE)
#: What just after a role's key word says it is absent ("the sponsor has not been found").
_ABSENT_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:not|never)\b|^\s*\w+n't\b", re.IGNORECASE)
#: Quotes a group may put round its decision part; a question inside them is still a question.
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


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
        return form(f"give True (promote now) or False (keep testing); you gave "
                    f"{brief(answer)}.")
    can_promote = smallest_planned_size() <= LAB_AB_REQUESTS
    if promote and not can_promote:
        return ("the test cannot have reached its planned size: compare n_a and n_b with "
                "planned_n before you trust any difference.")
    return None if promote == can_promote else "the test is big enough: read its p-value."


#: Why what the region check accepts is not the named role's call (08.4), and whose it is,
#: described by the job rather than by the owner's words in roles_table().
_RECORDS_KEEPER = ("what the region check accepts is set for every system that reads the "
                   "bank's records, by whoever looks after those records")
#: Whose call the release too close to call on fairness is, described the same way (08.4).
_SET_APART = ("signing this release off on how evenly it treats young and old applicants, or "
              "refusing it, is for the role set apart to judge that for every release")

#: Exercise 08.4: what this run found that a person must act on, worded as a manager reads it,
#: the role of roles_table() whose decision it is (the owner of that part of the life cycle)
#: and, for the roles most often named instead, why it is not their call. Each finding shares
#: no word with its owner's row of the table but does share one with another role's, a
#: plausible owner at first sight: the rollout's, the engineer who built the model, the value
#: case's author. So the answer is a judgement (what must be done, and whose part of the life
#: cycle that is), not a word match. Each slip says what the role named does and describes the
#: owner's job in words of its own, none from the owner's row of the table, so that matching
#: the slip with the table does not give the answer away either.
OWNER_EVENTS = {
    "central_flagged": ("the rollout to Central, the region that just opened, reached its first "
                        "users, and every applicant from Central fails the region check, "
                        "which accepts only the four regions the bank already served",
                        "Data steward",
                        {"AI product manager": "the AI product manager owns the rollout and its "
                                               "users, not what counts as a valid application: "
                                               f"{_RECORDS_KEEPER}",
                         "ML engineer": "the ML engineer trains on the applications that pass "
                                        "the check and cannot change what passes; "
                                        f"{_RECORDS_KEEPER}",
                         "MLOps / platform engineer": "the platform's monitoring sees the new "
                                                      "region's traffic and raises the alarm; "
                                                      f"{_RECORDS_KEEPER}"}),
    "close_call": ("the ML engineer who trained 1.0.0 asks to release it, but its evaluation "
                   "puts the youngest applicants' approval rate against the oldest's too close "
                   "to the bank's four-fifths limit to call; it waits until someone signs the "
                   "release off or refuses it", "Responsible-AI lead",
                   {"ML engineer": "the ML engineer built and tested 1.0.0, so asking for the "
                                   "release is theirs and clearing it is not: no one signs off "
                                   f"their own work, and {_SET_APART}",
                    "MLOps / platform engineer": "the platform puts a release into production "
                                                 "once it is cleared; clearing it is not the "
                                                 f"platform's call: {_SET_APART}",
                    "AI product manager": "the AI product manager plans the rollout and asks "
                                          "others to choose; a release waiting to be cleared "
                                          f"is not yet part of a rollout, and {_SET_APART}",
                    "Executive sponsor": "the Executive sponsor answers for the project as a "
                                         "whole, its funding and risk appetite; "
                                         f"{_SET_APART}"}),
    "net_loss": ("the value case puts the current process ahead on the stated assumptions; "
                 "someone must choose to spend more on the project or stop it, and answer for "
                 "that",
                 "Executive sponsor",
                 {"AI product manager": "the AI product manager wrote the figures and puts the "
                                        "choice to others; making it commits the bank's money "
                                        "and carries the downside if it goes wrong, which sits "
                                        "one level above the project's team"}),
}


def _acts_on_findings(answer: Any) -> str | None:
    from deploydl.capstone.careers import roles_table

    roles = {_words(role): role for role in roles_table().index}
    if not isinstance(answer, dict) or set(answer) != set(OWNER_EVENTS):
        return form(f"give a dict with one role per finding, keys {list(OWNER_EVENTS)}; you "
                    f"gave {brief(answer)}.")
    for key, (finding, owner, slips) in OWNER_EVENTS.items():
        given = roles.get(_words(answer[key])) if isinstance(answer[key], str) else None
        if given is None:
            return form(f"{key}: give a role's name as roles_table() writes it; you gave "
                        f"{brief(answer[key])}.")
        if given != owner:
            why = slips.get(given, f"the {given} owns {roles_table().loc[given, 'owns']}")
            return (f"{key} ({finding}): {why}. Whose part of the life cycle is it in the "
                    "owns column?")
    return None


def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _role_named(text: str) -> bool:
    """True when ``text`` names a role of :func:`roles_table` by one of its key words
    (:data:`ROLE_KEYS`: "platform team" for "MLOps / platform engineer"), other than as absent
    ("there is no platform for this", "the sponsor has not been found")."""
    words = _words(text)
    return any(not _ABSENT_BEFORE.search(words[:found.start()])
               and not _ABSENT_AFTER.search(words[found.end():])
               for keys in ROLE_KEYS.values() for key in keys
               for found in re.finditer(rf"\b{re.escape(key)}s?\b", words))


def _undecided(decision: str) -> str | None:
    """What is wrong with a decision part that asks a question (Module 00's, copied) or lists
    the options as alternatives instead of choosing one; None otherwise. Which options a
    decision names is otherwise the rubric's to read: a sentence can name all three and still
    choose one ("advise, not approve on its own")."""
    if decision.strip().strip(_QUOTES + "()[]!").rstrip().endswith("?"):
        return ("the decision part asks a question; state the option your group chooses, in a "
                "sentence of your own.")
    clauses = [c for c in re.split(r"[.;:!?\n]+(?:\s|$)", decision) if c.strip()]
    listed = [c for c in clauses if _alternatives(c)]
    if listed and not any(_names_option(c) for c in clauses if c not in listed):
        return ("the decision part lists the options as alternatives (one or another) without "
                "choosing one, as Module 00's question did: choose one option and say it, in a "
                "sentence of your own.")
    return None


def _option_spans(clause: str) -> list[tuple[int, int]]:
    """Where ``clause`` names one of Module 00's options (:data:`_OPTIONS`), in order."""
    return sorted(m.span() for option in _OPTIONS for m in option.finditer(clause))


def _names_option(clause: str) -> bool:
    return bool(_option_spans(clause))


def _alternatives(clause: str) -> bool:
    """True when ``clause`` offers two or more options joined by "or" ("approve on its own,
    advise loan officers, or keep it in the lab"), rules none of them out ("we could not agree
    whether" rules none out) and does not give them as the reasons for the first ("keep it in
    the lab, since advising or approving would both lose money" chooses the lab)."""
    spans = _option_spans(clause)
    return (len(spans) > 1 and not _RULED_OUT.search(_NOT_CHOSEN.sub(" ", clause))
            and not _BECAUSE.search(clause[spans[0][1]:spans[1][0]])
            and bool(re.search(r"\bor\b", clause[spans[0][1]:spans[-1][0]], re.IGNORECASE)))


def _is_memo(answer: Any) -> str | None:
    """Only that the four parts are there: each its own sentence, a decision stated (not Module
    00's question again), a figure in the evidence, an owner in the risk. Whether the decision
    is right is the rubric's (a person's) call."""
    if not isinstance(answer, dict) or not all(isinstance(k, str) for k in answer):
        return form(f"give a dict with the memo's four parts, {list(MEMO_PARTS)}; you gave "
                    f"{brief(answer)}.")
    missing = [k for k in MEMO_PARTS if k not in answer]
    if missing:
        return form("the memo lacks " + "; ".join(f"the {k} part ({MEMO_PARTS[k]})"
                                                  for k in missing) + ".")
    odd = [k for k in MEMO_PARTS if not isinstance(answer[k], str)]
    if odd:
        return form("write each part as text (a str): " + "; ".join(
            f"the {k} part ({MEMO_PARTS[k]}) is {brief(answer[k])}" for k in odd) + ".")
    short = [k for k in MEMO_PARTS if len(answer[k].split()) < MEMO_MIN_WORDS]
    if short:
        return (f"write each part as a sentence or two in your group's words (at least "
                f"{MEMO_MIN_WORDS} words); too short: "
                + ", ".join(f"the {k} part" for k in short) + ".")
    seen: dict[str, str] = {}
    for k in MEMO_PARTS:
        first = seen.setdefault(_words(answer[k]), k)
        if first != k:
            return (f"the {first} and {k} parts say the same thing: each part answers its own "
                    "question.")
    undecided = _undecided(answer["decision"])
    if undecided:
        return undecided
    if not re.search(r"\d", _NOT_A_FIGURE.sub("", answer["evidence"])):
        return ("the evidence part should quote the run's figures (the net value, the A/B "
                "test's difference, p-value and size), not only describe them.")
    return _owner_missing(answer["risk"])


def _owner_missing(risk: str) -> str | None:
    """What is wrong with a risk part that names no role as its owner; None when it names one
    outside any words that say nobody owns something ("the Data steward owns the risk that no
    one owns the partner feed today" names one; "no platform, and nobody owns it" none)."""
    if _role_named(_NO_OWNER.sub(" ", risk)):
        return None
    if _NO_OWNER.search(risk):
        return ("the risk part says nobody owns the risk: name the role that owns it, one of "
                f"roles_table()'s roles: {', '.join(ROLE_KEYS)}.")
    return ("the risk part should name its owner, one of roles_table()'s roles: "
            f"{', '.join(ROLE_KEYS)}.")


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
