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

#: The memory, in MiB, of the largest lesson and its lab open side by side (lesson 04, 922
#: MiB, and its lab, 836 MiB, each with the model service it starts), and of an idle
#: JupyterLab server (167 MiB). Peak RSS measured by benchmarks/notebook_resources.py on three
#: CPUs, the largest of the three for each: benchmarks/results/notebook_resources*.json (the
#: lesson and lab reached theirs on the Intel Xeon, the server on an AMD EPYC);
#: tests/course/test_doctor.py keeps them in step with those files.
LESSON_AND_LAB_MIB = 922 + 836
JUPYTERLAB_MIB = 167
#: The memory the course needs free, in MiB, when JupyterLab is not running yet.
MEMORY_NEED_MIB = LESSON_AND_LAB_MIB + JUPYTERLAB_MIB

#: Bytes in a GB as the doctor prints it: decimal, as in the README's "8 GB of memory".
GB = 1000**3

#: The free disk the course wants where it writes, in bytes. The lessons' own writes are small:
#: their scratch folders (course/scratch.py) peaked at about 6.5 MB over all lessons and solved
#: labs (measured on 5 December 2026). 1 GB is a safety margin, so JupyterLab can still save
#: notebooks and their checkpoints.
DISK_NEED = 1 * GB

#: Where Linux shows the memory limits of the container (pod, Binder session) the doctor runs
#: in; tests point it at a fake folder.
CGROUP = Path("/sys/fs/cgroup")

#: cgroup v1 writes "no limit" as a huge number (about 2**63 rounded down to a page); any limit
#: above this is taken as none.
CGROUP_V1_NO_LIMIT = 2**60


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

    try:
        port = free_port()
    except OSError as exc:
        raise RuntimeError(
            f"cannot open a port on 127.0.0.1 ({exc.strerror or exc}); the lessons' servers "
            "listen there: allow local connections in the firewall or security software, "
            "then run doctor again.") from exc
    return f"127.0.0.1:{port} is free for the course's servers"


def _kernel() -> str:
    from jupyter_client.manager import start_new_kernel

    advice = ("reinstall the kernel into the course's .venv: `.venv/bin/python -m pip install "
              "--force-reinstall --no-deps ipykernel` (on Windows `.venv\\Scripts\\python`), "
              "then run doctor again.")
    try:
        manager, client = start_new_kernel(kernel_name="python3", startup_timeout=15,
                                           stderr=subprocess.DEVNULL)
    except Exception as exc:  # noqa: BLE001 - a missing kernel, a timeout: each the finding
        raise RuntimeError(f"the python3 kernel did not start ({type(exc).__name__}: "
                           f"{str(exc)[:200]}); {advice}") from exc
    try:
        reply = client.execute_interactive("1 + 1", timeout=10, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the python3 kernel started but could not run code; {advice}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return "python3 kernel starts and runs code"


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / GB:.1f} GB"


def _container_headroom() -> int | None:
    """Bytes the container may still use before its memory limit (limit minus its working
    set), or None when no cgroup limit is set or none can be read (not Linux, no container).

    The working set is current use less the inactive file cache, which the kernel reclaims
    before it would stop the container (as the kubelet counts it); without that, a pod that
    has read many files would look full."""
    for limit_file, usage_file, stat_file, cache_key in (
            ("memory.max", "memory.current", "memory.stat", "inactive_file"),
            ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes",
             "memory/memory.stat", "total_inactive_file")):
        try:
            limit = (CGROUP / limit_file).read_text().strip()
            usage = int((CGROUP / usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit == "max" or int(limit) >= CGROUP_V1_NO_LIMIT:
            return None
        return max(int(limit) - usage + _stat(CGROUP / stat_file, cache_key), 0)
    return None


def _stat(path: Path, key: str) -> int:
    """The value of ``key`` in a cgroup memory.stat file, in bytes; 0 when it cannot be read."""
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _memory() -> str:
    import psutil  # here, so a laptop without it still gets the other rows

    memory = psutil.virtual_memory()
    headroom = _container_headroom()
    # psutil shows the whole machine's memory; in a container (a hub's pod, Binder) its limit
    # can be the smaller figure.
    free = memory.available if headroom is None else min(memory.available, headroom)
    in_container = free < memory.available
    where = " under this container's memory limit" if in_container else ""
    # A JupyterLab already running (a hub's or Binder's, or `make lab` in another terminal)
    # is in the memory used: count it once.
    running = _jupyterlab_running()
    need = (LESSON_AND_LAB_MIB if running else MEMORY_NEED_MIB) * 1024**2
    what = ("a lesson and its lab open; JupyterLab, already running, is counted as used"
            if running else "a lesson and its lab open, and JupyterLab")
    if free < need:
        then = ("if it still fails, this container's limit cannot hold a lesson and its lab "
                "together: on the day, close each lesson before you open its lab"
                if in_container else "on the day, close each notebook when you finish it")
        raise RuntimeError(
            f"{_gb(free)} of memory free{where}, the course needs {_gb(need)} ({what}); "
            "close the notebooks open now (their kernels count as used), other programs and "
            f"browser tabs, and run doctor again; {then}.")
    of = (f"{where} (the machine has {_gb(memory.available)} free)" if in_container
          else f" of {_gb(memory.total)}")
    return f"{_gb(free)} free{of}, the course needs {_gb(need)} ({what}; 1 GB = 10^9 bytes)"


def _jupyterlab_running() -> bool:
    """Whether a Jupyter server of this user is running: one that wrote its
    ``jpserver-<pid>.json`` into the Jupyter runtime folder and whose process is alive (what
    ``jupyter server list`` reads, without importing the server)."""
    import psutil
    from jupyter_core.paths import jupyter_runtime_dir

    for info in Path(jupyter_runtime_dir()).glob("jpserver-*.json"):
        pid = info.stem.removeprefix("jpserver-")
        if pid.isdigit() and psutil.pid_exists(int(pid)):
            return True
    return False


def _disk(root: Path) -> Callable[[], str]:
    def check() -> str:
        # The lessons' scratch folders go under the system's temporary folder (which holds
        # SCRATCH_PARENT, perhaps not made yet); notebooks are saved in the course folder,
        # measured only when it exists (the "course folders" row names one that does not).
        places = [root] if root.is_dir() else []
        free = {place: shutil.disk_usage(place).free
                for place in [*places, SCRATCH_PARENT.parent]}
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
        if not root.is_dir():
            raise RuntimeError(f"no such folder: {root}; run doctor in the course folder (or "
                               "pass --root)")
        missing = [f for f in ("notebooks", "solutions", "labs") if not (root / f).is_dir()]
        if missing:
            raise RuntimeError(f"missing {missing} in {root}; run doctor inside the course folder.")
        count = len(list((root / "notebooks").glob("*.ipynb")))
        return f"{count} lessons in {root / 'notebooks'}"
    return check


def _settings() -> str:
    """The ``DEPLOYDL_*`` settings as every command and lesson reads them (a wrong one stops
    ``deploydl serve`` and lesson 00's ``create_app``), in the words ``deploydl`` prints."""
    import os

    from pydantic import ValidationError

    from deploydl.settings import get_settings, settings_problems, without_settings

    try:
        get_settings()
    except ValidationError as exc:
        problems = settings_problems(exc)
        if problems is None:
            raise
        it = "it" if len(problems) == 1 else "each"
        raise RuntimeError("the environment sets a DEPLOYDL_* variable wrongly: "
                           + "; ".join(p.removeprefix("- ").rstrip(".") for p in problems)
                           + f". Unset {it} (the default then applies) or give {it} a valid "
                           "value, then run doctor again.") from exc
    named = sorted(set(os.environ) - set(without_settings(os.environ)))
    return (f"{', '.join(named)} set and valid" if named
            else "no DEPLOYDL_* variable set: the defaults apply")


def run_checks(root: Path) -> list[Check]:
    """Run every setup check; a failing check never stops the others."""
    # Memory first: importing every package and torch adds about 500 MB to the doctor itself,
    # memory the lessons' kernels would not share; measured after them, a laptop with enough
    # free memory could FAIL. Disk stays beside it, so the machine's two rows read together.
    steps: list[tuple[str, Callable[[], str]]] = [
        ("python", _python), ("memory", _memory), ("disk", _disk(root)),
        ("packages", _imports), ("torch", _torch_forward), ("loopback port", _loopback_port),
        ("jupyter kernel", _kernel), ("course folders", _folders(root)),
        ("settings", _settings),
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
