"""The question sheet a notebook shows (Modules 00 and 08), as HTML and as plain text, and the
instructor's answer key that ``deploydl kit`` prints with the labs' answers."""

from __future__ import annotations

import html
from dataclasses import dataclass

from deploydl.assessment.questions import LETTERS, QUESTIONS, Question


def _lettered(q: Question) -> list[tuple[str, str]]:
    """Each option of ``q`` with its letter, in the sheet's order."""
    return list(zip(LETTERS, q.options, strict=False))


@dataclass(frozen=True)
class Sheet:
    """The questions, numbered, each option with its letter; no answers shown."""

    questions: tuple[Question, ...] = QUESTIONS

    def __str__(self) -> str:
        lines = []
        for n, q in enumerate(self.questions, start=1):
            lines.append(f"{n}. {q.text}")
            lines += [f"   {letter}) {option}"
                      for letter, option in _lettered(q)]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        items = []
        for q in self.questions:
            options = "".join(f"<li><b>{letter})</b> {html.escape(option)}</li>"
                              for letter, option in _lettered(q))
            items.append(f"<li>{html.escape(q.text)}<ul style='list-style:none'>"
                         f"{options}</ul></li>")
        return f"<ol class='deploydl-assessment'>{''.join(items)}</ol>"


def show_questions() -> Sheet:
    """The sheet of questions, to display as a cell's last expression."""
    return Sheet()


def answer_key_html(questions: tuple[Question, ...] = QUESTIONS) -> str:
    """The assessment's answer key for the instructor: each question as numbered on the sheet,
    its skill area, every option with the right one in bold, and why it is right."""
    items = []
    for q in questions:
        options = []
        for letter, option in _lettered(q):
            text = f"{letter}) {html.escape(option)}"
            options.append(f"<li>{f'<b>{text}</b>' if letter == q.correct else text}</li>")
        items.append(f"<li>{html.escape(q.text)} <i>({html.escape(q.skill)})</i>"
                     f"<ul style='list-style:none'>{''.join(options)}</ul>"
                     f"<p><b>Answer: {q.correct}.</b> {html.escape(q.explanation)}</p></li>")
    return f"<ol class='deploydl-assessment-key'>{''.join(items)}</ol>"
