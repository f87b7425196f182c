"""The CI rules in the root conftest.py: a skip fails under CI=true unless it is allow-listed."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[1]

SKIPPING = """
import pytest

def test_needs_a_tool():
    pytest.skip("the tool is not installed")

def test_windows_only():
    pytest.skip("POSIX only")
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest((ROOT / "conftest.py").read_text(encoding="utf-8"))
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "ci_skip_allowlist.txt").write_text(
        "# comment lines are ignored\n"
        "test_skips.py::test_windows_only  # SIGTERM is POSIX; skips on Windows only\n")
    pytester.makepyfile(test_skips=SKIPPING)
    return pytester


def test_under_ci_an_unlisted_skip_fails_and_says_what_to_do(project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = project.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*Skipped under CI=true*the tool is not installed*",
                                 "*ci_skip_allowlist.txt*"])


def test_outside_ci_skips_stay_skips(project, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    project.runpytest_subprocess("-p", "no:randomly").assert_outcomes(skipped=2)


def test_every_allow_list_entry_says_why():
    lines = (ROOT / "tests" / "ci_skip_allowlist.txt").read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line.strip() and not line.startswith("#")]
    assert entries, "an empty allow-list needs no file; remove it from conftest.py instead"
    for line in entries:
        node, _, reason = line.partition("#")
        assert node.strip().startswith("tests/") and reason.strip(), line


def test_a_server_thread_left_running_fails_the_session(pytester):
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_leak="""
import threading, time

def test_starts_a_server_and_forgets_it():
    threading.Thread(target=time.sleep, args=(30,), name="deploydl-server", daemon=True).start()
""")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*Left running after the tests: threads*deploydl-server*"])
