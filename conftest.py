"""Project-wide pytest rules: notebook time budgets, no silent skips under CI, and no settings
from the shell.

**Time budgets** (a contract in DESIGN.md), enforced on every nbval run on the machine's own
CPU kernels: each notebook must execute in 30 s or less on a 2-core CPU (a lesson may state a
tighter budget in its metadata, ``"deploydl": {"time_budget_s": 20}``; a looser one counts as
30 s), and the whole suite in 6 minutes. A notebook at :data:`NEAR_BUDGET` (80%) of its
budget or more is named in the summary without failing. Timings are also written to
``test-artifacts/notebook_timings.json`` for the record (``lab_timings.json`` for a run of
``labs/`` alone, so the two stages do not overwrite each other).

Under perturbed kernels (``ATEN_CPU_CAPABILITY`` set: the portability pass, which emulates a
CPU without AVX2 or AVX-512, slower than any machine the contract means) the timings go to
``notebook_timings_perturbed.json`` and over-budget notebooks are reported, not failed: that
pass proves the stored outputs, the native pass proves the budgets.

**No silent skips:** under ``CI=true`` a skipped test fails, unless its node id starts with an
entry of ``tests/ci_skip_allowlist.txt``, which says why that skip is expected.

**No settings from the shell:** the course's settings come from ``DEPLOYDL_*`` variables
(:mod:`deploydl.settings`). One left in the shell that runs the tests, such as an API key
exported for a workshop's service, would change every service under test and every notebook's
kernel, so a run clears them at the start (:func:`deploydl.settings.without_settings`, as
``deploydl refresh`` does for the outputs it stores); the tests set what they need. The test
run's own switches (``DEPLOYDL_CHECKOV``, ``DEPLOYDL_REQUIRE_BROWSER`` and the like) are not
settings and stay.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

DEFAULT_BUDGET_S = 30.0
SUITE_BUDGET_S = 360.0
#: A notebook that takes this share of its budget or more is named in the native run's summary
#: while it still passes, so a lesson creeping towards its budget is seen before it fails.
NEAR_BUDGET = 0.8
ALLOWLIST = Path(__file__).parent / "tests" / "ci_skip_allowlist.txt"
_durations: dict[str, float] = defaultdict(float)
_cell_durations: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))


def pytest_configure(config: pytest.Config) -> None:
    from deploydl.settings import without_settings

    kept = without_settings(os.environ)
    for name in set(os.environ) - set(kept):
        del os.environ[name]


def _budget(notebook: str) -> float:
    import nbformat

    meta = nbformat.read(notebook, as_version=4).metadata.get("deploydl", {})
    return min(float(meta.get("time_budget_s", DEFAULT_BUDGET_S)), DEFAULT_BUDGET_S)


def allowed_skips(path: Path = ALLOWLIST) -> dict[str, str]:
    """Node-id prefixes that may skip under CI, each with its reason (``prefix  # reason``)."""
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        prefix, _, reason = line.partition("#")
        if prefix.strip():
            entries[prefix.strip()] = reason.strip()
    return entries


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and os.environ.get("CI") == "true"):
        return
    if hasattr(report, "wasxfail") or any(report.nodeid.startswith(p) for p in allowed_skips()):
        return
    reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    report.longrepr = (f"Skipped under CI=true: {reason}\nUnder CI every test must run. Fix what "
                       f"made it skip, or add its node id to {ALLOWLIST.name} with the reason.")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration
        _cell_durations[path][report.nodeid.partition("::")[2]] += report.duration


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _durations or hasattr(session.config, "workerinput"):
        return  # with pytest-xdist, the controller sees every report and judges the budgets
    over = {nb: s for nb, s in _durations.items() if s > _budget(nb)}
    total = sum(_durations.values())
    perturbed = bool(os.environ.get("ATEN_CPU_CAPABILITY"))
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    report = {"seconds": dict(sorted(_durations.items())), "total_seconds": round(total, 1)}
    kind = "lab" if all(nb.startswith("labs/") for nb in _durations) else "notebook"
    name = f"{kind}_timings{'_perturbed' if perturbed else ''}.json"
    (out / name).write_text(json.dumps(report, indent=2), encoding="utf-8")
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    lead = "Perturbed kernels, for the record only" if perturbed else "TIME BUDGET"
    for nb, seconds in over.items():
        terminal.write_line(f"{lead}: {nb} took {seconds:.1f} s; its budget is "
                            f"{_budget(nb):.0f} s. Make it faster (smaller data, fewer epochs). "
                            f"Slowest: {_slowest_cells(nb)} (Cell 0 includes starting the kernel).",
                            red=not perturbed)
    if not perturbed:
        for nb, seconds in near_budget(_durations).items():
            terminal.write_line(f"Near its time budget: {nb} took {seconds:.1f} s of its "
                                f"{_budget(nb):.0f} s. Slowest: {_slowest_cells(nb)} (Cell 0 "
                                "includes starting the kernel).",
                                yellow=True)
    if total > SUITE_BUDGET_S:
        terminal.write_line(f"{lead}: the notebooks took {total:.0f} s together; the "
                            f"suite's budget is {SUITE_BUDGET_S:.0f} s.", red=not perturbed)
    if (over or total > SUITE_BUDGET_S) and not perturbed and session.exitstatus == 0:
        session.exitstatus = 1


def near_budget(durations: dict[str, float]) -> dict[str, float]:
    """The notebooks of ``durations`` (seconds by path) that took :data:`NEAR_BUDGET` of their
    budget or more without going over it."""
    return {nb: s for nb, s in durations.items() if NEAR_BUDGET * _budget(nb) <= s <= _budget(nb)}


def _slowest_cells(notebook: str, count: int = 4) -> str:
    """The notebook's slowest cells with their seconds, to tell one stalled cell (a wait on
    something) from a machine that was slow throughout (every cell slower than usual)."""
    cells = sorted(_cell_durations[notebook].items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cells)
