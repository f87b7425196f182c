"""Module 07 (Stakeholder communication): plain words, the right chart, the risk register,
the brief for a given decision, the audiences a plan forgot."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from deploydl.exercises.core import (
    Exercise,
    FormProblem,
    as_number,
    as_whole,
    brief,
    form,
    is_percentage,
    is_placeholder,
    percentage_slip,
    rounding_slip,
)
from deploydl.exercises.m07_brief import brief_problem, read_brief
from deploydl.exercises.m07_sentence import sentence_problem

if TYPE_CHECKING:
    import pandas as pd

    from deploydl.communication.plan import Stakeholder

#: Words a call-centre agent should not have to decode. "Model" is not one: a right sentence
#: may name it in passing ("reviewed by a person since the model is not confident").
JARGON = ("auc", "roc", "threshold", "precision", "recall", "f1", "selection", "drift",
          "p-value", "inference", "sha256", "model card", "probability", "classifier",
          "algorithm", "neural network", "calibrat", "cut-off", "cutoff", "human-in-the-loop",
          "false negative", "false positive")
#: A plain sentence for a caller is a sentence: at least this many words, at most MAX_WORDS.
MIN_WORDS, MAX_WORDS = 8, 30
#: The decision the CRO asks for in exercise 07.4. It follows the evidence: the lesson's model
#: fails the fairness gate and costs more than the current process, so nothing is released.
DECISION = ("Keep the current process in every region. Fund the fairness fix for version "
            "{model_version}, which fails the fairness gate at threshold {threshold}, and bring "
            "it back with a new value case.")


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


def _plain(answer: Any) -> str | None:
    """Exercise 07.1's checker: a plain sentence of the right length, with the approval rate,
    said of the applicants who get a yes at once, and a clause of its own that says a person
    checks the others (:func:`~deploydl.exercises.m07_sentence.sentence_problem`)."""
    if not isinstance(answer, str) or not answer.strip():
        return form(f"write the sentence as a string; you gave {brief(answer)}.")
    found = [m.group() for w in JARGON
             if (m := re.search(rf"\b{re.escape(w)}(?:s|es|e|ed|ions?|ing)?\b", answer.lower()))]
    if found:
        return f"a caller would not understand {found}."
    words = len(answer.split())
    if words < MIN_WORDS:
        return (f"{words} word(s) is not a sentence a caller can act on; write one sentence, "
                f"or two short ones, of {MIN_WORDS} to {MAX_WORDS} words in all.")
    if words > MAX_WORDS:
        return f"{words} words; say it in {MAX_WORDS} or fewer."
    return sentence_problem(answer, _approval_rate())


def _approval_rate() -> float:
    from deploydl.capstone.project import lesson_inputs

    return float(lesson_inputs().evaluation["approval_rate"])


def _charts(answer: Any) -> str | None:
    from deploydl.communication.audiences import AUDIENCES

    if not isinstance(answer, dict) or set(answer) != set(AUDIENCES) or not all(
            isinstance(c, str) for c in answer.values()):
        return form(f"give a dict with one chart per audience: {sorted(AUDIENCES)}; you gave "
                    f"{brief(answer)}.")
    wrong = sorted(a for a, c in answer.items() if _chart_name(c) != AUDIENCES[a].chart)
    return f"think again about the chart for {wrong}." if wrong else None


def _chart_name(text: str) -> str:
    """A chart's name as the learner wrote it, in lower case with single spaces and without a
    trailing "chart" ("Value  Chart" is "value")."""
    return " ".join(text.lower().split()).removesuffix(" chart")


#: Exercise 07.3: a ratio within this of the right one passes: the ratio to three decimals or
#: more, or computed from the rates as the lab prints them (to three decimals); a wrong third
#: digit fails. The four-fifths rule reads the ratio against 0.80, and the run's ratio is
#: under a hundredth below it, so the third digit is where a wrong ratio shows.
RATIO_TOL = 5e-4
#: The four-fifths rule: a ratio of approval rates under this fails it.
FOUR_FIFTHS = 0.8


def _ratio(answer: Any) -> str | None:
    """Exercise 07.3's checker: the lowest age band's approval rate divided by the highest's
    (:func:`_reads_as`), each slip told by name: a percentage, the overall approval rate, a
    rounding that carries the ratio over the four-fifths line, the wrong bands divided
    (:func:`_wrong_bands`), one band's rate alone (:func:`_one_band`), the ratio cut off
    rather than rounded (:func:`_cut_off`), rates rounded to two decimals divided
    (:func:`_rounded_rates`), the ratio the other way round; any other number is told only
    what to divide."""
    from deploydl.capstone.project import lesson_inputs

    value = as_number(answer)
    if value is None:
        return form(f"give the ratio as a number between 0 and 1; you gave {brief(answer)}.")
    inputs = lesson_inputs()
    expected = inputs.fairness["demographic_parity_ratio"]
    if _reads_as(value, expected):
        return None
    percentage = percentage_slip(value, expected, what="the ratio")
    if percentage:
        return percentage
    overall = inputs.evaluation["approval_rate"]
    if round(value, 2) == round(overall, 2) or is_percentage(value, overall):
        return ("that is the approval rate of all applicants together; the ratio divides the "
                "lowest age band's approval rate by the highest's, from inputs.by_group.")
    rates = inputs.by_group["selection_rate"]
    slip = (_rounded_over_the_line(value, expected) or _wrong_bands(value, rates)
            or _one_band(value, rates) or _cut_off(value, expected, brief(answer))
            or _rounded_rates(value, rates))
    if slip:
        return slip
    if value > 1:
        return _above_one(value, expected, brief(answer))
    return (f"you gave {brief(answer)}, which is not the ratio: divide the lowest age band's "
            "approval rate by the highest's, from inputs.by_group['selection_rate'].")


def _reads_as(value: float, ratio: float) -> bool:
    """Whether ``value`` is ``ratio`` as a register may give it: within :data:`RATIO_TOL`, or
    rounded to two decimals (as the fairness gate prints it) on the same side of the
    four-fifths line (0.795 as 0.80 would read as a pass of the rule)."""
    two = round(ratio, 2)
    return abs(value - ratio) < RATIO_TOL or (
        value == two and (two < FOUR_FIFTHS) == (ratio < FOUR_FIFTHS))


def _wrong_bands(value: float, rates: pd.Series) -> str | None:
    """What 07.3 says when ``value`` is one age band's approval rate divided by another's
    (``rates``, by band), not the lowest by the highest nor the other way round (which
    :func:`_above_one` tells): which bands it divides and which the rule compares; None
    otherwise."""
    low, high = rates.idxmin(), rates.idxmax()
    divided = next(((a, b) for a in rates.index for b in rates.index
                    if a != b and {a, b} != {low, high}
                    and _given_as(value, rates[a] / rates[b])), None)
    if divided is None:
        return None
    return (f"that divides the approval rate of '{divided[0]}' by that of '{divided[1]}'; the "
            "four-fifths rule compares the age band approved least often with the band "
            f"approved most often: {_lowest_by_highest(rates)}.")


def _one_band(value: float, rates: pd.Series) -> str | None:
    """What 07.3 says when ``value`` is one age band's approval rate (``rates``, by band),
    not a ratio of two: that a ratio divides one band's rate by another's, and which; None
    otherwise."""
    band = next((b for b in rates.index if _given_as(value, rates[b])), None)
    if band is None:
        return None
    return (f"that is the approval rate of '{band}' alone, not a ratio, which divides one age "
            f"band's approval rate by another's: {_lowest_by_highest(rates)}.")


def _lowest_by_highest(rates: pd.Series) -> str:
    """What to divide for 07.3's ratio, the bands of ``rates`` named."""
    return (f"divide the rate of '{rates.idxmin()}' (the lowest) by that of '{rates.idxmax()}' "
            "(the highest)")


def _given_as(value: float, number: float) -> bool:
    """Whether ``value`` is ``number`` as a learner may give it: within :data:`RATIO_TOL`, or
    rounded to two decimals."""
    return abs(value - number) < RATIO_TOL or value == round(number, 2)


def _cut_off(value: float, expected: float, shown: str) -> str | None:
    """What 07.3 says when ``value`` (``shown`` as the learner gave it) is the ratio
    ``expected`` cut off after two or more decimals rather than rounded (0.793 for 0.7939):
    to round it; None otherwise, where the cut and the rounding agree (0.79), and for one
    decimal (0.7), too little of the number to tell a cut from a guess."""
    if not any(value == math.trunc(expected * 10**d) / 10**d != round(expected, d)
               for d in range(2, 8)):
        return None
    return (f"{shown} is the ratio cut off, not rounded: round the ratio of the unrounded rates "
            "in inputs.by_group['selection_rate'] to at least three decimals instead, or give it "
            "unrounded.")


def _rounded_rates(value: float, rates: pd.Series) -> str | None:
    """What 07.3 says when ``value`` divides the lowest and highest of ``rates`` rounded to
    two decimals (0.69 / 0.87 = 0.7931 for 0.6908 / 0.8700 = 0.7939): a rounding before the
    division moves the third digit, which the four-fifths rule reads; None otherwise."""
    low, high = round(rates.min(), 2), round(rates.max(), 2)
    if not _given_as(value, low / high) or _given_as(value, rates.min() / rates.max()):
        return None
    return (f"that divides the rates rounded to two decimals ({low:.2f} / {high:.2f}), which "
            "moves the ratio's third digit: divide the unrounded rates in "
            "inputs.by_group['selection_rate'].")


def _above_one(value: float, expected: float, shown: str) -> str:
    """What a ratio above 1 is (``shown`` as the learner gave it): up to 100, whichever of two
    readings lands nearer the right ratio ``expected``, the ratio the other way round (1.26
    for 0.794: 1 / value) or the ratio as a percentage (80: value / 100); above 100, only that
    it is too big."""
    inverted, percent = abs(1 / value - expected), abs(value / 100 - expected)
    if value <= 100 and inverted <= percent:
        return "divide the lowest approval rate by the highest, not the other way round."
    if value <= 100:
        return (f"{shown} reads as a percentage; give the ratio as a number between 0 and 1 "
                "(the lowest approval rate divided by the highest), unrounded or to at least "
                "three significant digits.")
    return ("the ratio of the lowest approval rate to the highest is between 0 and 1; you gave "
            f"{shown}.")


def _rounded_over_the_line(value: float, expected: float) -> str | None:
    """The message for ``value`` that is the ratio rounded too far (None otherwise), and the
    costlier slip first: a rounding that carries a ratio under the four-fifths rule's 0.80 over
    it (0.794 as 0.8), so that an unfair model looks as if it met the rule."""
    slip = rounding_slip(value, expected)
    if slip and expected < FOUR_FIFTHS <= value:
        return (f"rounding carried the ratio over the {FOUR_FIFTHS:.2f} line: {value:g} meets "
                "the four-fifths rule, the unrounded ratio does not, so an unfair model would "
                "look fair. Give at least three significant digits (or the unrounded result).")
    return slip


def _brief(answer: Any) -> str | None:
    """Exercise 07.4's checker: the brief's HTML text, which must be the lesson run's brief
    asked the CRO's :data:`DECISION` (:func:`~deploydl.exercises.m07_brief.brief_problem`)."""
    page = read_brief(answer)
    if page is None:
        return form("store the brief's HTML text (brief_html(...)) in `brief`.")
    from deploydl.capstone.project import lesson_inputs

    return brief_problem(page, lesson_inputs(), DECISION)


EXERCISES = [
    Exercise(id="07.1", title="Rewrite a jargon sentence for the call-centre team",
             checker=_plain,
             hints=("Say what happens to the customer, not how the model works. Which one "
                    "number would a caller care about?",
                    "e.g. 'About N in 10 applicants get a yes straight away; a person checks "
                    "the others.', with N from the approval rate printed above (or write it "
                    "as a percentage).")),
    Exercise(id="07.2", title="Pick the right chart for each audience",
             checker=_charts,
             hints=("The board asks 'is it worth it?', the regulator 'is it fair?', the "
                    "call-centre 'what happens to callers?', engineers 'where is the "
                    "threshold on the cost curve?'.",
                    "{'board': 'value', 'regulator': 'fairness', 'call-centre': 'decisions', "
                    "'engineers': 'cost'}")),
    Exercise(id="07.3", title="Fill the risk register's fairness evidence",
             checker=_ratio,
             hints=("inputs.by_group['selection_rate'] holds each age band's approval rate.",
                    "rates.min() / rates.max()")),
    Exercise(id="07.4", title="Generate the brief for the CRO's decision",
             checker=_brief,
             hints=("Do as the example above does for the audience: a new Context, this "
                    "time with decision=DECISION, in replace(inputs, context=...).",
                    "brief = brief_html(replace(inputs, context=Context(decision=DECISION)))")),
    Exercise(id="07.5", title="Place the missing audiences on the plan",
             checker=_placed,
             hints=("Influence is what they can stop or change; interest is how closely they "
                    "follow the model from day to day. 3 or more is high on either axis.",
                    "The DPO can stop the model and follows every change: high and high. "
                    "Audit can halt a release but looks once a year: high influence, low "
                    "interest.")),
]
