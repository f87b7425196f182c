"""Limits found by the security review of docs/service-security.md, each attacked again.

A long list of empty applicants, megabytes of request headers, an error nothing else handles,
a readiness probe behind busy scoring threads, a read deadline longer than the graceful
shutdown, a printable key, and artifact files built to crash their reader rather than fail
their check.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import socket
import threading
import time

import anyio.to_thread
import httpx
import pytest
from fastapi.testclient import TestClient

from deploydl.integrity import check_signature, sign_artifact
from deploydl.registry import ArtifactError, verify
from deploydl.serving import LocalServer, create_app, guard
from deploydl.serving.factory import MOST_FIELD_ERRORS
from deploydl.serving.server import GRACEFUL_SECONDS, ServeError, Trust, _check_key_length
from deploydl.settings import MOST_APPLICANTS, MOST_READ_TIMEOUT_S, Settings

KEY = "security-limits-key-0123456789"
AUTH = {"X-API-Key": KEY, "content-type": "application/json"}
FIELDS = 7  # an empty applicant misses each of its seven required fields


@pytest.fixture(scope="module")
def client(model):
    with TestClient(create_app(model, Settings(api_key=KEY))) as client:
        yield client


def empty_applicants(count: int) -> bytes:
    return b'{"applicants": [' + b",".join([b"{}"] * count) + b"]}"


def test_a_megabyte_of_empty_applicants_gets_a_small_422_at_once(client):
    body = empty_applicants(330_000)  # just under the 1 MB body limit
    started = time.perf_counter()
    answer = client.post("/predict", content=body, headers=AUTH)
    seconds = time.perf_counter() - started
    assert answer.status_code == 422
    assert answer.json()["detail"] == (
        f"applicants: 330000 applicants in one request; the limit is {MOST_APPLICANTS}. Split "
        f"the batch into requests of at most {MOST_APPLICANTS}.")
    assert len(answer.content) < 2_000 and seconds < 1.0, (len(answer.content), seconds)


def test_the_most_applicants_is_published_and_bounds_max_batch(client):
    batch = client.get("/openapi.json").json()["components"]["schemas"]["Batch"]
    assert batch["properties"]["applicants"]["maxItems"] == MOST_APPLICANTS
    with pytest.raises(ValueError, match="less than or equal to 1000"):
        Settings(max_batch=MOST_APPLICANTS + 1)


def test_the_published_batch_limit_is_the_services_own_and_refused_before_reading(model):
    """DEPLOYDL_MAX_BATCH below 1,000: the OpenAPI page publishes it, and a longer list is
    refused before any applicant in it is validated, as the 1,000 limit is. Another app in
    the same process keeps its own limit."""
    small = TestClient(create_app(model, Settings(api_key=KEY, max_batch=3)))
    batch = small.get("/openapi.json").json()["components"]["schemas"]["Batch"]
    assert batch["properties"]["applicants"]["maxItems"] == 3
    answer = small.post("/predict", content=empty_applicants(4), headers=AUTH)
    assert answer.status_code == 422
    assert answer.json()["detail"] == ("applicants: 4 applicants in one request; the limit is "
                                       "3. Split the batch into requests of at most 3.")
    assert small.post("/predict", content=empty_applicants(3), headers=AUTH).json()[
        "detail"].startswith("applicants.0.income: Field required")  # 3 are read
    default = TestClient(create_app(model, Settings(api_key=KEY)))
    batch = default.get("/openapi.json").json()["components"]["schemas"]["Batch"]
    assert batch["properties"]["applicants"]["maxItems"] == MOST_APPLICANTS


def test_a_422_lists_the_first_errors_and_counts_the_rest(client):
    answer = client.post("/predict", content=empty_applicants(50), headers=AUTH)
    assert answer.status_code == 422
    body = answer.json()
    assert len(body["errors"]) == MOST_FIELD_ERRORS
    assert body["detail"] == (f"applicants.0.income: Field required (and {50 * FIELDS - 1} "
                              f"more); the first {MOST_FIELD_ERRORS} are listed")


def test_an_integer_too_long_to_read_is_a_400_that_says_so(client):
    body = b'{"income": ' + b"1" * 5_000 + b"}"
    answer = client.post("/predict", content=body, headers=AUTH)
    assert answer.status_code == 400
    assert "a number in it has more than 4,300 digits" in answer.json()["detail"]


class FailingFeatures:
    """A model whose ``features`` raises: an error no handler of the app expects."""

    name, version = "broken", "1"

    @property
    def features(self):
        raise RuntimeError("features are gone")

    def predict_proba(self, rows):  # pragma: no cover - never scored
        raise AssertionError


class Caught(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_unexpected_error_is_a_json_500_with_the_request_id_and_headers():
    caught, errors = Caught(), logging.getLogger("deploydl.errors")
    errors.addHandler(caught)
    try:
        app = create_app(FailingFeatures(), Settings(api_key=KEY))  # type: ignore[arg-type]
        with TestClient(app, raise_server_exceptions=False) as client:
            answer = client.get("/model", headers=AUTH)
    finally:
        errors.removeHandler(caught)
    request_id = answer.headers["x-request-id"]
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    assert f"(request ID {request_id})" in answer.json()["detail"]
    assert [r.request_id for r in caught.records] == [request_id]  # type: ignore[attr-defined]
    assert caught.records[0].exc_info is not None


def test_an_error_after_the_answer_began_is_counted_as_failed_not_as_its_status():
    from deploydl.serving.metrics import ServiceMetrics
    from deploydl.serving.middleware import AccessLog

    async def breaks_midway(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("the stream broke")

    seen: list[int] = []

    class Counted(ServiceMetrics):
        def observe(self, *, method, path, status, seconds):
            seen.append(status)

    log = AccessLog(breaks_midway, metrics=Counted(), route_of=lambda path: path)

    async def send(message):
        pass

    scope = {"type": "http", "method": "GET", "path": "/model", "headers": [],
             "client": ("127.0.0.1", 1)}
    with pytest.raises(RuntimeError, match="the stream broke"):
        asyncio.run(log(scope, None, send))
    assert seen == [500]


class Blocking:
    """The session's model, scoring only once ``gate`` is set."""

    def __init__(self, model, gate: threading.Event) -> None:
        self._model, self._gate = model, gate

    def __getattr__(self, name: str):
        return getattr(self._model, name)

    def predict_proba(self, rows):
        self._gate.wait(10)
        return self._model.predict_proba(rows)


def test_ready_answers_while_every_scoring_thread_is_busy(model, one_applicant):
    gate = threading.Event()
    app = create_app(Blocking(model, gate), Settings(api_key=KEY))  # type: ignore[arg-type]

    async def probe_while_scoring() -> int:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1  # one busy thread
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            scoring = asyncio.create_task(client.post("/predict", json=one_applicant,
                                                      headers=AUTH))
            await asyncio.sleep(0.2)  # the request now holds the only thread
            try:
                ready = await asyncio.wait_for(client.get("/ready"), timeout=3)
            finally:
                gate.set()
            assert (await scoring).status_code == 200
            return ready.status_code

    assert asyncio.run(probe_while_scoring()) == 200


@pytest.fixture
def guarded_server(model, monkeypatch):
    """The service under uvicorn with :class:`GuardedHTTP`, in a thread; yields its port."""
    monkeypatch.setattr(guard._SETTINGS, "header_timeout", 3.0)
    # LocalServer's start: a server that cannot start fails the test within its deadline
    with LocalServer(create_app(model, Settings(api_key=KEY)), http=guard.GuardedHTTP) as server:
        yield server.port


def test_megabytes_of_request_headers_get_a_431_and_the_connection_closes(guarded_server):
    with socket.create_connection(("127.0.0.1", guarded_server), timeout=5) as sock:
        sock.sendall(b"GET /model HTTP/1.1\r\nhost: x\r\nx-pad: " + b"a" * 100_000)
        reply = b"".join(iter(lambda: sock.recv(65536), b""))  # never ending the header
    assert reply.startswith(b"HTTP/1.1 431 Request Header Fields Too Large"), reply[:200]
    detail = json.loads(reply.split(b"\r\n\r\n", 1)[1])["detail"]
    assert detail.startswith(f"request headers: more than {guard.MOST_HEADER_BYTES} bytes")


def test_complete_headers_too_large_in_one_read_get_a_431_unparsed(guarded_server):
    with socket.create_connection(("127.0.0.1", guarded_server), timeout=5) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\nx-pad: " + b"a" * 100_000
                     + b"\r\n\r\n")  # complete, and over the limit
        reply = b"".join(iter(lambda: sock.recv(65536), b""))
    assert reply.startswith(b"HTTP/1.1 431 Request Header Fields Too Large"), reply[:200]


def test_a_refused_upload_gets_its_403_alone_not_a_431_for_its_unread_body(guarded_server):
    """The key is checked before the body is read; the rest of the upload, discarded, is
    not headers: one answer on the wire, and the connection kept for the next request."""
    body = b"[" + b" " * 500_000 + b"]"
    head = (f"POST /predict HTTP/1.1\r\nhost: x\r\nx-api-key: wrong\r\ncontent-type: "
            f"application/json\r\ncontent-length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", guarded_server), timeout=5) as sock:
        sock.sendall(head + body + b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
        replies = b""
        while replies.count(b"HTTP/1.1 ") < 2:
            chunk = sock.recv(65536)
            if not chunk:
                break
            replies += chunk
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", replies) == [b"403", b"200"], replies[:400]


def test_a_large_body_after_small_headers_is_still_read(guarded_server, one_applicant):
    padded = b" " * 500_000 + json.dumps(one_applicant).encode()  # JSON allows the spaces
    answer = httpx.post(f"http://127.0.0.1:{guarded_server}/predict", content=padded,
                        headers=AUTH)
    assert answer.status_code == 200


def test_the_body_deadline_leaves_time_to_score_inside_the_graceful_shutdown():
    assert GRACEFUL_SECONDS - MOST_READ_TIMEOUT_S >= 15  # seconds left to score the request
    assert Settings(read_timeout_s=MOST_READ_TIMEOUT_S).read_timeout_s == MOST_READ_TIMEOUT_S
    with pytest.raises(ValueError, match="the most is 12 s. A body still arriving"):
        Settings(read_timeout_s=20)


def test_the_settings_repr_never_shows_the_api_key():
    assert KEY not in repr(Settings(api_key=KEY)) and KEY not in str(Settings(api_key=KEY))


def test_the_trust_repr_never_shows_the_signing_key():
    assert KEY not in repr(Trust(signing_key=KEY, expect_sha256="0" * 64))


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "pod.internal"])
def test_a_short_api_key_is_refused_on_a_network_address(host):
    with pytest.raises(ServeError, match=f"--host {host} with an API key of 11 bytes: .*a "
                                         "random key of at least 16 bytes .*secrets.token_hex"):
        _check_key_length(host, "gallery-key")


@pytest.mark.parametrize("host, key", [("127.0.0.1", "k"), ("localhost", "secret"),
                                       ("0.0.0.0", "x" * 16), ("0.0.0.0", None)])
def test_a_short_key_on_loopback_or_a_long_key_anywhere_is_served(host, key):
    assert _check_key_length(host, key) is None


@pytest.mark.parametrize("text", [json.dumps({"signature": "é" * 64}),
                                  json.dumps({"signature": "\ud800" * 64}),  # lone surrogates
                                  "[" * 100_000 + "]" * 100_000],
                         ids=["non-ascii", "surrogates", "nested"])
def test_an_odd_signature_file_is_an_artifact_error_not_a_crash(artifact_dir, tmp_path, text):
    folder = shutil.copytree(artifact_dir, tmp_path / "signed")
    sign_artifact(folder, key=KEY)
    (folder / "signature.json").write_text(text)
    with pytest.raises(ArtifactError, match="is not a signature file"):
        check_signature(folder, key=KEY)


def test_deeply_nested_artifact_json_is_an_artifact_error(artifact_dir, tmp_path):
    folder = shutil.copytree(artifact_dir, tmp_path / "nested")
    (folder / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ArtifactError, match="is not valid JSON"):
        verify(folder)
