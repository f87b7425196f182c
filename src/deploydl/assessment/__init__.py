"""The course's pre- and post-assessment: the same questions in Module 00 and Module 08.

>>> from deploydl.assessment import show_questions, record
>>> show_questions()                # doctest: +SKIP
>>> record("before", "bcda bcda bcda bcd")   # doctest: +SKIP
"""

from deploydl.assessment.questions import QUESTIONS, SKILLS, Question
from deploydl.assessment.scoring import (
    STORE,
    Recorded,
    Score,
    Summary,
    load,
    parse_answers,
    record,
    save,
    score,
    summarize,
)
from deploydl.assessment.sheet import Sheet, show_questions

__all__ = ["QUESTIONS", "SKILLS", "STORE", "Question", "Recorded", "Score", "Sheet", "Summary",
           "load", "parse_answers", "record", "save", "score", "show_questions", "summarize"]
