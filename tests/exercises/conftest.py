"""Each exercise test starts from a kernel that has seen no attempt yet."""

import pytest

from deploydl.exercises import core, grading


@pytest.fixture(autouse=True)
def fresh_attempts(monkeypatch):
    """The wrong-attempt counter (which hint comes next) is module-wide, as in a kernel: a
    fresh one per test, so no test's hints depend on which tests ran before it."""
    monkeypatch.setattr(core, "_attempts", core._Attempts())


@pytest.fixture
def fresh_checks():
    """Call a function with fresh copies of the checks' modules, by name, loaded by the code
    the grader's cell runs (``grading.FRESH_CHECKS``): each stands in ``sys.modules`` while the
    function runs, and the lab's are put back after."""
    namespace: dict = {}
    exec(grading.FRESH_CHECKS, namespace)  # noqa: S102 - the grader's own loader's text
    return lambda use: namespace["_deploydl_fresh_checks"](grading.check_files(), use)


@pytest.fixture
def regrade(fresh_checks):
    """What the grader's cell does after a lab cell, for ``module``'s exercises ("00"): the
    answers the lab's ``core`` kept, checked again by fresh copies of the checks."""
    return lambda module: fresh_checks(
        lambda fresh: fresh["deploydl.exercises.core"].regraded(core, fresh, module))
