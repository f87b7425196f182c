"""The measured times a serving cost is priced from (Module 05).

:func:`measure_batches` times a model's forward pass at several batch sizes,
:func:`profiles_from_results` reads the wide CNN's from ``deploydl bench`` results, and
:func:`http_ms_from_cpu_use` the time a server spends on a request outside its model.
"""

from __future__ import annotations

import numpy as np


def http_ms_from_cpu_use(results: dict, *, server: str = "course") -> float:
    """Milliseconds of one core that ``server`` spends on a request outside its model.

    ``results`` is what ``benchmarks/cpu_use.py`` wrote (``cpu_use_small.json`` for the small
    CNN): the server's CPU per request at ``results["concurrency"]`` clients, less the model's
    share of one group of that many requests (its forward pass at that batch size, divided by
    the batch). What is left is HTTP, JSON, the middleware and the batcher, at that load: the
    requests there are scored in groups, which share part of this work too (Module 05), so a
    request served alone may cost more. Measure it on the small CNN, where the model's share is
    a few percent of the request, so an error in that share barely moves the answer.
    """
    row = next((r for r in results["summary"] if r["server"] == server), None)
    if row is None:
        raise ValueError(f"no {server!r} row in the CPU results; run benchmarks/cpu_use.py "
                         f"with --servers {server}.")
    group = results["concurrency"]
    curve = {int(size): ms for size, ms in results["forward_ms_per_batch"].items()}  # JSON: str
    model_ms = curve[group] / group
    return round(row["cpu_us_per_request"] / 1000 - model_ms, 3)


def measure_batches(model, images: np.ndarray, *, batches: tuple[int, ...] = (1, 8, 32),
                    repeats: int = 20) -> dict[int, float]:
    """Median milliseconds of one forward pass at each batch size in ``batches``."""
    from deploydl.efficiency.inference import time_forward

    return {b: time_forward(model, images[:b], repeats=repeats)["p50_ms"] for b in batches}


def profiles_from_results(results: dict) -> dict[str, dict[int, float]]:
    """The wide CNN's forward-pass times, fp32 and int8, from ``deploydl bench`` results.

    ``results["int8_wide"]`` times PyTorch's fp32 and int8 copies of the benchmark's wide CNN
    in one comparison (median milliseconds per call at batch 1 and 32), in the run and on the
    machine whose single-replica curve :func:`~deploydl.efficiency.capacity.curve_from_results`
    reads. Priced from these, :class:`CostPlanner`'s two lines are of one model, measured on
    one machine in one run (Module 05).
    """
    rows = {row["variant"]: row for row in results.get("int8_wide") or []}
    missing = sorted({"fp32", "int8"} - set(rows))
    if missing:
        raise ValueError(f"these benchmark results have no int8_wide row for {missing}; run "
                         "`deploydl bench`, which times both copies of the wide CNN.")
    return {name: {int(key.removeprefix("p50_ms_batch")): ms for key, ms in rows[name].items()
                   if key.startswith("p50_ms_batch")} for name in ("fp32", "int8")}
