"""Marking the assessment (Modules 00 and 08): a learner's letters parsed and scored, in total
and per skill area, and both halves' scores with the gain between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deploydl.assessment.answer_store import AFTER_WHERE, DONT_KNOW, WHEN
from deploydl.assessment.questions import LETTERS, QUESTIONS, SKILLS, Question


@dataclass(frozen=True)
class Score:
    """How many questions were right: in total, per skill area, and which ones (by id)."""

    correct: int
    total: int
    by_skill: dict[str, tuple[int, int]]
    by_question: dict[str, bool] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.correct}/{self.total}"


def parse_answers(text: Any, *, questions: tuple[Question, ...] = QUESTIONS) -> dict[str, str]:
    """Turn "b c d ?" (spaces and commas optional) into ``{"q01": "b", ...}``.

    Raises ValueError saying what was wrong, the value received and what to do.
    """
    if not isinstance(text, str):
        raise ValueError(f"give your answers as text in quotes, e.g. \"bcda...\"; you gave "
                         f"{text!r}.")
    letters = [ch for ch in text.lower() if ch not in " ,;\n\t"]
    wrong = sorted({ch for ch in letters if ch not in LETTERS + DONT_KNOW})
    if wrong:
        raise ValueError(f"use only the letters a to d, or ? for 'I don't know'; found "
                         f"{', '.join(map(repr, wrong))} in {text!r}.")
    if len(letters) != len(questions):
        raise ValueError(f"give one letter for each of the {len(questions)} questions (? if "
                         f"you don't know); you gave {len(letters)} in {text!r}.")
    return {q.id: ch for q, ch in zip(questions, letters, strict=True)}


def score(answers: dict[str, str], *, questions: tuple[Question, ...] = QUESTIONS) -> Score:
    """Score stored answers; a question without an answer counts as wrong."""
    per_skill = {s: [0, 0] for s in SKILLS}
    right = {q.id: answers.get(q.id) == q.correct for q in questions}
    for q in questions:
        per_skill[q.skill][1] += 1
        per_skill[q.skill][0] += right[q.id]
    by_skill = {s: (c, t) for s, (c, t) in per_skill.items() if t}
    return Score(sum(right.values()), len(questions), by_skill, right)


@dataclass(frozen=True)
class Summary:
    """Both scores of one learner; either is None until taken."""

    before: Score | None
    after: Score | None

    @property
    def gain(self) -> int | None:
        """Questions gained from before to after (None until both are taken)."""
        if self.before is None or self.after is None:
            return None
        return self.after.correct - self.before.correct

    def line(self) -> str:
        """One line for ``deploydl progress``."""
        if self.before is None and self.after is None:
            return ("Assessment: not taken yet; answer the questions in "
                    "notebooks/00_welcome.ipynb before you start.")
        parts = [f"before {self.before}" if self.before else self._before_missing(),
                 f"after {self.after}" if self.after else f"after: not taken yet ({AFTER_WHERE})"]
        if self.gain is not None:
            parts.append(f"gain {self.gain:+d} question(s)")
        return "Assessment: " + " · ".join(parts)

    def _before_missing(self) -> str:
        """What to do about a missing "before": take it in Module 00, unless the "after" is
        recorded, when a "before" is refused (:func:`save`) and no gain can be measured."""
        if self.after is not None:
            return "before: not taken (no gain can be measured now)"
        return "before: not taken (00)"

    def as_record(self) -> dict[str, Any]:
        def one(s: Score | None) -> dict[str, Any] | None:
            return None if s is None else {
                "correct": s.correct, "total": s.total,
                "by_skill": {k: list(v) for k, v in s.by_skill.items()},
                "by_question": dict(s.by_question)}
        return {"before": one(self.before), "after": one(self.after), "gain": self.gain}


def summarize(stored: dict[str, dict[str, str]]) -> Summary:
    """Score whatever is stored; a moment not taken stays None."""
    return Summary(*(score(stored[w]) if w in stored else None for w in WHEN))
