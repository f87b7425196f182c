"""Run a server as a separate process, wait until it is ready, stop it cleanly (Modules 04, 05).

:class:`LocalServer` runs the service in a thread of the notebook; :class:`ServiceProcess`
runs it the way production does, as its own operating-system process: ``deploydl serve`` for
the lab, the service tests and the load test, or any server command that prints the URL it
listens on, for the benchmark (:mod:`deploydl.efficiency.bench_servers`). It is the one way
the course starts, waits for and stops a server process. Output goes to a log file in a scratch
folder (:mod:`deploydl.course.scratch`), never to a pipe that nobody reads (a full pipe would
freeze the server).

A ``deploydl serve`` it starts lives exactly as long as the Python that started it: it runs in
a session of its own, so the Ctrl-C that Jupyter's Stop button sends to the kernel's process
group does not reach it, and it stops itself when its standard input, a pipe from this
process, closes: the system closes that pipe however this process ends, even killed
(``deploydl serve --stop-when-stdin-closes``).
"""

from __future__ import annotations

import contextlib
import errno
import operator
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class BindError(ServerStartError):
    """A server's address cannot be bound; the message names the setting, its value and what
    to do."""


def bind_socket(host: str, port: int, *, names: tuple[str, str] = ("host", "port"),
                backlog: int | None = 128, reuse_address: bool = False) -> socket.socket:
    """A TCP socket listening on ``host``:``port``: the one way the course binds a server.

    ``names`` are the settings that chose the host and the port, for the messages:
    ``("host", "port")`` for :class:`~deploydl.serving.local.LocalServer`'s parameters,
    ``("--host", "--port")`` for ``deploydl serve``. Raises :class:`BindError` with the one
    that is wrong, its value and what to do: a port out of range, a host that is not an
    address of this machine, a port that is taken or needs administrator rights. With
    ``backlog=None`` the socket is bound but not listening: connections are refused (not left
    waiting) until :func:`start_listening`, once the server can answer them.

    ``reuse_address`` binds with SO_REUSEADDR, as uvicorn does: a port whose last connections
    are still in TIME_WAIT (a server stopped a moment ago) can be bound again. A port another
    socket holds without listening on it (another server still loading its model) is found
    busy here too, not only when one of the two listens (:func:`held_without_listening`).
    """
    wording = _Wording(*names)
    number = _port_number(port, wording)
    if not isinstance(host, str):
        raise BindError(wording.not_here(host, f"{type(host).__name__}, not text"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if reuse_address and sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        if reuse_address and number and held_without_listening(host, number):
            raise OSError(errno.EADDRINUSE, os.strerror(errno.EADDRINUSE))
        sock.bind((host, number))
    except (OSError, UnicodeError) as exc:
        sock.close()
        raise _bind_error(exc, host, port, wording) from None
    if backlog is not None:
        start_listening(sock, backlog, names=names)
    return sock


def held_without_listening(host: str, port: int) -> bool:
    """True when another socket holds ``port`` (bound, not listening), as far as Linux shows.

    With SO_REUSEADDR Linux lets two sockets bind one port while neither listens, so such a
    socket does not stop the bind of :func:`bind_socket`; the first of the two to listen
    wins. A bind without the option is refused by it, but also by the connections a stopped
    server left in TIME_WAIT, which the option exists to allow. So the port counts as held
    only when that bind is refused and the kernel's TCP table lists no socket on the port
    before the bind nor after it: a TIME_WAIT that ends meanwhile was listed before, one
    that begins meanwhile is listed after, so neither makes a free port look busy.

    False on other systems, where the bind itself decides (Windows binds without the option;
    BSD sockets, macOS's, refuse a second socket on the same address and port with it), and
    wherever the table cannot be read.
    """
    if not sys.platform.startswith("linux"):
        return False
    listed = _tcp_ports()
    if listed is None or port in listed:
        return False  # a connection on the port, or no table: the bind itself decides
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind((host, port))
    except (OSError, UnicodeError) as exc:  # a bad host is for the real bind to report
        refused = getattr(exc, "errno", None) == errno.EADDRINUSE
    else:
        refused = False
    finally:
        probe.close()
    listed = _tcp_ports()
    return refused and listed is not None and port not in listed


def _tcp_ports() -> set[int] | None:
    """The local port of every TCP socket Linux lists (listening, connected or in
    TIME_WAIT, IPv4 and IPv6); None when its table cannot be read."""
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as rows:
                next(rows, None)  # the column names
                # local_address is the second column, e.g. 0100007F:1F90 (hex port)
                ports.update(int(row.split()[1].rpartition(":")[2], 16) for row in rows)
        except FileNotFoundError:
            if table.endswith("tcp"):
                return None
        except (OSError, ValueError, IndexError):
            return None
    return ports


def start_listening(sock: socket.socket, backlog: int, *,
                    names: tuple[str, str] = ("host", "port")) -> None:
    """Accept connections on ``sock``, bound by :func:`bind_socket`; :class:`BindError` (and
    ``sock`` closed) when another socket took its port since (both allowed to reuse it)."""
    try:
        sock.listen(backlog)
    except OSError as exc:
        host, port = sock.getsockname()[:2]
        sock.close()
        raise _bind_error(exc, host, port, _Wording(*names)) from None


@dataclass(frozen=True)
class _Wording:
    """How a bind error names the settings: Python parameters or command-line options."""

    host_name: str
    port_name: str

    @property
    def option(self) -> bool:
        return self.host_name.startswith("-")

    def setting(self, name: str, value: object) -> str:
        return f"{name} {value}" if self.option else f"{name}={value!r}"

    def pick(self) -> str:
        if self.option:
            return f"pick another with {self.port_name} (0 picks a free one)"
        return f"pick another {self.port_name} ({self.port_name}=0 picks a free one)"

    def not_here(self, host: object, why: object) -> str:
        do = f"Pass {self.host_name}" if self.option else f"Set {self.host_name} to"
        return (f"{self.setting(self.host_name, host)}: not an address of this machine ({why}). "
                f"{do} an IPv4 address this machine has: 127.0.0.1 (this machine only) or "
                "0.0.0.0 (every network interface, e.g. in a container).")


def _port_number(port: Any, wording: _Wording) -> int:
    """``port`` (whatever a caller passed) as a whole number from 0 to 65535, else
    :class:`BindError`."""
    try:
        number = None if isinstance(port, bool) else operator.index(port)
    except TypeError:  # text, a float, None...
        number = None
    if number is None or not 0 <= number <= 65535:
        raise BindError(f"{wording.setting(wording.port_name, port)}: not a port; give a whole "
                        "number from 0 to 65535 (0 picks a free one).")
    return number


def _bind_error(exc: OSError | UnicodeError, host: str, port: int,
                wording: _Wording) -> BindError:
    """What to tell the user when binding ``host``:``port`` raised ``exc``."""
    if isinstance(exc, socket.gaierror | UnicodeError):  # a name that does not resolve
        return BindError(wording.not_here(host, getattr(exc, "strerror", None) or exc))
    if exc.errno == errno.EADDRNOTAVAIL:
        return BindError(wording.not_here(host, exc.strerror))
    if exc.errno == errno.EACCES:
        return BindError(f"Port {port} on {host} is not available ({exc.strerror}): ports "
                         f"below 1024 need administrator rights; {wording.pick()}.")
    return BindError(f"Port {port} on {host} is not available ({exc.strerror}). Stop the "
                     f"program using it, or {wording.pick()}.")


def stop_process_family(process: subprocess.Popen, *, grace_s: float = 5.0,
                        family: Sequence | None = None, terminated: bool = False) -> int | None:
    """Stop ``process`` and every process it started; the one way the course ends a server tree.

    SIGTERM (``terminate`` on Windows) goes to the process, to its session when it leads one
    (``start_new_session=True``: JupyterLab and its kernels), and to each descendant found
    before; whatever is still alive after ``grace_s`` seconds is killed. Returns the exit code.

    ``family`` is the list of descendants (``psutil.Process``) taken earlier, for a process
    that may already have exited; ``terminated=True`` says the process itself already got its
    SIGTERM: it is not sent twice (a second one can cut a graceful shutdown short).
    """
    import psutil

    gone = (ProcessLookupError, PermissionError, psutil.NoSuchProcess)
    if family is None:
        family = _descendants(process)
    leads_session = hasattr(os, "killpg") and process.poll() is None and _leads_session(process)

    def signal_all(kill: bool) -> None:
        if leads_session and (kill or not terminated):
            with contextlib.suppress(*gone):
                os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        procs: list[subprocess.Popen | psutil.Process] = (
            [process, *family] if kill or not terminated else list(family))
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


def _descendants(process: subprocess.Popen) -> list:
    import psutil

    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _leads_session(process: subprocess.Popen) -> bool:
    try:
        return os.getsid(process.pid) == process.pid
    except (ProcessLookupError, PermissionError):
        return False


class ServiceProcess:
    """A server in a child process on a free loopback port; by default ``deploydl serve``.

    Parameters
    ----------
    model : path, optional
        Artifact folder to serve; the cached default model when omitted.
    port, host, api_key_env, workers
        Passed to ``deploydl serve`` (``port=0``: the server binds a free port itself).
    args : sequence of str
        More ``deploydl serve`` options, e.g. ``["--expect-sha256", sha, "--log", path]``.
    env : dict, optional
        Extra environment variables for the child (e.g. the API key variable).
    start_timeout : float
        Seconds to wait until the server is ready.
    command : sequence of str, optional
        Another server to run instead of ``deploydl serve`` (the benchmark's servers,
        JupyterLab in the browser tests). Like ``deploydl serve`` it must print a line with
        ``at http://HOST:PORT`` once it listens, unless ``url`` is given.
    url : str, optional
        The server's address when ``command`` fixes it (a port from :func:`free_port`);
        then only ``ready_path`` is waited for.
    ready_path : str, optional
        After the URL line, wait until ``GET`` on this path answers 200 (a server whose model
        loads after it starts listening). ``cold_start_s`` is the time from launch to ready.

    Stopping sends SIGTERM once (the server finishes the requests in flight), waits, then
    kills whatever is left of the process and its children (:func:`stop_process_family`).
    :meth:`close` also deletes the log. A ServiceProcess that nobody holds any more, or that
    is still running when Python exits, is stopped and its log deleted then.

    ``deploydl serve`` (no ``command``) runs in a session of its own and stops itself when
    this Python ends however it ends (see the module's description); another ``command``
    runs in this process's group, as before, and stops with this Python unless it is killed.
    """

    def __init__(self, model: str | Path | None = None, *, port: int = 0,
                 host: str = "127.0.0.1", api_key_env: str | None = None, workers: int = 1,
                 args: Sequence[str] = (), env: dict[str, str] | None = None,
                 start_timeout: float = 120.0, command: Sequence[str] | None = None,
                 ready_path: str | None = None, url: str | None = None) -> None:
        #: True for ``deploydl serve``, which watches its standard input for this process's end.
        self.watched = command is None
        if command is None:
            command = [sys.executable, "-m", "deploydl.cli", "serve", "--port", str(port),
                       "--host", host, "--workers", str(workers), "--stop-when-stdin-closes",
                       *args]
            if model is not None:
                command += ["--model", str(model)]
            if api_key_env is not None:
                command += ["--api-key-env", api_key_env]
        self.command = list(command)
        program = Path(self.command[0]).name
        self.name = "`deploydl serve`" if self.command[3:4] == ["serve"] else (
            f"`{' '.join(self.command[1:4] if program.startswith('python') else [program])}`")
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.start_timeout = start_timeout
        self.ready_path = ready_path
        self._fixed_url: str | None = url
        self._url: str | None = None
        self.cold_start_s: float | None = None
        self.returncode: int | None = None
        self._process: subprocess.Popen | None = None
        self._terminated = False
        self._paused = False
        self._family: list = []
        self._log_path: Path | None = None
        self._finalizer: weakref.finalize | None = None

    @property
    def url(self) -> str:
        """The server's address, e.g. ``http://127.0.0.1:8123``, once :meth:`start` returned."""
        if self._url is None:
            raise RuntimeError(f"{self.name} has no address yet: call start() first, or use "
                               "the ServiceProcess in a with block.")
        return self._url

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def log(self) -> str:
        """Everything the server printed so far (the URL line, then JSON access logs)."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")

    def start(self) -> ServiceProcess:
        """Start the process and return once it prints its URL (and its ready path answers).

        Does nothing if it is already running. If the server cannot start (or the wait is
        interrupted), it is stopped and its log deleted; :class:`ServerStartError` carries
        what it printed.
        """
        if self.running:
            return self
        from deploydl.course.scratch import scratch_folder

        self.close()  # the log of an earlier run, if any
        self._url = None
        folder = scratch_folder("deploydl-serve-")
        self._log_path = folder / "server.log"
        self._terminated = False
        started = time.perf_counter()
        with self._log_path.open("w") as log:
            process = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.PIPE if self.watched else subprocess.DEVNULL,
                start_new_session=self.watched)  # no Ctrl-C from the kernel's group
        self._process = process
        self._finalizer = weakref.finalize(self, _end_left_behind, process, folder,
                                           self.watched)
        try:
            self._wait_until_ready(process, started)
        except BaseException:
            self.close()
            raise
        return self

    def _wait_until_ready(self, process: subprocess.Popen, started: float) -> None:
        deadline = time.monotonic() + self.start_timeout
        url: str | None = self._fixed_url
        while url is None:
            if (found := _URL.search(self.log)) is not None:
                url = found.group(1)
            else:
                self._check_alive(process, deadline)
                time.sleep(0.02)
        self._url = url
        while self.ready_path is not None and not _answers_200(url + self.ready_path):
            self._check_alive(process, deadline)
            time.sleep(0.02)
        self.cold_start_s = round(time.perf_counter() - started, 3)

    def _check_alive(self, process: subprocess.Popen, deadline: float) -> None:
        """Raise :class:`ServerStartError` (with the output) if the server died or is late;
        :meth:`start` then stops it and deletes its log."""
        if process.poll() is not None:
            raise ServerStartError(f"{self.name} exited with code {process.returncode} before "
                                   f"it was ready; its output:\n{self.log.strip()}")
        if time.monotonic() > deadline:
            output = self.log.strip()
            raise ServerStartError(
                f"{self.name} was still starting after {self.start_timeout:g} s and was "
                "stopped (a slow first start builds the default model; raise start_timeout "
                f"if this machine is slow). Its output so far:\n{output}")

    def rss_mb(self) -> float:
        """Resident memory of the server and its child processes, in MB (needs psutil).

        Pages that several of them share (the libraries every process loads) count once per
        process, so a server made of several processes shows more than it holds: see
        :meth:`uss_mb`."""
        return round(self._family_total(lambda p: p.memory_info().rss) / 1e6, 1)

    def uss_mb(self) -> float:
        """Memory only the server and its child processes hold, in MB (needs psutil): their
        unique set size, what the machine gets back when they stop. Shared libraries are not
        in it, for one process or several, so servers of one process and of several compare
        fairly."""
        return round(self._family_total(lambda p: p.memory_full_info().uss) / 1e6, 1)

    def cpu_s(self) -> float:
        """CPU seconds (user and system) the server and its child processes have used since
        they started (needs psutil). Over a load, the difference divided by the seconds of
        load is the number of cores the server kept busy: 1.0 is one core, all the time."""
        return self._family_total(lambda p: sum(p.cpu_times()[:2]))

    def _family_total(self, measure: Callable[[Any], float]) -> float:
        """``measure(process)`` summed over the server and its children; ``nan`` when the
        server is not running (or a process of it ended while being measured)."""
        import psutil

        processes = self._processes()
        if not processes:
            return float("nan")
        try:
            return float(sum(measure(p) for p in processes))
        except psutil.NoSuchProcess:
            return float("nan")

    def _processes(self) -> list:
        """The server's process and every process it started (psutil), or ``[]``."""
        import psutil

        if self._process is None:
            return []
        try:
            return [psutil.Process(self._process.pid), *_descendants(self._process)]
        except psutil.NoSuchProcess:
            return []

    def pause(self) -> None:
        """Stop the server and its child processes from running (SIGSTOP: psutil's
        ``suspend``) until :meth:`resume`; :meth:`stop` resumes a paused server first, so it
        can still stop gracefully.

        For measuring servers side by side: an idle server can still use CPU (LitServe's
        workers poll their queues), so the ones not being measured are paused.
        """
        self._signal_family("suspend")

    def resume(self) -> None:
        """Let a paused server run again."""
        self._signal_family("resume")

    @contextlib.contextmanager
    def turn(self) -> Iterator[ServiceProcess]:
        """The server runs inside the block and is paused after it."""
        self.resume()
        try:
            yield self
        finally:
            self.pause()

    def _signal_family(self, action: str) -> None:
        import psutil

        for proc in self._processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                getattr(proc, action)()
        self._paused = action == "suspend"

    def terminate(self) -> None:
        """Send SIGTERM (on Windows: terminate) without waiting: a graceful stop begins.

        Sent once: a second SIGTERM that lands after the server has put back the default
        handler, on its way out, would kill it mid-shutdown (exit -15 instead of 0).
        """
        if self._process is not None and self.running and not self._terminated:
            if self._paused:  # a stopped process would not act on SIGTERM
                self._signal_family("resume")
            self._family = _descendants(self._process)  # before the parent can exit
            self._terminated = True
            self._process.terminate()

    def stop(self, *, timeout: float = 40.0) -> int | None:
        """Stop gracefully, wait up to ``timeout`` seconds, then kill the process and its
        children; returns the exit code."""
        if self._process is not None:
            self.terminate()
            self.returncode = stop_process_family(self._process, grace_s=timeout,
                                                  family=self._family, terminated=True)
            if self._process.stdin is not None:  # closed only now: EOF would stop it too
                with contextlib.suppress(OSError):
                    self._process.stdin.close()
            self._process = None
        return self.returncode

    def close(self) -> None:
        """Stop the process and delete its log file."""
        self.stop()
        if self._finalizer is not None:
            self._finalizer()  # deletes the log's scratch folder, once
            self._finalizer = None
        self._log_path = None

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _end_left_behind(process: subprocess.Popen, folder: Path, watched: bool) -> None:
    """Stop a server whose ServiceProcess is gone (or Python is exiting), delete its log.

    A watched ``deploydl serve`` is told by closing its standard input, so it stops
    gracefully by itself; another command gets SIGTERM. Either is killed after a short wait.
    """
    if process.poll() is None:
        if watched and process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        stop_process_family(process, grace_s=10, terminated=watched)
    shutil.rmtree(folder, ignore_errors=True)


def _answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:  # noqa: S310 - our loopback URL
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False
