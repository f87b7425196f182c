"""The benchmark's load generator and server processes (Module 05).

The load comes from ``hey`` (a Go HTTP load generator; ``apt-get install hey``), run as its
own process in a closed loop: each of ``concurrency`` workers sends a request, waits for the
answer, and sends the next. A Python client on the same two cores saturates long before the
servers do, and a saturated client makes every server look alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

from deploydl.serving.process import free_port, stop_process_family


class LoadGeneratorMissing(RuntimeError):
    """``hey`` is not installed."""


def hey_path() -> str:
    """Where ``hey`` is, or a clear error saying how to install it."""
    path = shutil.which("hey")
    if path is None:
        raise LoadGeneratorMissing(
            "The benchmark drives the servers with `hey`, which is not installed. Install it "
            "(Debian/Ubuntu: sudo apt-get install hey; macOS: brew install hey) and run again.")
    return path


def hey_command(url: str, *, concurrency: int, duration_s: float, body: Path | None = None,
                qps: float | None = None) -> list[str]:
    """The ``hey`` command line: closed loop, CSV of every request on stdout."""
    command = [hey_path(), "-z", f"{duration_s}s", "-c", str(concurrency), "-o", "csv"]
    if qps is not None:
        command += ["-q", str(qps)]
    if body is not None:
        command += ["-m", "POST", "-T", "application/json", "-D", str(body)]
    return [*command, url]


def summarise_csv(csv_text: str, *, duration_s: float) -> dict[str, float]:
    """Latency percentiles (ms), requests per second and errors from ``hey -o csv`` output."""
    rows = [line.split(",") for line in csv_text.strip().splitlines()[1:]]
    if not rows:
        return {"requests": 0, "errors": 0, "rps": 0.0, "p50_ms": float("nan"),
                "p95_ms": float("nan"), "p99_ms": float("nan")}
    latency_ms = np.array([float(r[0]) for r in rows]) * 1000
    ok = np.array([r[6] == "200" for r in rows])
    p50, p95, p99 = np.percentile(latency_ms, [50, 95, 99])
    return {"requests": int(ok.sum()), "errors": int((~ok).sum()),
            "rps": round(float(ok.sum()) / duration_s, 1), "p50_ms": round(float(p50), 3),
            "p95_ms": round(float(p95), 3), "p99_ms": round(float(p99), 3)}


def run_load(url: str, *, concurrency: int, duration_s: float,
             body: Path | None = None) -> dict[str, float]:
    """Run ``hey`` against ``url`` and summarise every request it made."""
    done = subprocess.run(hey_command(url, concurrency=concurrency, duration_s=duration_s,
                                      body=body),
                          capture_output=True, text=True, timeout=duration_s + 60, check=True)
    return summarise_csv(done.stdout, duration_s=duration_s)


class ServerProcess:
    """One benchmark server in its own process; :meth:`stop` ends it and all its children.

    ``cold_start_s`` is the time from launching the process to the first 200 on its ready
    path: interpreter start, imports, model load and, for LitServe, its worker processes.
    """

    def __init__(self, kind: str, *, weights: Path, threads: int, ready_path: str,
                 start_timeout: float = 60.0) -> None:
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "deploydl.efficiency.bench_servers", kind,
                   "--port", str(self.port), "--weights", str(weights),
                   "--threads", str(threads)]
        started = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            self._wait_ready(ready_path, start_timeout)
        except BaseException:
            self.stop()
            raise
        self.cold_start_s = round(time.perf_counter() - started, 3)

    def rss_mb(self) -> float:
        """Resident memory of the server and its child processes, in MB."""
        try:
            processes = [psutil.Process(self.process.pid)]
            processes += processes[0].children(recursive=True)
            return round(sum(p.memory_info().rss for p in processes) / 1e6, 1)
        except psutil.NoSuchProcess:
            return float("nan")

    def stop(self) -> None:
        """Terminate the server and every process it started; wait for them."""
        stop_process_family(self.process, grace_s=5)
        self._log.close()

    def log_tail(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-2000:]

    def _wait_ready(self, path: str, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The {self.kind} server exited during start-up:\n"
                                   f"{self.log_tail()}")
            try:
                if httpx.get(self.url + path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        raise TimeoutError(f"The {self.kind} server was not ready within {timeout:.0f} s:\n"
                           f"{self.log_tail()}")

