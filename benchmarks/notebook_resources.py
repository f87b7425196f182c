"""Per-user resources of the workshop: the figures that size a JupyterHub (docs/jupyterhub.md).

Runs each notebook with nbclient, the way a learner's kernel runs it, and samples the kernel
process (and its children, e.g. a server a lesson starts) with psutil:

- peak RSS in MiB: resident memory, the figure a container memory limit is compared with;
- mean CPU in cores: CPU seconds used / wall seconds, while the notebook ran;
- peak CPU in cores: the highest CPU use over one sampling interval.

It also measures an idle JupyterLab server (``--server``), which every user pod runs too.

Usage (from the repository root)::

    python benchmarks/notebook_resources.py                      # notebooks/*.ipynb
    python benchmarks/notebook_resources.py --server --json out.json notebooks/00_welcome.ipynb

Timings depend on the machine and on what else runs on it: say where a figure was measured.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from deploydl.efficiency.bench import machine_info

MIB = 1024 * 1024


class Sampler:
    """Samples a process tree every ``interval`` seconds in a background thread."""

    def __init__(self, pid: int, *, interval: float = 0.2) -> None:
        self.root, self.interval = psutil.Process(pid), interval
        self.peak_rss = 0
        self.peak_cores = 0.0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def _sample(self) -> float:
        rss = 0
        for proc in self._tree():
            try:
                with proc.oneshot():
                    rss += proc.memory_info().rss
                    times = proc.cpu_times()
                    self._cpu[proc.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                continue
        self.peak_rss = max(self.peak_rss, rss)
        return sum(self._cpu.values())

    def _run(self) -> None:
        last_cpu, last_t = self._sample(), time.monotonic()
        while not self._stop.wait(self.interval):
            cpu, now = self._sample(), time.monotonic()
            self.peak_cores = max(self.peak_cores, (cpu - last_cpu) / (now - last_t))
            last_cpu, last_t = cpu, now

    def __enter__(self) -> Sampler:
        self._start_cpu, self._start_t = self._sample(), time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.seconds = time.monotonic() - self._start_t
        self.mean_cores = (sum(self._cpu.values()) - self._start_cpu) / self.seconds

    def result(self, name: str) -> dict:
        return {"name": name, "seconds": round(self.seconds, 1),
                "peak_rss_mib": round(self.peak_rss / MIB),
                "mean_cpu_cores": round(self.mean_cores, 2),
                "peak_cpu_cores": round(self.peak_cores, 2)}


def measure_notebook(path: Path, *, timeout: int = 300) -> dict:
    """Execute one notebook in a fresh python3 kernel, in its own folder, and sample it."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel(), Sampler(client.km.provisioner.pid) as sampler:
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
    return sampler.result(path.as_posix())


def measure_idle_server(*, settle_s: float = 10) -> dict:
    """Start JupyterLab (no kernel, no browser), let it settle, and sample it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, JUPYTER_CONFIG_DIR=home, JUPYTER_RUNTIME_DIR=home)
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
             f"--port={port}", "--allow-root", f"--ServerApp.root_dir={home}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with Sampler(proc.pid) as sampler:
                time.sleep(settle_s)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return sampler.result("jupyterlab server (idle)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/)")
    parser.add_argument("--server", action="store_true", help="also measure an idle server")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(Path("notebooks").glob("*.ipynb"))
    rows = [measure_notebook(p) for p in paths]
    if args.server:
        rows.append(measure_idle_server())
    print(f"{'what':<42} {'s':>6} {'peak RSS MiB':>13} {'mean cores':>11} {'peak cores':>11}")
    for r in rows:
        print(f"{r['name']:<42} {r['seconds']:>6} {r['peak_rss_mib']:>13} "
              f"{r['mean_cpu_cores']:>11} {r['peak_cpu_cores']:>11}")
    if args.json:
        machine = {**machine_info(), "date": datetime.date.today().isoformat()}
        args.json.write_text(json.dumps({"machine": machine, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
