"""A small closed-loop load generator: N requests from C concurrent clients (Module 04).

It is a Python client on the same machine as the server, so on a 2-core laptop it competes
with the server for CPU: it shows that the service answers every request under concurrent
load, not how fast the service could go (Module 05 measures that properly).
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx


def load_test(url: str, body: dict, *, requests: int = 2000, concurrency: int = 16,
              path: str = "/predict", headers: dict[str, str] | None = None,
              timeout: float = 30.0) -> dict[str, float]:
    """Send ``requests`` POSTs of ``body`` to ``url + path`` from ``concurrency`` threads.

    Returns
    -------
    dict
        ``requests``, ``concurrency``, ``ok`` (2xx answers), ``errors`` (anything else,
        including connection failures), ``seconds`` (wall time), ``per_second``, and the
        latency percentiles ``p50_ms`` and ``p95_ms`` in milliseconds.
    """
    local = threading.local()
    clients: list[httpx.Client] = []

    def one(_: int) -> tuple[bool, float]:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, headers=headers, timeout=timeout)
            clients.append(local.client)
        started = time.perf_counter()
        try:
            ok = local.client.post(path, json=body).is_success
        except httpx.HTTPError:
            ok = False
        return ok, time.perf_counter() - started

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(one, range(requests)))
    finally:
        for client in clients:
            client.close()
    seconds = time.perf_counter() - started
    latencies = sorted(t * 1000 for _, t in results)
    ok = sum(good for good, _ in results)
    return {"requests": requests, "concurrency": concurrency, "ok": ok,
            "errors": requests - ok, "seconds": round(seconds, 2),
            "per_second": round(requests / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 2),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2)}
