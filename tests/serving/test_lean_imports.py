"""Start-up (Module 05): a serving process imports only what serving needs.

The import graph is read from the source (module-level imports only; an import inside a
function runs when it is called), so the test takes milliseconds and fails as soon as a
module on the serving path imports pandas, scikit-learn, matplotlib or SciPy at the top.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import deploydl

PACKAGE = Path(deploydl.__file__).parent
HEAVY = {"pandas", "sklearn", "matplotlib", "scipy", "pandera", "IPython", "ipywidgets"}
#: What a benchmark or digits server process imports to serve the CNN.
SERVING = ("deploydl.efficiency.bench_servers", "deploydl.serving.digits",
           "deploydl.serving.guard", "deploydl.models.vision")
#: What `deploydl serve` imports to serve the loan model.
LOAN_SERVING = ("deploydl.serving.server", "deploydl.cli")


def _source(module: str) -> Path | None:
    parts = module.split(".")[1:]
    for path in (PACKAGE.joinpath(*parts).with_suffix(".py"),
                 PACKAGE.joinpath(*parts, "__init__.py")):
        if path.exists():
            return path
    return None


def _top_level_imports(module: str) -> set[str]:
    path = _source(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in tree.body:  # module level only; `if TYPE_CHECKING:` blocks never run
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names
                      if _source(f"{base}.{alias.name}") and base.startswith("deploydl")}
    return found


def imported_by(roots: tuple[str, ...]) -> dict[str, str]:
    """Every module reached from ``roots`` by module-level imports: {module: who imports it}."""
    seen: dict[str, str] = {}
    todo = [(root, "(start)") for root in roots]
    while todo:
        module, parent = todo.pop()
        if module in seen:
            continue
        seen[module] = parent
        if not module.startswith("deploydl"):
            continue
        parts = module.split(".")
        todo += [(".".join(parts[:i]), module) for i in range(1, len(parts))]  # its packages
        if _source(module):
            todo += [(name, module) for name in _top_level_imports(module)]
    return seen


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


@pytest.mark.slow
def test_a_real_server_import_loads_none_of_them():
    import subprocess

    code = ("import sys, deploydl.efficiency.bench_servers, deploydl.serving.digits\n"
            f"print(sorted(set({sorted(HEAVY)!r}) & {{m.split('.')[0] for m in sys.modules}}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == "[]"
