"""The one server-process helper with any server command: wait for the URL and the ready path,
report a crash with its output, stop the process and its children (fast: a stdlib server)."""

from __future__ import annotations

import sys

import pytest

from deploydl.serving import ServerStartError, ServiceProcess

#: A stdlib HTTP server that prints its URL at once and answers /ready only after 0.3 s.
SERVER = """
import http.server, sys, threading, time
born = time.monotonic()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/ready" and time.monotonic() - born > 0.3
        self.send_response(200 if ok else 503)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), H)
print(f"Serving test at http://127.0.0.1:{server.server_port}", flush=True)
server.serve_forever()
"""


def test_a_server_command_is_ready_only_when_its_ready_path_answers_200():
    with ServiceProcess(command=[sys.executable, "-c", SERVER], ready_path="/ready",
                        start_timeout=30) as server:
        assert server.url.startswith("http://127.0.0.1:") and server.running
        assert server.cold_start_s >= 0.3  # it waited for /ready, not only for the URL
        pid = server.pid
    assert not server.running and pid is not None and server.returncode is not None


def test_a_command_that_dies_during_start_up_is_reported_with_its_output():
    crash = [sys.executable, "-c", "import sys; print('model file missing'); sys.exit(3)"]
    server = ServiceProcess(command=crash, start_timeout=30)
    with pytest.raises(ServerStartError, match=r"exited with code 3 before it was ready; "
                                               r"its output:\nmodel file missing"):
        server.start()
    assert not server.running
    server.close()


def test_a_paused_server_and_its_children_take_no_cpu_and_still_stop_gracefully():
    """What the benchmark relies on to run servers side by side: a paused server (and the
    busy child it started) uses no CPU; resumed, it answers; paused, it still stops."""
    import time
    import urllib.request

    import psutil

    busy_child = ("import subprocess, sys\n"
                  "subprocess.Popen([sys.executable, '-c', 'while True: pass'])\n")
    with ServiceProcess(command=[sys.executable, "-c", busy_child + SERVER],
                        ready_path="/ready", start_timeout=30) as server:
        family = [psutil.Process(server.pid), *psutil.Process(server.pid).children()]
        assert len(family) == 2
        def stopped() -> bool:  # SIGSTOP takes effect a moment after it is sent
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if {p.status() for p in family} == {psutil.STATUS_STOPPED}:
                    return True
                time.sleep(0.05)
            return False

        server.pause()
        assert stopped()
        before = sum(sum(p.cpu_times()[:2]) for p in family)
        time.sleep(0.5)
        assert sum(sum(p.cpu_times()[:2]) for p in family) - before < 0.05
        with server.turn():
            assert urllib.request.urlopen(server.url + "/ready", timeout=5).status == 200
        assert stopped()
        asked = time.monotonic()
        server.stop(timeout=20)  # a stopped process acts on SIGTERM only once resumed
        assert time.monotonic() - asked < 10
    assert not server.running and not any(p.is_running() for p in family)


def test_cpu_seconds_count_the_server_and_its_busy_child():
    """``cpu_s`` is what the CPU-use benchmark divides by the seconds of load, so it must
    include the CPU of the processes the server started: here a child that burns 0.55 s of CPU
    and then idles (a fixed amount, so a busy shared machine changes only how long it takes;
    psutil counts in clock ticks of 10 ms, hence the margin).
    A stopped server has no figure."""
    import math
    import time

    import psutil

    burning_child = ("import subprocess, sys\n"
                     "subprocess.Popen([sys.executable, '-c', 'import time\\n"
                     "while time.process_time() < 0.55: pass\\ntime.sleep(3600)'])\n")
    with ServiceProcess(command=[sys.executable, "-c", burning_child + SERVER],
                        ready_path="/ready", start_timeout=30) as server:
        own = psutil.Process(server.pid)
        def children_s() -> float:  # what cpu_s counts beyond the server's own process
            return server.cpu_s() - sum(own.cpu_times()[:2])

        deadline = time.monotonic() + 60
        while children_s() < 0.5 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert 0.5 <= children_s() < 0.9, children_s()  # the child's 0.55 s, start-up in it
        assert server.rss_mb() > 1
        assert 0 < server.uss_mb() < server.rss_mb()  # without the shared libraries
    assert math.isnan(server.cpu_s()) and math.isnan(server.rss_mb())
    assert math.isnan(server.uss_mb())


def _logs() -> set:
    """The server logs this process has on disk (its scratch folders; older: /tmp files)."""
    import os
    import tempfile
    from pathlib import Path

    from deploydl.course.scratch import PARENT

    return ({*PARENT.glob(f"deploydl-serve-pid{os.getpid()}-*")}
            | {*Path(tempfile.gettempdir()).glob("deploydl-serve-*.log")})


@pytest.mark.parametrize("how", ["crash", "timeout", "interrupt"])
def test_a_start_that_fails_stops_the_process_and_deletes_its_log(how):
    """Without close(): a crash, a start that takes too long and Ctrl-C while waiting leave no
    process and no log behind (a crash's output is still in the message)."""
    import _thread
    import threading

    import psutil

    code = {"crash": "import sys; print('model file missing'); sys.exit(3)",
            "timeout": "import time; print('loading', flush=True); time.sleep(60)",
            "interrupt": "import time; time.sleep(60)"}[how]
    before = _logs()
    server = ServiceProcess(command=[sys.executable, "-c", code],
                            start_timeout=5 if how == "timeout" else 30)
    timer = threading.Timer(1.0, _thread.interrupt_main)
    if how == "interrupt":
        timer.start()
    expected = KeyboardInterrupt if how == "interrupt" else ServerStartError
    children = psutil.Process().children()
    with pytest.raises(expected) as error:
        server.start()
    timer.cancel()
    started = [p for p in psutil.Process().children() if p not in children]
    assert not server.running and not started
    assert _logs() == before
    if how != "interrupt":
        assert ("model file missing" if how == "crash" else "loading") in str(error.value)


def test_a_server_nobody_holds_is_stopped_and_its_log_deleted():
    """A ServiceProcess that is dropped (a notebook cell run again rebinds its name) does not
    leave its server running: it is stopped when the object goes."""
    import gc

    import psutil

    before = _logs()
    server = ServiceProcess(command=[sys.executable, "-c", SERVER], start_timeout=30).start()
    process = psutil.Process(server.pid)
    assert _logs() != before
    del server
    gc.collect()
    assert not process.is_running()  # stopped (and reaped) before the object went
    assert _logs() == before
