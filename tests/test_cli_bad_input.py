"""`deploydl` on bad input a reviewer tried: each message says what was wrong, the value given
and what to do, with the exit code of the command's contract (DESIGN.md), and nothing runs
before a wrong argument is refused."""

import json
import sys
from pathlib import Path

import pytest

from deploydl.cli import DEFAULT_RESULTS, main

CURVE = [{"concurrency": c, "rps": rps, "p50_ms": 1.0, "p99_ms": p99}
         for c, rps, p99 in ((1, 1000.0, 2.0), (4, 1900.0, 5.0), (8, 2100.0, 7.0),
                             (16, 2150.0, 12.0))]


@pytest.fixture
def course(tmp_path):
    """A course folder (notebooks/ and solutions/) with its benchmark results."""
    for folder in ("notebooks", "solutions"):
        (tmp_path / folder).mkdir()
    results = tmp_path / DEFAULT_RESULTS
    results.parent.mkdir(parents=True)
    results.write_text(json.dumps({"config": {"cores": 2}, "capacity_curve": CURVE}))
    return tmp_path


def _capacity(*args):
    return main(["capacity", "--peak-rps", "100", "--p99-ms", "20", *map(str, args)])


def test_capacity_finds_the_course_results_from_a_folder_inside_the_course(course, capsys,
                                                                           monkeypatch):
    monkeypatch.chdir(course / "notebooks")
    assert _capacity() == 0
    assert "From the single-replica curve in ../benchmarks/results/serving.json" in \
        capsys.readouterr().out


def test_capacity_reads_what_bench_wrote_in_a_folder_inside_the_course(course, capsys,
                                                                       monkeypatch):
    """`deploydl bench` writes benchmarks/results under the folder it runs in: capacity,
    run there, plans from that run, not from the course's committed results."""
    mine = course / "notebooks" / "my_bench"
    (mine / DEFAULT_RESULTS).parent.mkdir(parents=True)  # what bench would write (not run)
    slower = [{**point, "rps": point["rps"] / 2} for point in CURVE]
    (mine / DEFAULT_RESULTS).write_text(json.dumps({"config": {"cores": 4},
                                                    "capacity_curve": slower}))
    monkeypatch.chdir(mine)
    assert _capacity() == 0
    out = capsys.readouterr().out
    assert f"From the single-replica curve in {DEFAULT_RESULTS} (" in out
    assert "One replica (4 cores)" in out


def test_capacity_without_the_course_results_says_to_restore_them_not_to_bench(course, capsys,
                                                                              monkeypatch):
    (course / DEFAULT_RESULTS).unlink()
    monkeypatch.chdir(course / "notebooks")
    assert _capacity() == 1
    err = capsys.readouterr().err
    assert f"no benchmark results at {course / DEFAULT_RESULTS}: the course ships this file" \
        in err and "git checkout" in err and "deploydl bench" not in err


def test_capacity_with_a_missing_results_file_points_at_the_course_results(course, capsys,
                                                                           monkeypatch):
    monkeypatch.chdir(course / "notebooks")
    assert _capacity("--results", "nope.json") == 1
    err = capsys.readouterr().err
    assert f"no benchmark results at {course / 'notebooks/nope.json'}" in err
    assert f"--results {course / DEFAULT_RESULTS}" in err and "deploydl bench" not in err


def test_capacity_refuses_a_folder_as_results_saying_what_a_results_file_is(tmp_path, capsys):
    assert _capacity("--results", tmp_path) == 1
    err = capsys.readouterr().err
    assert f"--results {tmp_path}: a folder, not a benchmark results file" in err
    assert "the JSON that `deploydl bench` writes" in err and "Errno" not in err


def test_capacity_says_a_file_that_is_not_json_is_not_benchmark_results(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{ not json", encoding="utf-8")
    assert _capacity("--results", bad) == 1
    err = capsys.readouterr().err
    assert f"{bad} is not valid JSON (Expecting property name" in err
    assert "the JSON that `deploydl bench` writes" in err and "docs/capacity.md" in err


def test_capacity_says_a_notebook_holds_no_curve_rather_than_no_course_server(tmp_path,
                                                                              capsys):
    lab = tmp_path / "lab.ipynb"
    lab.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4}))
    assert _capacity("--results", lab) == 1
    assert "neither 'capacity_curve' nor 'summary'" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--peak-rps", "1e308"], "'1e308' is not a number of requests per second from 0.001 to "
                              "10,000,000"),
    (["--peak-rps", "1e-300"], "'1e-300' is not a number of requests per second"),
    (["--price-per-core-hour", "1e308"], "'1e308' is not a price in USD per core-hour from 0 "
                                         "to 1,000"),
    (["--min-replicas", "1000000"], "'1000000' is not a number of replicas: give 1 to 10,000"),
])
def test_capacity_refuses_numbers_that_make_an_impossible_plan(course, capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        _capacity("--results", course / DEFAULT_RESULTS, *args)
    captured = capsys.readouterr()
    assert exit_.value.code == 2 and message in captured.err and captured.out == ""


def test_capacity_plans_at_its_bounds_and_shows_a_small_peak(course, capsys):
    assert _capacity("--results", course / DEFAULT_RESULTS, "--peak-rps", "1e7",
                     "--price-per-core-hour", "1000", "--min-replicas", "10000") == 0
    assert "USD inf" not in capsys.readouterr().out
    assert _capacity("--results", course / DEFAULT_RESULTS, "--peak-rps", "0.005") == 0
    assert "Peak 0.005 req/s:" in capsys.readouterr().out


@pytest.mark.parametrize("factor", [1e-293, 1e-301])
def test_capacity_refuses_an_absurdly_slow_curve_naming_the_file(tmp_path, capsys, factor):
    """Within the arguments' bounds (a target it can meet, the most cores a results file may
    give), a curve of 1e-290 requests/s used to plan replicas past any cost, and one of
    1e-298 to divide by zero: it is refused before planning, in one line that names the file
    and the rate, no traceback."""
    slow = tmp_path / "slow.json"
    slow.write_text(json.dumps({"config": {"cores": 999_999}, "capacity_curve": [
        {**point, "rps": point["rps"] * factor} for point in CURVE[:2]]}))
    assert main(["capacity", "--peak-rps", "1e7", "--p99-ms", "1e305", "--results",
                 str(slow), "--price-per-core-hour", "1000"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"deploydl capacity: {slow}: rate_per_server must be "
                                        "from 0.001 to 1,000,000 requests/s")
    assert err.endswith("Fit it from a measured curve whose requests per second (rps) lie in "
                        "that range.\n")


def test_describe_plan_refuses_a_cost_that_is_not_a_number():
    from deploydl.efficiency.capacity import describe_plan, fit_replica, plan_replicas

    plan = plan_replicas(fit_replica(CURVE), peak_rps=100, p99_ms=20)
    with pytest.raises(ValueError, match="monthly cost is not a finite number of USD"):
        describe_plan(plan, cores_per_replica=2, price_per_core_hour=1e308)


@pytest.mark.parametrize("out", [
    pytest.param("/proc/nope/out", marks=pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="/proc refuses new folders on Linux")),
    "file.txt/sub"])
def test_demo_refuses_an_out_it_cannot_create_before_any_stage(tmp_path, capsys, monkeypatch,
                                                               out):
    import deploydl.capstone.project as project

    def ran(*args, **kwargs):
        raise AssertionError("the demo ran before --out was checked")

    monkeypatch.setattr(project, "run_demo", ran)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("mine")
    assert main(["demo", "--out", out, "--no-pdf"]) == 1
    err = capsys.readouterr().err
    assert f"deploydl demo: cannot create --out {out}: " in err and "Traceback" not in err
    assert err.rstrip().endswith("; give a folder you can write to.")


def test_grade_assessment_refuses_a_folder_that_is_not_a_learners(tmp_path, capsys):
    assert main(["grade", "--assessment", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert (f"{tmp_path}: not a learner's course folder: it has neither "
            ".deploydl/assessment.json nor notebooks/; pass each learner's course folder"
            in captured.err)
    assert str(tmp_path) not in captured.out


def test_grade_assessment_json_says_nothing_was_graded_and_exits_as_the_table(tmp_path,
                                                                               capsys):
    """It used to print nothing at all: no JSON for a machine reading stdout to parse."""
    assert main(["grade", "--assessment", str(tmp_path), str(tmp_path / "nobody")]) == 2
    table = capsys.readouterr()
    assert main(["grade", "--assessment", "--json", str(tmp_path),
                 str(tmp_path / "nobody")]) == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (report["learners"], report["complete"], report["mean_gain"]) == ([], False, None)
    assert report["error"].startswith("nothing was graded: no path given is a learner's that "
                                      f"could be read. {tmp_path}: not a learner's course folder")
    assert f"{tmp_path / 'nobody'}: no such folder or file" in report["error"]
    assert captured.err == table.err and table.out == ""


def test_grade_json_names_every_lab_it_could_not_read(tmp_path, capsys):
    missing, folder = tmp_path / "02_nope_lab.ipynb", tmp_path / "labs"
    folder.mkdir()
    assert main(["grade", "--json", str(missing), str(folder)]) == 2
    captured = capsys.readouterr()
    no_file = f"no such file. Check the path: {tmp_path} holds no lab notebook (a file " \
              "named like 00_welcome_lab.ipynb)."
    no_lab = ("is a folder, not a notebook. Neither it nor its labs/ holds a lab notebook (a "
              "file named like 00_welcome_lab.ipynb); give the lab's .ipynb file.")
    assert json.loads(captured.out) == [  # all_passed in every record: no KeyError
        {"path": str(missing), "all_passed": False, "error": no_file},
        {"path": str(folder), "all_passed": False, "error": no_lab}]
    assert f"deploydl grade: {missing}: {no_file}" in captured.err
    assert f"deploydl grade: {folder}: {no_lab}" in captured.err


def _labs(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text("{}")
    return folder


def test_grade_a_course_folder_names_a_lab_in_it(tmp_path, capsys):
    learner = tmp_path / "g5"
    labs = _labs(learner / "labs", "00_welcome_lab.ipynb", "01_data_governance_lab.ipynb")
    assert main(["grade", str(learner)]) == 2
    assert capsys.readouterr().err == (
        f"deploydl grade: {learner}: is a folder, not a notebook. Give the lab's .ipynb file, "
        f"e.g. {labs / '00_welcome_lab.ipynb'}, or {labs / '*.ipynb'} for all 2 of them.\n")


def test_grade_a_folder_offers_no_pattern_that_takes_other_notebooks(tmp_path, capsys):
    folder = _labs(tmp_path / "work", "02_model_evaluation_lab.ipynb", "scratch.ipynb")
    assert main(["grade", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.endswith(f"Give the lab's .ipynb file, e.g. "
                        f"{folder / '02_model_evaluation_lab.ipynb'}.\n")


def test_grade_a_name_too_long_for_the_system_is_refused_in_a_line(capsys):
    """A review's: a 300-character file name raised OSError (File name too long) with a
    traceback."""
    assert main(["grade", "a" * 300 + ".ipynb"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deploydl grade: aaaa") and err.endswith("; check the path.\n")
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_grade_a_folder_of_lessons_offers_no_lesson_as_a_lab(tmp_path, capsys):
    """A review's: `deploydl grade notebooks` offered 00_welcome.ipynb, a lesson, as the lab."""
    folder = _labs(tmp_path / "notebooks", "00_welcome.ipynb", "01_data_governance.ipynb")
    assert main(["grade", str(folder)]) == 2
    assert capsys.readouterr().err.endswith(
        "is a folder, not a notebook. Neither it nor its labs/ holds a lab notebook (a file "
        "named like 00_welcome_lab.ipynb); give the lab's .ipynb file.\n")


def test_grade_a_folder_names_a_renamed_copy_of_a_lab(tmp_path, capsys):
    """JupyterLab's "Duplicate" writes 02_model_evaluation_lab-Copy1.ipynb, which grade takes."""
    folder = _labs(tmp_path / "work", "02_model_evaluation_lab-Copy1.ipynb")
    assert main(["grade", str(folder)]) == 2
    assert capsys.readouterr().err.endswith(
        f"e.g. {folder / '02_model_evaluation_lab-Copy1.ipynb'}.\n")


def test_grade_a_missing_lab_lists_the_labs_beside_it(tmp_path, capsys):
    folder = _labs(tmp_path / "labs", *(f"0{n}_lab.ipynb" for n in range(6)))
    assert main(["grade", str(folder / "00_welcom_lab.ipynb")]) == 2
    assert capsys.readouterr().err.endswith(
        f"00_welcom_lab.ipynb: no such file. Check the path; the lab notebooks in {folder} "
        "are 00_lab.ipynb, 01_lab.ipynb, 02_lab.ipynb, 03_lab.ipynb and 2 more.\n")


def test_grade_a_lab_in_a_missing_folder_says_the_folder_is_missing(tmp_path, capsys,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    typo = Path("lbas", "00_welcome_lab.ipynb")  # printed with a backslash on Windows
    assert main(["grade", str(typo), "00_welcome_lab.ipynb"]) == 2
    assert capsys.readouterr().err == (
        f"deploydl grade: {typo}: no such file. Check the path: there is no folder lbas "
        "either.\n"
        "deploydl grade: 00_welcome_lab.ipynb: no such file. Check the path: this folder "
        "holds no lab notebook (a file named like 00_welcome_lab.ipynb).\n")


@pytest.mark.parametrize("action", ["build", "check"])
def test_labs_with_a_root_that_does_not_exist_says_so(tmp_path, capsys, action):
    nowhere = tmp_path / "nonexistent"
    assert main(["labs", action, "--root", str(nowhere)]) == 2
    err = capsys.readouterr().err
    assert f"--root {nowhere}: no such folder; give the course folder" in err
    assert "run this inside the course folder" not in err


@pytest.mark.parametrize("command, words", [
    (["labs"], ["build: write labs/ from solutions/", "check: exit 1 naming each lab"]),
    (["grade"], ["seconds per cell (default 120)"]),
    (["serve"], ["default 127.0.0.1, or DEPLOYDL_HOST when it is set",
                 "default 8000, or DEPLOYDL_PORT when it is set"]),
])
def test_help_says_what_each_argument_does_and_its_default(capsys, command, words):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert exit_.value.code == 0 and all(w in out for w in words)



def _never(*args, **kwargs):
    raise AssertionError("the command went on past an argument it should have refused")


@pytest.mark.parametrize("host, variable", [("999.1.1.1", None), ("nosuchhost.invalid", None),
                                            ("999.1.1.1", "DEPLOYDL_HOST")])
def test_serve_names_a_wrong_host_before_asking_for_an_api_key(monkeypatch, capsys, host,
                                                               variable):
    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    if variable:
        monkeypatch.setenv(variable, host)
    assert main(["serve", "--port", "0", *(["--host", host] if not variable else [])]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"deploydl serve: --host {host}: not an address of this machine (")
    assert "Pass --host an IPv4 address this machine has" in err and "API key" not in err


@pytest.mark.parametrize("action", ["build", "check"])
def test_labs_refuses_a_file_named_labs_and_keeps_it(course, root, capsys, action):
    """check said every lab was missing and build died on a FileExistsError."""
    lab = "00_welcome_lab.ipynb"
    (course / "solutions" / lab).write_bytes((root / "solutions" / lab).read_bytes())
    (course / "labs").write_text("my notes", encoding="utf-8")
    assert main(["labs", action, "--root", str(course)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"deploydl labs {action}: labs is a file, not a folder: move it "
                            "away (it may hold your work), then run `deploydl labs build`.\n")
    assert captured.out == "" and (course / "labs").read_text(encoding="utf-8") == "my notes"
    assert not (course / ".deploydl").exists()


def test_refresh_of_a_missing_notebook_says_where_they_are_before_executing(course, capsys,
                                                                            monkeypatch):
    import deploydl.course.runner as runner

    monkeypatch.setattr(runner, "refresh_outputs", _never)
    monkeypatch.chdir(course)
    assert main(["refresh", "notebooks/nosuch.ipynb"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == (
        f"deploydl refresh: notebooks/nosuch.ipynb: no such file; the course's notebooks are in "
        f"{course / 'notebooks'} and {course / 'solutions'}: give one of them, or no path for "
        "all.\n")


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "deploydl: error: unrecognized arguments: --bogus"),
    (["--bogus", "doctor"], "deploydl: error: unrecognized arguments: --bogus"),
    ([], "deploydl: error: give a command, one of those in braces above (deploydl --help"),
])
def test_an_unknown_option_is_named_before_a_missing_command(capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and "{doctor,progress," in err
