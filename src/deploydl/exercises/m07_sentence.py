"""The 07.1 reader: what a sentence for the call-centre team says of the approval rate,
of the applicants who get a yes at once and of the others a person checks.

:func:`sentence_problem` is what exercise 07.1 (``m07``) calls once the sentence is plain and
of the right length. It reads in stages, one module each, numbered in the order they are
needed: the shares stated (``m07_read1_shares``), the words looked for (``m07_read2_words``),
clauses (``m07_read3_clauses``), negation (``m07_read4_negation``), the rate said of the
applicants (``m07_read5_applicants``), refusals (``m07_read6_refusals``), what is said of the
rate's applicants (``m07_read7_approved``), and of the others: a promised yes
(``m07_read8_promise``) and the rest (``m07_read9_others``).

The grader loads each ``mNN_*.py`` fresh, in the order of their names, before ``m07`` (see
:func:`deploydl.exercises.grading.check_files`), and a fresh module that imports one not yet
loaded gets the lab's copy. So each stage imports only stages numbered below its own, this
module (whose name sorts after theirs) imports the stages, and besides they import only
outside modules."""

from __future__ import annotations

import re

from deploydl.exercises.m07_read1_shares import _rate_missing, says_rate
from deploydl.exercises.m07_read3_clauses import _sides
from deploydl.exercises.m07_read5_applicants import _excluded, _not_of_applicants
from deploydl.exercises.m07_read7_approved import _ours_wrong
from deploydl.exercises.m07_read9_others import _others_wrong


def sentence_problem(text: str, rate: float) -> str | None:
    """What is wrong with ``text``, a plain sentence for a caller, as a statement of the
    approval ``rate``, or None: it must state the rate (:func:`says_rate`), said of the
    applicants (:func:`_not_of_applicants`) who get a yes at once (:func:`_ours_wrong`), and
    in a clause of its own say that a person checks the others, without turning them down or
    promising them a yes (:func:`_others_wrong`); :func:`_sides` splits it. The reader reads
    ``text`` in lower case; the words a message quotes are given back as the learner wrote
    them (:func:`_as_written`)."""
    problem = _problem(text, rate)
    return None if problem is None else _QUOTE.sub(
        lambda m: f"'{_as_written(text, m.group(1))}'", problem)


def _problem(text: str, rate: float) -> str | None:
    """:func:`sentence_problem`'s message, quoting ``text``'s words in lower case."""
    if not says_rate(text, rate):
        return _rate_missing(text, rate)
    if not_of := _not_of_applicants(text, rate):
        return not_of
    if left_out := _excluded(text, rate):
        return left_out
    ours, others = _sides(text, rate)
    return _ours_wrong(ours, rate) or _others_wrong(others, rate)


#: A quotation in a message: from a quote mark after no letter to one before none, so that an
#: apostrophe inside it ("'aren't'") does not end it.
_QUOTE = re.compile(r"(?<!\w)'(.+?)'(?!\w)")


def _as_written(answer: str, words: str) -> str:
    """``words``, which the reader found in ``answer`` in lower case, as the learner wrote them
    ("AI" for "ai"): as they stand as whole words, in any case; where they stand in lower case
    too ("In May, ... may check"), as they are. Words not found so (a message's own example)
    are left as they are."""
    found = [m.group() for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)",
                                            answer.replace("\u2019", "'"), re.IGNORECASE)]
    return words if not found or words in found else found[0]
