"""The measured single-replica curve (Module 05): read it, fit the queueing model, check it.

:func:`curve_from_results` reads the curve (throughput and p99 against closed-loop clients)
from ``deploydl bench`` results, :func:`fit_replica` fits a
:class:`~deploydl.efficiency.queueing.ReplicaModel` to it, and :func:`check_prediction` tests the
model by predicting the p99 at the most clients from the points at fewer.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from deploydl.efficiency.queueing import ReplicaModel, closed_p99_ms


def fit_replica(curve: list[dict], *, below: int | None = None) -> ReplicaModel:
    """Fit a :class:`ReplicaModel` to a measured single-replica curve.

    Parameters
    ----------
    curve : list of dict
        One point per load: ``concurrency`` (closed-loop clients) and ``rps`` (requests per
        second answered), as :func:`curve_from_results` returns.
    below : int, optional
        Use only points with fewer clients than this (to predict the others).

    With one client, one server is busy, so its throughput is the rate of one server; the
    busiest point's throughput divided by it, rounded, is the number of servers. The rate is
    then set so the servers together give exactly the busiest throughput measured.
    """
    points = [p for p in curve if below is None or p["concurrency"] < below]
    one = [p["rps"] for p in points if p["concurrency"] == 1]
    if not _can_fit(points):
        raise ValueError(f"the curve needs a point at 1 client and at least one more load "
                         f"{'below ' + str(below) + ' clients ' if below else ''}to fit; got "
                         f"concurrencies {sorted(p['concurrency'] for p in points)}. Run "
                         "`deploydl bench`, which measures the curve.")
    wrong = next((p for p in points if not _is_measure(p["rps"])), None)
    if wrong is not None:
        raise ValueError(f"each point's rps must be a finite number of requests/s above 0; got "
                         f"{wrong['rps']!r} at {wrong['concurrency']} clients. Measure the "
                         "curve again with `deploydl bench`.")
    best = max(p["rps"] for p in points)
    servers = max(1, round(best / one[0]))
    return ReplicaModel(servers=servers, rate_per_server=best / servers)


def _can_fit(points: list[dict]) -> bool:
    """:func:`fit_replica`'s rule: a point at 1 client and at least one more load."""
    return any(p["concurrency"] == 1 for p in points) and len(points) >= 2


def _is_measure(value: object) -> bool:
    """True for a measured quantity: a finite real number above 0 (not a bool), a numpy
    number included."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
            and math.isfinite(value) and float(value) > 0)


def curve_from_results(results: dict) -> list[dict]:
    """The course server's single-replica curve (batch 1) from ``deploydl bench`` results.

    Uses ``capacity_curve`` (1 to 16 clients) when the run measured it, else the summary rows.
    """
    def wrong(what: str, got: object) -> ValueError:
        return ValueError(f"not `deploydl bench` results: {what} (found {str(got)[:80]!r}); "
                          "run `deploydl bench` again, or pass the file it wrote.")

    if not isinstance(results, dict):
        raise wrong("the file must hold a JSON object", type(results).__name__)
    if "capacity_curve" not in results and "summary" not in results:
        raise wrong("the file has neither 'capacity_curve' nor 'summary'", sorted(results))
    curve, summary = results.get("capacity_curve"), results.get("summary", [])
    if not isinstance(curve, list | type(None)) or not isinstance(summary, list):
        raise wrong("'capacity_curve' and 'summary' must be lists of points", curve or summary)
    if not all(isinstance(r, dict) for r in [*(curve or []), *summary]):
        raise wrong("each point must be an object", curve or summary)
    rows = curve or [r for r in summary if r.get("server") == "course" and r.get("batch") == 1]
    if not rows:
        raise ValueError("these benchmark results hold no curve for the course server at "
                         "batch 1; run `deploydl bench` again.")
    keys = ("concurrency", "rps", "p50_ms", "p99_ms")
    for r in rows:
        if not all(_is_measure(r.get(k)) for k in keys):
            raise wrong(f"each point must have {', '.join(keys)} as numbers above 0", r)
    return sorted(({k: r[k] for k in keys} for r in rows), key=lambda p: p["concurrency"])


def benchmark_cores(results: dict) -> float:
    """The cores the benchmark's machine had (``config.cores``; 2 when a results file does not
    say): what each replica is billed for. Raises ``ValueError`` when it is not a number of
    cores, saying to run the benchmark again."""
    config = results.get("config") if isinstance(results, dict) else None
    cores = config.get("cores", 2) if isinstance(config, dict) else 2
    if isinstance(cores, bool) or not isinstance(cores, int | float) or not 0 < cores < 1e6:
        raise ValueError(f"config.cores must be a number of cores; found {str(cores)[:40]!r}. "
                         "Run `deploydl bench` again.")
    return cores


def prediction_check(curve: list[dict], *, clients: int = 16) -> dict | None:
    """:func:`check_prediction` when the curve allows it, else ``None``: it needs a point at
    ``clients`` to check and, below it, a point at 1 client and one more to fit from.

    ``deploydl bench`` and ``deploydl capacity`` both decide with it."""
    if not any(p["concurrency"] == clients for p in curve):
        return None
    if not _can_fit([p for p in curve if p["concurrency"] < clients]):
        return None
    return check_prediction(curve, clients=clients)


def check_prediction(curve: list[dict], *, clients: int = 16) -> dict:
    """Predict the p99 at ``clients`` from the points at fewer clients; compare with it.

    Returns ``predicted_p99_ms``, ``measured_p99_ms`` and ``error_pct`` (predicted minus
    measured, in percent of measured: positive means the model is pessimistic), and
    ``measured_rps``, the rate the curve measured at ``clients``.
    """
    measured = [p for p in curve if p["concurrency"] == clients]
    if not measured:
        raise ValueError(f"the curve has no point at {clients} clients to check against; it "
                         f"has {sorted(p['concurrency'] for p in curve)}.")
    model = fit_replica(curve, below=clients)
    predicted = closed_p99_ms(model, clients)
    actual = measured[0]["p99_ms"]
    if not _is_measure(actual):
        raise ValueError(f"the p99 measured at {clients} clients must be a finite number of ms "
                         f"above 0 to check against; got {actual!r}. Measure the curve again "
                         "with `deploydl bench`.")
    return {"clients": clients, "fitted_on": sorted(p["concurrency"] for p in curve
                                                   if p["concurrency"] < clients),
            "servers": model.servers, "rate_per_server": round(model.rate_per_server, 1),
            "predicted_p99_ms": round(predicted, 2), "measured_p99_ms": actual,
            "error_pct": round(100 * (predicted - actual) / actual, 1),
            "measured_rps": measured[0]["rps"]}
