"""Guards below the app, in uvicorn's HTTP protocol: a header deadline and parser refusals.

Three things happen before a request reaches any ASGI middleware, so the app cannot see them:

* a client sends part of its request headers and then nothing: without a deadline the
  connection stays open (one slow client per connection slot). :class:`GuardedHTTP` answers
  408 and closes the connection when the headers are not complete within the deadline;
* a client sends megabytes of request headers: httptools accepts them, at a cost that grows
  faster than their size, before any middleware can check the API key. :class:`GuardedHTTP`
  answers 431 and closes the connection, without parsing them, when a request's line and
  headers do not end within :data:`MOST_HEADER_BYTES`;
* the HTTP parser refuses a malformed request with a 400.

All three are logged as JSON access lines (with a server-made request ID) and counted in the
app's metrics through :func:`configure`, which ``deploydl serve`` calls in every process.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass

from uvicorn.protocols.http.h11_impl import H11Protocol

from deploydl.serving.metrics import ServiceMetrics
from deploydl.serving.middleware import log_request

#: Whether GuardedHTTP counts header bytes: h11 limits unfinished headers itself (16 KiB),
#: httptools does not.
_COUNT_HEADERS = True
try:  # httptools is the faster parser that uvicorn[standard] brings; h11 is always there
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # pragma: no cover - depends on the installed extras
    # Either base has the protocol methods GuardedHTTP overrides; mypy checks against one.
    _Base = H11Protocol  # type: ignore[assignment,misc]
    _COUNT_HEADERS = False


@dataclass
class _Settings:
    header_timeout: float = 10.0
    metrics: ServiceMetrics | None = None


_SETTINGS = _Settings()
#: The most bytes a request's line and headers may take (64 KiB; a real request to the
#: service sends well under 1 KiB of them).
MOST_HEADER_BYTES = 64 * 1024


def configure(*, header_timeout: float, metrics: ServiceMetrics | None) -> None:
    """Set the header deadline (seconds) and the metrics that count refused requests."""
    _SETTINGS.header_timeout = header_timeout
    _SETTINGS.metrics = metrics


def _record(status: int, reason: str, client: tuple | None) -> None:
    if _SETTINGS.metrics is not None:
        _SETTINGS.metrics.observe(method="-", path="unparsed", status=status, seconds=0.0)
    log_request(request_id=uuid.uuid4().hex, method="-", path="unparsed", status=status,
                seconds=0.0, client=(client or ("-",))[0], reason=reason)


class GuardedHTTP(_Base):
    """uvicorn's HTTP protocol with a deadline for request headers and logged refusals."""

    _deadline: asyncio.TimerHandle | None = None
    _partial = False  # bytes arrived since the deadline was armed
    _in_head = _COUNT_HEADERS  # the parser waits for a request's line and headers
    _head = 0  # bytes received while it waits
    _tail = b""  # their last 3 bytes: the blank line that ends headers may span two reads

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection gets its own deadline

    def data_received(self, data: bytes) -> None:
        self._partial = True
        if self._in_head and self._headers_too_large(data):
            if not self.transport.is_closing():
                self._refuse(431, "Request Header Fields Too Large", (
                    f"request headers: more than {MOST_HEADER_BYTES} bytes; the connection is "
                    "closed. Send the API key and the usual headers only, and the data in the "
                    "body."))
            return  # not parsed: that is the cost refused
        super().data_received(data)

    def _headers_too_large(self, data: bytes) -> bool:
        """Whether the request's line and headers, with ``data``, run past
        :data:`MOST_HEADER_BYTES` without their end (the blank line) inside that limit.
        Checked before the parser reads ``data``, so headers that end in the same read as
        they start are limited too; the body after them is not counted."""
        room = MOST_HEADER_BYTES - self._head
        if b"\r\n\r\n" in self._tail + data[:room]:
            return False  # they end within the limit; the parser takes it from here
        self._head += len(data)
        self._tail = data[-3:]
        return self._head > MOST_HEADER_BYTES

    def on_headers_complete(self) -> None:
        self._in_head = False  # the body that follows, read or not, is not headers
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head, self._tail = _COUNT_HEADERS, 0, b""  # the next request

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        _record(400, msg, self.client)
        super().send_400_response(msg)

    def _arm(self) -> None:
        self._disarm()
        self._partial = False
        self._deadline = self.loop.call_later(_SETTINGS.header_timeout, self._headers_late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_late(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self._in_request():
            return  # a request is being served; its body has its own deadline (BodyLimit)
        if not self._partial:  # an idle connection: close it quietly, as keep-alive does
            self.transport.close()
            return
        self._refuse(408, "Request Timeout", (
            f"request headers: not complete within {_SETTINGS.header_timeout:g} s; the "
            "connection is closed. Send the whole request promptly."))

    def _in_request(self) -> bool:
        """True once a request's headers are complete, until its answer is sent."""
        return self.cycle is not None and not self.cycle.response_complete

    def _refuse(self, status: int, reason: str, detail: str) -> None:
        """Answer ``{"detail": detail}`` with ``status``, close the connection, log it."""
        body = json.dumps({"detail": detail}).encode()
        self.transport.write(f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json"
                             "\r\nconnection: close\r\ncontent-length: ".encode()
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
        self.transport.close()
        _record(status, detail, self.client)


__all__ = ["MOST_HEADER_BYTES", "GuardedHTTP", "configure"]
