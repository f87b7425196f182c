"""The loan service's errors on bad input: each says what was wrong, the value received (as
JSON) and what to do; and ``deploydl serve`` reports a bad start-up at once and leaves no
worker behind when it is killed."""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading

import httpx
import pytest
from fastapi.testclient import TestClient

from deploydl.serving import create_app
from deploydl.serving.middleware import DRAIN_SECONDS, WRONG_KEY_DETAIL, BodyLimit
from deploydl.settings import Settings

KEY = "s3cret-key"
AUTH = {"X-API-Key": KEY}
EMPTY = ('request body is empty: send one JSON object (one applicant, or {"applicants": '
         '[...]}) with Content-Type: application/json.')


@pytest.fixture(scope="module")
def client(model):
    with TestClient(create_app(model, Settings(api_key=KEY))) as client:
        yield client


def test_received_is_the_value_as_json_not_a_python_repr(client, one_applicant):
    body = {**one_applicant, "income": "50000", "late_payments": None, "home_owner": True}
    answer = client.post("/predict", json=body, headers=AUTH)
    assert answer.status_code == 422
    received = {e["field"]: e["received"] for e in answer.json()["errors"]}
    assert received == {"income": '"50000"', "late_payments": "null", "home_owner": "true"}


@pytest.mark.parametrize("sent", [{"content": b""}, {}], ids=["empty", "none"])
def test_an_empty_or_missing_body_is_a_400_that_says_what_to_send(client, sent):
    answer = client.post("/predict", headers=AUTH, **sent)
    assert (answer.status_code, answer.json()) == (400, {"detail": EMPTY})


def test_a_wrong_method_names_the_methods_the_path_answers(client):
    answer = client.get("/predict", headers=AUTH)
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
    assert answer.json()["detail"] == ("GET is not allowed on /predict: it answers POST. See "
                                       "the API docs (/docs) for how to call it.")


def test_a_wrong_method_on_a_probe_names_head_too(client):
    """/health has two routes (GET, and HEAD for health checkers): the 405 names both."""
    answer = client.post("/health")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"
    assert answer.json()["detail"].startswith("POST is not allowed on /health: it answers "
                                              "GET, HEAD. ")


def test_an_unknown_path_names_the_endpoints(client):
    answer = client.get("/nope", headers=AUTH)
    assert answer.status_code == 404
    detail = answer.json()["detail"]
    assert detail.startswith("no endpoint at /nope: this service answers GET /health, ")
    assert "POST /predict" in detail and "API docs (/docs)" in detail


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_the_probes_answer_head_for_health_checkers(client, path):
    answer = client.head(path)
    assert answer.status_code == 200 and answer.content == b""
    assert "head" not in client.get("/openapi.json").json()["paths"][path]  # docs: GET only


def test_a_wrong_key_is_told_what_to_check(client, one_applicant):
    answer = client.post("/predict", json=one_applicant, headers={"X-API-Key": "guess"})
    detail = answer.json()["detail"]
    assert answer.status_code == 403 and "guess" not in detail  # a key is never echoed
    assert detail == WRONG_KEY_DETAIL == ("API key not accepted: check the X-API-Key value "
                                          "you were given.")
    assert "--api-key" not in detail  # the server's options: a caller cannot act on them


def test_one_applicant_and_a_batch_in_one_body_says_send_one_or_the_other(
        client, one_applicant):
    answer = client.post("/predict", json={**one_applicant, "applicants": [one_applicant]},
                         headers=AUTH)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert len(errors) == 1 and errors[0]["field"] == "body"
    assert errors[0]["message"].startswith("'applicants' and an applicant's own fields (")
    assert errors[0]["message"].endswith(
        'send either one applicant, or {"applicants": [...]}, not both.')
    other = client.post("/predict", json={"applicants": [one_applicant], "note": 1},
                        headers=AUTH)  # a key that is no applicant field: named as before
    assert other.json()["errors"] == [{"field": "note", "received": "1",
                                       "message": "Extra inputs are not permitted"}]


def test_a_declared_body_over_the_limit_is_refused_without_waiting_for_the_deadline():
    """A client that declares 2 MB and sends nothing gets its 413 after the short drain, not
    at the 10 s read deadline."""
    sent: list[dict] = []

    async def never_app(scope, receive, send):
        raise AssertionError("the app must not run")

    async def silent_client():
        await asyncio.Event().wait()  # the body never comes

    async def send(message):
        sent.append(message)

    async def refuse():
        limit = BodyLimit(never_app, max_bytes=1_000_000, read_timeout=10)
        scope = {"type": "http", "headers": [(b"content-length", b"2000000")]}
        await asyncio.wait_for(limit(scope, silent_client, send), timeout=DRAIN_SECONDS + 1)

    asyncio.run(refuse())
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]
    detail = sent[1]["body"].decode()
    assert "2000000 bytes (its Content-Length); the limit is 1000000 bytes. Split the " \
           "request" in detail and "one value far longer than the rest" in detail


def test_a_body_declared_over_the_limit_is_read_before_the_413_goes_out():
    """An uploading client reads the 413, not a "connection reset": the server drops the body
    it declared before answering. (Answered mid-upload, the connection closed with unread
    bytes: the system then resets it, and the answer can be lost with it.)"""
    pieces, read, sent = 16, [], []

    async def uploading():  # 1 MB in 64 KB pieces, over the 100 KB limit
        read.append(len(read))
        return {"type": "http.request", "body": b"x" * 65_536,
                "more_body": len(read) < pieces}

    async def send(message):
        sent.append((message, len(read)))

    async def never_app(scope, receive, send):
        raise AssertionError("the app must not run")

    limit = BodyLimit(never_app, max_bytes=100_000, read_timeout=10)
    scope = {"type": "http", "headers": [(b"content-length", str(pieces * 65_536).encode())]}
    asyncio.run(limit(scope, uploading, send))
    (start, read_by_then), (body, _) = sent
    assert start["status"] == 413 and read_by_then == pieces
    assert json.loads(body["body"])["detail"].startswith(
        "request body: 1048576 bytes (its Content-Length); the limit is 100000 bytes.")


def test_a_log_path_that_is_a_folder_is_called_a_folder(tmp_path):
    from deploydl.serving.server import ServeError, _prediction_log

    with pytest.raises(ServeError, match=r"is a folder; --log takes the path of a file .* e\.g\. "
                                         r"--log .*predictions\.sqlite"):
        _prediction_log(tmp_path)


def test_the_port_is_checked_before_the_model_loads_and_the_warning_printed(
        monkeypatch, capsys):
    from deploydl.serving import server

    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    monkeypatch.setattr(server, "_checked_app", _raises(
        AssertionError("the port must be checked before the model is loaded")))
    monkeypatch.setattr(server, "is_loopback", lambda host: False)  # as on 0.0.0.0
    monkeypatch.setattr(server, "log_to_stdout", lambda: None)  # not into capsys's stream
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(server.ServeError, match=str(port)):
            server.serve(host="127.0.0.1", port=port, no_api_key=True)
    assert "Warning" not in capsys.readouterr().err
    monkeypatch.setattr(server, "_checked_app",  # now the port is free
                        _raises(server.ServeError("Refusing to start: a test")))
    with pytest.raises(server.ServeError, match="a test"):
        server.serve(host="127.0.0.1", port=port, no_api_key=True)
    assert "Warning: serving on --host 127.0.0.1 without an API key" in capsys.readouterr().err
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # free again: a refused start-up keeps nothing bound


def test_a_connection_while_the_model_loads_is_refused_not_left_waiting(monkeypatch):
    """serve binds the port first (a busy port is told at once) but listens only once the app
    is built: a client that connects meanwhile is refused, and can retry, instead of waiting
    on a connection nothing answers."""
    from deploydl.serving import server

    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    monkeypatch.setattr(server, "log_to_stdout", lambda: None)
    bound: list[socket.socket] = []
    bind = server._bind

    def bind_and_keep(host, port):
        bound.append(bind(host, port))
        return bound[-1]

    monkeypatch.setattr(server, "_bind", bind_and_keep)
    tried: list[str] = []

    def loading(*args, **kwargs):  # the model is loading: connect to the port now
        port = bound[0].getsockname()[1]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            tried.append("accepted")
        except ConnectionRefusedError:
            tried.append("refused")
        raise server.ServeError("Refusing to start: a test")

    monkeypatch.setattr(server, "_checked_app", loading)
    with pytest.raises(server.ServeError, match="a test"):
        server.serve(host="127.0.0.1", port=0)
    assert tried == ["refused"] and bound[0].fileno() == -1  # closed again


def _serve_until_loading(monkeypatch, port: int) -> list[str]:
    """Run serve on 127.0.0.1:``port`` up to the model's loading (a test error there); what
    happened: ["loading"] when it got that far."""
    from deploydl.serving import server

    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    monkeypatch.setattr(server, "log_to_stdout", lambda: None)
    happened: list[str] = []

    def loading(*args, **kwargs):
        happened.append("loading")
        raise server.ServeError("Refusing to start: a test")

    monkeypatch.setattr(server, "_checked_app", loading)
    with pytest.raises(server.ServeError) as error:
        server.serve(host="127.0.0.1", port=port)
    happened.append(str(error.value))
    return happened


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="Linux lets two sockets bind one port with SO_REUSEADDR")
def test_a_port_bound_but_not_listening_is_busy_before_the_model_loads(monkeypatch):
    """Another server still loading its model holds the port bound, not yet listening (with
    SO_REUSEADDR, as serve and uvicorn bind): it is found busy at once, not after loading."""
    with socket.socket() as loading_elsewhere:
        loading_elsewhere.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        loading_elsewhere.bind(("127.0.0.1", 0))
        port = loading_elsewhere.getsockname()[1]
        [told] = _serve_until_loading(monkeypatch, port)
    assert told.startswith(f"Port {port} on 127.0.0.1 is not available (Address already in "
                           "use). Stop the program using it, or pick another with --port")


def test_a_port_whose_last_connections_wait_in_time_wait_is_free(monkeypatch):
    """A server stopped a moment ago leaves its connections in TIME_WAIT: the port is served
    again at once (SO_REUSEADDR), never reported busy by the check for a bound port."""
    with socket.socket() as stopped:
        stopped.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        stopped.bind(("127.0.0.1", 0))
        stopped.listen()
        port = stopped.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            served, _ = stopped.accept()
            served.close()  # the server closes first: its side waits in TIME_WAIT
            client.recv(1)
    if sys.platform.startswith("linux"):  # the check's premise: a plain bind is refused
        with socket.socket() as plain, pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))
    assert _serve_until_loading(monkeypatch, port) == ["loading", "Refusing to start: a test"]


def test_a_worker_whose_parent_died_stops_itself_gracefully_off_linux(monkeypatch):
    """Off Linux a thread watches the parent; when it dies, the worker raises SIGTERM in
    itself, so uvicorn's handler drains it. os.kill(own pid, SIGTERM) is TerminateProcess on
    Windows: the worker would end at once, mid-request."""
    from deploydl.serving import server

    raised, killed = [], []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "getppid", lambda: 1)  # the parent below has died: init adopted us
    monkeypatch.setattr(signal, "raise_signal", raised.append)
    monkeypatch.setattr(os, "kill", lambda pid, signum: killed.append(signum))
    server.exit_with_parent(parent_pid=123_456)
    for watcher in threading.enumerate():  # it may have finished already
        if watcher.name == "deploydl-parent-watch":
            watcher.join(timeout=5)
    assert (raised, killed) == ([signal.SIGTERM], [])


def _raises(error: Exception):
    """A stand-in for a function: whatever it is given, it raises ``error``."""
    def stand_in(*args, **kwargs):
        raise error

    return stand_in


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills with SIGKILL")
def test_workers_stop_when_their_parent_is_killed(artifact_dir):
    """SIGKILL leaves a parent no time to stop its workers; they stop by themselves."""
    psutil = pytest.importorskip("psutil")
    process = subprocess.Popen(
        [sys.executable, "-m", "deploydl.cli", "serve", "--model", str(artifact_dir),
         "--port", "0", "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    family: list = []
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        while line and not line.startswith("Serving"):
            line = process.stdout.readline()
        url = line.split(" at ")[1].split()[0]
        assert httpx.get(url + "/health", timeout=120).status_code == 200
        family = psutil.Process(process.pid).children(recursive=True)
        assert len(family) >= 2  # the workers (and multiprocessing's resource tracker)
        process.kill()
        process.wait()
        gone, alive = psutil.wait_procs(family, timeout=15)
        alive = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
        assert alive == [], [p.cmdline()[-3:] for p in alive]
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left, if it failed
        process.wait()
        process.stdout.close()
