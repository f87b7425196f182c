"""What each layer of the service costs per request, measured without a network (Module 05).

The service's hardening (request IDs, access log, metrics, API key, body limit) runs on
every request, so each layer must cost next to nothing. :func:`layer_costs` calls the ASGI
apps directly in one event loop, many times, so the differences are microseconds that HTTP
and a load generator would drown: each middleware around an app that does nothing, then the
naive endpoint, the same endpoint inside all the course's middleware, and the course's
service end to end, each with a model that costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import statistics
import time
from collections.abc import Callable, Iterator

import orjson

#: One 8x8 image as the benchmark sends it (the body's size decides the parsing cost).
_IMAGE = [[round((r * 8 + c) / 64, 4) for c in range(8)] for r in range(8)]
BODY = orjson.dumps({"images": [_IMAGE]})
API_KEY = "bench-key"
NAIVE = "naive endpoint (FastAPI, no layers)"
HARDENED = "naive endpoint + all the course's middleware"
COURSE = "course service (middleware + micro-batcher, as it starts)"


def _scope(path: str) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
            "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                        (b"content-length", str(len(BODY)).encode()),
                        (b"x-api-key", API_KEY.encode())]}


async def _call(app, path: str = "/predict") -> int:
    status = 0
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # a client that waits for the answer
        sent = True
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(path), receive, send)
    return status


async def _nothing(scope, receive, send) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def _mean_us(app, *, calls: int) -> float:
    """Mean microseconds per call over ``calls`` calls in a row."""
    started = time.perf_counter()
    for _ in range(calls):
        await _call(app)
    return (time.perf_counter() - started) / calls * 1e6


async def _time_all(apps: dict[str, object], *, calls: int, repeats: int) -> dict[str, float]:
    """Median over ``repeats`` rounds of each app's mean microseconds per call.

    Every app is started (its lifespan, as a server runs it) and warmed up first; then each
    round times the apps one after the other, so a machine that speeds up or slows down
    during the measurement touches every app alike instead of the ones measured last.
    """
    async with contextlib.AsyncExitStack() as stack:
        for app in apps.values():
            lifespan = getattr(getattr(app, "router", None), "lifespan_context", None)
            if lifespan is not None:
                await stack.enter_async_context(lifespan(app))
        for name, app in apps.items():
            for _ in range(min(calls, 200)):
                status = await _call(app)
            if status != 200:
                raise RuntimeError(f"{name} answered {status} instead of 200; the measurement "
                                   "would time an error path. Check the body and the API key.")
        means: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(repeats):
            for name, app in apps.items():
                means[name].append(await _mean_us(app, calls=calls))
    return {name: statistics.median(values) for name, values in means.items()}


@contextlib.contextmanager
def _access_log_to_devnull() -> Iterator[None]:
    """Log as ``deploydl serve`` does (a JSON line per request to a stream), into devnull."""
    from deploydl.serving.middleware import ACCESS_LOG

    with open(os.devnull, "w") as sink:
        handler = logging.StreamHandler(sink)
        saved = ACCESS_LOG.level, ACCESS_LOG.propagate
        ACCESS_LOG.addHandler(handler)
        ACCESS_LOG.setLevel(logging.INFO)
        ACCESS_LOG.propagate = False
        try:
            yield
        finally:
            ACCESS_LOG.removeHandler(handler)
            ACCESS_LOG.setLevel(saved[0])
            ACCESS_LOG.propagate = saved[1]


def _layers() -> dict[str, Callable[[], object]]:
    """Each layer alone around an app that does nothing, then both endpoints end to end."""
    import torch

    from deploydl.efficiency.bench_servers import naive_app
    from deploydl.serving.digits import create_digits_app
    from deploydl.serving.factory import add_guards, is_public
    from deploydl.serving.metrics import ServiceMetrics
    from deploydl.serving.middleware import AccessLog, ApiKeyGate, BodyLimit
    from deploydl.settings import get_settings

    class Free(torch.nn.Module):  # a model that costs nothing: 10 logits from the pixels
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x.flatten(1)[:, :10]

    settings = get_settings(api_key=API_KEY)

    def hardened_naive():
        app = naive_app(Free())
        add_guards(app, settings, ServiceMetrics())
        return app

    return {
        "ASGI call, no layer": lambda: _nothing,
        "request ID, access log, metrics": lambda: AccessLog(
            _nothing, metrics=ServiceMetrics(), route_of=lambda path: path),
        "API key check": lambda: ApiKeyGate(_nothing, api_key=API_KEY, public=is_public),
        "body limit and read deadline": lambda: BodyLimit(_nothing, max_bytes=1_000_000),
        NAIVE: lambda: naive_app(Free()),
        HARDENED: hardened_naive,
        COURSE: lambda: create_digits_app(Free(), settings),
    }


def layer_costs(*, calls: int = 1000, repeats: int = 9) -> list[dict]:
    """Microseconds per request of each layer (rows of ``layer``, ``us``, ``added_us``).

    ``added_us`` is the cost on top of the bare ASGI call for a middleware alone, and on top
    of the naive endpoint for the naive endpoint wrapped in all the course's middleware (the
    price of the hardening, per request) and for the course's service (the hardening plus
    the micro-batcher, set up by the service's own start-up: with a model that costs nothing
    it scores on the event loop).
    """
    from deploydl.efficiency.inference import torch_threads

    with _access_log_to_devnull(), torch_threads(1):
        apps = {name: build() for name, build in _layers().items()}
        measured = asyncio.run(_time_all(apps, calls=calls, repeats=repeats))
    rows: list[dict] = [{"layer": name, "us": round(us, 1)} for name, us in measured.items()]
    floor = rows[0]["us"]
    naive = next(row["us"] for row in rows if row["layer"] == NAIVE)
    for row in rows[1:]:
        if row["layer"] != NAIVE:
            row["added_us"] = round(row["us"] - (naive if row["layer"] in (HARDENED, COURSE)
                                                 else floor), 1)
    return rows
