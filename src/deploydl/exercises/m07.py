"""Module 07 (Stakeholder communication): plain words, the right chart, the risk register,
the brief for a given decision."""

from __future__ import annotations

import re
from typing import Any

from deploydl.exercises.core import Exercise, as_number

#: Words a call-centre agent should not have to decode.
JARGON = ("auc", "roc", "threshold", "precision", "recall", "f1", "selection", "drift",
          "p-value", "inference", "sha256", "model card", "probability", "classifier")
#: A plain sentence for a caller is a sentence: at least this many words, at most MAX_WORDS.
MIN_WORDS, MAX_WORDS = 8, 30
DECISION = "Approve version {model_version} for the Central region only, at threshold {threshold}."


def _plain(answer: Any) -> str | None:

    if not isinstance(answer, str) or not answer.strip():
        return f"write the sentence as a string; you gave {answer!r}."
    found = [w for w in JARGON if re.search(rf"\b{re.escape(w)}\b", answer.lower())]
    if found:
        return f"a caller would not understand {found}."
    words = len(answer.split())
    if words < MIN_WORDS:
        return (f"{words} word(s) is not a sentence a caller can act on; write one of "
                f"{MIN_WORDS} to {MAX_WORDS} words.")
    if words > MAX_WORDS:
        return f"{words} words; say it in {MAX_WORDS} or fewer."
    if not any(re.search(form, answer.lower()) for form in _rate_forms()):
        return ("keep the one number that matters to a caller: how many get a yes at once, "
                "e.g. '86%' or '9 in 10'.")
    return None


def _rate_forms() -> list[str]:
    """Ways to say the approval rate a caller understands: '86%', '86 in 100', '9 in 10'."""
    from deploydl.capstone.project import lesson_inputs

    rate = lesson_inputs().evaluation["approval_rate"]
    tens = {int(rate * 10), round(rate * 10)}
    return ([rf"\b{round(rate * 100)}\s?(%|percent|per cent| in 100| out of 100)"]
            + [rf"\b{t} (in|out of) (10|ten)\b" for t in tens])


def _charts(answer: Any) -> str | None:
    from deploydl.communication.audiences import AUDIENCES

    if not isinstance(answer, dict) or set(answer) != set(AUDIENCES) or not all(
            isinstance(c, str) for c in answer.values()):
        return f"give a dict with one chart per audience: {sorted(AUDIENCES)}."
    wrong = sorted(a for a, c in answer.items() if c != AUDIENCES[a].chart)
    return f"think again about the chart for {wrong}." if wrong else None


def _ratio(answer: Any) -> str | None:
    from deploydl.capstone.project import lesson_inputs

    value = as_number(answer)
    if value is None:
        return f"give the ratio as a number between 0 and 1; you gave {answer!r}."
    answer = value
    expected = lesson_inputs().fairness["demographic_parity_ratio"]
    if answer > 1:
        return "divide the lowest approval rate by the highest, not the other way round."
    return None if abs(answer - expected) < 5e-3 else f"you gave {answer:.3f}."


def _brief(answer: Any) -> str | None:
    if not isinstance(answer, str) or "<html" not in answer:
        return "store the brief's HTML text (brief_html(...)) in `brief`."
    block = answer.split('<div class="decision">', 1)[-1].split("</div>", 1)[0]
    if "Central region only" not in block:
        return "the decision box does not ask the CRO's question; pass it as Context(decision=...)."
    if 'data-figure="threshold"' not in block or 'data-figure="model_version"' not in block:
        return "keep {model_version} and {threshold} as placeholders so the numbers are tagged."
    return None


EXERCISES = [
    Exercise(id="07.1", title="Rewrite a jargon sentence for the call-centre team",
             checker=_plain,
             hints=("Say what happens to the customer, not how the model works. Which one "
                    "number would a caller care about?",
                    "e.g. 'About 9 in 10 applicants get a yes straight away; a person checks "
                    "the others.' Use the real approval rate.")),
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
]
