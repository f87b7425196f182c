"""Each exercise test starts from a kernel that has seen no attempt yet."""

import pytest

from deploydl.exercises import core


@pytest.fixture(autouse=True)
def fresh_attempts(monkeypatch):
    """The wrong-attempt counter (which hint comes next) is module-wide, as in a kernel: a
    fresh one per test, so no test's hints depend on which tests ran before it."""
    monkeypatch.setattr(core, "_attempts", core._Attempts())
