import io
import socket
import sys
import threading
import time
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from deploydl.serving import (
    LocalServer,
    ServerStartError,
    ServiceClient,
    ServiceError,
    ServiceUnavailable,
    create_app,
)


def test_predict_one_and_a_batch_in_process(model, one_applicant):
    client = TestClient(create_app(model))
    one = client.post("/predict", json=one_applicant).json()
    batch = client.post("/predict", json={"applicants": [one_applicant] * 3}).json()
    assert one["model_version"] == model.version and len(one["predictions"]) == 1
    assert [p["probability_of_default"] for p in batch["predictions"]] == \
        [one["predictions"][0]["probability_of_default"]] * 3


def test_health_and_readiness(model):
    assert TestClient(create_app(model)).get("/ready").json() == {"status": "ready"}
    not_ready = TestClient(create_app(None))
    assert not_ready.get("/health").status_code == 200
    assert not_ready.get("/ready").status_code == 503


@pytest.mark.parametrize("change, field", [
    ({"income": -5}, "income"), ({"debt_ratio": "high"}, "debt_ratio"),
    ({"colour": "red"}, "colour"), ({"late_payments": None}, "late_payments"),
])
def test_bad_input_is_a_422_naming_the_field(model, one_applicant, change, field):
    response = TestClient(create_app(model)).post("/predict", json={**one_applicant, **change})
    assert response.status_code == 422 and field in response.text


def test_local_server_serves_real_http_and_stops(model, one_applicant):
    with LocalServer(create_app(model)) as server:
        client = ServiceClient(server.url)
        assert client.health() == {"status": "ok"}
        assert client.predict(one_applicant)["predictions"]
        url = server.url
    assert not server.running
    with pytest.raises(ServiceUnavailable, match="No server is answering") as error:
        ServiceClient(url, timeout=2).health()
    assert "the service has stopped" in str(error.value)  # the kernel restarted, or close()
    assert "Run the cell or command that starts it again" in str(error.value)
    server.close()  # a second close does nothing


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as a console Python's is (uvicorn colours its
    lines there by default)."""

    def isatty(self) -> bool:
        return True


def test_a_local_server_writes_only_what_went_wrong_as_plain_lines(model, monkeypatch):
    """In a notebook the server writes nothing while all is well (no start-up or access
    lines), and what went wrong as one plain line on stderr: no colour codes."""
    monkeypatch.setattr(sys, "stdout", out := _Terminal())
    monkeypatch.setattr(sys, "stderr", err := _Terminal())
    with LocalServer(create_app(model)) as server:
        assert ServiceClient(server.url).health() == {"status": "ok"}
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 400")
    assert out.getvalue() == ""
    assert err.getvalue() == "WARNING uvicorn.error: Invalid HTTP request received.\n"


def test_a_server_nobody_holds_any_more_stops_when_collected(model):
    """A notebook cell that starts a server, run again: the name now holds the new server, and
    the old one stops once Python collects it, not when the kernel stops."""
    import gc

    server = LocalServer(create_app(model)).start()
    url, thread = server.url, server._thread
    assert ServiceClient(url).health() == {"status": "ok"}
    server = LocalServer(create_app(model)).start()  # the cell run again
    gc.collect()
    assert thread is not None and not thread.is_alive()
    with pytest.raises(ServiceUnavailable, match="No server is answering"):
        ServiceClient(url, timeout=2).health()
    assert ServiceClient(server.url).health() == {"status": "ok"}  # the new one serves
    server.close()


def test_a_key_exported_in_the_shell_reaches_the_service_and_the_client(
        model, one_applicant, monkeypatch):
    # A technical lead who exported the key for `deploydl serve` and then started Jupyter
    # from the same shell: the lessons' in-notebook services read it, so their clients must.
    monkeypatch.setenv("DEPLOYDL_API_KEY", "from-the-shell")
    with LocalServer(create_app(model)) as server:
        assert ServiceClient(server.url).predict(one_applicant)["predictions"]
        with pytest.raises(ServiceError, match="403"):
            ServiceClient(server.url, api_key="another").predict(one_applicant)


def test_busy_port_is_a_clear_error(model):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(ServerStartError, match=f"Port {port} .* already in use") as error:
            LocalServer(create_app(model), port=port).start()
    assert "pick another port (port=0 picks a free one)" in str(error.value)


@pytest.mark.parametrize("host, port, message", [
    ("192.0.2.1", 0, r"host='192.0.2.1': not an address of this machine \(Cannot assign"),
    ("no-such-host.invalid", 0, r"host='no-such-host.invalid': not an address of this machine"),
    ("127.0.0.1", 70000, r"port=70000: not a port; give a whole number from 0 to 65535"),
    ("127.0.0.1", "8000", r"port='8000': not a port"),
])
def test_an_address_that_cannot_be_bound_names_the_setting_to_change(host, port, message):
    """The one bind helper (deploydl serve uses it too, with --host and --port): the setting,
    its value and what to do; never a busy port for a host that is not this machine's."""
    with pytest.raises(ServerStartError, match=message) as error:
        LocalServer(FastAPI(), host=host, port=port).start()
    if "host=" in message:
        assert "Set host to an IPv4 address this machine has: 127.0.0.1" in str(error.value)
        assert "Port" not in str(error.value) and "in use" not in str(error.value)


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
    ("0.0.0.0", False), ("10.1.2.3", False), ("my-laptop", False), ("", False)])
def test_only_a_loopback_address_counts_as_this_machine_only(host, loopback):
    from deploydl.serving.server import is_loopback

    assert is_loopback(host) is loopback


def test_serve_refuses_a_network_address_without_a_key_before_loading_a_model(
        monkeypatch, capsys):
    """Fail closed: the key is optional on 127.0.0.1 only (finding of the security review)."""
    from deploydl.cli import main
    from deploydl.serving import server

    def no_model(*args, **kwargs):
        raise AssertionError("the refusal must come before the model is loaded")

    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    monkeypatch.setattr(server, "default_artifact", no_model)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "Refusing to serve on --host 0.0.0.0 without an API key" in err
    assert "set DEPLOYDL_API_KEY" in err and "pass --no-api-key" in err
    monkeypatch.setenv("DEPLOYDL_API_KEY", "k" * 20)  # a key and --no-api-key contradict
    assert main(["serve", "--host", "0.0.0.0", "--no-api-key"]) == 1
    assert "--no-api-key, yet an API key is set" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse: one way to give the key, or none
        main(["serve", "--no-api-key", "--api-key-env", "X"])


def test_no_api_key_serves_on_a_network_address_on_purpose_with_a_warning(capsys):
    """The check returns the warning (serve prints it once the port is taken); it prints
    nothing itself."""
    from deploydl.serving.server import _check_key_for_host

    warning = _check_key_for_host("0.0.0.0", has_key=False, no_api_key=True)
    assert warning is not None
    assert warning.startswith("Warning: serving on --host 0.0.0.0 without an API key")
    assert _check_key_for_host("127.0.0.1", has_key=False, no_api_key=False) is None  # loopback
    assert _check_key_for_host("0.0.0.0", has_key=True, no_api_key=False) is None
    assert capsys.readouterr().err == ""


def test_serve_warns_of_no_api_key_once_the_port_is_taken_and_releases_it_on_refusal(
        capsys, monkeypatch, tmp_path):
    """serve() takes the address before its key checks: the --no-api-key warning must still
    be printed, and a start refused after the bind (here: no model) must let the port go."""
    import deploydl.serving.server as server
    from deploydl.serving.server import ServeError, serve

    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    # not pointed at capsys's stream, which closes after this test: the next serve() to set
    # up its logs would flush it and fail
    monkeypatch.setattr(server, "log_to_stdout", lambda: None)
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ServeError):
        serve(tmp_path / "no-model", host="0.0.0.0", port=port, no_api_key=True)
    assert ("Warning: serving on --host 0.0.0.0 without an API key"
            in capsys.readouterr().err)
    with socket.socket() as again:  # released: the port binds again
        again.bind(("0.0.0.0", port))


def test_app_that_fails_start_up_is_a_clear_error():
    @asynccontextmanager
    async def broken(app):
        raise RuntimeError("model file missing")
        yield

    with pytest.raises(ServerStartError, match="stopped during start-up"):
        LocalServer(FastAPI(lifespan=broken), start_timeout=5).start()


def test_url_of_a_stopped_server_says_what_to_do(model):
    with pytest.raises(ServerStartError, match="start"):
        _ = LocalServer(create_app(model)).url


def test_client_reports_http_errors_with_the_body(model):
    with LocalServer(create_app(model)) as server, pytest.raises(ServiceError,
                                                                  match="422") as error:
        ServiceClient(server.url).predict({"income": 1})
    assert error.value.status_code == 422 and "debt_ratio" in error.value.body


def test_a_model_exception_is_logged_with_its_request_id_without_a_prediction_log(
        model, one_applicant, caplog):
    import logging

    class Broken:
        name, version = model.name, model.version

        def predict_proba(self, rows):
            raise RuntimeError("weights on fire")

    client = TestClient(create_app(Broken()))
    with caplog.at_level(logging.ERROR, logger="deploydl.errors"):
        reply = client.post("/predict", json=one_applicant)
    request_id = reply.headers["x-request-id"]
    assert reply.status_code == 500 and request_id in reply.json()["detail"]
    record = next(r for r in caplog.records if r.name == "deploydl.errors")
    assert request_id in record.getMessage() and "weights on fire" in str(record.exc_info[1])


class _SaysWhenItHungUp(ThreadingHTTPServer):
    def __init__(self, *args):
        super().__init__(*args)
        self.hung_up = threading.Event()

    def shutdown_request(self, request):
        super().shutdown_request(request)
        self.hung_up.set()

    def handle_error(self, request, client_address):
        pass  # a late answer to a client that gave up: what the timeout test intends


@contextmanager
def _bare_server(answer_get, *, timeout=5.0):
    """A plain HTTP/1.1 server whose GET handler is ``answer_get(handler)``, and a client."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the name http.server calls
            answer_get(self)

        def log_message(self, *args):
            pass

    server = _SaysWhenItHungUp(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = ServiceClient(f"http://127.0.0.1:{server.server_address[1]}", timeout=timeout)
    try:
        yield server, client
    finally:
        client.close()
        server.shutdown()
        server.server_close()


def _ok_then_hang_up(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "15")
    handler.end_headers()
    handler.wfile.write(b'{"status":"ok"}')
    handler.close_connection = True  # no "Connection: close": the client finds out later


def test_the_client_replaces_a_kept_alive_connection_the_server_closed():
    """Uvicorn closes idle connections after 5 s: the pause between two notebook cells."""
    with _bare_server(_ok_then_hang_up) as (server, client):
        def health_after_the_hang_up():
            # Wait as a notebook does between cells: the server has closed by the next call.
            # Without the wait, the next request can race the close, which no client can win.
            answer = client.health()
            assert server.hung_up.wait(timeout=5)
            server.hung_up.clear()
            return answer

        assert [health_after_the_hang_up() for _ in range(3)] == [{"status": "ok"}] * 3


def test_a_server_that_hangs_up_without_answering_is_a_clear_error():
    def hang_up(handler):
        handler.close_connection = True

    with _bare_server(hang_up) as (_, client), pytest.raises(
            ServiceUnavailable, match="closed the connection without a complete answer.*"
                                      "Check that it is running"):
        client.health()


def _answer(status: int, body: bytes, **headers: str):
    """A GET handler for _bare_server that answers ``status`` with ``body`` and ``headers``."""
    def answer(handler):
        handler.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    return answer


@pytest.mark.parametrize("status", [200, 404])
def test_another_program_at_the_url_is_named_as_such_not_a_json_traceback(status):
    """Jupyter Server, say, answers /health with its own 404 page: the course's service
    answers everything in JSON, so an HTML answer, error or not, is another program's."""
    page = b"<!DOCTYPE html><html><title>Jupyter Server</title></html>"
    with _bare_server(_answer(status, page)) as (_, client), pytest.raises(
            ServiceError, match=rf"answered {status}, but not with JSON.*not the course's "
                                r"service.*'<!DOCTYPE html>.*Check the URL") as error:
        client.health()
    assert error.value.status_code == status and "Jupyter Server" in error.value.body


def test_an_empty_answer_and_a_redirect_say_what_they_are():
    with _bare_server(_answer(200, b"")) as (_, client), pytest.raises(
            ServiceError, match=r"answered 200, but not with JSON.*Its answer was empty\."):
        client.health()
    moved = _answer(301, b"", Location="https://example.test/health")
    with _bare_server(moved) as (_, client), pytest.raises(
            ServiceError, match=r"answered 301, a redirect to 'https://example.test/health': "
                                r"the service is not at http://127\.0\.0\.1:\d+\. Give"):
        client.health()


@pytest.mark.parametrize("body", [b'{"message": "Hello World"}', b'["ok"]', b'"ok"'])
def test_another_program_answering_in_json_is_named_as_such_not_taken_as_the_answer(body):
    """Another web app on the port (FastAPI's tutorial app, say) answers in JSON too: an
    answer without the field the service always sends to that path is not the service's."""
    with _bare_server(_answer(200, body)) as (_, client), pytest.raises(
            ServiceError, match=r"GET /health answered 200 in JSON without the 'status' field "
                                r"the course's service always sends, so the program at "
                                r"http://127\.0\.0\.1:\d+ is not the course's service.*"
                                r"Check the URL") as error:
        client.health()
    assert error.value.body == body.decode()


def test_a_server_that_answers_too_late_is_a_clear_error():
    def answer_late(handler):
        time.sleep(1.5)
        _ok_then_hang_up(handler)

    with _bare_server(answer_late, timeout=0.5) as (_, client), pytest.raises(
            ServiceUnavailable, match=r"no answer from .* within 0.5 s.*longer timeout"):
        client.health()


def test_request_time_is_seconds_in_the_histogram_and_milliseconds_in_the_access_log(model):
    import json
    import logging
    import re

    from deploydl.serving.middleware import ACCESS_LOG

    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(record.getMessage()))

    keep, level = Keep(logging.INFO), ACCESS_LOG.level
    ACCESS_LOG.addHandler(keep)
    ACCESS_LOG.setLevel(logging.INFO)
    try:
        with TestClient(create_app(model)) as client:
            started = time.perf_counter()
            for _ in range(5):
                assert client.get("/health").status_code == 200
            wall = time.perf_counter() - started
            text = client.get("/metrics").text
    finally:
        ACCESS_LOG.removeHandler(keep)
        ACCESS_LOG.setLevel(level)

    def sample(series):
        return float(re.search(rf"^deploydl_request_latency_seconds_{series} (\S+)$", text,
                               re.MULTILINE)[1])

    count, total = sample('count{path="/health"}'), sample('sum{path="/health"}')
    fast = sample('bucket{le="0.1",path="/health"}')
    durations = [line["duration_ms"] for line in lines if line["path"] == "/health"]
    assert count == len(durations) == 5
    # Seconds: five answers cannot take longer than the test's own clock around them.
    assert 0 < total < wall
    # Milliseconds: each line is the same time as the histogram's, times 1000 (to 0.01 ms).
    assert all(0 < d < 1000 for d in durations), durations
    assert sum(durations) == pytest.approx(total * 1000, abs=0.005 * 5 + 1e-9)
    assert fast == sum(d <= 100 for d in durations) >= 1  # in-process /health: a few ms


def test_health_answers_while_every_scoring_thread_is_busy(model, one_applicant):
    """/health runs on the event loop: a peak that takes every thread of the pool /predict
    scores in (one thread here) does not make the liveness check wait."""
    import threading

    import anyio.to_thread

    scoring, release = threading.Event(), threading.Event()

    class Stuck:
        name, version, features = model.name, model.version, model.features

        def predict_proba(self, rows):
            scoring.set()
            release.wait(10)
            return model.predict_proba(rows)

    with TestClient(create_app(Stuck(), threshold=0.5)) as client:
        client.portal.call(lambda: setattr(anyio.to_thread.current_default_thread_limiter(),
                                           "total_tokens", 1))
        busy = threading.Thread(target=client.post, args=("/predict",),
                                kwargs={"json": one_applicant})
        busy.start()
        answers: list[int] = []
        try:
            assert scoring.wait(5), "/predict never reached the model"
            probe = threading.Thread(
                target=lambda: answers.append(client.get("/health").status_code))
            probe.start()
            probe.join(timeout=3)
            answered_while_busy = list(answers)
        finally:
            release.set()
            busy.join()
    assert answered_while_busy == [200], "/health waited for the scoring thread"
