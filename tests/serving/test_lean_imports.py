"""Start-up (Module 05): a serving process imports only what serving needs.

The import graph is read from the source (imports that run at import time only; an import
inside a function runs when it is called), so the test takes milliseconds and fails as soon as a
module on the serving path imports pandas, scikit-learn, matplotlib or SciPy at the top.
"""

from __future__ import annotations

import ast
import sys

import pytest
from import_graph import imported, reached

HEAVY = {"pandas", "sklearn", "matplotlib", "scipy", "pandera", "IPython", "ipywidgets"}
#: What a benchmark or digits server process imports to serve the CNN.
SERVING = ("deploydl.efficiency.bench_servers", "deploydl.serving.digits",
           "deploydl.serving.guard", "deploydl.models.vision")
#: What `deploydl serve` imports to serve the loan model.
LOAN_SERVING = ("deploydl.serving.server", "deploydl.cli")


def imported_by(roots: tuple[str, ...]) -> dict[str, str]:
    """Every module reached from ``roots`` by imports that run at import time (none inside a
    function: it imports when it is called): {module: who imports it}."""
    return reached(roots, at_import=True)


def test_the_serving_path_imports_no_heavy_library():
    reached = imported_by(SERVING)
    heavy = {name: by for name, by in reached.items() if name.split(".")[0] in HEAVY}
    assert not heavy, f"imported at start-up of a server (module: imported by): {heavy}"


def test_the_loan_service_imports_no_statistics_or_plotting_library():
    """`deploydl serve` needs pandas (the applicant features, the prediction log), not the
    drift tests' SciPy or the health checks' scikit-learn (measured: about 0.9 s of start-up,
    paid by every test that starts the service)."""
    reached = imported_by(LOAN_SERVING)
    heavy = {name: by for name, by in reached.items()
             if name.split(".")[0] in HEAVY - {"pandas"}}
    assert not heavy, f"imported at start-up of `deploydl serve` (module: imported by): {heavy}"


def test_the_check_sees_a_heavy_import_through_a_package():
    reached = imported_by(("deploydl.monitoring.drift",))
    assert any(name.split(".")[0] in HEAVY for name in reached)  # scipy, pandas: it can fail


def test_the_check_counts_what_runs_at_import_and_not_what_a_function_imports():
    tree = ast.parse("import a\nif sys.platform == 'linux':\n    import b\n"
                     "try:\n    import c\nexcept ImportError:\n    c = None\n"
                     "class K:\n    import d\n"
                     "def f():\n    import e\n"
                     "if TYPE_CHECKING:\n    import g\n")
    assert imported(tree, at_import=True) == {"a", "b", "c", "d"}


@pytest.mark.slow
def test_a_real_server_import_loads_none_of_them():
    import subprocess

    code = ("import sys, deploydl.efficiency.bench_servers, deploydl.serving.digits\n"
            f"print(sorted(set({sorted(HEAVY)!r}) & {{m.split('.')[0] for m in sys.modules}}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == "[]"
