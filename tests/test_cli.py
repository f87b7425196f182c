"""`deploydl` on bad input: every message says what to do; what could be done is done."""

import json

import pytest

from deploydl.cli import main


@pytest.mark.slow
def test_grade_reports_every_readable_lab_before_the_unreadable_ones(root, tmp_path, capsys):
    lab = root / "labs/00_welcome_lab.ipynb"
    missing, folder = tmp_path / "02_nope_lab.ipynb", tmp_path / "labs"
    folder.mkdir()
    assert main(["grade", "--json", str(lab), str(missing), str(folder)]) == 2
    out = capsys.readouterr()
    assert [g["path"] for g in json.loads(out.out)] == [str(lab)]
    assert f"{missing}: no such file" in out.err and f"{folder}: is a folder" in out.err
    assert "module number" not in out.err and "Traceback" not in out.err


def test_grade_a_missing_file_says_so_not_how_labs_are_named(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "missing.ipynb: no such file" in err and "module number" not in err


def test_read_notebook_turns_a_folder_into_notebook_unreadable(tmp_path):
    from deploydl.course.runner import NotebookUnreadable, read_notebook

    with pytest.raises(NotebookUnreadable, match="is a folder"):
        read_notebook(tmp_path)


@pytest.mark.parametrize("args, message", [
    (["--port", "70000"], "'70000' is not a port: give 0 to 65535"),
    (["--port", "-1"], "'-1' is not a port"),
    (["--workers", "0"], "'0' is not a number of worker processes: give 1 or more"),
    (["--workers", "-2"], "'-2' is not a number of worker processes"),
])
def test_serve_refuses_a_port_or_worker_count_out_of_range(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", *args])
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
    assert mine.read_text() == "mine"


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
