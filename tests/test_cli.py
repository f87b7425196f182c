"""`deploydl` on bad input: every message says what to do; what could be done is done."""

import json

import pytest

from deploydl.cli import build_parser, main


@pytest.mark.slow
def test_grade_reports_every_readable_lab_before_the_unreadable_ones(root, tmp_path, capsys):
    lab = root / "labs/00_welcome_lab.ipynb"
    missing, folder = tmp_path / "02_nope_lab.ipynb", tmp_path / "labs"
    folder.mkdir()
    assert main(["grade", "--json", str(lab), str(missing), str(folder)]) == 2
    out = capsys.readouterr()
    assert [g["path"] for g in json.loads(out.out)] == [str(lab), str(missing), str(folder)]
    assert f"{missing}: no such file" in out.err and f"{folder}: is a folder" in out.err
    assert "module number" not in out.err and "Traceback" not in out.err


def test_grade_a_missing_file_says_so_not_how_labs_are_named(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "missing.ipynb: no such file. Check the path:" in err and "module number" not in err


def test_read_notebook_turns_a_folder_into_notebook_unreadable(tmp_path):
    from deploydl.course.runner import NotebookUnreadable, read_notebook

    with pytest.raises(NotebookUnreadable, match="is a folder"):
        read_notebook(tmp_path)


@pytest.mark.parametrize("args, message", [
    (["serve", "--port", "70000"], "'70000' is not a port: give 0 to 65535"),
    (["serve", "--port", "-1"], "'-1' is not a port"),
    (["serve", "--workers", "0"], "'0' is not a number of worker processes: give 1 or more"),
    (["serve", "--workers", "-2"], "'-2' is not a number of worker processes"),
    (["bench", "--reps", "-2"], "'-2' is not a number of repetitions: give 1 or more"),
    (["bench", "--reps", "0"], "'0' is not a number of repetitions"),
    # nbclient takes a timeout of 0 or less as none: a lab stuck in a loop would hang
    (["progress", "--timeout", "0"], "'0' is not a number of seconds per cell: give 1 or more"),
    (["grade", "lab.ipynb", "--timeout", "-1"], "'-1' is not a number of seconds per cell"),
])
def test_a_number_out_of_range_is_refused_before_the_command_runs(args, message, capsys):
    # The parser alone: were a check loosened, main() would start the command (a benchmark).
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(args)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("host, reason", [("999.1.1.1", ""), ("no-such-host.invalid", ""),
                                          ("192.0.2.1", "Cannot assign")])
def test_a_host_that_is_not_this_machines_is_blamed_not_the_port(host, reason):
    from deploydl.serving.server import ServeError, _bind

    with pytest.raises(ServeError, match=rf"--host {host}: not an address of this machine "
                                         rf"\({reason}.*Pass --host an IPv4 address") as error:
        _bind(host, 0)
    assert "Port" not in str(error.value)


def test_serve_in_code_refuses_zero_workers_and_an_impossible_port():
    from deploydl.serving.server import ServeError, _bind, serve

    with pytest.raises(ServeError, match="--workers 0: give 1 or more"):
        serve("no-model", workers=0)
    with pytest.raises(ServeError, match="--port 70000: not a port"):
        _bind("127.0.0.1", 70000)


@pytest.mark.parametrize("variable, value, message", [
    ("DEPLOYDL_PORT", "abc", "DEPLOYDL_PORT='abc': input should be a valid integer"),
    ("DEPLOYDL_READ_TIMEOUT_S", "-1", "DEPLOYDL_READ_TIMEOUT_S='-1': input should be greater"),
])
def test_a_wrong_environment_setting_is_named_with_exit_2(monkeypatch, capsys, variable, value,
                                                          message):
    monkeypatch.setenv(variable, value)
    assert main(["serve", "--model", "no-such-artifact"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Fix or unset it" in err and "Traceback" not in err


def test_demo_out_that_is_a_file_is_refused_and_kept(tmp_path, capsys):
    mine = tmp_path / "notes.txt"
    mine.write_text("mine")
    assert main(["demo", "--out", str(mine), "--no-pdf"]) == 1
    assert "is a file; give an empty or new folder" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "mine"


def test_a_home_that_is_a_file_is_named_with_what_to_do(tmp_path):
    from deploydl.serving.server import ServeError, default_artifact
    from deploydl.settings import Settings

    home = tmp_path / "home"
    home.write_text("")
    with pytest.raises(ServeError, match="DEPLOYDL_HOME is .*which is a file; it must be a "
                                         "folder"):
        default_artifact(Settings(home=home))


def test_a_log_file_of_another_program_is_refused_and_left_untouched(tmp_path):
    import sqlite3

    from deploydl.serving.server import ServeError, _prediction_log

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (x INTEGER)")
    connection.close()
    before = other.read_bytes()
    with pytest.raises(ServeError, match="not a prediction log .*other tables: invoices"):
        _prediction_log(other)
    assert other.read_bytes() == before
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ServeError, match="not a prediction log .not an SQLite database"):
        _prediction_log(text)
    clash = tmp_path / "clash.db"
    with sqlite3.connect(clash) as connection:
        connection.execute("CREATE TABLE predictions (x INTEGER)")
    connection.close()
    with pytest.raises(ServeError, match="that file is not a prediction log .*no such column"):
        _prediction_log(clash)


def test_grade_expands_a_wildcard_the_shell_passed_on_as_it_is(tmp_path, capsys, monkeypatch):
    """Windows' cmd and PowerShell do not expand ``labs/*.ipynb``: the command does, sorted;
    a pattern that matches nothing is refused (exit 2), not taken for a missing file."""
    from deploydl.course.runner import NotebookUnreadable

    tmp_path = tmp_path / "Course [2026]"  # brackets in a folder are its name, not a pattern
    tmp_path.mkdir()
    for name in ("02_b_lab.ipynb", "01_a_lab.ipynb", "notes.txt"):
        (tmp_path / name).write_text("{}", encoding="utf-8")

    def fake_grade(path, timeout):
        raise NotebookUnreadable(f"{path.name}: seen")

    monkeypatch.setattr("deploydl.exercises.grading.grade_lab", fake_grade)
    assert main(["grade", str(tmp_path / "*.ipynb")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "deploydl grade: 01_a_lab.ipynb: seen", "deploydl grade: 02_b_lab.ipynb: seen"]
    assert main(["grade", str(tmp_path / "*_nothing.ipynb")]) == 2
    assert "*_nothing.ipynb: no file matches this pattern" in capsys.readouterr().err


def test_grade_of_a_file_that_is_not_a_notebook_does_not_echo_its_content(tmp_path, capsys):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:hunter2\n", encoding="utf-8")
    assert main(["grade", str(secret)]) == 2
    err = capsys.readouterr().err
    assert "not a Jupyter notebook (its content is not JSON)" in err and "hunter2" not in err


@pytest.mark.parametrize("name, message", [
    ("../passwd", "not a notebook (.ipynb file)"),
    ("../outside.ipynb", "not a notebook of the course"),
    ("notebooks/broken.ipynb", "not a Jupyter notebook (its content is not JSON)"),
    ("notebooks/*_nothing.ipynb", "no file matches this pattern"),
])
def test_refresh_refuses_what_is_not_a_notebook_of_the_course_with_exit_2(empty_course, capsys,
                                                                          name, message):
    for path in ("../passwd", "../outside.ipynb", "notebooks/broken.ipynb"):
        (empty_course / path).write_text("root:x:0:0:hunter2\n", encoding="utf-8")
    assert main(["refresh", name]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "hunter2" not in err


def _slow_notebook(course):
    """A notebook of the course whose third cell sleeps for a minute; its bytes as written."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Slow"), nbformat.v4.new_code_cell("x = 1"),
                      nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
    nbformat.write(notebook, course / "notebooks" / "slow.ipynb")
    return (course / "notebooks" / "slow.ipynb").read_bytes()


def test_refresh_names_a_cell_past_the_timeout_on_one_line_as_grade_does(empty_course, capsys,
                                                                         monkeypatch):
    """refresh let the timeout escape as a traceback; grade already said it in one line."""
    from deploydl.course import runner

    def times_out(notebook, *, timeout=120, **_):
        raise runner.CellTimedOut(2, timeout, notebook.cells[2].source)

    before = _slow_notebook(empty_course)
    monkeypatch.setattr(runner, "execute", times_out)
    assert main(["refresh", "notebooks/slow.ipynb"]) == 2
    assert capsys.readouterr().err == (
        'deploydl refresh: notebooks/slow.ipynb: cell 3 (starting "import time") ran longer '
        "than --timeout 120 s; raise --timeout or make the cell finish sooner.\n")
    assert (empty_course / "notebooks" / "slow.ipynb").read_bytes() == before


@pytest.mark.slow
def test_refresh_timeout_stops_a_real_cell_and_the_kernel_is_quiet(empty_course, capfd):
    before = _slow_notebook(empty_course)
    assert main(["refresh", "--timeout", "1", "notebooks/slow.ipynb"]) == 2
    assert capfd.readouterr().err == (
        'deploydl refresh: notebooks/slow.ipynb: cell 3 (starting "import time") ran longer '
        "than --timeout 1 s; raise --timeout or make the cell finish sooner.\n")
    assert (empty_course / "notebooks" / "slow.ipynb").read_bytes() == before


def _chromium_fails(*args, **kwargs):
    raise RuntimeError("Chromium could not print deck.html to PDF (exit 1): [0101/ERROR:x]\n"
                       "second line of its stderr")


#: (command, what the course folder lacks or holds, what the one line must say).
INSTRUCTOR_FAILURES = {
    "agenda without the guide": (["agenda"], {}, "docs/instructors.md: No such file or "
                                 "directory; restore it from the course's repository"),
    "agenda without markers": (["agenda", "--check"], {"docs/instructors.md": "# Guide\n"},
                               "docs/instructors.md: needs exactly one line '<!-- BEGIN AGENDA"),
    "kit without the form": (["kit", "--no-pdf"], {}, "docs/feedback-form.md: No such file or "
                             "directory; restore it"),
    "kit with a form without headings": (["kit", "--no-pdf"], {"docs/feedback-form.md": "# Form\n"},
                                         "docs/feedback-form.md: no '## ' heading"),
    "kit when Chromium fails": (["kit"], {"docs/feedback-form.md": "# Form\n## Overall\nRate.\n"},
                                "Chromium could not print deck.html to PDF (exit 1): "
                                "[0101/ERROR:x] second line of its stderr; run `deploydl kit "
                                "--no-pdf` and print the HTML pages from a browser"),
    "slides without the theme": (["slides"], {}, "slides/theme.css: No such file or directory; "
                                 "restore it"),
    "slides --pdf when Chromium fails": (["slides", "--pdf"], {}, "Chromium could not print "
                                         "deck.html to PDF (exit 1): [0101/ERROR:x] second line "
                                         "of its stderr; build the decks without --pdf"),
}


@pytest.mark.parametrize("case", INSTRUCTOR_FAILURES)
def test_instructor_commands_say_what_failed_in_one_line_with_exit_1(empty_course, monkeypatch,
                                                                    capsys, case):
    from deploydl.course import roomkit, slides
    from deploydl.present import report

    args, files, message = INSTRUCTOR_FAILURES[case]
    for name, text in files.items():
        (empty_course / name).parent.mkdir(parents=True, exist_ok=True)
        (empty_course / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(report, "find_chromium", lambda: "chromium")
    monkeypatch.setattr(roomkit, "write_pdf", _chromium_fails)
    monkeypatch.setattr(slides, "print_handouts", _chromium_fails)
    if "Chromium" in case:
        monkeypatch.setattr(slides, "build_decks", lambda root: [])
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"deploydl {args[0]}: ") and err.count("\n") == 1, err
    assert message in err


def _bug(*args, **kwargs):
    raise RuntimeError("a bug in the build, not Chromium")


@pytest.mark.parametrize(("args", "module", "builder"), [
    (["slides", "--pdf"], "deploydl.course.slides", "build_decks"),
    (["kit"], "deploydl.course.roomkit", "build_room_kit"),
])
def test_a_runtime_error_that_is_not_chromiums_keeps_its_traceback(empty_course, monkeypatch,
                                                                    capsys, args, module, builder):
    """A review's: a RuntimeError from building the decks or the kit (or its subclasses,
    NotImplementedError, RecursionError) got the advice for a PDF that Chromium could not
    print, and lost its traceback."""
    from deploydl.present import report

    monkeypatch.setattr(report, "find_chromium", lambda: "chromium")
    monkeypatch.setattr("deploydl.course.roomkit.write_pdf", _chromium_fails)
    monkeypatch.setattr("deploydl.course.slides.print_handouts", _chromium_fails)
    monkeypatch.setattr(f"{module}.{builder}", _bug)
    with pytest.raises(RuntimeError, match="a bug in the build"):
        main(args)
    assert "PDF" not in capsys.readouterr().err


def test_doctor_finds_the_course_folder_from_a_subfolder(root, monkeypatch):
    """As `progress` and `labs` do: doctor run in notebooks/ checks the course above it."""
    seen = []
    monkeypatch.setattr("deploydl.course.doctor.doctor",
                        lambda folder: seen.append(folder) or (True, "ok"))
    monkeypatch.chdir(root / "notebooks")
    assert main(["doctor"]) == 0
    assert main(["doctor", "--root", str(root / "solutions")]) == 0
    assert seen == [root, root]


def test_output_a_windows_code_page_cannot_encode_becomes_utf8_or_replaced(monkeypatch):
    """cp1252 (Windows' pipes and files) cannot encode ✓: a file gets UTF-8, a terminal '?'."""
    import io

    from deploydl.cli import _setup_output

    class Terminal(io.TextIOWrapper):
        def isatty(self):
            return True

    piped, terminal = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(piped, encoding="cp1252"))
    monkeypatch.setattr("sys.stderr", Terminal(terminal, encoding="cp1252"))
    _setup_output()
    import sys

    print("\u2713 done", flush=True)
    print("\u2713 done", file=sys.stderr, flush=True)
    assert piped.getvalue() == "\u2713 done\n".encode()
    assert terminal.getvalue() == b"? done\n"


@pytest.mark.slow
def test_a_markdown_grade_report_survives_a_cp1252_pipe(tmp_path):
    """`deploydl grade --format markdown > report.md` on Windows: the ✅/❌/⏳ marks arrive in
    UTF-8, and the exit code is the grade's (1: an exercise failed), not a crash's."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from deploydl.exercises import grading\n"
        "from deploydl.exercises.core import FAILED, NOT_ATTEMPTED, PASSED, Result\n"
        "grading.grade_lab = lambda path, timeout: grading.LabGrade(str(path), (\n"
        "    Result('00.1', 'a', PASSED, 'ok'), Result('00.2', 'b', FAILED, 'no'),\n"
        "    Result('00.3', 'c', NOT_ATTEMPTED, 'todo')))\n"
        "from deploydl.cli import main\n"
        "sys.exit(main(['grade', '--format', 'markdown', 'lab.ipynb']))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONIOENCODING": "cp1252"}, timeout=120)
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    report = done.stdout.decode("utf-8")
    assert "\u2705 passed" in report and "\u274c failed" in report and "\u23f3" in report


def test_a_reader_that_stops_early_ends_the_command_quietly_with_exit_1():
    """`deploydl demo | head -1`: the rest of the output has nowhere to go. The command stops
    with Python's exit status for a broken pipe (1) and no traceback on stderr."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from deploydl.cli import learner, main\n"
        "def chatty(args):\n"
        "    for i in range(100_000):\n"
        "        print('line', i)\n"
        "    return 0\n"
        "learner._doctor = chatty\n"
        "sys.exit(main(['doctor']))\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader leaves before the first line
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert errors == ""


def test_serve_log_gets_the_case_study_reference_once_and_a_given_one_replaces_it(tmp_path):
    """`deploydl serve --log` gives a new log the case-study model's 5,000 training applicants,
    so its drift check works; it keeps a reference the log already has; `--reference` replaces
    it with the given CSV's feature columns."""
    from deploydl.data import FEATURES, make_applicants
    from deploydl.monitoring import PredictionLog
    from deploydl.serving.server import _read_reference, store_reference

    log = PredictionLog(tmp_path / "predictions.sqlite")
    store_reference(log, None, case_study=True)
    assert list(log.reference().columns) == list(FEATURES) and len(log.reference()) == 5000
    make_applicants(40, seed=5).to_csv(tmp_path / "reference.csv", index=False)
    store_reference(log, None, case_study=True)  # kept
    assert len(log.reference()) == 5000
    store_reference(log, _read_reference(tmp_path / "reference.csv"), case_study=False)
    assert len(log.reference()) == 40 and list(log.reference().columns) == list(FEATURES)
    log.close()


def test_serve_log_of_another_model_without_a_reference_is_left_as_it_is(tmp_path):
    from deploydl.monitoring import PredictionLog
    from deploydl.serving.server import store_reference

    log = PredictionLog(tmp_path / "predictions.sqlite")
    store_reference(log, None, case_study=False)
    assert log.reference() is None
    log.close()


def _applicants_csv(path, **columns):
    from deploydl.data import make_applicants

    table = make_applicants(50, seed=5)
    for name, values in columns.items():
        table[name] = values
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("content, message", [
    (None, "no such file. Give the CSV of the applicants the model was trained on"),
    ("income,age\n1,2\n", "no column .*debt_ratio.* It needs one column per feature"),
    ("\x00\xff", "not a readable CSV|no column"),
    ({"income": "n/a"}, "column income has 50 missing value.*drop those rows or fill them"),
    ({"debt_ratio": ["unknown"] + [0.3] * 49},
     "column debt_ratio is not numeric .'unknown' on line 2.*write each value as a number"),
    ({"late_payments": [None] * 3 + [1] * 47}, "column late_payments has 3 missing value"),
    ({"loan_amount": [float("inf")] + [1e4] * 49}, "column loan_amount has 1 missing value"),
])
def test_a_reference_the_drift_check_cannot_use_is_refused_before_the_log_is_made(
        artifact_dir, tmp_path, content, message):
    """A reference whose feature columns are text or have gaps would give the drift check
    nothing to compare (a false all-clear): serve refuses it, naming the column, before
    it loads the model or makes the log."""
    from deploydl.serving.server import ServeError, serve

    reference = tmp_path / "reference.csv"
    if isinstance(content, dict):
        _applicants_csv(reference, **content)
    elif content is not None:
        reference.write_text(content, encoding="latin-1")
    with pytest.raises(ServeError, match=f"--reference {reference}: ({message})"):
        serve(artifact_dir, port=0, log_path=tmp_path / "p.sqlite", reference_path=reference)
    assert not (tmp_path / "p.sqlite").exists()


def test_a_reference_with_too_few_rows_is_refused(tmp_path):
    from deploydl.data import make_applicants
    from deploydl.serving.server import ServeError, _read_reference

    make_applicants(10, seed=5).to_csv(tmp_path / "reference.csv", index=False)
    with pytest.raises(ServeError, match="10 rows; the drift check needs at least 30"):
        _read_reference(tmp_path / "reference.csv")


def test_a_yes_no_column_written_true_false_is_read_as_one_and_zero(tmp_path):
    from deploydl.serving.server import _read_reference

    reference = _applicants_csv(tmp_path / "reference.csv", home_owner=[True, False] * 25)
    assert _read_reference(reference)["home_owner"].tolist() == [1, 0] * 25


def test_serve_refuses_a_reference_without_a_log(artifact_dir, tmp_path, capsys):
    reference = _applicants_csv(tmp_path / "reference.csv")
    assert main(["serve", "--model", str(artifact_dir), "--port", "0",
                 "--reference", str(reference)]) == 1
    assert "deploydl serve: --reference needs --log PATH" in capsys.readouterr().err


def test_a_refused_model_leaves_no_log_and_no_reference(artifact_dir, tmp_path):
    """The reference is stored only once the model has passed its checks: a serve refused
    for the wrong weights makes no log file."""
    from deploydl.serving.server import ServeError, Trust, serve

    reference = _applicants_csv(tmp_path / "reference.csv")
    with pytest.raises(ServeError, match="Refusing to start"):
        serve(artifact_dir, port=0, log_path=tmp_path / "p.sqlite", reference_path=reference,
              trust=Trust(expect_sha256="0" * 64))
    assert not (tmp_path / "p.sqlite").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_the_reference_is_in_the_log_before_it_serves_or_starts_workers(
        artifact_dir, tmp_path, monkeypatch, workers):
    """The parent stores the reference once, through its own open log, before its server or
    any worker process opens the log."""
    from deploydl.monitoring import PredictionLog
    from deploydl.serving import server

    seen = []

    def reference_rows(*args, **kwargs):
        log = PredictionLog(tmp_path / "p.sqlite")
        seen.append(len(log.reference()))
        log.close()
        raise KeyboardInterrupt  # serve() then stops as after Ctrl-C

    monkeypatch.setattr(server, "_serve_workers", reference_rows)
    monkeypatch.setattr(server.uvicorn.Server, "run", reference_rows)
    monkeypatch.setattr(server, "freeze_start_up_objects", lambda: None)
    reference = _applicants_csv(tmp_path / "reference.csv")
    server.serve(artifact_dir, port=0, log_path=tmp_path / "p.sqlite",
                 reference_path=reference, workers=workers)
    assert seen == [50]
