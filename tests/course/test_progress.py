"""`deploydl progress` for a learner alone: a fresh checkout, then one lab filled."""

from __future__ import annotations

import shutil

import pytest

from deploydl.cli import main
from deploydl.course.curriculum import module
from deploydl.course.progress import ModuleProgress, next_step
from deploydl.exercises.core import CHECK_ERROR, FAILED, NOT_ATTEMPTED, PASSED, Result

pytestmark = pytest.mark.slow


@pytest.fixture
def course(root, tmp_path):
    """A fresh copy of the course as a learner gets it."""
    for folder in ("notebooks", "solutions", "labs"):
        shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


def _progress(course, capsys) -> str:
    assert main(["progress", "--root", str(course)]) == 0
    return capsys.readouterr().out


def test_fresh_checkout_shows_nothing_done_and_where_to_start(course, capsys):
    out = _progress(course, capsys)
    line = next(x for x in out.splitlines() if x.startswith("00 Welcome and setup"))
    assert "ready" in line and "not started" in line
    assert "Next step: Read notebooks/00_welcome.ipynb" in out
    assert "check your answers with `make progress` (or `.venv/bin/deploydl progress`" in out


def test_a_module_whose_lesson_is_missing_is_coming_soon(course, capsys):
    for path in course.glob("*/07_*.ipynb"):
        path.unlink()
    lines = _progress(course, capsys).splitlines()
    assert next(x for x in lines if x.startswith("07")).endswith("coming soon")
    assert not next(x for x in lines if x.startswith("08")).endswith("coming soon")


def test_a_lab_checked_out_with_crlf_line_endings_is_untouched(course, capsys, monkeypatch):
    """git for Windows (without .gitattributes) or an editor may turn LF into CRLF: the lab is
    still as generated, so it is "not started" without being run."""
    for lab in (course / "labs").glob("*.ipynb"):
        lab.write_bytes(lab.read_bytes().replace(b"\n", b"\r\n"))

    def must_not_run(*args, **kwargs):
        raise AssertionError("an untouched lab was graded")

    monkeypatch.setattr("deploydl.exercises.grading.grade_lab", must_not_run)
    line = next(x for x in _progress(course, capsys).splitlines() if x.startswith("00 Welcome"))
    assert "not started" in line


def test_a_filled_lab_is_done_and_its_grade_is_cached(course, capsys, monkeypatch):
    shutil.copy(course / "solutions/00_welcome_lab.ipynb", course / "labs")
    out = _progress(course, capsys)
    assert "done: 3/3 passed" in out
    next_step = out.split("Next step: ")[1]
    assert "00_welcome" not in next_step
    assert (course / ".deploydl/progress.json").exists()

    def must_not_run(*args, **kwargs):
        raise AssertionError("an unchanged lab was graded again")

    monkeypatch.setattr("deploydl.exercises.grading.grade_lab", must_not_run)
    assert _progress(course, capsys) == out


def test_next_step_names_the_first_failed_exercise_and_its_hint():
    def row(number, *statuses, ready=True):
        results = tuple(Result(f"{number}.{i}", "t", s, "m", "the hint" if s == FAILED else "")
                        for i, s in enumerate(statuses, start=1))
        return ModuleProgress(module(number), ready, results if statuses else None)

    done, partial = row("00", PASSED, PASSED), row("01", PASSED, FAILED, NOT_ATTEMPTED)
    assert (done.status, partial.status) == ("done: 2/2 passed", "1/3 passed, 1 failed, 1 to do")
    fix = "Fix exercise 01.2 (t) in labs/01_data_governance_lab.ipynb: m Hint: the hint"
    assert next_step([done, partial]) == fix
    # A failing exercise wins over an earlier module not started yet (the reported case:
    # "Read notebooks/00_welcome.ipynb" while 02.1 was failing).
    assert next_step([row("00", NOT_ATTEMPTED, NOT_ATTEMPTED), partial]) == fix
    # With failures in two modules, the earlier module's comes first.
    assert next_step([row("00", FAILED), partial]) == (
        "Fix exercise 00.1 (t) in labs/00_welcome_lab.ipynb: m Hint: the hint")
    assert next_step([row("00", NOT_ATTEMPTED), row("01", NOT_ATTEMPTED)]).startswith(
        "Read notebooks/00_welcome.ipynb")
    assert next_step([done, row("01", PASSED, NOT_ATTEMPTED)]) == (
        "Finish labs/01_data_governance_lab.ipynb: exercise(s) 01.2 not attempted yet.")
    assert next_step([done, row("01", ready=False)]).startswith(
        "You have done every module available so far; still to come: 01.")
    assert next_step([done]).startswith("You have finished the course.")


def test_a_lab_whose_only_results_are_broken_checks_says_so_not_not_started():
    results = (Result("00.1", "t", CHECK_ERROR, "m"), Result("00.2", "t", NOT_ATTEMPTED, "m"))
    assert ModuleProgress(module("00"), True, results).status == (
        "0/2 passed, 0 failed, 1 to do, 1 check(s) broken: tell your instructor")


def test_a_failing_exercise_is_named_with_its_hint_and_no_kernel_warning(course, capfd):
    """The issue's case: 02.1 wrong, 00 untouched; progress names 02.1 and its hint, quietly."""
    import json

    lab = course / "labs" / "02_model_evaluation_lab.ipynb"
    notebook = json.loads(lab.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if 'check("02.1"' in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("recall = ...", "recall = 0.4")
    lab.write_text(json.dumps(notebook), encoding="utf-8")
    assert main(["progress", "--root", str(course)]) == 0
    out, err = capfd.readouterr()
    step = out.split("Next step: ")[1]
    assert step.startswith("Fix exercise 02.1 (Recall from a confusion matrix) in "
                           "labs/02_model_evaluation_lab.ipynb: that is the share of bad loans "
                           "it approved")
    assert "Hint: " in step and "Recall asks" in step
    assert "WARNING" not in err and "without encryption" not in err, err


def test_an_answer_cell_that_raised_is_named_with_its_error_not_as_to_do(course, capsys):
    lab = course / "labs/00_welcome_lab.ipynb"
    solved = (course / "solutions/00_welcome_lab.ipynb").read_text(encoding="utf-8")
    lab.write_text(solved.replace('choice = \\"C\\"', 'choise = \\"C\\"'), encoding="utf-8")
    out = _progress(course, capsys)
    assert next(x for x in out.splitlines() if x.startswith("00")).endswith(
        "2/3 passed, 1 failed, 0 to do")
    assert out.split("Next step: ")[1].startswith(
        "Fix exercise 00.3 (What does a probability of 0.12 mean?) in labs/00_welcome_lab.ipynb: "
        "your cell raised NameError: name 'choice' is not defined; fix it and run the cell "
        "again (the check never ran). Hint: Read the error")


def test_a_lab_fixed_after_grading_is_graded_again(course, capsys):
    """The learner fixes the answer the first grading failed: the screen shows the new result,
    not the cached one."""
    lab = course / "labs/00_welcome_lab.ipynb"
    solved = (course / "solutions/00_welcome_lab.ipynb").read_text(encoding="utf-8")
    lab.write_text(solved.replace('choice = \\"C\\"', 'choice = \\"A\\"'), encoding="utf-8")
    assert "2/3 passed, 1 failed" in _progress(course, capsys)
    lab.write_text(solved, encoding="utf-8")
    assert "done: 3/3 passed" in _progress(course, capsys)


@pytest.mark.parametrize("code", ["m00", "core", "grading"])
def test_the_cache_key_changes_with_the_code_that_checks_and_grades(course, monkeypatch,
                                                                    tmp_path, code):
    """The module's exercise definitions (an answer may change), the checks and the grader."""
    import importlib.util

    from deploydl.course.progress import _content_key

    lab = course / "labs/00_welcome_lab.ipynb"
    before = _content_key(module("00"), lab)
    find_spec = importlib.util.find_spec
    stand_in = tmp_path / f"{code}.py"
    stand_in.write_text("# the same code, changed")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: find_spec(name) if name !=
                        f"deploydl.exercises.{code}" else importlib.util.spec_from_file_location(
                            name, stand_in))
    assert _content_key(module("00"), lab) != before


def test_a_cache_folder_that_is_a_file_still_shows_the_screen(course, capsys):
    (course / ".deploydl").write_text("not a folder")
    assert main(["progress", "--root", str(course)]) == 0
    out = capsys.readouterr()
    assert "Next step:" in out.out and "results not cached" in out.err
    assert (course / ".deploydl").read_text(encoding="utf-8") == "not a folder"


def test_a_cache_that_is_a_folder_says_to_delete_it(course, capsys):
    (course / ".deploydl/progress.json").mkdir(parents=True)
    assert main(["progress", "--root", str(course)]) == 1
    assert "progress.json cannot be read" in capsys.readouterr().err


def test_a_lab_that_is_a_folder_or_not_utf8_is_a_problem_not_a_traceback(course, capsys):
    welcome = course / "labs/00_welcome_lab.ipynb"
    welcome.unlink()
    welcome.mkdir()
    (course / "labs/01_data_governance_lab.ipynb").write_bytes(b"\xff\xfe{}")
    out = _progress(course, capsys)
    assert "labs/00_welcome_lab.ipynb is a folder, not a notebook" in out
    line = next(x for x in out.splitlines() if x.startswith("01"))
    assert "could not run" in line and "not a Jupyter notebook" in line


def test_a_cache_entry_of_the_wrong_shape_is_graded_again(course, capsys, monkeypatch):
    import json

    from deploydl.exercises.grading import LabGrade

    lab = course / "labs/00_welcome_lab.ipynb"
    lab.write_text(lab.read_text(encoding="utf-8").replace("Exercise", "Exercice", 1),
                   encoding="utf-8")
    (course / ".deploydl").mkdir()
    from deploydl.course.progress import _content_key

    key = _content_key(module("00"), lab)
    for entry in (5, "x", {"key": key, "results": 3}, {"key": key, "results": [{"bogus": 1}]}):
        (course / ".deploydl/progress.json").write_text(json.dumps({lab.name: entry}))
        ran: list = []

        def fake_grade(path, timeout, ran=ran):
            ran.append(path)
            return LabGrade(str(path), ())

        monkeypatch.setattr("deploydl.exercises.grading.grade_lab", fake_grade)
        _progress(course, capsys)
        assert ran == [lab]
