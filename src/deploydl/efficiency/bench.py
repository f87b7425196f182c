"""The serving benchmark behind ``deploydl bench`` (Module 05).

Same model, same torch threads, same load generator for every server; servers take turns
(A B C, then C B A, ...) and each figure is the median of the repetitions. Report and chart
are in :mod:`deploydl.efficiency.bench_report`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from deploydl.efficiency.bench_extras import measure_curve, onnx_int8_rows, prepare_onnx
from deploydl.efficiency.bench_servers import INPUT_SHAPE, READY_PATH
from deploydl.efficiency.loadgen import ServerProcess, hey_command, run_load, summarise_csv

SERVERS = ("course", "naive", "litserve", "onnx")


@dataclass(frozen=True)
class BenchConfig:
    """What one benchmark run measures; times in seconds, price in USD per core-hour."""

    reps: int = 3
    duration_s: float = 4.0
    warmup_s: float = 1.0
    concurrencies: tuple[int, ...] = (1, 16)
    batches: tuple[int, ...] = (1, 32)
    servers: tuple[str, ...] = SERVERS
    threads: int = 1
    price_per_core_hour: float = 0.05
    cores: int = 2
    health_qps: float = 50.0
    curve_concurrencies: tuple[int, ...] = (1, 2, 4, 8, 16)


QUICK = BenchConfig(reps=1, duration_s=1.5, warmup_s=0.5)


def run_bench(config: BenchConfig = BenchConfig(), *, cache_dir: Path,
              progress=print) -> dict:
    """Run every measurement in ``config`` and return the results as a JSON-ready dict."""
    torch.set_num_threads(config.threads)
    with tempfile.TemporaryDirectory(prefix="deploydl-bench-") as tmp:
        work = Path(tmp)
        progress("training / loading the digits CNN ...")
        net, (x_train, x_test, y_test), weights = _digits_model(cache_dir)
        bodies = {b: _write_body(work / f"batch{b}.json", x_test[:b]) for b in config.batches}
        onnx = prepare_onnx(net, weights, shape=INPUT_SHAPE) if "onnx" in config.servers else {}
        runs, starts = [], []
        ceiling: dict[str, object] = {}  # filled by the first server run
        for rep in range(config.reps):
            order = config.servers if rep % 2 == 0 else tuple(reversed(config.servers))
            for kind in order:
                progress(f"rep {rep + 1}/{config.reps}: {kind}")
                found, start = _bench_server(kind, config, weights=weights, bodies=bodies,
                                             ceiling=ceiling)
                runs += [{"rep": rep, "server": kind, **r} for r in found]
                starts.append({"rep": rep, "server": kind, **start})
        progress("applicant overhead, int8 ...")
        overhead = _applicant_overhead(config, work)
        int8 = _int8(net, x_test, y_test, calibration=x_train[:512])
        if onnx:
            onnx["int8"] = onnx_int8_rows(weights, x_test, y_test, calibration=x_train[:512],
                                          threads=config.threads)
        curve = measure_curve(
            lambda: ServerProcess("course", weights=weights, threads=config.threads,
                                  ready_path=READY_PATH["course"]),
            bodies[min(config.batches)], concurrencies=config.curve_concurrencies,
            reps=config.reps, duration_s=config.duration_s, warmup_s=config.warmup_s,
            progress=progress)
    return {"config": asdict(config), "runs": runs, "starts": starts,
            "summary": summarise_runs(runs, starts), "generator_ceiling": ceiling,
            "applicant_overhead": overhead, "int8": int8, "onnx": onnx,
            "capacity_curve": curve, "capacity_check": _capacity_check(curve),
            "machine": {"cpus": os.cpu_count(), "torch": torch.__version__}}


def _bench_server(kind: str, config: BenchConfig, *, weights: Path, bodies: dict[int, Path],
                  ceiling: dict) -> tuple[list[dict], dict]:
    """Start ``kind``, run every load against it, stop it. Fills ``ceiling`` once."""
    server = ServerProcess(kind, weights=weights, threads=config.threads,
                           ready_path=READY_PATH[kind])
    try:
        if not ceiling:  # what hey reaches on a trivial endpoint: the most any server can show
            result = run_load(server.url + "/health", concurrency=max(config.concurrencies),
                              duration_s=config.duration_s)
            ceiling.update(endpoint=f"{kind} GET /health", rps=result["rps"],
                           p50_ms=result["p50_ms"])
        url = server.url + "/predict"
        run_load(url, concurrency=max(config.concurrencies), duration_s=config.warmup_s,
                 body=bodies[min(config.batches)])
        found, rss = [], [server.rss_mb()]
        for batch in config.batches:
            for concurrency in config.concurrencies:
                probe = None
                if batch == min(config.batches) and concurrency == max(config.concurrencies):
                    probe = subprocess.Popen(
                        hey_command(server.url + "/health", concurrency=1,
                                    duration_s=config.duration_s, qps=config.health_qps),
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                try:
                    result = run_load(url, concurrency=concurrency,
                                      duration_s=config.duration_s, body=bodies[batch])
                finally:
                    health = _finish_probe(probe, config.duration_s)
                result["predictions_per_s"] = round(result["rps"] * batch, 1)
                found.append({"batch": batch, "concurrency": concurrency, **result,
                              **({"health_p99_ms": health["p99_ms"]} if health else {})})
                rss.append(server.rss_mb())
        return found, {"cold_start_s": server.cold_start_s, "rss_mb": max(rss)}
    finally:
        server.stop()


def _finish_probe(probe: subprocess.Popen | None, duration_s: float) -> dict | None:
    if probe is None:
        return None
    try:
        out, _ = probe.communicate(timeout=duration_s + 30)
    finally:
        if probe.poll() is None:
            probe.kill()
            probe.wait()
    return summarise_csv(out, duration_s=duration_s)


def summarise_runs(runs: list[dict], starts: list[dict]) -> list[dict]:
    """Median of each figure over repetitions, one row per server, batch and concurrency."""
    keys = sorted({(r["server"], r["batch"], r["concurrency"]) for r in runs},
                  key=lambda k: (SERVERS.index(k[0]) if k[0] in SERVERS else 9, k[1], k[2]))
    rows = []
    for server, batch, concurrency in keys:
        same = [r for r in runs if (r["server"], r["batch"], r["concurrency"]) == (
            server, batch, concurrency)]
        mine = [s for s in starts if s["server"] == server]
        row = {"server": server, "batch": batch, "concurrency": concurrency, "reps": len(same)}
        for figure in ("p50_ms", "p95_ms", "p99_ms", "rps", "predictions_per_s", "errors",
                       "health_p99_ms"):
            values = [r[figure] for r in same if figure in r]
            if values:
                row[figure] = round(statistics.median(values), 3)
        row["cold_start_s"] = round(statistics.median(s["cold_start_s"] for s in mine), 3)
        row["rss_mb"] = round(statistics.median(s["rss_mb"] for s in mine), 1)
        rows.append(row)
    return rows


def _digits_model(cache_dir: Path):
    from safetensors.torch import load_file, save_file

    from deploydl.data import load_digits_split
    from deploydl.models import DigitsCNN, train_digits_cnn

    x_train, x_test, y_train, y_test = load_digits_split()
    weights = cache_dir / "bench-digits-cnn-seed0.safetensors"
    if weights.exists():
        net = DigitsCNN()
        net.load_state_dict(load_file(weights))
    else:
        net = train_digits_cnn(x_train, y_train, seed=0)
        weights.parent.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, weights)
    return net.eval(), (x_train, x_test, y_test), weights


def _write_body(path: Path, images: np.ndarray) -> Path:
    path.write_text(json.dumps({"images": np.round(images[:, 0], 4).tolist()}))
    return path


def _applicant_overhead(config: BenchConfig, work: Path) -> dict:
    """Service p50 at concurrency 1 minus the bare forward pass p50, for the applicant net."""
    from deploydl.data import FEATURES, make_applicants
    from deploydl.efficiency.inference import time_forward
    from deploydl.models import train_applicant_model
    from deploydl.serving import LocalServer, create_app

    table = make_applicants(2000, seed=0)
    model = train_applicant_model(table, seed=0, epochs=5)
    row = table.iloc[0][list(FEATURES)].to_dict()
    forward = time_forward(model.net, model._standardise([row]), repeats=200)
    body = work / "applicant.json"
    body.write_text(json.dumps(row))
    with LocalServer(create_app(model)) as server:
        run_load(server.url + "/predict", concurrency=1, duration_s=config.warmup_s, body=body)
        service = run_load(server.url + "/predict", concurrency=1,
                           duration_s=config.duration_s, body=body)
    return {"forward_p50_ms": forward["p50_ms"], "service_p50_ms": service["p50_ms"],
            "overhead_ms": round(service["p50_ms"] - forward["p50_ms"], 3),
            "service_errors": service["errors"], "server": "in-process uvicorn thread"}


def _int8(net, x_test, y_test, *, calibration) -> list[dict]:
    from deploydl.efficiency.compress import compare_variants, quantize_int8

    variants = {"fp32": net, "int8": quantize_int8(net, calibration),
                "int8 dynamic": quantize_int8(net)}
    return compare_variants(variants, x_test, y_test, batch=32, repeats=100)


def _capacity_check(curve: list[dict]) -> dict | None:
    """The queueing model's p99 at 16 clients, predicted from fewer clients, against the
    measurement (``None`` when the curve does not reach 16 clients)."""
    from deploydl.efficiency.capacity import check_prediction

    if not any(p["concurrency"] == 16 for p in curve) or sum(
            p["concurrency"] < 16 for p in curve) < 2:
        return None
    return check_prediction(curve, clients=16)
