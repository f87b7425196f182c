"""The course's one load generator (Modules 04 and 05): closed loop, one set of statistics.

:func:`run_load` sends requests from ``concurrency`` clients in a closed loop: each client
sends a request, waits for the answer, and sends the next, for ``duration_s`` seconds or
until ``requests`` have been sent. Two engines send the same load and report the same
figures, defined once in :func:`summarise`:

- ``hey``, a Go program (``apt-get install hey``), in its own process. A Python client on the
  same two cores saturates long before the servers do, and a saturated client makes every
  server look alike, so the benchmark uses ``hey``;
- ``python``, asyncio and httpx in a thread of this process: no tool to install, fine for
  showing that a service answers under concurrent load, not for measuring its ceiling.

``engine="auto"`` (the default) takes ``hey`` when it is on the PATH.

The figures: ``requests`` sent, ``ok`` (2xx answers), ``errors`` (everything else, failed
connections included), ``seconds`` of load, ``rps`` (successful answers per second), and the
latency percentiles ``p50_ms``, ``p95_ms``, ``p99_ms`` of the successful answers, each by the
nearest-rank rule: the p95 is a latency that 95% of the answers met, one that really occurred;
and ``max_ms``, the slowest successful answer (what a timeout must be above).
"""

from __future__ import annotations

import asyncio
import math
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import orjson

ENGINES = ("auto", "hey", "python")


class LoadGeneratorMissing(RuntimeError):
    """``hey`` was asked for and is not installed."""


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile of ``values`` (NaN when there are none)."""
    if not 0 < q <= 100:
        raise ValueError(f"q must be in (0, 100]; got {q}.")
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarise(latencies_ms: list[float], statuses: list[int], *, sent: int, seconds: float,
              concurrency: int, engine: str) -> dict:
    """The load's figures (see the module docstring) from one latency and status per answer.

    ``sent`` counts every request, also those that got no answer (status 0 or missing).
    """
    good = [ms for ms, status in zip(latencies_ms, statuses, strict=True)
            if 200 <= status < 300]
    return {"engine": engine, "concurrency": concurrency, "requests": sent, "ok": len(good),
            "errors": sent - len(good), "seconds": round(seconds, 3),
            "rps": round(len(good) / seconds, 1) if seconds > 0 else 0.0,
            **{f"p{q}_ms": round(percentile(good, q), 3) for q in (50, 95, 99)},
            "max_ms": round(percentile(good, 100), 3)}


def hey_path() -> str:
    """Where ``hey`` is, or a clear error saying how to install it."""
    path = shutil.which("hey")
    if path is None:
        raise LoadGeneratorMissing(
            "The load generator `hey` is not installed. Install it (Debian/Ubuntu: sudo "
            "apt-get install hey; macOS: brew install hey), or use engine='python'.")
    return path


def run_load(url: str, *, body: dict | bytes | Path | None = None, concurrency: int = 16,
             duration_s: float | None = None, requests: int | None = None,
             headers: dict[str, str] | None = None, qps: float | None = None,
             engine: str = "auto", timeout: float = 30.0) -> dict:
    """Load ``url`` from ``concurrency`` closed-loop clients and summarise every answer.

    Parameters
    ----------
    url : str
        The full URL, e.g. ``server.url + "/predict"``.
    body : dict, bytes or Path, optional
        A JSON body to POST (a dict is encoded once); without it each request is a GET.
    duration_s, requests : float, int
        How long to send, or how many requests in all: exactly one of the two.
    headers : dict, optional
        Extra request headers, e.g. ``{"X-API-Key": key}``.
    qps : float, optional
        Most requests per second per client (a light, steady probe); unlimited by default.
    engine : {"auto", "hey", "python"}
        Who sends the load (see the module docstring).
    """
    if (duration_s is None) == (requests is None):
        raise ValueError("Give exactly one of duration_s (seconds of load) and requests (how "
                         f"many in all); got duration_s={duration_s}, requests={requests}.")
    if concurrency < 1 or (requests is not None and requests < 1):
        raise ValueError(f"concurrency and requests must be at least 1; got concurrency="
                         f"{concurrency}, requests={requests}.")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}.")
    if engine == "auto":
        engine = "hey" if shutil.which("hey") else "python"
    payload = _payload(body)
    run = _run_hey if engine == "hey" else _run_python
    return run(url, payload, concurrency=concurrency, duration_s=duration_s,
               requests=requests, headers=headers or {}, qps=qps, timeout=timeout)


def _payload(body: dict | bytes | Path | None) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, Path):
        return body.read_bytes()
    return orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)


def hey_command(url: str, *, concurrency: int, duration_s: float | None = None,
                requests: int | None = None, body: Path | None = None,
                headers: dict[str, str] | None = None, qps: float | None = None) -> list[str]:
    """The ``hey`` command line: closed loop, CSV of every answer on stdout."""
    command = [hey_path(), *(["-z", f"{duration_s}s"] if duration_s is not None else
                             ["-n", str(requests)]), "-c", str(concurrency), "-o", "csv"]
    if qps is not None:
        command += ["-q", str(qps)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if body is not None:
        command += ["-m", "POST", "-T", "application/json", "-D", str(body)]
    return [*command, url]


def summarise_hey_csv(csv_text: str, *, concurrency: int, duration_s: float | None,
                      requests: int | None) -> dict:
    """:func:`summarise` for ``hey -o csv`` output (one row per answer, times in seconds).

    hey writes no row for a request that got no answer: with ``requests`` those count as
    errors; with ``duration_s`` they cannot be seen, and ``requests`` counts the answers.
    """
    rows = [line.split(",") for line in csv_text.strip().splitlines()[1:] if line]
    latencies = [float(r[0]) * 1000 for r in rows]
    statuses = [int(r[6]) for r in rows]
    span = max((float(r[7]) + float(r[0]) for r in rows), default=0.0)
    return summarise(latencies, statuses, sent=requests if requests is not None else len(rows),
                     seconds=duration_s if duration_s is not None else span,
                     concurrency=concurrency, engine="hey")


def _run_hey(url, payload, *, concurrency, duration_s, requests, headers, qps, timeout):
    with tempfile.TemporaryDirectory(prefix="deploydl-load-") as tmp:
        body = None
        if payload is not None:
            body = Path(tmp) / "body.json"
            body.write_bytes(payload)
        command = hey_command(url, concurrency=concurrency, duration_s=duration_s,
                              requests=requests, body=body, headers=headers, qps=qps)
        limit = (duration_s or 0) + timeout + (requests or 0) * timeout / concurrency
        done = subprocess.run(command, capture_output=True, text=True, check=True,
                              timeout=limit)
    return summarise_hey_csv(done.stdout, concurrency=concurrency, duration_s=duration_s,
                             requests=requests)


def _run_python(url, payload, *, concurrency, duration_s, requests, headers, qps, timeout):
    """Closed-loop asyncio clients in a thread of their own (works inside Jupyter's loop)."""
    found: dict = {}

    def in_thread() -> None:
        try:
            found["result"] = asyncio.run(_python_load(
                url, payload, concurrency=concurrency, duration_s=duration_s,
                requests=requests, headers=headers, qps=qps, timeout=timeout))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            found["error"] = exc

    thread = threading.Thread(target=in_thread, name="deploydl-load", daemon=True)
    thread.start()
    thread.join()
    if "error" in found:
        raise found["error"]
    return found["result"]


async def _python_load(url, payload, *, concurrency, duration_s, requests, headers, qps,
                       timeout) -> dict:
    import httpx

    latencies: list[float] = []
    statuses: list[int] = []
    budget = [requests if requests is not None else math.inf]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    request_headers = {**headers, **({"content-type": "application/json"} if payload else {})}
    started = time.perf_counter()
    stop_at = started + duration_s if duration_s is not None else math.inf

    async def client(http: httpx.AsyncClient) -> None:
        while budget[0] > 0 and time.perf_counter() < stop_at:
            budget[0] -= 1
            sent = time.perf_counter()
            try:
                answer = await (http.post(url, content=payload, headers=request_headers)
                                if payload is not None else http.get(url, headers=headers))
                status = answer.status_code
            except httpx.HTTPError:
                status = 0
            latencies.append((time.perf_counter() - sent) * 1000)
            statuses.append(status)
            if qps:
                await asyncio.sleep(max(0.0, sent + 1 / qps - time.perf_counter()))

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as http:
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
    return summarise(latencies, statuses, sent=len(statuses),
                     seconds=time.perf_counter() - started,
                     concurrency=concurrency, engine="python")
