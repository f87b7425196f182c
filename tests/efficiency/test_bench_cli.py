"""`deploydl bench` checks its tools before it trains or starts anything (Module 05)."""

from __future__ import annotations

import importlib.util
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
