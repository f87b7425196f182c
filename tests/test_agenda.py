"""The workshop agendas: generated from the lessons' minutes, so they cannot drift."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from deploydl.agenda import BEGIN, END, FORMATS, agenda_markdown, plan_day, sync_guide
from deploydl.cli import main
from deploydl.curriculum import MODULES, lesson_minutes, module


def _minutes(root, numbers):
    found = [lesson_minutes(root, module(n)) for n in numbers]
    return sum(m[0] for m in found if m), sum(m[1] for m in found if m)


@pytest.mark.parametrize("name", FORMATS)
def test_totals_equal_the_sum_of_the_lessons_metadata(root, name):
    text = agenda_markdown(root)
    for numbers in FORMATS[name]:
        day = plan_day(root, numbers)
        teach, exercise = _minutes(root, numbers)
        assert (day.teach, day.exercise) == (teach, exercise)
        module_rows = [r for r in day.rows if r[1][:2].isdigit() and r[3] != "–"]
        assert sum(int(r[3]) for r in module_rows) == teach + exercise
        assert (f"Teaching and labs: **{teach + exercise} min** (lessons {teach} + labs "
                f"{exercise})") in text


def test_committed_guide_is_in_sync_with_the_lessons(root, capsys):
    assert main(["agenda", "--check", "--root", str(root)]) == 0, capsys.readouterr().out


def test_modules_without_a_lesson_are_listed_as_not_available(root, tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(root / "notebooks/00_welcome.ipynb", tmp_path / "notebooks")
    day = plan_day(tmp_path, FORMATS["1-day"][0])
    assert day.missing == ["02", "03", "04", "07"]
    assert ("–", "02 Model selection and evaluation", "not yet available", "–") in day.rows
    assert "Not yet available: modules 02, 03, 04, 07." in agenda_markdown(tmp_path)


def test_breaks_and_lunch_fall_between_modules(tmp_path):
    (tmp_path / "notebooks").mkdir()
    for m in MODULES:
        nb = nbformat.v4.new_notebook(metadata={"deploydl": {
            "module": m.number, "teach_minutes": 45, "exercise_minutes": 30}})
        nbformat.write(nb, tmp_path / m.lesson)
    day = plan_day(tmp_path, FORMATS["2-day"][0])
    assert [(r[0], r[1][:5]) for r in day.rows] == [
        ("09:00", "00 We"), ("10:15", "01 Da"), ("11:30", "Break"), ("11:45", "02 Mo"),
        ("13:00", "Lunch"), ("14:00", "03 Re"), ("15:15", "04 De"), ("16:30", "End o")]


def test_the_agenda_is_written_between_the_markers_only(root, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(f"# Guide\n{BEGIN}\nold\n{END}\nafter\n", encoding="utf-8")
    assert sync_guide(guide, root, check=True) is False
    assert "old" in guide.read_text()
    assert sync_guide(guide, root) is False
    text = guide.read_text()
    assert text.startswith("# Guide\n") and text.endswith(f"{END}\nafter\n")
    assert re.search(r"\| 09:00 \| 00 Welcome and setup \|", text)
    assert sync_guide(guide, root, check=True) is True


def test_a_guide_without_markers_says_what_to_do(root, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs exactly one line '<!-- BEGIN AGENDA"):
        sync_guide(guide, root)
