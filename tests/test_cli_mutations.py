"""Tests that kill mutants of the ``deploydl`` command (deploydl.cli) that the other tests let
live: its exit codes (DESIGN.md's contract), its refusals and its argument checks. What a
command would run (grading, a kernel, a build, Chromium) is replaced: nothing here runs a
notebook."""

from __future__ import annotations

import json

import pytest

from deploydl.cli import build_parser, main
from deploydl.exercises.core import FAILED, PASSED, Result

# --- grade: exit 0 all passed, 1 otherwise, 2 a notebook could not be read or run ------------


def _graded(monkeypatch, outcomes: dict[str, str | None]) -> None:
    """grade_lab, faked: each lab's one exercise has the status given; None: unreadable."""
    from deploydl.course.runner import NotebookUnreadable
    from deploydl.exercises import grading

    def grade_lab(path, *, timeout):
        status = outcomes[str(path)]
        if status is None:
            raise NotebookUnreadable(f"{path}: not a Jupyter notebook (its content is not JSON).")
        return grading.LabGrade(str(path), (Result("01.1", "Split", status, "msg"),))

    monkeypatch.setattr(grading, "grade_lab", grade_lab)


def test_grade_exits_1_when_one_lab_of_several_has_an_exercise_not_passed(monkeypatch):
    _graded(monkeypatch, {"a.ipynb": PASSED, "b.ipynb": FAILED})
    assert main(["grade", "a.ipynb", "b.ipynb"]) == 1
    _graded(monkeypatch, {"a.ipynb": PASSED, "b.ipynb": PASSED})
    assert main(["grade", "a.ipynb", "b.ipynb"]) == 0


def test_grade_exits_2_when_a_lab_cannot_be_read_even_if_the_others_passed(monkeypatch, capsys,
                                                                           tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.ipynb").write_text("not JSON")  # on disk, as an unreadable lab is
    _graded(monkeypatch, {"a.ipynb": PASSED, "broken.ipynb": None})
    assert main(["grade", "a.ipynb", "broken.ipynb"]) == 2
    out, err = capsys.readouterr()
    assert "a.ipynb" in out
    assert err == (
        "deploydl grade: broken.ipynb: not a Jupyter notebook (its content is not JSON).\n"
    )


def test_grade_json_flag_prints_the_json_report(monkeypatch, capsys):
    _graded(monkeypatch, {"a.ipynb": FAILED})
    assert main(["grade", "--json", "a.ipynb"]) == 1
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["path"], record["all_passed"]) == ("a.ipynb", False)
    assert record["exercises"][0]["status"] == FAILED


# --- refresh --------------------------------------------------------------------------------


def _refreshes(monkeypatch) -> list:
    """refresh_outputs, faked: the notebooks it was asked to refresh, in order."""
    done: list = []
    monkeypatch.setattr(
        "deploydl.course.runner.refresh_outputs", lambda path, **options: done.append(path)
    )
    return done


def test_refresh_without_paths_runs_every_lesson_and_solution_but_no_lab(
    empty_course, monkeypatch, capsys
):
    (empty_course / "labs").mkdir()
    for name in (
        "notebooks/01_data.ipynb",
        "notebooks/00_welcome.ipynb",
        "solutions/01_data_lab.ipynb",
        "labs/01_data_lab.ipynb",
        "notebooks/notes.md",
    ):
        (empty_course / name).write_text("{}", encoding="utf-8")
    done = _refreshes(monkeypatch)
    assert main(["refresh"]) == 0
    assert [path.relative_to(empty_course).as_posix() for path in done] == [
        "notebooks/00_welcome.ipynb",
        "notebooks/01_data.ipynb",
        "solutions/01_data_lab.ipynb",
    ]
    assert capsys.readouterr().out.count("executing ") == 3


def test_refresh_of_a_folder_named_like_a_notebook_says_it_is_a_folder(
    empty_course, monkeypatch, capsys
):
    (empty_course / "notebooks" / "old.ipynb").mkdir()
    done = _refreshes(monkeypatch)
    assert main(["refresh", "notebooks/old.ipynb"]) == 2
    assert capsys.readouterr().err.startswith(
        "deploydl refresh: notebooks/old.ipynb: a folder, not a notebook; the course's "
        "notebooks are in "
    )
    assert done == []


# --- agenda, kit, progress: their exit codes and lines -----------------------------------


@pytest.mark.parametrize(
    "args, code, line",
    [
        (["agenda"], 0, "docs/instructors.md: agenda updated.\n"),
        (
            ["agenda", "--check"],
            1,
            "docs/instructors.md: the agenda is out of date with the "
            "lessons' metadata; run `deploydl agenda`.\n",
        ),
    ],
)
def test_agenda_updates_an_old_agenda_and_check_only_reports_it(
    empty_course, monkeypatch, capsys, args, code, line
):
    monkeypatch.setattr("deploydl.course.agenda.sync_guide", lambda guide, root, check: False)
    assert main(args) == code
    assert capsys.readouterr().out == line


@pytest.mark.parametrize(
    "args, chromium, pdf, says_no_pdf",
    [
        (["kit"], "chromium", True, False),
        (["kit", "--no-pdf"], "chromium", False, False),  # asked for HTML only: said nothing of it
        (["kit"], None, False, True),
        (["kit", "--no-pdf"], None, False, False),
    ],
)
def test_kit_prints_pdfs_only_with_chromium_and_not_asked_otherwise(
    empty_course, monkeypatch, capsys, args, chromium, pdf, says_no_pdf
):
    asked = []
    monkeypatch.setattr("deploydl.present.report.find_chromium", lambda: chromium)
    monkeypatch.setattr(
        "deploydl.course.roomkit.build_room_kit", lambda root, *, out, pdf: asked.append(pdf) or []
    )
    assert main(args) == 0
    assert asked == [pdf]
    assert ("No PDFs: Chromium is not installed" in capsys.readouterr().out) is says_no_pdf


@pytest.mark.parametrize("error, code", [("ProgressCacheError", 1), ("LabSourceError", 2)])
def test_progress_exit_codes_tell_a_broken_cache_from_a_broken_solution(
    empty_course, monkeypatch, capsys, error, code
):
    from deploydl.course import labs, progress

    kind = getattr(progress, error, None) or getattr(labs, error)

    def fails(root, **_):
        raise kind("what went wrong; what to do")

    monkeypatch.setattr(progress, "progress", fails)
    assert main(["progress"]) == code
    assert capsys.readouterr().err == "deploydl progress: what went wrong; what to do\n"


def test_a_validation_error_not_of_the_settings_keeps_its_traceback(tmp_path, monkeypatch):
    """Only a wrong DEPLOYDL_* variable is blamed on the environment; another model's
    ValidationError is a bug and keeps its traceback."""
    from pydantic import BaseModel, ValidationError

    class Other(BaseModel):
        port: int

    def doctor(root):
        Other(port="many")  # type: ignore[arg-type]

    monkeypatch.setattr("deploydl.course.doctor.doctor", doctor)
    with pytest.raises(ValidationError, match="Other"):
        main(["doctor", "--root", str(tmp_path)])


# --- argument checks, before a command runs (never runs bench or serve) --------------------


def _refused(args: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(args)
    assert stopped.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("command", [["grade", "lab.ipynb"], ["refresh"], ["progress"]])
def test_the_timeout_per_cell_is_at_least_one_second(command, capsys):
    assert build_parser().parse_args([*command, "--timeout", "1"]).timeout == 1
    assert "'0' is not a number of seconds per cell: give 1 or more" in _refused(
        [*command, "--timeout", "0"], capsys
    )


def test_progress_gives_each_cell_120_seconds_by_default_as_its_help_says():
    assert build_parser().parse_args(["progress"]).timeout == 120


def test_bench_refuses_zero_repetitions_and_takes_one(capsys):
    assert build_parser().parse_args(["bench", "--reps", "1"]).reps == 1
    assert "'0' is not a number of repetitions: give 1 or more" in _refused(
        ["bench", "--reps", "0"], capsys
    )


def test_serve_takes_every_port_up_to_65535(capsys):
    assert build_parser().parse_args(["serve", "--port", "65535"]).port == 65535
    assert "'65536' is not a port: give 0 to 65535" in _refused(
        ["serve", "--port", "65536"], capsys
    )


def test_serve_expect_sha256_takes_exactly_64_hex_digits_in_either_case(capsys):
    digest = "AB" * 32
    assert build_parser().parse_args(["serve", "--expect-sha256", digest]).expect_sha256 == (
        "ab" * 32
    )
    assert "is not a sha256: give the 64 hexadecimal characters" in _refused(
        ["serve", "--expect-sha256", digest + "a"], capsys
    )
