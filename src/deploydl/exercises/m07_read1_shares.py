"""The shares a sentence for the caller states ("83%", "eight in ten", "more than 80%"), and
whether one of them is the approval rate: :func:`says_rate`, and what 07.1 says when none is
(:func:`_rate_missing`).

Stage 1 of the 07.1 reader (:mod:`deploydl.exercises.m07_sentence`); the number in the
name is the order the grader loads the stages in; as the first, it imports no other
stage (see :mod:`deploydl.exercises.m07_sentence`)."""

from __future__ import annotations

import math
import re
from typing import NamedTuple

#: Small numbers a caller might write in words ("four in five").
WORD_NUMBERS = {w: n for n, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))} | {"hundred": 100}
#: "N in M" is near the rate when it is the closest N for that M and within this share.
NEAR = 0.05
#: Tens a caller might write in words before "per cent" ("eighty-three per cent").
TENS = {w: 10 * n for n, w in enumerate(("twenty", "thirty", "forty", "fifty", "sixty",
                                          "seventy", "eighty", "ninety"), start=2)}
_WORDS = "|".join(WORD_NUMBERS)
_NUMBER = rf"(\d+|{_WORDS})"
_SPELLED = rf"(?:{'|'.join(TENS)})(?:[\s-](?:{_WORDS}))?|{_WORDS}"
_PERCENT = re.compile(rf"\b(\d+(?:\.\d+)?|{_SPELLED})\s?(?:%|percent\b|per cent\b)")
#: "N in M", "N out of M", "N in every M", "N of every M" ("83 of every 100").
_FRACTION = re.compile(rf"\b{_NUMBER}\s+(?:(?:in|out\s+of)\s+(?:a\s+|every\s+)?|of\s+every\s+)"
                       rf"{_NUMBER}\b")


def says_rate(text: str, rate: float) -> bool:
    """True when ``text`` states ``rate`` (a share) in a form a caller understands.

    A percentage within half a point ("83%", "83.3 per cent"), or "N in M" / "N out of M"
    in digits or words ("8 in 10", "four in five", "83 out of 100") where N is the closest
    whole number for that M and within :data:`NEAR` of the rate; or a true bound within
    :data:`NEAR` of it ("more than 80%", "nearly 85%", "at least 4 in 5").
    """
    return any(_misstated(stated, rate) is None for stated in _stated(text))


#: A bound just before a number: "above" says the rate is at least that number ("more than
#: 80%", "at least 8 in 10"), "below" at most ("nearly 85%", "fewer than 9 in 10").
_BOUND = re.compile(
    r"\b(?:(?P<below>(?:no|not)\s+(?:more|greater|higher)\s+than|(?:less|fewer|lower)\s+than|"
    r"under|below|at\s+most|up\s+to|nearly|almost|not\s+quite)|"
    r"(?P<above>(?:no|not)\s+(?:less|fewer|lower)\s+than|(?:more|greater|higher)\s+than|"
    r"over|above|at\s+least|upwards\s+of|in\s+excess\s+of))\s+$")
#: The bounds that include their number ("at least 80%" is true of 80%); the others do not.
_INCLUSIVE = re.compile(r"(?:at\s+(?:least|most)|up\s+to|(?:no|not)\s+(?:more|greater|higher|"
                        r"less|fewer|lower)\s+than)\b")
#: Half a percentage point: a percentage this close to the rate is the rate ("83%" for 83.3%).
_HALF_POINT = 0.005


class _Stated(NamedTuple):
    """A share a sentence states: its words ("more than 80%"), the share (0.8), which side
    of the rate a bound puts it ("above", "below"; None for the number itself), M for
    "N in M" (None for a percentage), and where its number ends in the lower-case text."""

    words: str
    share: float
    side: str | None
    out_of: int | None
    end: int


def _stated(text: str) -> list[_Stated]:
    """The shares ``text`` states, as percentages or "N in M", in the order written."""
    text = text.lower()
    found = []
    for match in sorted((*_PERCENT.finditer(text), *_FRACTION.finditer(text)),
                        key=lambda m: m.start()):
        if match.re is _PERCENT:
            share, out_of = _percent(match.group(1)) / 100, None
        else:
            n, out_of = (int(x) if x.isdigit() else WORD_NUMBERS[x] for x in match.groups())
            if out_of < 2:
                continue
            share = n / out_of
        bound = _BOUND.search(text, 0, match.start())
        start = bound.start() if bound else match.start()
        side = bound.lastgroup if bound else None
        found.append(_Stated(text[start:match.end()], share, side, out_of, match.end()))
    return found


def _percent(number: str) -> float:
    """The value of ``number``, the figure before "%" or "per cent": digits ("83.3"), or words
    ("eighty-three", "seventeen")."""
    if number[0].isdigit():
        return float(number)
    return float(sum(TENS.get(w, WORD_NUMBERS.get(w, 0)) for w in number.replace("-", " ").split()))


def _misstated(stated: _Stated, rate: float) -> str | None:
    """What is wrong with ``stated`` as the ``rate``: None when it fits (see
    :func:`says_rate`), else why, in words for the learner."""
    if stated.side is None:
        m = stated.out_of
        fits = (abs(stated.share - rate) <= _HALF_POINT if m is None
                else round(stated.share * m) == round(rate * m)
                and abs(stated.share - rate) <= NEAR)
        return None if fits else f"you wrote '{stated.words}', but {rate:.1%} get a yes at once"
    over = stated.share - rate if stated.side == "above" else rate - stated.share
    # On the wrong side of the unrounded rate ("less than 83%" of 83.3%) is false, and so is
    # a strict bound at the rate itself ("under 83.3%"); "at most 83.3%" is true.
    if over > 0 or (math.isclose(over, 0, abs_tol=1e-9) and not _INCLUSIVE.match(stated.words)):
        return f"'{stated.words}' is not true: {rate:.1%} get a yes at once"
    if -over > NEAR:
        return f"'{stated.words}' is true but too far from the rate: {rate:.1%} get a yes at once"
    return None


def _rate_missing(text: str, rate: float) -> str:
    """What 07.1 says when ``text`` does not state the ``rate``: the number it
    gave and why it does not fit, or that it gave none."""
    example = f"'{rate:.0%}' or '{round(rate * 10)} in 10'"
    stated = _stated(text)
    if len(stated) == 1:
        return _one_misstated(stated[0], rate, example)
    if stated:
        return (f"none of {', '.join(repr(s.words) for s in stated)} is the {rate:.1%} who "
                f"get a yes at once; give that share, e.g. {example}.")
    return ("keep the one number that matters to a caller: how many get a yes at once, "
            f"e.g. {example}.")


def _one_misstated(stated: _Stated, rate: float, example: str) -> str:
    """What 07.1 says when ``stated``, the one share a sentence gives, is not the
    ``rate``: that it is the share a person checks (``1 - rate``, stated as :func:`says_rate`
    would take the rate), or what is off and the rule for its form, then the ``example``."""
    if _misstated(stated, 1 - rate) is None:
        return (f"'{stated.words}' is the share a person checks; the exercise asks for the "
                f"share that gets a yes at once: write {example}.")
    near = f"{NEAR * 100:.0f} points"
    if stated.side is not None:
        rule = (f"A bound must be true and within {near} of it, e.g. 'more than "
                f"{5 * int(rate * 20)}%'; or write {example}.")
    elif stated.out_of is None:
        rule = ("A percentage must be that share to the nearest point, while 'N in 10' is "
                f"rounded by its form: write {example}.")
    elif (round(rate * stated.out_of) != round(stated.share * stated.out_of)
          and abs(round(rate * stated.out_of) / stated.out_of - rate) <= NEAR):
        rule = (f"In 'N in {stated.out_of}', N must be the nearest whole number, "
                f"{round(rate * stated.out_of)}; or write {example}.")
    else:
        rule = f"No 'N in {stated.out_of}' comes within {near} of it: write {example}."
    return f"{_misstated(stated, rate)}. {rule}"
