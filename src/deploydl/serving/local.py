"""Run the service inside a notebook or a test: uvicorn in a thread on a loopback port.

``uvicorn.run()`` cannot be called inside Jupyter (an event loop is already running), so
:class:`LocalServer` runs ``uvicorn.Server`` in a daemon thread on a socket it binds itself.
The thread holds only the uvicorn server, never the :class:`LocalServer`: a notebook cell run
again rebinds its name to a new one, and the old one, no longer referenced, stops its server
when Python collects it, like :class:`~deploydl.serving.process.ServiceProcess`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import weakref

import uvicorn
from fastapi import FastAPI

from deploydl.serving.events import local_log_config


class ServerStartError(RuntimeError):
    """The local server could not start; the message says why and what to do."""


class LocalServer:
    """A real HTTP server for ``app`` on 127.0.0.1, stopped by :meth:`close` or ``with``.

    Parameters
    ----------
    app : FastAPI
        The app to serve (see :func:`deploydl.serving.create_app`).
    port : int
        0 (the default) picks a free port; any other number must be free.
    host : str
        Loopback by default, so nothing outside this machine can reach the server.
    start_timeout : float
        Seconds to wait for the server to be ready before giving up.
    http : str or type
        uvicorn's HTTP protocol: ``"auto"`` (the default), or a protocol class such as
        :class:`deploydl.serving.guard.GuardedHTTP`, the one ``deploydl serve`` uses.

    uvicorn logs its warnings and errors only, as plain lines on standard error
    (:func:`deploydl.serving.events.local_log_config`): a notebook's outputs show the server
    only when something went wrong.

    Examples
    --------
    >>> with LocalServer(app) as server:          # doctest: +SKIP
    ...     httpx.get(server.url + "/health")
    """

    def __init__(self, app: FastAPI, *, port: int = 0, host: str = "127.0.0.1",
                 start_timeout: float = 10.0, http: str | type[asyncio.Protocol] = "auto",
                 ) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.start_timeout = start_timeout
        self.http = http
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._errors: list[BaseException] = []  # what the thread raised, if anything
        self._finalizer: weakref.finalize | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``; only valid while the server runs."""
        if not self.running:
            raise ServerStartError("The server is not running; call start() first.")
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> LocalServer:
        """Start serving and return once the server accepts requests."""
        if self.running:
            return self
        sock = self._bind()
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False,
                                log_config=local_log_config(), lifespan="on",
                                timeout_graceful_shutdown=5, http=self.http)
        server = self._server = uvicorn.Server(config)
        errors = self._errors = []
        # a module-level target: the thread must not keep this object alive (see the module)
        thread = self._thread = threading.Thread(target=_serve, args=(server, sock, errors),
                                                 daemon=True, name=f"deploydl-server-{self.port}")
        self._finalizer = weakref.finalize(self, _stop, server, thread)
        thread.start()
        self._wait_until_started(server, thread)
        return self

    def close(self) -> None:
        """Stop the server and wait for its thread; calling it again does nothing."""
        if self._finalizer is not None:
            self._finalizer()  # stops the server and waits for its thread, once
            self._finalizer = None
        self._thread = None
        self._server = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = f"running at {self.url}" if self.running else "stopped"
        return f"<LocalServer {state}>"

    def _bind(self) -> socket.socket:
        from deploydl.serving.process import bind_socket  # it imports this module

        return bind_socket(self.host, self.requested_port)  # BindError is a ServerStartError

    def _wait_until_started(self, server: uvicorn.Server, thread: threading.Thread) -> None:
        deadline = time.monotonic() + self.start_timeout
        while not server.started:
            if not thread.is_alive():
                reason = f": {self._errors[0]!r}" if self._errors else " (see the log above)"
                self.close()
                raise ServerStartError(f"The server stopped during start-up{reason}. "
                                       "Check the model and settings, then start it again.")
            if time.monotonic() > deadline:
                self.close()
                raise ServerStartError(
                    f"The server did not become ready within {self.start_timeout:.0f} s. "
                    "Raise start_timeout, or check that the app's start-up finishes.")
            time.sleep(0.01)


def _serve(server: uvicorn.Server, sock: socket.socket, errors: list[BaseException]) -> None:
    """The server thread: serve on ``sock`` until told to stop; keep what it raised in
    ``errors`` for :meth:`LocalServer.start` to report."""
    try:
        server.run(sockets=[sock])
    except BaseException as exc:  # noqa: BLE001 - reported to the caller by start()
        errors.append(exc)
    finally:
        sock.close()


def _stop(server: uvicorn.Server, thread: threading.Thread) -> None:
    """Stop a server and wait for its thread: on :meth:`LocalServer.close`, or when its
    LocalServer is collected (a cell run again) or Python exits."""
    server.should_exit = True
    if thread.is_alive() and thread is not threading.current_thread():
        thread.join(timeout=10)
