"""`deploydl bench` checks its tools before it trains or starts anything (Module 05)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess

import pytest

from deploydl.cli import build_parser, main


def test_missing_tools_stop_bench_at_once_with_how_to_install_each(monkeypatch, capsys):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "litserve" else real_find_spec(name, *a))
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)

    def must_not_run(*args, **kwargs):
        raise AssertionError("bench started work although a tool was missing")

    monkeypatch.setattr("deploydl.efficiency.bench.run_bench", must_not_run)
    assert main(["bench", "--quick"]) == 1
    err = capsys.readouterr().err
    assert "`litserve`" in err and 'pip install -e ".[bench]"' in err
    assert "`hey` is not on PATH" in err and "apt-get install hey" in err
    assert "`psutil`" not in err


def test_quick_results_go_to_a_folder_git_ignores(root):
    args = build_parser().parse_args(["bench", "--quick"])
    assert args.out is None  # the CLI picks benchmarks/results/quick for --quick
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", "benchmarks/results/quick/serving.json"],
                             cwd=root, check=False)
    tracked = subprocess.run(["git", "ls-files", "benchmarks/results/quick"], cwd=root,
                             capture_output=True, text=True, check=True).stdout
    assert ignored.returncode == 0 and tracked == ""


@pytest.fixture
def bench_must_not_run(monkeypatch, tmp_path):
    """Every tool found, and a benchmark that fails the test if it starts."""
    def must_not_run(*args, **kwargs):
        raise AssertionError("bench started measuring although --out cannot hold its results")

    monkeypatch.setattr("deploydl.efficiency.bench_tools.missing_bench_tools", lambda: [])
    monkeypatch.setattr("deploydl.efficiency.bench.run_bench", must_not_run)
    monkeypatch.setenv("DEPLOYDL_HOME", str(tmp_path / "home"))


def test_an_out_that_is_a_file_is_refused_before_the_benchmark(bench_must_not_run, tmp_path,
                                                               capsys):
    out = tmp_path / "results.json"
    out.write_text("kept")
    assert main(["bench", "--quick", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"deploydl bench: {out} is a file; give a folder for the results "
                          "with --out (a new one, or one that exists: bench writes "
                          "serving.json, serving.md and serving.png in it). Nothing was "
                          "measured.")
    assert out.read_text() == "kept"


def test_an_out_under_a_file_is_refused_before_the_benchmark(bench_must_not_run, tmp_path,
                                                             capsys):
    file = tmp_path / "notes.txt"
    file.write_text("kept")
    assert main(["bench", "--out", str(file / "results")]) == 1
    err = capsys.readouterr().err
    assert f"{file} is a file, so the folder {file / 'results'} cannot be created in it; " \
           "give a folder for the results with --out" in err
    assert "Traceback" not in err and file.read_text() == "kept"


def test_an_out_folder_that_cannot_be_written_is_refused_before_the_benchmark(
        bench_must_not_run, monkeypatch, tmp_path, capsys):
    import errno
    import tempfile

    def denied(*args, **kwargs):  # a read-only folder (chmod is no test as root)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "TemporaryFile", denied)
    out = tmp_path / "results"
    assert main(["bench", "--out", str(out)]) == 1
    assert f"cannot write the results in {out}: {os.strerror(errno.EACCES)}; give a folder " \
           "you can write to with --out. Nothing was measured." in capsys.readouterr().err


def test_an_out_folder_that_exists_with_files_is_used(bench_must_not_run, monkeypatch,
                                                      tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "serving.json").write_text("{}")  # an earlier run's results: replaced, as before

    class Measured(Exception):
        pass

    def measured(*args, **kwargs):
        raise Measured

    monkeypatch.setattr("deploydl.efficiency.bench.run_bench", measured)
    with pytest.raises(Measured):  # got as far as measuring
        main(["bench", "--quick", "--out", str(out)])
