"""`make test-room` fails, not skips, when the browser is missing: its nine tests skipped would
exit 0, and an instructor checking the room the day before would read that as a pass."""

from __future__ import annotations

import shutil
import subprocess

import browser
import pytest

from deploydl.present.report import chromium_advice


def test_make_test_room_requires_the_browser(root):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", "/nowhere/.installed-test", "test-room",
         "VENV=/nowhere"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert f"{browser.REQUIRE_BROWSER}=1 /nowhere/bin/python -m pytest" in dry_run, dry_run


def _without_chromium(monkeypatch) -> BaseException:
    """What a browser test meets outside CI on a machine without Chromium: a skip or a failure."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DEPLOYDL_CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "CHROMIUM", None)
    with pytest.raises((pytest.fail.Exception, pytest.skip.Exception)) as outcome:
        browser.needs_chromium()
    return outcome.value


def test_in_the_room_check_a_missing_browser_fails_and_says_what_to_install(monkeypatch):
    monkeypatch.setenv(browser.REQUIRE_BROWSER, "1")
    outcome = _without_chromium(monkeypatch)
    assert isinstance(outcome, pytest.fail.Exception), f"not a failure: {outcome!r}"
    assert f"Chromium is not installed ({chromium_advice()})" in str(outcome)
    assert "fix that first, then run make test-room again" in str(outcome)


def test_elsewhere_a_missing_browser_still_skips(monkeypatch):
    monkeypatch.delenv(browser.REQUIRE_BROWSER, raising=False)
    assert isinstance(_without_chromium(monkeypatch), pytest.skip.Exception)
