"""Answering, scoring and storing the assessment (Modules 00 and 08).

A learner answers in a notebook with one string of letters ("b c d a ..."), one per question,
"?" for "I don't know". :func:`record` scores it, keeps it in ``.deploydl/assessment.json``
in the course folder, and shows the score. The first answers of each half count: answering
again after the explanations of Module 08 is kept with its time, but does not replace them,
so the gain measures the course. A "before" given once the "after" half is recorded is refused:
it would not measure the course. ``deploydl progress`` shows both scores and the gain;
``deploydl grade --assessment`` collects them for a cohort. An answer still ``...`` is "not
attempted": nothing is stored and nothing raises, so a notebook runs top to bottom.

The code lives in three modules beside this one:

* :mod:`~deploydl.assessment.answer_store`: the store file, :func:`load`, :func:`read_store`
  and :func:`save`.
* :mod:`~deploydl.assessment.marking`: :func:`parse_answers`, :func:`score` and
  :func:`summarize`, with their :class:`Score` and :class:`Summary`.
* :mod:`~deploydl.assessment.recording`: :func:`record` and :func:`progress_line`.
"""

from __future__ import annotations

from deploydl.assessment.answer_store import (
    AFTER_WHERE,
    ATTEMPTS,
    DONT_KNOW,
    KEYS,
    STORE,
    WHAT_A_STORE_IS,
    WHEN,
    OutOfOrder,
    load,
    read_store,
    save,
)
from deploydl.assessment.marking import Score, Summary, parse_answers, score, summarize
from deploydl.assessment.recording import Recorded, progress_line, record

__all__ = ["AFTER_WHERE", "ATTEMPTS", "DONT_KNOW", "KEYS", "STORE", "WHAT_A_STORE_IS", "WHEN",
           "OutOfOrder", "Recorded", "Score", "Summary", "load", "parse_answers", "progress_line",
           "read_store", "record", "save", "score", "summarize"]
