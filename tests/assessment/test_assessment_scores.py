"""Assessment decisions that a mutation of deploydl.assessment.scoring would otherwise slip past
(Modules 00 and 08): one letter per question exactly, an unanswered question counted wrong,
and the time of the "after" answers told in UTC whatever offset it was stored with."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from deploydl.assessment.questions import QUESTIONS
from deploydl.assessment.scoring import OutOfOrder, parse_answers, save, score


def test_one_letter_too_many_is_refused_in_plain_words():
    """Fifteen questions take fifteen letters: sixteen is refused, saying how many were given."""
    assert len(QUESTIONS) == 15
    with pytest.raises(ValueError, match="give one letter for each of the 15 questions .*"
                                         "you gave 16"):
        parse_answers("a" * 16)


def test_a_question_left_out_of_the_answers_counts_as_wrong():
    """All right but the first, which is missing: 14 of 15, the first marked wrong."""
    answers = {q.id: q.correct for q in QUESTIONS[1:]}
    result = score(answers)
    assert (result.correct, result.total) == (14, 15)
    assert result.by_question[QUESTIONS[0].id] is False


def test_the_after_time_in_a_refused_before_is_told_in_utc(tmp_path):
    """Answers given at 14:02 in UTC+2 were given at 12:02 UTC, which is what the message says."""
    answers = {q.id: "?" for q in QUESTIONS}
    at = datetime(2026, 12, 5, 14, 2, tzinfo=timezone(timedelta(hours=2)))
    save(tmp_path, "after", answers, at=at)
    with pytest.raises(OutOfOrder, match=r"\(5 December 2026, 12:02 UTC\)"):
        save(tmp_path, "before", answers)
