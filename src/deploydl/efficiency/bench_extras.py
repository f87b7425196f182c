"""The benchmark's ONNX Runtime and capacity measurements (Module 05).

- :func:`prepare_onnx` exports the benchmark's network once, before any server starts, into
  the cache file the ``onnx`` server loads (:func:`onnx_cache`), and records the export time
  and the largest difference from torch on the check inputs.
- :func:`onnx_int8_rows` compares ONNX Runtime's int8 copy with its float32 export: file size,
  speed at batch 32, and accuracy where the network is trained.
- :func:`measure_curve` drives the course's server at 1 to 16 clients, the single-replica
  curve that the capacity planner (:mod:`deploydl.efficiency.capacity`) is fitted to.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from torch import nn


def onnx_cache(weights: Path) -> Path:
    """Where the ONNX export of ``weights`` is kept: named by the weights' own sha256, so
    new weights never meet an old export."""
    digest = hashlib.sha256(Path(weights).read_bytes()).hexdigest()[:16]
    return Path(weights).with_name(f"{Path(weights).stem}-{digest}.onnx")


def check_inputs(shape: tuple[int, ...], *, rows: int = 256) -> np.ndarray:
    """Seeded inputs for the torch/ONNX check: pixels uniform in 0..1, ``rows`` images."""
    return np.random.default_rng(0).random((rows, *shape), dtype=np.float32)


def prepare_onnx(net: nn.Module, weights: Path, *, shape: tuple[int, ...]) -> dict:
    """Export ``net`` to its cache file (or reuse it), checked; export seconds and max diff."""
    from deploydl.efficiency.runtime import ATOL, RTOL, check_against_torch, export_checked

    cache = onnx_cache(weights)
    cached = cache.is_file()
    started = time.perf_counter()
    checks = check_inputs(shape)
    model = export_checked(net, checks[:2], check_inputs=checks, cache=cache)
    return {"export_s": None if cached else round(time.perf_counter() - started, 2),
            "max_abs_diff": check_against_torch(net, model, checks), "atol": ATOL,
            "rtol": RTOL, "check_inputs": len(checks), "file_bytes": len(model.model_bytes)}


def onnx_int8_rows(weights: Path, images: np.ndarray, labels: np.ndarray | None = None, *,
                   calibration: np.ndarray, threads: int) -> list[dict]:
    """ONNX float32 against ONNX Runtime int8 (static, per channel): the ratios are int8's.

    The float32 model is the export of ``weights`` that :func:`prepare_onnx` made; the int8
    copy is calibrated on ``calibration``. Both are timed on ``images``; with ``labels`` the
    rows also give accuracy, without (an untrained network) only size and speed.
    """
    from deploydl.efficiency.compress import OnnxModel, compare_variants, measure_variants
    from deploydl.efficiency.runtime import quantize_onnx

    fp32 = OnnxModel(onnx_cache(weights).read_bytes(), threads=threads)
    variants = {"ONNX fp32": fp32, "ONNX int8": quantize_onnx(fp32, calibration,
                                                              threads=threads)}
    if labels is None:
        return measure_variants(variants, images, batch=32, repeats=100)
    return compare_variants(variants, images, labels, batch=32, repeats=100)


def measure_curve(command: list[str], *, ready_path: str, body: bytes,
                  headers: dict[str, str] | None = None, concurrencies: tuple[int, ...],
                  reps: int, duration_s: float, warmup_s: float,
                  progress: Callable[[str], object] = print) -> list[dict]:
    """Throughput and latency of one server at each concurrency: medians of ``reps`` runs.

    ``command`` starts the server (:func:`~deploydl.efficiency.bench_servers.server_command`),
    a fresh :class:`~deploydl.serving.process.ServiceProcess` per repetition, ready once
    ``ready_path`` answers; ``body`` is the request to send (batch 1), with ``headers``.
    """
    from deploydl.efficiency.loadgen import run_load
    from deploydl.serving.process import ServiceProcess

    runs: dict[int, list[dict]] = {c: [] for c in concurrencies}
    for rep in range(reps):
        progress(f"capacity curve {rep + 1}/{reps}: {', '.join(map(str, concurrencies))} "
                 "clients")
        with ServiceProcess(command=command, ready_path=ready_path,
                            start_timeout=60) as server:
            url = server.url + "/predict"
            run_load(url, body=body, concurrency=max(concurrencies), duration_s=warmup_s,
                     headers=headers, engine="hey")
            for concurrency in concurrencies:
                runs[concurrency].append(run_load(url, body=body, concurrency=concurrency,
                                                  duration_s=duration_s, headers=headers,
                                                  engine="hey"))
    return [{"concurrency": c, "reps": len(found),
             **{key: round(statistics.median(r[key] for r in found), 3)
                for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors")}}
            for c, found in runs.items()]
