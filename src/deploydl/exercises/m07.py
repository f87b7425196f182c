"""Module 07 (Stakeholder communication): plain words, the right chart, the risk register,
the brief for a given decision, the audiences a plan forgot.

The checks of 07.1, 07.2 and 07.4 are here; 07.3's ratio check is in ``m07_ratio``, 07.5's
plan check in ``m07_plan``, and the readers of a sentence and a brief in ``m07_sentence``
and ``m07_brief``.
"""

from __future__ import annotations

import re
from typing import Any

from deploydl.exercises.core import Exercise, brief, form
from deploydl.exercises.m07_brief import brief_problem, read_brief
from deploydl.exercises.m07_plan import MISSING, _placed, plan_with_missing
from deploydl.exercises.m07_ratio import _ratio
from deploydl.exercises.m07_sentence import sentence_problem

__all__ = ["DECISION", "EXERCISES", "MISSING", "_placed", "_plain", "plan_with_missing"]

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
    charts = sorted({audience.chart for audience in AUDIENCES.values()})
    unknown = sorted({c for c in answer.values() if _chart_name(c) not in charts})
    if unknown:
        return form(f"not the name of a chart: {unknown}; name each audience's chart as the "
                    f"lab lists them, one of {charts}.")
    wrong = sorted(a for a, c in answer.items() if _chart_name(c) != AUDIENCES[a].chart)
    return f"think again about the chart for {wrong}." if wrong else None


def _chart_name(text: str) -> str:
    """A chart's name as the learner wrote it, in lower case with single spaces for hyphens and
    full stops, and without a leading "the" or a trailing "chart" ("The Value-Chart ." is
    "value")."""
    words = text.lower().replace("-", " ").replace(".", " ").split()
    return " ".join(words).removeprefix("the ").removesuffix(" chart")


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
