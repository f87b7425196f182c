"""Plain ASGI middleware for the service: API key, body limit and deadline, request IDs, logs.

They are written against ASGI itself (not ``BaseHTTPMiddleware``) so they see every byte the
client streams and cost little per request. The order, outermost first, is
:class:`AccessLog` (every answer is counted and logged), :class:`ApiKeyGate` (a request
without the key is refused before a byte of its body is parsed), then :class:`BodyLimit`.

Each runs on every request, so each does its work once at start-up where it can (the
expected key, the metric series), reads one header without copying them all, and encodes
its JSON with orjson. Module 05 measures what each layer costs
(:func:`deploydl.efficiency.layers.layer_costs`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deploydl.serving.metrics import ServiceMetrics

ACCESS_LOG = logging.getLogger("deploydl.access")
#: :data:`deploydl.serving.events.ERROR_LOG` (the same logger, by name: events imports this).
_ERROR_LOG = logging.getLogger("deploydl.errors")
#: The 401 for a request without a key.
MISSING_KEY_DETAIL = "missing API key: send it in the X-API-Key header"
#: The 403 for a wrong key, for the caller: it names nothing of the server's set-up, which a
#: caller cannot change, and never repeats the key (it may be a real key, mistyped).
WRONG_KEY_DETAIL = "API key not accepted: check the X-API-Key value you were given."
#: A client's own request ID is kept (beside the server's) only if it matches this.
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes:
    """The value of header ``name`` (lower case), or ``b""``; no copy of the whole list."""
    for key, value in headers:
        if key == name:
            return value
    return b""


def new_request_id() -> str:
    """A random 128-bit request ID as 32 hex digits (what ``uuid.uuid4().hex`` looks like)."""
    return os.urandom(16).hex()


async def send_json(send: Send, status: int, detail: str, *, close: bool = True,
                    headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    """Answer ``{"detail": detail}`` with ``status`` (and close the connection after it)."""
    body = orjson.dumps({"detail": detail})
    if close:
        headers = ((b"connection", b"close"), *headers)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class _Deadline:
    """Receive the request body within ``seconds`` of the first read, or time out."""

    def __init__(self, receive: Receive, seconds: float) -> None:
        self.receive = receive
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    async def __call__(self) -> Message:
        async with asyncio.timeout(max(0.0, self.ends - time.monotonic())):
            return await self.receive()

    async def drain(self, cap: int) -> None:
        """Read and drop up to ``cap`` more bytes, so the client can read the answer
        instead of a "connection reset"; give up at the deadline."""
        drained = 0
        try:
            while drained <= cap:
                message = await self()
                drained += len(message.get("body", b""))
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return
        except TimeoutError:
            return


#: Seconds a body declared over the limit is read and dropped before its 413 is sent.
DRAIN_SECONDS = 2.0


def body_timeout_detail(seconds: float) -> str:
    return (f"request body: not received within {seconds:g} s; the connection is closed. "
            "Send the whole body promptly (slow uploads are cut off to protect the service).")


class ApiKeyGate:
    """401 without the API key, 403 with a wrong one, before a byte of the body is read.

    Paths for which ``public(path)`` is true (probes, metrics, API docs) need no key. With
    ``api_key=None`` every path is open. The comparison takes constant time. The answer goes
    out at once; the HTTP server then discards the rest of the upload without parsing it, so
    a flood of large unauthenticated bodies costs almost nothing.
    """

    def __init__(self, app: ASGIApp, *, api_key: str | None,
                 public: Callable[[str], bool]) -> None:
        self.app = app
        self.expected = api_key.encode() if api_key else None
        self.public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.expected is None or self.public(scope["path"]):
            await self.app(scope, receive, send)
            return
        given = header(scope["headers"], b"x-api-key")
        if given and hmac.compare_digest(given, self.expected):
            await self.app(scope, receive, send)
            return
        if not given:
            await send_json(send, 401, MISSING_KEY_DETAIL,
                            close=False, headers=((b"www-authenticate", b"ApiKey"),))
        else:
            await send_json(send, 403, WRONG_KEY_DETAIL, close=False)


class BodyLimit:
    """413 for a body over ``max_bytes``, 408 for one not received within ``read_timeout`` s.

    A client can omit Content-Length (chunked upload) or lie about it, so the limit is
    enforced on the streamed bytes; the body is buffered (at most ``max_bytes``) and replayed.
    The deadline stops a slow client from holding a connection (and a graceful shutdown).
    Before a 413 the rest of the body (up to 16 times the limit) is read and dropped, so an
    uploading client reads the answer instead of a "connection reset"; for a body refused on
    its Content-Length alone, for at most :data:`DRAIN_SECONDS`.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, read_timeout: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope["headers"], b"content-length")
        if declared.isdigit() and int(declared) > self.max_bytes:
            # refused unbuffered, after a short drain: a client that declares more than it
            # sends holds the connection DRAIN_SECONDS, not the whole read deadline
            drain = _Deadline(receive, min(DRAIN_SECONDS, self.read_timeout))
            await drain.drain(min(int(declared), 16 * self.max_bytes))
            await send_json(send, 413, self.too_large(int(declared), declared=True))
            return
        timed = _Deadline(receive, self.read_timeout)
        chunks, size, more = [], 0, True
        try:
            async with asyncio.timeout(self.read_timeout):  # one deadline for the whole body
                while more and size <= self.max_bytes:
                    message = await receive()
                    if message["type"] != "http.request":
                        return  # the client went away before sending its body
                    chunks.append(message.get("body", b""))
                    size += len(chunks[-1])
                    more = message.get("more_body", False)
        except TimeoutError:
            await send_json(send, 408, body_timeout_detail(self.read_timeout))
            return
        if size <= self.max_bytes:
            await self.app(scope, _replay(b"".join(chunks), receive), send)
            return
        if more:
            await timed.drain(16 * self.max_bytes)
        await send_json(send, 413, self.too_large(size, declared=False))

    def too_large(self, size: int, *, declared: bool) -> str:
        """The 413's detail: the body's size (as declared, or the bytes received so far), the
        limit, and what to do: split the request, or find the oversized value."""
        counted = f"{size} bytes (its Content-Length)" if declared else f"at least {size} bytes"
        return (f"request body: {counted}; the limit is {self.max_bytes} bytes. Split the "
                "request, or look for one value far longer than the rest.")


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class AccessLog:
    """Give each request an ID, time it, count it and log one JSON line about it.

    The server always makes the ID (a client cannot choose the ID a prediction is logged
    under); a well-formed ``X-Request-ID`` from the client is kept beside it as
    ``client_request_id`` (in the log line and the ``X-Client-Request-ID`` answer header), so
    one request can still be traced across systems. ``route_of`` maps a raw path to a metric
    label ("/predict", or "other" for unknown paths, so a scanner probing random URLs cannot
    blow up the number of time series). ``headers`` go on every answer and
    ``path_headers[path]`` on the answers for that path (security headers: the loan service's
    ``nosniff``, ``Cache-Control: no-store``, a ``frame-ancestors`` policy), in the same pass.
    """

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics,
                 route_of: Callable[[str], str],
                 headers: Iterable[tuple[bytes, bytes]] = (),
                 path_headers: Mapping[str, Iterable[tuple[bytes, bytes]]] | None = None,
                 ) -> None:
        self.app = app
        self.metrics = metrics
        self.route_of = route_of
        self.headers = tuple(headers)
        self.path_headers = {path: tuple(h) for path, h in (path_headers or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = header(scope["headers"], b"x-request-id").decode("latin-1")
        client_id = given if given and CLIENT_REQUEST_ID.fullmatch(given) else None
        request_id = new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"], state["client_request_id"] = request_id, client_id
        extra = [(b"x-request-id", request_id.encode()), *self.headers,
                 *self.path_headers.get(scope["path"], ())]
        if client_id:
            extra.append((b"x-client-request-id", client_id.encode()))
        started, status, begun = time.perf_counter(), 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, begun
            if message["type"] == "http.response.start":
                status, begun = message["status"], True
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if begun:
                status = 500  # logged as failed, whatever status was already sent
                raise  # part of the answer is out: the server can only cut the connection
            _ERROR_LOG.exception("unexpected error on request %s", request_id,
                                 extra={"event": "app_error", "request_id": request_id})
            await send_json(send_with_id, 500, unexpected_error(request_id))
        finally:
            seconds = time.perf_counter() - started
            path = self.route_of(scope["path"])
            self.metrics.observe(method=scope["method"], path=path, status=status,
                                 seconds=seconds)
            log_request(request_id=request_id, method=scope["method"], path=path,
                        status=status, seconds=seconds,
                        client=(scope.get("client") or ("-",))[0], client_request_id=client_id)


def unexpected_error(request_id: str) -> str:
    """The detail of the 500 for an error nothing else handled: the request ID to quote."""
    return (f"the service failed on this request (request ID {request_id}); nothing was "
            "decided. The error is in the service log under that ID; retry later, and quote "
            "the ID if it happens again.")


class CourseLogHandler(logging.StreamHandler):
    """The one handler :func:`log_to` gives a logger (and
    :func:`~deploydl.serving.events.uvicorn_log_config` and
    :func:`~deploydl.serving.events.local_log_config` give uvicorn's), told apart from
    handlers others add."""


def log_to(logger: logging.Logger, stream, *,
           formatter: logging.Formatter | None = None) -> None:
    """Write ``logger``'s lines to ``stream`` at INFO, through one handler however often it
    is called: the latest call's stream and format win, so no line is written twice.

    Without ``formatter`` a line is the message as it is (the JSON its caller made); with one
    (e.g. :class:`deploydl.serving.events.JsonLineFormatter`) it comes out in that format. The
    logger's :class:`CourseLogHandler`, if an earlier call added one, is pointed at ``stream``
    and given the format; handlers that others added are left as they are.
    """
    found = [h for h in logger.handlers if isinstance(h, CourseLogHandler)]
    handler = found[0] if found else CourseLogHandler(stream)
    handler.setFormatter(formatter)  # None: logging's default, the message as it is
    handler.setStream(stream)
    if not found:
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def log_request(*, request_id: str, method: str, path: str, status: int, seconds: float,
                client: str, client_request_id: str | None = None, **extra: object) -> None:
    """Write one JSON access-log line (logger ``deploydl.access``)."""
    if not ACCESS_LOG.isEnabledFor(logging.INFO):
        return  # nobody reads it (a notebook): skip the formatting too
    line = {"event": "request", "request_id": request_id, "method": method, "path": path,
            "status": status, "duration_ms": round(seconds * 1000, 2), "client": client}
    if client_request_id:
        line["client_request_id"] = client_request_id
    text = orjson.dumps({**line, **extra}, default=str).decode()
    # makeRecord + handle: the record logging.info() would make, without looking up the
    # caller's file and line on every request (nobody reads them in an access log).
    ACCESS_LOG.handle(ACCESS_LOG.makeRecord(ACCESS_LOG.name, logging.INFO, "", 0, text, (),
                                            None))
