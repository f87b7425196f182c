"""``deploydl doctor``: the setup check learners run the day before a workshop (Module 00)."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deploydl.course.scratch import PARENT as SCRATCH_PARENT

#: Import name of every package the notebooks use, directly or through the course's modules
#: (tests/course/test_notebook_imports.py keeps it complete): ONNX Runtime in Module 05, with
#: the onnx its int8 quantiser imports, and kubernetes_validate in Module 04 among them.
REQUIRED_IMPORTS = ("jupyterlab", "ipywidgets", "ipykernel", "nbclient", "nbformat", "torch",
                    "sklearn", "numpy", "pandas", "scipy", "matplotlib", "fastapi",
                    "fastapi_offline", "uvicorn", "httpx", "urllib3", "orjson", "pydantic",
                    "pydantic_settings", "safetensors", "prometheus_client", "tqdm", "pandera",
                    "yaml", "onnx", "onnxruntime", "kubernetes_validate", "psutil")

#: The memory the course needs free, in MiB: the largest lesson and its lab open side by side
#: (lesson 04, 767 MiB, and its lab, 678 MiB, each with the model service it starts) plus an
#: idle JupyterLab server (167 MiB). Peak RSS measured by benchmarks/notebook_resources.py:
#: benchmarks/results/notebook_resources.json (lessons, server) and
#: notebook_resources_labs.json (labs); tests/course/test_doctor.py keeps it in step with them.
MEMORY_NEED_MIB = 767 + 678 + 167

#: Bytes in a GB as the doctor prints it: decimal, as in the README's "8 GB of memory".
GB = 1000**3

#: The free disk the course wants where it writes, in bytes. The lessons' own writes are small:
#: their scratch folders (course/scratch.py) peaked at about 6.5 MB over all lessons and solved
#: labs (measured on 5 December 2026). 1 GB is a safety margin, so JupyterLab can still save
#: notebooks and their checkpoints.
DISK_NEED = 1 * GB


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _python() -> str:
    version = ".".join(map(str, sys.version_info[:3]))
    return version


def _imports() -> str:
    from deploydl.efficiency import quiet_onnxruntime

    quiet_onnxruntime()  # as the course loads ONNX Runtime: with its usage telemetry off
    missing = []
    for name in REQUIRED_IMPORTS:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - any import failure is the finding
            missing.append(f"{name} ({type(exc).__name__}: {str(exc)[:200]})")
    if missing:
        raise RuntimeError(f"cannot import {', '.join(missing)}; run `make lab` again.")
    return f"{len(REQUIRED_IMPORTS)} packages import"


def _torch_forward() -> str:
    import torch

    layer = torch.nn.Linear(8, 1)
    with torch.inference_mode():
        out = layer(torch.ones(4, 8))
    if out.shape != (4, 1):
        raise RuntimeError(f"unexpected output shape {tuple(out.shape)}")
    return f"torch {torch.__version__}, forward pass OK on CPU"


def _loopback_port() -> str:
    from deploydl.serving.process import free_port

    return f"127.0.0.1:{free_port()} is free for the course's servers"


def _kernel() -> str:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=15,
                                       stderr=subprocess.DEVNULL)
    try:
        reply = client.execute_interactive("1 + 1", timeout=10, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError("the python3 kernel could not run code")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return "python3 kernel starts and runs code"


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / GB:.1f} GB"


def _memory() -> str:
    import psutil  # here, so a laptop without it still gets the other rows

    memory = psutil.virtual_memory()
    need = MEMORY_NEED_MIB * 1024**2
    if memory.available < need:
        raise RuntimeError(
            f"{_gb(memory.available)} of memory free, the course needs {_gb(need)} (a lesson "
            "and its lab open, and JupyterLab); close other programs and browser tabs, run "
            "doctor again, and on the day close each notebook when you finish it.")
    return (f"{_gb(memory.available)} free of {_gb(memory.total)}, the course needs "
            f"{_gb(need)} (1 GB = 10^9 bytes)")


def _disk(root: Path) -> Callable[[], str]:
    def check() -> str:
        # The lessons' scratch folders go under the system's temporary folder (which holds
        # SCRATCH_PARENT, perhaps not made yet); notebooks are saved in the course folder.
        free = {place: shutil.disk_usage(place).free for place in (root, SCRATCH_PARENT.parent)}
        found = [f"{_gb(space)} free in {place}" for place, space in free.items()]
        if min(free.values()) < DISK_NEED:
            raise RuntimeError(
                f"{', '.join(found)}; the course needs {_gb(DISK_NEED)} free in each (it "
                "writes to the course folder and the system's temporary folder): delete or "
                "move files there, then run doctor again.")
        return ", ".join(found)
    return check


def _folders(root: Path) -> Callable[[], str]:
    def check() -> str:
        missing = [f for f in ("notebooks", "solutions", "labs") if not (root / f).is_dir()]
        if missing:
            raise RuntimeError(f"missing {missing} in {root}; run doctor inside the course folder.")
        count = len(list((root / "notebooks").glob("*.ipynb")))
        return f"{count} lessons in {root / 'notebooks'}"
    return check


def run_checks(root: Path) -> list[Check]:
    """Run every setup check; a failing check never stops the others."""
    steps: list[tuple[str, Callable[[], str]]] = [
        ("python", _python), ("packages", _imports), ("torch", _torch_forward),
        ("loopback port", _loopback_port), ("jupyter kernel", _kernel),
        ("course folders", _folders(root)), ("memory", _memory), ("disk", _disk(root)),
    ]
    results = []
    for name, step in steps:
        try:
            results.append(Check(name, True, step()))
        except Exception as exc:  # noqa: BLE001 - reported as a FAIL row
            results.append(Check(name, False, str(exc)))
    return results


def format_table(checks: list[Check], seconds: float) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"{'OK  ' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.detail}" for c in checks]
    failed = sum(not c.ok for c in checks)
    verdict = "All checks passed: you are ready for the workshop." if not failed else (
        f"{failed} check(s) failed: fix them (see each FAIL line) before the workshop.")
    return "\n".join(["deploydl doctor", *lines, f"{verdict} ({seconds:.1f} s)"])


def doctor(root: Path) -> tuple[bool, str]:
    """Run the checks; return whether all passed and the printable table."""
    started = time.perf_counter()
    checks = run_checks(root)
    return all(c.ok for c in checks), format_table(checks, time.perf_counter() - started)
