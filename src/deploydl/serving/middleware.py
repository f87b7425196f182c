"""Plain ASGI middleware for the service: body limit, request IDs, access logs, metrics.

They are written against ASGI itself (not ``BaseHTTPMiddleware``) so they see every byte the
client streams and cost little per request.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deploydl.serving.metrics import ServiceMetrics

ACCESS_LOG = logging.getLogger("deploydl.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class BodyLimit:
    """Answer 413 to a request body over ``max_bytes``, counting the bytes actually received.

    A client can omit Content-Length (chunked upload) or lie about it, so the limit is
    enforced on the streamed bytes; the body is buffered (at most ``max_bytes``) and replayed.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        chunks, size, more = [], 0, True
        if declared.isdigit() and int(declared) > self.max_bytes:
            size = int(declared)  # refused without buffering anything
        while more and size <= self.max_bytes:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
        if size <= self.max_bytes:
            await self.app(scope, _replay(b"".join(chunks), receive), send)
            return
        if more:
            await self._drain(receive)
        await self._refuse(send, size)

    async def _drain(self, receive: Receive) -> None:
        """Read and drop the rest of the upload (up to a cap), so the client is not cut off
        mid-upload and can read the 413 instead of a "connection reset"."""
        drained = 0
        while drained < 16 * self.max_bytes:
            message = await receive()
            drained += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body", False):
                return

    async def _refuse(self, send: Send, size: int) -> None:
        body = json.dumps({"detail": f"request body: at least {size} bytes; the limit is "
                                     f"{self.max_bytes}. Send fewer applicants per request."})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body.encode()})


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

    The ID comes from the client's ``X-Request-ID`` header when it is well formed (so one
    request can be traced across systems), else a new one; it is sent back in the answer.
    ``route_of`` maps a raw path to a metric label ("/predict", or "other" for unknown paths,
    so a scanner probing random URLs cannot blow up the number of time series).
    """

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics,
                 route_of: Callable[[str], str]) -> None:
        self.app = app
        self.metrics = metrics
        self.route_of = route_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            path = self.route_of(scope["path"])
            self.metrics.observe(method=scope["method"], path=path, status=status,
                                 seconds=seconds)
            ACCESS_LOG.info(json.dumps({
                "event": "request", "request_id": request_id, "method": scope["method"],
                "path": path, "status": status, "duration_ms": round(seconds * 1000, 2),
                "client": (scope.get("client") or ("-",))[0]}))
