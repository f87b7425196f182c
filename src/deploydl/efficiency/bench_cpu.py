"""How many cores each benchmark server keeps busy, and the CPU it spends per request (Module 05).

Throughput at 16 clients depends on how many cores a server can use as much as on how little
it spends on each request. The course's service reads requests and runs its model on one
event loop, so under load it keeps at most one core busy. LitServe runs its model in a
separate process beside its HTTP server, so it can keep both cores of a 2-core machine busy,
at a higher cost per request. :func:`measure_cpu_use` measures both for the servers of
``deploydl bench``, the way the benchmark runs them: each started once, taking turns
(A B C, then C B A), the idle ones paused. ``benchmarks/cpu_use.py`` runs it.
"""

from __future__ import annotations

import contextlib
import statistics
import time

from deploydl.efficiency.bench import API_KEY, _turns, start_paused, warm_up
from deploydl.efficiency.loadgen import run_load
from deploydl.serving.process import ServiceProcess

#: The figures of one load, in the order of the table.
FIGURES = ("rps", "server_cores", "cpu_us_per_request", "loadgen_cores")


def measure_cpu_use(commands: dict[str, list[str]], *, body: bytes, reps: int = 3,
                    duration_s: float = 4.0, warmup_s: float = 1.0, concurrency: int = 16,
                    progress=print) -> list[dict]:
    """One row per server and repetition: :func:`cpu_figures` of a load of ``concurrency``
    clients sending ``body`` for ``duration_s`` seconds (with ``hey``)."""
    rows = []
    with contextlib.ExitStack() as stack:
        servers = start_paused(stack, commands)
        warm_up(servers, body=body, concurrency=concurrency, seconds=warmup_s)
        for rep in range(reps):
            progress(f"CPU use {rep + 1}/{reps}")
            for kind in _turns(list(servers), rep):
                with servers[kind].turn() as server:
                    rows.append({"rep": rep, "server": kind, **_cpu_under_load(
                        server, body=body, concurrency=concurrency, duration_s=duration_s)})
    return rows


def _cpu_under_load(server: ServiceProcess, *, body: bytes, concurrency: int,
                    duration_s: float) -> dict:
    server_cpu, loadgen_cpu = server.cpu_s(), _finished_children_cpu_s()
    started = time.perf_counter()
    result = run_load(server.url + "/predict", body=body, concurrency=concurrency,
                      duration_s=duration_s, headers=API_KEY, engine="hey")
    return cpu_figures(server_cpu_s=server.cpu_s() - server_cpu,
                       loadgen_cpu_s=_finished_children_cpu_s() - loadgen_cpu,
                       seconds=time.perf_counter() - started, answered=result["ok"])


def _finished_children_cpu_s() -> float:
    """CPU seconds of this process's children that have ended: ``hey`` once a load is over
    (the servers, still running, are not counted)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_figures(*, server_cpu_s: float, loadgen_cpu_s: float, seconds: float,
                answered: int) -> dict:
    """What one load cost, from the CPU seconds the server and the load generator used
    during ``seconds`` of load in which ``answered`` requests got a 200.

    ``server_cores``: the cores the server kept busy (1.0 is one core all the time);
    ``cpu_us_per_request``: the server's CPU microseconds for each answered request;
    ``loadgen_cores``: the cores ``hey`` used, taken from the same machine.
    """
    return {"rps": round(answered / seconds, 1),
            "server_cores": round(server_cpu_s / seconds, 2),
            "cpu_us_per_request": round(server_cpu_s / answered * 1e6) if answered else None,
            "loadgen_cores": round(loadgen_cpu_s / seconds, 2)}


def summarise_cpu_use(rows: list[dict]) -> list[dict]:
    """The median of each figure over the repetitions, one row per server, in the order run."""
    servers = list(dict.fromkeys(row["server"] for row in rows))
    summary = []
    for server in servers:
        mine = [row for row in rows if row["server"] == server]
        figures = {name: statistics.median(row[name] for row in mine
                                           if row[name] is not None)
                   for name in FIGURES}
        summary.append({"server": server, "reps": len(mine), **figures})
    return summary


def cpu_use_table(summary: list[dict], *, concurrency: int = 16) -> str:
    """The summary as a Markdown table."""
    lines = [f"| server | req/s at {concurrency} clients | cores the server kept busy | "
             "server CPU per request (us) | cores hey used |", "|---|---|---|---|---|"]
    for row in summary:
        lines.append(f"| {row['server']} | {row['rps']:,.0f} | {row['server_cores']:.2f} | "
                     f"{row['cpu_us_per_request']:,.0f} | {row['loadgen_cores']:.2f} |")
    return "\n".join(lines)
