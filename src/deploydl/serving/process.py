"""Run ``deploydl serve`` as a separate process and stop it cleanly (Module 04).

:class:`LocalServer` runs the service in a thread of the notebook; :class:`ServiceProcess`
runs it the way production does, as its own operating-system process, which is what the
lab, the service tests and the load test use. Its output goes to a log file, never to a pipe
that nobody reads (a full pipe would freeze the server).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from deploydl.serving.local import ServerStartError

_URL = re.compile(r"at (http://\S+)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now (the one free-port helper).

    The operating system picks it (bind to port 0); another process could take it before the
    caller binds, so use it at once. ``deploydl serve --port 0`` avoids even that race.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def stop_process_family(process: subprocess.Popen, *, grace_s: float = 5.0) -> int | None:
    """Stop ``process`` and every process it started; the one way the course ends a server tree.

    SIGTERM (``terminate`` on Windows) goes to the process, to its session when it leads one
    (``start_new_session=True``: JupyterLab and its kernels), and to each descendant found
    before; whatever is still alive after ``grace_s`` seconds is killed. Returns the exit code.
    """
    import psutil

    gone = (ProcessLookupError, PermissionError, psutil.NoSuchProcess)
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    leads_session = hasattr(os, "killpg") and process.poll() is None and _leads_session(process)

    def signal_all(kill: bool) -> None:
        if leads_session:
            with contextlib.suppress(*gone):
                os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        procs: list[subprocess.Popen | psutil.Process] = [process, *family]
        for proc in procs:
            with contextlib.suppress(*gone):
                proc.kill() if kill else proc.terminate()

    signal_all(kill=False)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        signal_all(kill=True)
        process.wait(timeout=5)
    _, alive = psutil.wait_procs(family, timeout=grace_s)
    for proc in alive:
        with contextlib.suppress(*gone):
            proc.kill()
    return process.returncode


def _leads_session(process: subprocess.Popen) -> bool:
    try:
        return os.getsid(process.pid) == process.pid
    except (ProcessLookupError, PermissionError):
        return False


class ServiceProcess:
    """``deploydl serve`` in a child process on a free loopback port (``port=0``).

    Parameters
    ----------
    model : path, optional
        Artifact folder to serve; the cached default model when omitted.
    port, host, api_key_env, workers
        Passed to ``deploydl serve``.
    args : sequence of str
        More ``deploydl serve`` options, e.g. ``["--expect-sha256", sha, "--log", path]``.
    env : dict, optional
        Extra environment variables for the child (e.g. the API key variable).
    start_timeout : float
        Seconds to wait for the "Serving ... at URL" line.
    """

    def __init__(self, model: str | Path | None = None, *, port: int = 0,
                 host: str = "127.0.0.1", api_key_env: str | None = None, workers: int = 1,
                 args: Sequence[str] = (), env: dict[str, str] | None = None,
                 start_timeout: float = 120.0) -> None:
        self.args = ["--port", str(port), "--host", host, "--workers", str(workers), *args]
        if model is not None:
            self.args += ["--model", str(model)]
        if api_key_env is not None:
            self.args += ["--api-key-env", api_key_env]
        self.env = {**os.environ, **(env or {})}
        self.start_timeout = start_timeout
        self.url: str | None = None
        self.returncode: int | None = None
        self._process: subprocess.Popen | None = None
        self._terminated = False
        self._log_path: Path | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def log(self) -> str:
        """Everything the server printed so far (the URL line, then JSON access logs)."""
        return self._log_path.read_text() if self._log_path and self._log_path.exists() else ""

    def start(self) -> ServiceProcess:
        """Start the process and return once it prints its URL."""
        fd, name = tempfile.mkstemp(prefix="deploydl-serve-", suffix=".log")
        self._log_path = Path(name)
        self._terminated = False
        with os.fdopen(fd, "w") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "deploydl.cli", "serve", *self.args], env=self.env,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
        while (found := _URL.search(self.log)) is None:
            if self._process.poll() is not None:
                code, output = self._process.returncode, self.log.strip()
                self.stop()
                raise ServerStartError(f"`deploydl serve` exited with code {code} before it "
                                       f"was ready; its output:\n{output}")
            if time.monotonic() > deadline:
                output = self.log.strip()
                self.stop()
                raise ServerStartError(
                    f"`deploydl serve` was still starting after {self.start_timeout:g} s and "
                    "was stopped (a slow first start builds the default model; raise "
                    f"start_timeout if this machine is slow). Its output so far:\n{output}")
            time.sleep(0.05)
        self.url = found.group(1)
        return self

    def terminate(self) -> None:
        """Send SIGTERM (on Windows: terminate) without waiting: a graceful stop begins.

        Sent once: a second SIGTERM that lands after the server has put back the default
        handler, on its way out, would kill it mid-shutdown (exit -15 instead of 0).
        """
        if self._process is not None and self.running and not self._terminated:
            self._terminated = True
            self._process.terminate()

    def stop(self, *, timeout: float = 40.0) -> int | None:
        """Stop gracefully, wait up to ``timeout`` seconds, then kill; returns the exit code."""
        if self._process is not None:
            self.terminate()
            try:
                self.returncode = self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self.returncode = self._process.wait()
            self._process = None
        return self.returncode

    def close(self) -> None:
        """Stop the process and delete its log file."""
        self.stop()
        if self._log_path is not None:
            self._log_path.unlink(missing_ok=True)
            self._log_path = None

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
