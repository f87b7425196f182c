"""`deploydl serve`'s log stream: every line a log pipeline reads is one JSON object, uvicorn's
own lines (a request its parser refuses, an error in the app with its traceback) included."""

import json
import socket
import subprocess
import sys

import pytest

from deploydl.serving import ServiceProcess
from tests.serving.test_service_process import WORKER_START_S

pytestmark = pytest.mark.slow

#: What ``deploydl serve`` prints for the person who started it, not for the log pipeline:
#: on standard error (ServiceProcess's log holds both streams).
BANNER = ("Serving ", "API docs: ", "Press Ctrl-C to stop.", "Stopped.")


def not_json(log: str) -> list[str]:
    """The lines of ``log``, banner aside, that are not one whole JSON object."""
    bad = []
    for line in log.splitlines():
        if line.startswith(BANNER):
            continue
        try:
            if not isinstance(json.loads(line), dict):
                bad.append(line)
        except ValueError:
            bad.append(line)
    return bad


def test_stdout_is_the_json_log_stream_and_the_banner_is_on_stderr(artifact_dir, one_applicant,
                                                                     tmp_path):
    """A log pipeline reads standard output: only JSON lines there. The person who started the
    server reads the banner, in plain words, on standard error."""
    import os
    import time

    import httpx

    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploydl.cli", "serve", "--model", str(artifact_dir),
             "--port", "0", "--stop-when-stdin-closes"], stdin=subprocess.PIPE, stdout=stdout,
            stderr=stderr, env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    try:
        deadline = time.monotonic() + WORKER_START_S
        while " at http://" not in err.read_text() + out.read_text():
            assert process.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.05)
        url = err.read_text().split(" at ")[1].split()[0]  # on stderr, or an IndexError
        assert httpx.post(url + "/predict", json=one_applicant, timeout=60).status_code == 200
        process.stdin.close()  # a graceful stop
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    events = [json.loads(line)["event"] for line in out.read_text().splitlines()]  # all JSON
    assert events == ["decision", "request"]
    assert err.read_text().splitlines()[1:] == [f"API docs: {url}/docs",
                                                "Press Ctrl-C to stop.", "Stopped."]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_request_the_parser_refuses_gives_uvicorn_a_json_line(artifact_dir, workers):
    """With ``--workers`` each worker process sets up its own logging: it must get the same."""
    with ServiceProcess(artifact_dir, workers=workers) as server:
        host, port = server.url.removeprefix("http://").split(":")
        # a worker answers once it has started: on a busy machine that takes long
        with socket.create_connection((host, int(port)), timeout=WORKER_START_S) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            reply = sock.recv(65536)  # uvicorn logs its warning before it answers
        server.stop()
        log = server.log
    assert reply.startswith(b"HTTP/1.1 400")
    assert not_json(log) == []
    lines = [json.loads(line) for line in log.splitlines() if not line.startswith(BANNER)]
    assert {"event": "log", "level": "WARNING", "logger": "uvicorn.error",
            "message": "Invalid HTTP request received."} in lines


def test_an_error_uvicorn_logs_is_one_line_with_its_traceback():
    """uvicorn's "Exception in ASGI application", as it logs it, through the set-up that
    ``deploydl serve`` gives uvicorn (in a process of its own: it replaces logging's set-up)."""
    code = ("import logging, uvicorn\n"
            "from deploydl.serving.events import uvicorn_log_config\n"
            "uvicorn.Config('app:app', log_level='warning', log_config=uvicorn_log_config())\n"
            "try:\n    1 / 0\nexcept ZeroDivisionError:\n"
            "    logging.getLogger('uvicorn.error').exception('Exception in ASGI application')\n"
            "logging.getLogger('uvicorn.error').info('Started server process')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stderr == ""
    [line] = done.stdout.splitlines()  # the traceback inside it; the info line filtered out
    error = json.loads(line)
    assert error["level"] == "ERROR" and error["message"] == "Exception in ASGI application"
    assert error["traceback"].startswith("Traceback") and "ZeroDivisionError" in error["traceback"]
