"""`deploydl bench` says what is missing before it starts, and how to install it."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from deploydl.efficiency import bench_tools


def test_each_missing_tool_gets_a_line_that_says_how_to_install_it(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(bench_tools.importlib.util, "find_spec", lambda name: (
        None if name == "onnxruntime" else real_find_spec(name)))
    monkeypatch.setattr(bench_tools.shutil, "which", lambda name: None)

    missing = bench_tools.missing_bench_tools()

    assert len(missing) == 2, missing
    assert "`onnxruntime`" in missing[0] and '".[bench]"' in missing[0]
    assert "`hey`" in missing[1] and "apt-get install hey" in missing[1]


def test_nothing_is_missing_here_when_the_bench_extra_and_hey_are_installed():
    if shutil.which("hey") is None:
        pytest.skip("hey is not installed here (.ci/run installs it)")
    assert bench_tools.missing_bench_tools() == []
