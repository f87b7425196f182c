"""The workshop agendas: generated from the lessons' minutes, so they cannot drift."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from deploydl.cli import main
from deploydl.course.agenda import (
    BEGIN,
    DEBRIEF_MINUTES,
    END,
    FORMATS,
    LESSON_ONLY,
    MAX_STRETCH,
    RECAP,
    SKILL_AREAS,
    WRAP_UP_WITH_ASSESSMENT,
    agenda_markdown,
    plan_day,
    sync_guide,
)
from deploydl.course.curriculum import MODULES, lesson_minutes, module


def _minutes(root, numbers):
    found = [(lesson_minutes(root, module(n[:2])), n.endswith(LESSON_ONLY)) for n in numbers]
    return (sum(m[0] for m, _ in found if m),
            sum(m[1] for m, lesson_only in found if m and not lesson_only))


def _plans(root, name):
    days = FORMATS[name]
    return [plan_day(root, d, last=i == len(days), debrief=DEBRIEF_MINUTES[name])
            for i, d in enumerate(days, start=1)]


@pytest.mark.parametrize("name", FORMATS)
def test_totals_equal_the_sum_of_the_lessons_metadata(root, name):
    text = agenda_markdown(root)
    for numbers, day in zip(FORMATS[name], _plans(root, name), strict=True):
        teach, exercise = _minutes(root, numbers)
        in_room = sum(not n.endswith(LESSON_ONLY) for n in numbers)
        debrief = in_room * DEBRIEF_MINUTES[name]
        assert (day.teach, day.exercise, day.debrief) == (teach, exercise, debrief)
        module_rows = [r for r in day.rows if r[1][:2].isdigit() and r[3] != "–"]
        assert sum(int(r[3]) for r in module_rows) == teach + exercise + debrief
        assert (f"Teaching, labs and debriefs: **{teach + exercise + debrief} min** (lessons "
                f"{teach} + labs {exercise} + debriefs {debrief})") in text


@pytest.mark.parametrize("name", FORMATS)
def test_every_lab_in_the_room_has_its_debrief_and_no_stretch_runs_long(root, name):
    """The reported gaps: 40 to 90 minutes of debriefs the agendas had no time for, and a
    morning that ran 125 minutes before its first break."""
    for day in _plans(root, name):
        labs = [r for r in day.rows if "+ lab" in r[2] or r[2].startswith("lab ")]
        assert labs and all(r[2].endswith(f"+ debrief {DEBRIEF_MINUTES[name]}") for r in labs)
        stretch = 0
        for row in day.rows[:-1]:
            if row[1] == RECAP[0]:
                continue  # the short recap closes the day and never waits for a break
            is_pause = row[1] in ("Break", "Lunch")
            stretch = 0 if is_pause else stretch + int(row[3])
            assert stretch <= MAX_STRETCH, f"{name}: {stretch} minutes without a break at {row}"
        assert MAX_STRETCH <= 95, "breaks should come about every 90 minutes"


def test_committed_guide_is_in_sync_with_the_lessons(root, capsys):
    assert main(["agenda", "--check", "--root", str(root)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("m", MODULES, ids=lambda m: m.number)
def test_each_lesson_states_the_minutes_its_metadata_gives(root, m):
    """The "Time:" line under a lesson's title is what a learner reads; the agenda reads the
    metadata. A change of minutes must change both."""
    teach, exercise = lesson_minutes(root, m)
    text = " ".join(c.source for c in nbformat.read(root / m.lesson, as_version=4).cells
                    if c.cell_type == "markdown")
    assert f"**Time:** {teach} minutes teaching · {exercise} minutes lab." in text


def test_modules_without_a_lesson_are_listed_as_not_available(root, tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(root / "notebooks/00_welcome.ipynb", tmp_path / "notebooks")
    day = plan_day(tmp_path, FORMATS["1-day"][0])
    assert day.missing == ["01", "02", "03", "04", "05", "06", "07"]
    assert ("–", "02 Model selection and evaluation", "not yet available", "–") in day.rows
    assert ("Not yet available: modules 01, 02, 03, 04, 05, 06, 07."
            in agenda_markdown(tmp_path))


def test_breaks_and_lunch_fall_between_modules(tmp_path):
    (tmp_path / "notebooks").mkdir()
    for m in MODULES:
        nb = nbformat.v4.new_notebook(metadata={"deploydl": {
            "module": m.number, "teach_minutes": 45, "exercise_minutes": 30}})
        nbformat.write(nb, tmp_path / m.lesson)
    day = plan_day(tmp_path, FORMATS["2-day"][0], last=False)
    assert [(r[0], r[1][:5]) for r in day.rows] == [
        ("09:00", "00 We"), ("10:25", "Break"), ("10:40", "01 Da"), ("12:05", "Lunch"),
        ("13:05", "02 Mo"), ("14:30", "Break"), ("14:45", "03 Re"), ("16:10", "Break"),
        ("16:25", "04 De"), ("17:50", "Recap"), ("18:05", "End o")]


def test_a_break_due_before_the_wrap_up_comes_between_the_last_lesson_and_its_lab(tmp_path):
    """The reported oddity: a 15-minute break right before the 30-minute wrap-up, after the
    capstone. The break now splits the capstone's lesson from its lab, and the day ends at the
    same time."""
    (tmp_path / "notebooks").mkdir()
    for m in MODULES:
        nb = nbformat.v4.new_notebook(metadata={"deploydl": {
            "module": m.number, "teach_minutes": 45, "exercise_minutes": 30}})
        nbformat.write(nb, tmp_path / m.lesson)
    day = plan_day(tmp_path, ("07", "08"))
    assert [r[:3] for r in day.rows] == [
        ("09:00", "07 Stakeholder communication", "lesson 45 + lab 30 + debrief 10"),
        ("10:25", "Break", ""),
        ("10:40", "08 Capstone and careers", "lesson 45 (lab after the break)"),
        ("11:25", "Break", ""),
        ("11:40", "08 Capstone and careers", "lab 30 + debrief 10"),
        ("12:20", "Wrap-up: questions, next steps and the feedback form", ""),
        ("12:50", "End of day", "")]
    assert (day.teach, day.exercise, day.debrief) == (90, 60, 20)
    lessons = plan_day(tmp_path, ("06" + LESSON_ONLY, "08" + LESSON_ONLY))
    assert [r[1][:5] for r in lessons.rows] == ["06 Mo", "08 Ca", "Break", "Wrap-", "End o"], (
        "a lesson whose lab is homework is not split: the break stays before the wrap-up")


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_covers_every_skill_area_and_ends_with_a_wrap_up(root, name):
    """The reported gap: a 1-day agenda that dropped governance (01) and monitoring (06)."""
    days = FORMATS[name]
    covered = {entry[:2] for day in days for entry in day}
    assert set(SKILL_AREAS) <= covered, f"{name} leaves out {set(SKILL_AREAS) - covered}"
    plans = _plans(root, name)
    assert plans[-1].rows[-2][1].startswith("Wrap-up") and plans[-1].rows[-1][1] == "End of day"
    assert all(p.rows[-2][1] == "Recap and questions" for p in plans[:-1])
    assert int(plans[-1].rows[-1][0][:2]) < 18, "a workshop day should end before 18:00"


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_asks_the_assessment_again(root, name):
    """The reported gap: the 1-day format drops Module 08, where the questions come back, so
    `deploydl progress` said 'after: not taken yet' for ever."""
    last_day = FORMATS[name][-1]
    wrap_up = _plans(root, name)[-1].rows[-2][1]
    assert ("08" in last_day) != (wrap_up == WRAP_UP_WITH_ASSESSMENT[0])


def test_a_lesson_only_module_leaves_its_lab_as_homework(root):
    day = plan_day(root, ("00", "01" + LESSON_ONLY))
    teach, _ = lesson_minutes(root, module("01"))
    assert day.homework == ["01_data_governance_lab.ipynb"]
    assert day.rows[1][2:] == (f"lesson {teach} (lab as homework)", str(teach))
    assert day.debrief == DEBRIEF_MINUTES["2-day"], "only the lab run in the room is debriefed"


def test_the_agenda_is_written_between_the_markers_only(root, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(f"# Guide\n{BEGIN}\nold\n{END}\nafter\n", encoding="utf-8")
    assert sync_guide(guide, root, check=True) is False
    assert "old" in guide.read_text(encoding="utf-8")
    assert sync_guide(guide, root) is False
    text = guide.read_text(encoding="utf-8")
    assert text.startswith("# Guide\n") and text.endswith(f"{END}\nafter\n")
    assert re.search(r"\| 09:00 \| 00 Welcome and setup \|", text)
    assert sync_guide(guide, root, check=True) is True


def test_a_guide_without_markers_says_what_to_do(root, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs exactly one line '<!-- BEGIN AGENDA"):
        sync_guide(guide, root)
