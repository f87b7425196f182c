"""Grading's pass/fail decisions, without a kernel: what mutation testing found unguarded.

``grade_lab`` runs the lab with the grader's cell after each code cell and reads only what
those cells displayed under the run's secret (its nonce). Here ``execute_file`` is replaced by
a stand-in that writes, into each grader's cell, the outputs a test gives, so each rule of
grading.py's docstring is checked on a hand-made run in milliseconds (tests/exercises/
test_grade.py runs the real kernels end to end).
"""

import json
import re

import nbformat
import pytest

from deploydl.course.runner import GRADER_CELL, NotebookUnreadable
from deploydl.exercises import grading
from deploydl.exercises.core import CHECK_ERROR, FAILED, NOT_ATTEMPTED, PASSED, Result
from deploydl.exercises.grading import GRADE_MIME, LabGrade, Ungraded, as_json, as_table


def _record(ex_id: str, status: str, message: str = "m", hint: str = "") -> dict:
    return Result(ex_id, "title", status, message, hint).as_record()


def _shown(records: dict, nonce: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data", data={GRADE_MIME: {"nonce": nonce, "results": records}}
    )


def _grade(monkeypatch, tmp_path, sources, outputs):
    """Grade a welcome lab (module 00) whose code cells are ``sources``; ``outputs(i, nonce,
    cell)`` gives the outputs of the grader's cell after lab cell ``i`` and may add outputs to
    that lab ``cell`` (an error it raised)."""

    def execute_file(notebook, path, *, timeout, allow_errors):
        lab_cells = [c for c in notebook.cells if not c.metadata.get(GRADER_CELL)]
        graders = [c for c in notebook.cells if c.metadata.get(GRADER_CELL)]
        assert len(graders) == len(lab_cells), "one grader's cell after each code cell"
        for i, (cell, grader) in enumerate(zip(lab_cells, graders, strict=True)):
            nonce = re.search(r'"nonce": "([0-9a-f]{32})"', grader.source).group(1)
            grader.outputs = outputs(i, nonce, cell)

    monkeypatch.setattr(grading, "execute_file", execute_file)
    lab = tmp_path / "00_welcome_lab.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(notebook, lab)
    return grading.grade_lab(lab)


def _statuses(grade: LabGrade) -> dict[str, str]:
    return {r.id: r.status for r in grade.results}


def test_a_check_that_never_ran_is_not_attempted_and_one_that_ran_keeps_its_result(
    monkeypatch, tmp_path
):
    """00.2's check was deleted (no cell names it, none raised): not attempted, not failed."""
    grade = _grade(
        monkeypatch,
        tmp_path,
        ['check("00.1", a)', 'check("00.3", "C")'],
        lambda i, nonce, cell: [
            _shown(
                {"00.1": _record("00.1", PASSED)} if i == 0 else {"00.3": _record("00.3", PASSED)},
                nonce,
            )
        ],
    )
    assert _statuses(grade) == {"00.1": PASSED, "00.2": NOT_ATTEMPTED, "00.3": PASSED}
    assert grade.results[1].message == "the check never ran."
    assert not grade.all_passed and grade.broken_checks == []
    assert grade.counts() == {PASSED: 2, FAILED: 0, NOT_ATTEMPTED: 1, CHECK_ERROR: 0}


def _error(ename: str, evalue: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])


def test_a_cell_that_raised_fails_its_checks_but_a_check_that_ran_earlier_keeps_its_result(
    monkeypatch, tmp_path
):
    """A cell named check("00.3", ...) in single quotes and raised before it ran: failed with
    the error. 00.1 passed in an earlier cell and a later cell that names it raised: the
    result the grader saw stands. A cell that names 00.2 but did not raise (its check sits in
    an ``if`` that was false) leaves 00.2 not attempted."""

    def outputs(i, nonce, cell):
        if i > 0:
            cell.outputs = [] if i == 1 else [_error("NameError", "name 'x' is not defined")]
        return [_shown({"00.1": _record("00.1", PASSED)} if i == 0 else {}, nonce)]

    grade = _grade(
        monkeypatch,
        tmp_path,
        [
            'check("00.1", a)',
            'if False:\n    check("00.2", b)',
            "print(x)\ncheck('00.3', x)\ncheck('00.1', a)",
        ],
        outputs,
    )
    assert _statuses(grade) == {"00.1": PASSED, "00.2": NOT_ATTEMPTED, "00.3": FAILED}
    assert grade.results[2].message == (
        "your cell raised NameError: name 'x' is not defined; "
        "fix it and run the cell again (the check never ran)."
    )


def test_a_long_error_is_cut_to_its_first_characters(monkeypatch, tmp_path):
    def outputs(i, nonce, cell):
        cell.outputs = [_error("ValueError", "v" * 500)]
        return [_shown({}, nonce)]

    grade = _grade(monkeypatch, tmp_path, ['check("00.3", x)'], outputs)
    quoted = grade.results[2].message.removeprefix("your cell raised ValueError: ")
    assert quoted.startswith("v" * 159 + "…;")


def test_the_first_cell_that_raised_is_the_one_quoted(monkeypatch, tmp_path):
    def outputs(i, nonce, cell):
        cell.outputs = [_error("NameError" if i == 0 else "TypeError", f"cell {i}")]
        return [_shown({}, nonce)]

    grade = _grade(monkeypatch, tmp_path, ['check("00.3", x)', 'check("00.3", y)'], outputs)
    assert grade.results[2].message.startswith("your cell raised NameError: cell 0;")


def test_a_result_without_this_runs_secret_is_never_read(monkeypatch, tmp_path):
    """A record a lab displays with a guessed nonce is not the grader's: a grader's cell that
    showed only such a record showed none, and the lab cannot be graded."""
    forged = {e: _record(e, PASSED) for e in ("00.1", "00.2", "00.3")}
    with pytest.raises(NotebookUnreadable, match="could not read the results from the kernel"):
        _grade(monkeypatch, tmp_path, ["pass"], lambda i, nonce, cell: [_shown(forged, "0" * 32)])


def test_a_forged_record_beside_the_graders_own_is_ignored(monkeypatch, tmp_path):
    forged = {e: _record(e, PASSED) for e in ("00.1", "00.2", "00.3")}
    grade = _grade(
        monkeypatch,
        tmp_path,
        ['check("00.3", "A")'],
        lambda i, nonce, cell: [
            _shown(forged, "f" * 32),
            _shown({"00.3": _record("00.3", FAILED)}, nonce),
        ],
    )
    assert _statuses(grade) == {"00.1": NOT_ATTEMPTED, "00.2": NOT_ATTEMPTED, "00.3": FAILED}


def test_a_graders_cell_that_showed_nothing_makes_the_lab_ungradable(monkeypatch, tmp_path):
    """No result at all (the deploydl package missing in the kernel) is not "not attempted":
    grading a lab it could not read would fail a learner for the course's setup."""

    def outputs(i, nonce, cell):
        return [_error("ModuleNotFoundError", "No module named 'deploydl'")]

    with pytest.raises(NotebookUnreadable, match=r"\(its cell raised ModuleNotFoundError"):
        _grade(monkeypatch, tmp_path, ['check("00.3", "C")'], outputs)


def test_all_passed_needs_every_exercise_passed():
    one_failed = LabGrade(
        "lab", (Result("00.1", "t", PASSED, "ok"), Result("00.2", "t", FAILED, "no"))
    )
    assert not one_failed.all_passed
    assert LabGrade("lab", (Result("00.1", "t", PASSED, "ok"),)).all_passed


def test_only_a_crashed_checker_counts_as_a_broken_check():
    """broken_checks makes ``deploydl grade`` exit 2 (the course's fault): a learner's failed
    or unattempted exercise is exit 1, never 2."""
    results = tuple(
        Result(f"00.{i}", "t", s, "m")
        for i, s in enumerate((PASSED, FAILED, NOT_ATTEMPTED, CHECK_ERROR), 1)
    )
    assert [r.id for r in LabGrade("lab", results).broken_checks] == ["00.4"]


def test_json_marks_an_ungradable_lab_as_not_passed():
    report = json.loads(as_json([Ungraded("a/00_lab.ipynb", "a/00_lab.ipynb: kernel died")]))
    assert report == [{"path": "a/00_lab.ipynb", "all_passed": False, "error": "kernel died"}]


def test_table_names_crashed_checks_in_the_summary_line():
    grade = LabGrade(
        "lab.ipynb",
        (
            Result("00.1", "t", CHECK_ERROR, "broken"),
            Result("00.2", "t", FAILED, "no", hint="look again"),
        ),
    )
    lines = as_table([grade]).splitlines()
    assert lines[0] == ("lab.ipynb: 0 passed, 1 failed, 0 not attempted, 1 check(s) failed")
    assert f"  {'':6} {'':14} hint: look again" in lines
    clean = LabGrade("lab.ipynb", (Result("00.1", "t", FAILED, "no"),))
    assert as_table([clean]).splitlines() == [
        "lab.ipynb: 0 passed, 1 failed, 0 not attempted",
        f"  00.1   {FAILED:14} t",
        f"  {'':6} {'':14} no",
    ]


def test_a_lab_is_named_by_its_two_digit_module_at_the_start():
    from pathlib import Path

    assert grading.lab_module(Path("labs/02_model_evaluation_lab.ipynb")) == "02"
    with pytest.raises(NotebookUnreadable, match="starts with its module number"):
        grading.lab_module(Path("my_02_lab.ipynb"))
