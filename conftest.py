"""Notebook time budgets (a contract in DESIGN.md), enforced on every nbval run.

Each notebook must execute in 30 s or less on a 2-core CPU (a lesson may state another budget
in its metadata, ``"deploydl": {"time_budget_s": 45}``), and the whole suite in 6 minutes.
Timings are also written to ``test-artifacts/notebook_timings.json`` for the record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

DEFAULT_BUDGET_S = 30.0
SUITE_BUDGET_S = 360.0
_durations: dict[str, float] = defaultdict(float)


def _budget(notebook: str) -> float:
    import nbformat

    meta = nbformat.read(notebook, as_version=4).metadata.get("deploydl", {})
    return float(meta.get("time_budget_s", DEFAULT_BUDGET_S))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _durations:
        return
    over = {nb: s for nb, s in _durations.items() if s > _budget(nb)}
    total = sum(_durations.values())
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    report = {"seconds": dict(sorted(_durations.items())), "total_seconds": round(total, 1)}
    (out / "notebook_timings.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    for nb, seconds in over.items():
        terminal.write_line(f"TIME BUDGET: {nb} took {seconds:.1f} s; its budget is "
                            f"{_budget(nb):.0f} s. Make it faster (smaller data, fewer epochs).",
                            red=True)
    if total > SUITE_BUDGET_S:
        terminal.write_line(f"TIME BUDGET: the notebooks took {total:.0f} s together; the "
                            f"suite's budget is {SUITE_BUDGET_S:.0f} s.", red=True)
    if (over or total > SUITE_BUDGET_S) and session.exitstatus == 0:
        session.exitstatus = 1
