"""``deploydl doctor``: the setup check learners run the day before a workshop (Module 00)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Import name of every package the notebooks use, directly or through the course's modules
#: (tests/course/test_notebook_imports.py keeps it complete): ONNX Runtime in Module 05, with
#: the onnx its int8 quantiser imports, and kubernetes_validate in Module 04 among them.
REQUIRED_IMPORTS = ("jupyterlab", "ipywidgets", "ipykernel", "nbclient", "nbformat", "torch",
                    "sklearn", "numpy", "pandas", "scipy", "matplotlib", "fastapi",
                    "fastapi_offline", "uvicorn", "httpx", "urllib3", "orjson", "pydantic",
                    "pydantic_settings", "safetensors", "prometheus_client", "tqdm", "pandera",
                    "yaml", "onnx", "onnxruntime", "kubernetes_validate")


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
        ("course folders", _folders(root)),
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
