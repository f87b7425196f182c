"""The serving benchmark behind ``deploydl bench`` (Module 05).

Same model, same torch threads, same load generator for every server. The servers are
started together and take turns at each load (A B C, then C B A, ...), the ones not being
measured paused, so the servers of a comparison are measured seconds apart; each figure is the
median of the repetitions, and each server is also started once per repetition for its cold
start. The model is
:class:`~deploydl.models.vision.WideDigitsCNN`, untrained: a forward pass costs the same
whatever the weights hold, and its cost, not HTTP's, dominates, as for most real models.
Before the servers start, the network is exported to ONNX and checked against torch (for the
``onnx`` server); after them, the course's server alone at 1 to 16 clients gives the capacity
curve (:mod:`deploydl.efficiency.bench_extras`). Last, int8 against float32 on both models,
torch's and (with the ``onnx`` server) ONNX Runtime's: file size and speed on the wide one,
and accuracy too on the small trained CNN (the wide one is untrained, so its answers mean
nothing). Report and chart are in
:mod:`deploydl.efficiency.bench_report`.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import orjson
import torch

from deploydl.efficiency.bench_extras import (
    check_inputs,
    measure_curve,
    onnx_int8_rows,
    prepare_onnx,
)
from deploydl.efficiency.bench_servers import (
    BENCH_API_KEY,
    INPUT_SHAPE,
    VARIANTS,
    server_command,
)
from deploydl.efficiency.loadgen import run_load
from deploydl.serving.process import ServiceProcess

#: The header every load sends: the course's server requires the key, the others ignore it.
API_KEY = {"X-API-Key": BENCH_API_KEY}
#: Every figure a load reports that the summary takes the median of.
FIGURES = ("p50_ms", "p95_ms", "p99_ms", "rps", "predictions_per_s", "errors", "health_p99_ms")


@dataclass(frozen=True)
class BenchConfig:
    """What one benchmark run measures; times in seconds, price in USD per core-hour."""

    reps: int = 3
    duration_s: float = 4.0
    warmup_s: float = 1.0
    concurrencies: tuple[int, ...] = (1, 16)
    batches: tuple[int, ...] = (1, 32)
    servers: tuple[str, ...] = tuple(VARIANTS)
    model: str = "wide"
    threads: int = 1
    curve: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64)
    price_per_core_hour: float = 0.05
    cores: int = 2
    health_qps: float = 50.0
    layer_calls: int = 1000
    curve_concurrencies: tuple[int, ...] = (1, 2, 4, 8, 16)


QUICK = BenchConfig(reps=1, duration_s=1.5, warmup_s=0.5, layer_calls=500)


def machine_info() -> dict:
    """The CPU, its cores, the load on it now, and the kernels torch picks on it."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        model = names[0] if names else model
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {"cpu_model": model, "cpus": os.cpu_count(), "load_average_1_5_15": load,
            "torch": torch.__version__, "torch_cpu_capability": torch.backends.cpu.
            get_cpu_capability(), "mkldnn": torch.backends.mkldnn.is_available(),
            "python": platform.python_version()}


@dataclass(frozen=True)
class ServerSetup:
    """What every server of a run shares, made once before any server starts."""

    weights: Path  #: the CNN's safetensors file every server loads
    curve: dict[int, float]  #: ms per forward pass by batch size, measured here
    max_batch: int  #: the batching servers' largest group, from the curve
    bodies: dict[int, bytes]  #: the request body for each batch size of the run
    onnx: dict  #: the ONNX export and its check against torch ({} without the onnx server)
    commands: dict[str, list[str]]  #: the command line of each server


def prepare_servers(config: BenchConfig, *, cache_dir: Path, progress=print) -> ServerSetup:
    """The model, its forward-pass curve, the request bodies and the server commands of a run
    with ``config`` (the ONNX export is made and checked here, once)."""
    from deploydl.efficiency.costs import measure_batches
    from deploydl.serving.batching import batch_from_curve

    net, weights = _bench_model(config.model, cache_dir)
    images = np.random.default_rng(0).random((max(config.curve), *INPUT_SHAPE),
                                              dtype=np.float32)
    curve = measure_batches(net, images, batches=config.curve, repeats=20)
    max_batch = batch_from_curve(curve)
    progress(f"forward pass, ms per call: {curve}; batcher groups up to {max_batch} images")
    bodies = {b: orjson.dumps({"images": np.round(images[:b, 0], 4).tolist()})
              for b in config.batches}
    if "onnx" in config.servers:  # export and check once, before any server starts
        progress("exporting the network to ONNX and checking it against torch ...")
        onnx = prepare_onnx(net, weights, shape=INPUT_SHAPE)
    else:
        onnx = {}
    commands = {kind: server_command(kind, weights=str(weights), threads=config.threads,
                                     model=config.model, max_batch=max_batch)
                for kind in config.servers}
    return ServerSetup(weights, curve, max_batch, bodies, onnx, commands)


def run_bench(config: BenchConfig = BenchConfig(), *, cache_dir: Path,
              progress=print) -> dict:
    """Run every measurement in ``config`` and return the results as a JSON-ready dict."""
    from deploydl.efficiency.layers import layer_costs

    torch.set_num_threads(config.threads)
    machine = machine_info()
    progress(f"{machine['cpu_model']}, {machine['cpus']} CPUs, load "
             f"{machine['load_average_1_5_15']}")
    setup = prepare_servers(config, cache_dir=cache_dir, progress=progress)
    onnx = dict(setup.onnx)
    starts = _cold_starts(setup.commands, reps=config.reps, progress=progress)
    runs, ceiling, memory = _bench_servers(setup.commands, config, bodies=setup.bodies,
                                           progress=progress)
    for start in starts:
        start.update(memory[start["server"]])
    capacity_curve = measure_curve(
        server_command("course", weights=str(setup.weights), threads=config.threads,
                       model=config.model, max_batch=setup.max_batch),
        ready_path=VARIANTS["course"].ready_path, body=setup.bodies[min(config.batches)],
        headers=API_KEY, concurrencies=config.curve_concurrencies,
        reps=config.reps, duration_s=config.duration_s, warmup_s=config.warmup_s,
        progress=progress)
    progress("cost of each layer of the service ...")
    layers = layer_costs(calls=config.layer_calls)
    progress("int8 ...")
    int8 = _int8(cache_dir)
    int8_wide = _int8_wide()
    if onnx:
        onnx["int8"] = _onnx_int8(cache_dir, threads=config.threads)
        onnx["int8_wide"] = _onnx_int8_wide(cache_dir, threads=config.threads)
    machine["load_average_after"] = machine_info()["load_average_1_5_15"]
    return {"config": asdict(config), "machine": machine, "forward_ms_per_batch": setup.curve,
            "max_batch": setup.max_batch, "runs": runs, "starts": starts,
            "summary": summarise_runs(runs, starts), "generator_ceiling": ceiling,
            "layers": layers, "int8": int8, "int8_wide": int8_wide, "onnx": onnx,
            "capacity_curve": capacity_curve, "capacity_check": _capacity_check(capacity_curve)}


def _turns(servers: list[str], rep: int) -> list[str]:
    """The order of repetition ``rep``: A B C, then C B A, and so on."""
    return servers if rep % 2 == 0 else servers[::-1]


def _cold_starts(commands: dict[str, list[str]], *, reps: int, progress) -> list[dict]:
    """Start and stop each server ``reps`` times, taking turns: launch to ready, in seconds."""
    starts = []
    for rep in range(reps):
        for kind in _turns(list(commands), rep):
            progress(f"cold start {rep + 1}/{reps}: {kind}")
            with ServiceProcess(command=commands[kind], ready_path=VARIANTS[kind].ready_path,
                                start_timeout=60) as server:
                starts.append({"rep": rep, "server": kind, "cold_start_s": server.cold_start_s})
    return starts


def _bench_servers(commands: dict[str, list[str]], config: BenchConfig, *,
                   bodies: dict[int, bytes], progress) -> tuple[list[dict], dict, dict]:
    """Every load on every server: the runs, the generator's ceiling, each server's memory.

    All the servers are started once and take turns at each load, ``config.reps`` times
    (A B C, then C B A): the servers of one comparison are measured seconds apart, so a
    machine whose speed drifts from minute to minute touches them alike. Only the server
    being measured runs; the others are paused (:meth:`ServiceProcess.pause`), because an
    idle server can still use CPU (LitServe's workers poll their queues: about 0.7 of a core
    here). Memory is each server's largest RSS and USS after any load, in MB
    (``{"rss_mb": ..., "uss_mb": ...}`` per server).
    """
    with contextlib.ExitStack() as stack:
        servers = start_paused(stack, commands)
        first = next(iter(servers))  # what hey reaches on a trivial endpoint: the most any
        with servers[first].turn():  # server can show
            result = run_load(servers[first].url + "/health", engine="hey",
                              concurrency=max(config.concurrencies),
                              duration_s=config.duration_s)
        ceiling = {"endpoint": f"{first} GET /health", "rps": result["rps"],
                   "p50_ms": result["p50_ms"]}
        warm_up(servers, body=bodies[min(config.batches)],
                concurrency=max(config.concurrencies), seconds=config.warmup_s)
        memory = {kind: [_memory(server)] for kind, server in servers.items()}
        runs = []
        for batch in config.batches:
            for concurrency in config.concurrencies:
                probe = batch == min(config.batches) and concurrency == max(config.concurrencies)
                progress(f"{batch} image(s) per request, {concurrency} client(s)")
                for rep in range(config.reps):
                    for kind in _turns(list(servers), rep):
                        url = servers[kind].url
                        with servers[kind].turn():
                            result, health = _load_with_probe(
                                url + "/predict", url + "/health" if probe else None, config,
                                body=bodies[batch], concurrency=concurrency, headers=API_KEY)
                        result["predictions_per_s"] = round(result["rps"] * batch, 1)
                        runs.append({"rep": rep, "server": kind, "batch": batch, **result,
                                     **({"health_p99_ms": health["p99_ms"]} if health else {})})
                        memory[kind].append(_memory(servers[kind]))
    return runs, ceiling, {kind: {figure: max(m[figure] for m in values) for figure in values[0]}
                           for kind, values in memory.items()}


def _memory(server: ServiceProcess) -> dict[str, float]:
    return {"rss_mb": server.rss_mb(), "uss_mb": server.uss_mb()}


def start_paused(stack: contextlib.ExitStack,
                 commands: dict[str, list[str]]) -> dict[str, ServiceProcess]:
    """Start every server (stopped when ``stack`` closes), each paused until its turn."""
    servers = {}
    for kind, command in commands.items():
        servers[kind] = stack.enter_context(ServiceProcess(
            command=command, ready_path=VARIANTS[kind].ready_path, start_timeout=60))
        servers[kind].pause()
    return servers


def warm_up(servers: dict[str, ServiceProcess], *, body: bytes, concurrency: int,
            seconds: float) -> None:
    """A first load on each server in turn, not measured: imports, first allocations and
    the batcher's first groups happen here."""
    for server in servers.values():
        with server.turn():
            run_load(server.url + "/predict", body=body, concurrency=concurrency,
                     duration_s=seconds, headers=API_KEY, engine="hey")


def _load_with_probe(url: str, health_url: str | None, config: BenchConfig, *, body: bytes,
                     concurrency: int, headers: dict) -> tuple[dict, dict | None]:
    """The load on ``url``, and at the same time a light probe of ``health_url`` (if any)."""
    probe: dict = {}
    thread = None
    if health_url is not None:
        def run_probe() -> None:
            probe.update(run_load(health_url, concurrency=1, duration_s=config.duration_s,
                                  qps=config.health_qps, engine="hey"))
        thread = threading.Thread(target=run_probe, name="health-probe")
        thread.start()
    try:
        result = run_load(url, body=body, concurrency=concurrency,
                          duration_s=config.duration_s, headers=headers, engine="hey")
    finally:
        if thread is not None:
            thread.join()
    return result, (probe or None)


def summarise_runs(runs: list[dict], starts: list[dict]) -> list[dict]:
    """Median of each figure over repetitions, one row per server, batch and concurrency.

    ``rps_min`` and ``rps_max`` give the spread of the repetitions.
    """
    order = list(VARIANTS)
    keys = sorted({(r["server"], r["batch"], r["concurrency"]) for r in runs},
                  key=lambda k: (order.index(k[0]) if k[0] in order else len(order), k))
    rows = []
    for server, batch, concurrency in keys:
        same = [r for r in runs if (r["server"], r["batch"], r["concurrency"]) == (
            server, batch, concurrency)]
        mine = [s for s in starts if s["server"] == server]
        row = {"server": server, "batch": batch, "concurrency": concurrency, "reps": len(same)}
        for figure in FIGURES:
            values = [r[figure] for r in same if figure in r]
            if values:
                row[figure] = round(statistics.median(values), 3)
        row["rps_min"] = min(r["rps"] for r in same)
        row["rps_max"] = max(r["rps"] for r in same)
        row["cold_start_s"] = round(statistics.median(s["cold_start_s"] for s in mine), 3)
        for figure in ("rss_mb", "uss_mb"):
            row[figure] = round(statistics.median(s[figure] for s in mine), 1)
        rows.append(row)
    return rows


def _bench_model(model: str, cache_dir: Path) -> tuple[torch.nn.Module, Path]:
    """The benchmark's network (seeded, untrained for ``wide``) and its safetensors file."""
    from safetensors.torch import save_file

    from deploydl.models import wide_digits_cnn

    if model == "wide":
        net = wide_digits_cnn(seed=0)
    elif model == "small":
        net = _trained_small_cnn(cache_dir)[0]
    else:
        raise ValueError(f"model must be 'wide' or 'small'; got {model!r}.")
    weights = cache_dir / f"bench-{model}-digits-cnn-seed0.safetensors"
    weights.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, weights)
    return net.eval(), weights


def _trained_small_cnn(cache_dir: Path):
    """The small digits CNN trained once (seed 0) and cached: the network, the data it
    needs (train images, test images, test labels) and its safetensors file."""
    from safetensors.torch import load_file, save_file

    from deploydl.data import load_digits_split
    from deploydl.models import DigitsCNN, train_digits_cnn

    x_train, x_test, y_train, y_test = load_digits_split()
    weights = cache_dir / "bench-digits-cnn-seed0-trained.safetensors"
    if weights.exists():
        net = DigitsCNN()
        net.load_state_dict(load_file(weights))
    else:
        net = train_digits_cnn(x_train, y_train, seed=0)
        weights.parent.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, weights)
    return net.eval(), (x_train, x_test, y_test), weights


def _int8(cache_dir: Path) -> list[dict]:
    """fp32 against int8 for the trained small CNN (accuracy needs trained weights)."""
    from deploydl.efficiency.compress import compare_variants

    net, (x_train, x_test, y_test), _ = _trained_small_cnn(cache_dir)
    return compare_variants(_int8_variants(net, x_train[:512]), x_test, y_test, batch=32,
                            repeats=500)  # a call takes well under 1 ms: many, for a stable median


def _int8_wide() -> list[dict]:
    """fp32 against int8 for the benchmark's wide CNN: saved file size and speed, no accuracy.

    The network is the untrained :func:`~deploydl.models.wide_digits_cnn` (seed 0): its
    answers mean nothing, so accuracy is measured on the small trained CNN only
    (:func:`_int8`). Size and speed do not depend on the weights' values: the file holds as
    many numbers and a forward pass does the same multiplications. Static int8 is calibrated
    on the seeded random images it is timed on (:func:`_wide_images`); calibration sets each
    layer's scale, not how much work the layer does.
    """
    from deploydl.efficiency.compress import measure_variants
    from deploydl.models import wide_digits_cnn

    images = _wide_images()
    variants = _int8_variants(wide_digits_cnn(seed=0), images)
    return measure_variants(variants, images, batch=32, repeats=100)


def _wide_images() -> np.ndarray:
    """The 256 seeded random images (pixels uniform in 0..1) that both engines' int8 copies of
    the wide CNN are calibrated and timed on: the ONNX check's inputs."""
    return check_inputs(INPUT_SHAPE)


def _int8_variants(net: torch.nn.Module, calibration: np.ndarray) -> dict:
    """``net`` as fp32, int8 (static, calibrated on ``calibration``) and int8 dynamic."""
    from deploydl.efficiency.compress import quantize_int8

    return {"fp32": net, "int8": quantize_int8(net, calibration=calibration),
            "int8 dynamic": quantize_int8(net)}


def _onnx_int8(cache_dir: Path, *, threads: int) -> list[dict]:
    """ONNX Runtime's int8 against its own float32 export, for the same trained small CNN
    as :func:`_int8` (its export checked against torch first, like the served one)."""
    net, (x_train, x_test, y_test), weights = _trained_small_cnn(cache_dir)
    prepare_onnx(net, weights, shape=INPUT_SHAPE)
    return onnx_int8_rows(weights, x_test, y_test, calibration=x_train[:512], threads=threads)


def _onnx_int8_wide(cache_dir: Path, *, threads: int) -> list[dict]:
    """ONNX Runtime's int8 against its own float32 export of the benchmark's wide CNN: file
    size and speed, no accuracy.

    The network is the one :func:`_int8_wide` quantises with torch (untrained, seed 0), and
    its float32 model is its checked export (the one the ``onnx`` server loads when the
    benchmark serves the wide model, as it does by default). Without trained
    weights there is no accuracy to measure, but size and speed do not depend on the weights'
    values: the file holds as many numbers and a pass does the same multiplications. Static
    int8 is calibrated on the same seeded random images as torch's (:func:`_wide_images`), and
    timed on them: calibration sets each layer's scale, not how much work the layer does, and
    both engines see the same inputs.
    """
    net, weights = _bench_model("wide", cache_dir)
    prepare_onnx(net, weights, shape=INPUT_SHAPE)  # reuses the served export when it exists
    images = _wide_images()
    return onnx_int8_rows(weights, images, calibration=images, threads=threads)


def _capacity_check(curve: list[dict]) -> dict | None:
    """The queueing model's p99 at 16 clients, predicted from fewer clients, against the
    measurement (``None`` when the curve cannot check it: :func:`~deploydl.efficiency.capacity.
    prediction_check`)."""
    from deploydl.efficiency.capacity import prediction_check

    return prediction_check(curve, clients=16)
