"""The pre- and post-assessment (Modules 00 and 08): questions, scoring, storage, cohort."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from deploydl.assessment import (
    QUESTIONS,
    SKILLS,
    STORE,
    Question,
    load,
    parse_answers,
    record,
    save,
    score,
    show_questions,
    summarize,
)
from deploydl.assessment.scoring import progress_line
from deploydl.cli import main
from deploydl.course.progress import render

RIGHT = "".join(q.correct for q in QUESTIONS)


def test_the_questions_cover_every_skill_with_answers_at_varied_positions():
    assert 10 <= len(QUESTIONS) <= 12
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    assert set(Counter(q.skill for q in QUESTIONS)) == set(SKILLS)
    positions = Counter(q.correct for q in QUESTIONS)
    assert set(positions) == set("abcd") and max(positions.values()) <= 4
    assert all(q.explanation and len(q.options) == 4 for q in QUESTIONS)


def test_a_question_with_a_missing_right_option_is_refused():
    with pytest.raises(ValueError, match=r"correct='c' is not the letter of one of its 2"):
        Question("q99", "monitoring", "?", ("yes", "no"), "c", "because")
    with pytest.raises(ValueError, match="skill 'cooking' is not one of"):
        Question("q99", "cooking", "?", ("yes", "no"), "a", "because")


def test_answers_parse_with_spaces_commas_and_dont_know():
    parsed = parse_answers("B, c d a ?b a d b a d c")
    assert parsed["q01"] == "b" and parsed["q05"] == "?" and len(parsed) == 12


@pytest.mark.parametrize(("answers", "message"), [
    ("abc", r"each of the 12 questions .*you gave 3 in 'abc'"),
    ("abcdeabcdabc", r"found 'e'"),
    (12, r"as text in quotes.*you gave 12"),
])
def test_bad_answers_say_what_was_wrong(answers, message):
    with pytest.raises(ValueError, match=message):
        parse_answers(answers)


def test_score_counts_per_skill_and_dont_know_is_wrong():
    assert score(parse_answers(RIGHT)).correct == 12
    all_a = score(parse_answers("a" * 12))
    assert all_a.correct == sum(q.correct == "a" for q in QUESTIONS) == 3
    assert score(parse_answers("?" * 12)).correct == 0
    assert sum(t for _, t in all_a.by_skill.values()) == 12
    assert all_a.by_skill["deployment"] == (1, 2)


def test_an_unanswered_assessment_is_not_attempted_and_stores_nothing(tmp_path):
    shown = record("before", ..., root=tmp_path)
    assert shown.status == "Not attempted" and not (tmp_path / STORE).exists()
    shown = record("before", "ab", root=tmp_path)
    assert shown.status == "Not recorded" and "you gave 2" in shown.message
    assert not (tmp_path / STORE).exists()


def test_before_hides_the_answers_after_explains_the_misses_and_the_gain(tmp_path):
    before = record("before", "a" * 12, root=tmp_path)
    assert before.status == "Recorded" and "3/12 before" in str(before)
    assert "in the last section of notebooks/08_capstone.ipynb" in before.message
    assert not before.details
    wrong_last = RIGHT[:-1] + ("a" if RIGHT[-1] != "a" else "b")
    after = record("after", wrong_last, root=tmp_path)
    assert "11/12 after the course, against 3/12 before (+8)" in after.message
    assert len(after.details) == 1 and after.details[0].startswith("q12 (monitoring): c)")
    assert "<li>q12" in after._repr_html_()
    assert load(tmp_path)["before"]["q01"] == "a"


def test_progress_shows_both_scores_and_the_gain(tmp_path):
    assert "not taken yet" in progress_line(tmp_path)
    save(tmp_path, "before", parse_answers("a" * 12))
    assert progress_line(tmp_path) == (
        "Assessment: before 3/12 · after: not taken yet (at the end of the course, in the last "
        "section of notebooks/08_capstone.ipynb)")
    save(tmp_path, "after", parse_answers(RIGHT))
    line = progress_line(tmp_path)
    assert line == "Assessment: before 3/12 · after 12/12 · gain +9 question(s)"
    assert line in render([], assessment=line).splitlines()
    (tmp_path / STORE).write_text("[1, 2]", encoding="utf-8")
    assert "not an assessment file" in progress_line(tmp_path)


def test_outside_a_course_folder_the_score_is_shown_but_not_saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = record("after", RIGHT)
    assert shown.status == "Scored, not saved" and "12/12 after the course" in shown.message
    assert "No course checkout found" in shown.message and ".)" not in shown.message
    assert not (tmp_path / STORE).exists()


def test_save_refuses_an_unknown_moment(tmp_path):
    with pytest.raises(ValueError, match=r"when='during'"):
        save(tmp_path, "during", {})


def test_the_sheet_numbers_questions_and_hides_answers():
    text, page = str(show_questions()), show_questions()._repr_html_()
    assert text.startswith("1. ") and "\n12. " in text and "   d) " in text
    assert page.count("<li><b>a)</b>") == 12
    assert not any(q.explanation in text for q in QUESTIONS)


def _learner(folder, before, after=None):
    folder.mkdir()
    save(folder, "before", parse_answers(before))
    if after:
        save(folder, "after", parse_answers(after))
    return str(folder)


def test_grade_collects_a_cohort(tmp_path, capsys):
    ann = _learner(tmp_path / "ann", "a" * 12, RIGHT)
    bob = _learner(tmp_path / "bob", RIGHT, RIGHT)
    assert main(["grade", "--assessment", ann, str(tmp_path / "bob" / STORE)]) == 0
    out = capsys.readouterr().out
    assert "+9" in out and "Mean gain: +4.5 question(s) over 2 learner(s)" in out
    cara = _learner(tmp_path / "cara", RIGHT)
    assert main(["grade", "--assessment", "--json", ann, bob, cara]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [x["gain"] for x in data["learners"]] == [9, 0, None]
    assert data["learners"][2]["after"] is None and data["mean_gain"] == 4.5
    assert data["learners"][0]["before"]["by_skill"]["monitoring"] == [0, 2]


def test_grade_assessment_of_a_folder_without_answers_exits_2(tmp_path, capsys):
    assert main(["grade", "--assessment", str(tmp_path)]) == 2
    assert "no assessment answers there" in capsys.readouterr().err
    assert summarize({}).gain is None
