"""Exercise 07.5's check: the two audiences missing from the lesson's communication plan,
the corner and cadence each belongs in, and the plan with them placed where a learner put
them, to draw. Module 07 (Stakeholder communication); ``m07`` wires it to its exercise."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from deploydl.exercises.core import FormProblem, as_whole, brief, form, is_placeholder

if TYPE_CHECKING:
    from deploydl.communication.plan import Stakeholder

#: Exercise 07.5: the audiences missing from the plan, what the lab tells about each, the
#: corner of the map each belongs in, and the update cadences that fit what it says.
MISSING = {
    "dpo": ("Data protection officer", "manage closely", ("weekly", "monthly")),
    "audit": ("Internal audit", "keep satisfied", ("quarterly", "yearly", "on request")),
}
#: The cadences a plan's entries use (the lab gives the list).
CADENCES = ("weekly", "monthly", "quarterly", "yearly", "on request")
#: Why a cadence does not fit an audience, by audience and cadence.
_CADENCE_WHY = {
    "dpo": {**dict.fromkeys(("quarterly", "yearly"),
                            "the DPO must hear of each change to the use of personal data "
                            "before it ships; updates that far apart arrive after the change"),
            "on request": "the DPO must hear before each change, not only when they ask: "
                          "by the time they think to ask, the change may have shipped"},
    "audit": dict.fromkeys(("weekly", "monthly"),
                           "internal audit looks once a year and asks when it needs more: "
                           "updates that often are noise to them ('keep satisfied' means "
                           "enough, not everything)"),
}


def plan_with_missing(placed: Any):
    """The lesson's plan with exercise 07.5's two audiences where the learner ``placed``
    them, to draw; None while the answer is not yet of the right form."""
    from deploydl.communication.plan import DEFAULT_PLAN, load_plan

    people = None if is_placeholder(placed) else _placed_form(placed)
    if people is None or isinstance(people, FormProblem):
        return None
    added = [{"name": people[key].name, "influence": people[key].influence,
              "interest": people[key].interest, "cadence": people[key].cadence,
              "document": document}
             for key, document in (("dpo", "model card + data-use changes"),
                                   ("audit", "model card + release records"))]
    return load_plan({**DEFAULT_PLAN, "stakeholders": [*DEFAULT_PLAN["stakeholders"], *added]})


def _placed(answer: Any) -> str | None:
    """Exercise 07.5's checker: first the form of both entries, then what they say, so a
    message about one audience's corner never hides a second entry the drawing cannot use."""
    people = _placed_form(answer)
    if isinstance(people, FormProblem):
        return people
    for key, (who, corner, cadences) in MISSING.items():
        person = people[key]
        if person.strategy != corner:
            return (f"with influence {person.influence} and interest {person.interest}, "
                    f"{who} lands in '{person.strategy}'; reread what the lab says about "
                    "what they can stop and how closely they follow the model.")
        if person.cadence not in cadences:
            return f"{key}: '{person.cadence}' does not fit: {_CADENCE_WHY[key][person.cadence]}."
    return None


def _placed_form(answer: Any) -> dict[str, Stakeholder] | FormProblem:
    """Each audience of ``answer`` as a :class:`~deploydl.communication.plan.Stakeholder`
    (cadence in lower case), or the :class:`FormProblem` of the first entry that is not
    (influence, interest, cadence) with whole numbers 1 to 5 and a listed cadence."""
    from deploydl.communication.plan import read_stakeholder

    if not isinstance(answer, dict) or set(answer) != set(MISSING):
        return form("give a dict with the keys 'dpo' and 'audit', each (influence, interest, "
                    f"cadence); you gave {brief(answer)}.")
    people: dict[str, Stakeholder] = {}
    for key, (who, _, _) in MISSING.items():
        entry = answer[key]
        if not isinstance(entry, list | tuple) or len(entry) != 3:
            return form(f"{key}: give (influence, interest, cadence), e.g. (2, 4, 'weekly'); "
                        f"you gave {brief(entry)}.")
        influence, interest, cadence = entry
        for name, value in (("influence", influence), ("interest", interest)):
            if as_whole(value) not in range(1, 6):
                return form(f"{key}: {name} must be a whole number from 1 to 5; you gave "
                            f"{brief(value)}.")
        person = read_stakeholder(0, {
            "name": who, "influence": as_whole(influence), "interest": as_whole(interest),
            "cadence": cadence, "document": "-"})
        said = cadence.strip().lower() if isinstance(cadence, str) else None
        if said not in CADENCES:
            return form(f"{key}: the cadence is one of {', '.join(CADENCES)}; you gave "
                        f"{brief(cadence)}.")
        people[key] = replace(person, cadence=said)
    return people
