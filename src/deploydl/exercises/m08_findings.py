"""Exercise 08.4's check: what the capstone run found that a person must act on, the role of
roles_table() whose call each finding is, and why the roles most often named instead are
not. Module 08 (Capstone and careers); ``m08`` wires it to its exercise."""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import brief, form

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
