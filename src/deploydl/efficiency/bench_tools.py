"""What ``deploydl bench`` needs before it starts (Module 05), checked up front.

The benchmark trains a model and starts servers before it sends a single request, so a
missing tool must be found first, not as a traceback a minute later.
"""

from __future__ import annotations

import importlib.util
import shutil

#: Python packages of the ``bench`` extra: (import name, why the benchmark needs it).
BENCH_PACKAGES = {"litserve": "the LitServe server it compares against",
                  "psutil": "each server's memory (RSS)",
                  "onnxruntime": "the ONNX Runtime server and its int8 rows"}
INSTALL_EXTRA = ('python -m pip install -e ".[bench]"   (inside the course folder, with .venv '
                 "active or as .venv/bin/python -m pip ...)")
INSTALL_HEY = ("Debian/Ubuntu: sudo apt-get install hey; macOS: brew install hey; Windows or "
               "elsewhere: go install github.com/rakyll/hey@latest (needs Go), then put it on PATH")


def missing_bench_tools() -> list[str]:
    """One line per missing tool, each saying how to install it; empty when all are there.

    Imports nothing heavy, so ``deploydl bench`` can call it before loading the benchmark
    (which itself imports psutil).
    """
    missing = [f"the Python package `{name}` ({why}) is not installed: {INSTALL_EXTRA}"
               for name, why in BENCH_PACKAGES.items() if importlib.util.find_spec(name) is None]
    if shutil.which("hey") is None:
        missing.append(f"the load generator `hey` is not on PATH: {INSTALL_HEY}")
    return missing
