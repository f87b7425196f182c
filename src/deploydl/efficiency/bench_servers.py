"""The servers of the serving benchmark, each started as its own process (Module 05).

``python -m deploydl.efficiency.bench_servers KIND --weights FILE --threads N`` serves the
benchmark's CNN, with the same torch threads, as one of :data:`VARIANTS`:

- ``course``: the course's service, :func:`deploydl.serving.digits.create_digits_app`, with
  everything a production service has switched on: micro-batching, the API key, the body
  limit and deadlines, request IDs, one JSON access-log line per request, ``/metrics``;
- ``naive``: a FastAPI endpoint as most first attempts look: ``async def``, torch called in
  the handler, no batching, no hardening;
- ``litserve``: LitServe, a FastAPI-based model server with batching (the ``bench`` extra);
- ``onnx``: the course's service, hardening and all, with ONNX Runtime scoring instead of
  torch (the ``export`` extra); it loads the export the benchmark made before the servers
  started and checks it against torch (:mod:`deploydl.efficiency.runtime`).

All of them validate the request with the same schema and answer with the same JSON, and
print ``Serving KIND at http://127.0.0.1:PORT`` once they listen (what
:class:`~deploydl.serving.process.ServiceProcess` waits for). To compare another server, add
a :class:`Variant` to :data:`VARIANTS`; ``deploydl bench`` runs every one of them.
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from fastapi import FastAPI

from deploydl.serving.digits import DigitImages, DigitsResponse

#: Shape of one input image of the benchmark's networks (channels, height, width): both take
#: the 8x8 digits, so the ONNX export and its check inputs have this shape.
INPUT_SHAPE = (1, 8, 8)
#: Most requests (course: images) grouped into one model call, unless --max-batch says.
MAX_BATCH = 32
MAX_WAIT_MS = 0.0  # group what queued while the model was busy; waiting costs more here
HOST = "127.0.0.1"
#: The API key the course server requires in the benchmark (the load sends it to every server).
BENCH_API_KEY = "bench-key"


def _networks() -> dict[str, type[torch.nn.Module]]:
    from deploydl.models.vision import DigitsCNN, WideDigitsCNN

    return {"wide": WideDigitsCNN, "small": DigitsCNN}


def load_cnn(weights: str, *, threads: int, model: str = "wide") -> torch.nn.Module:
    """The benchmark's CNN (``wide`` or ``small``) from a safetensors file, in eval mode."""
    from safetensors.torch import load_file

    torch.set_num_threads(threads)
    net = _networks()[model]()
    net.load_state_dict(load_file(weights))
    return net.eval()


def naive_app(net: torch.nn.Module) -> FastAPI:
    """The naive endpoint: ``async def`` with torch in the handler, one request at a time."""
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    async def predict(body: DigitImages) -> DigitsResponse:
        x = torch.tensor(body.images).unsqueeze(1)
        with torch.no_grad():
            confidence, digits = torch.softmax(net(x), dim=1).max(dim=1)
        return DigitsResponse(model_name="naive", model_version="1", digits=digits.tolist(),
                              confidence=np.round(confidence.double().numpy(), 6).tolist())

    return app


def onnx_net(net: torch.nn.Module, weights: str, *, threads: int) -> torch.nn.Module:
    """``net`` scored by ONNX Runtime, from the benchmark's export, checked against torch."""
    from pathlib import Path

    from deploydl.efficiency.bench_extras import check_inputs, onnx_cache
    from deploydl.efficiency.runtime import OnnxModule, export_checked

    checks = check_inputs(INPUT_SHAPE)
    return OnnxModule(export_checked(net, checks[:2], check_inputs=checks,
                                     cache=onnx_cache(Path(weights)), threads=threads))


def _serve_course(args: argparse.Namespace) -> None:
    """The course's service (``course``), or the same service on ONNX Runtime (``onnx``)."""
    from deploydl.serving import guard
    from deploydl.serving.digits import create_digits_app
    from deploydl.serving.heap import freeze_start_up_objects
    from deploydl.serving.middleware import ACCESS_LOG, log_to
    from deploydl.settings import get_settings

    settings = get_settings(api_key=BENCH_API_KEY, torch_threads=args.threads)
    log_to(ACCESS_LOG, sys.stdout)  # one JSON line per request, as `deploydl serve` writes
    net = load_cnn(args.weights, threads=args.threads, model=args.model)
    if args.kind == "onnx":
        net = onnx_net(net, args.weights, threads=args.threads)
    app = create_digits_app(net, settings, max_batch_size=args.max_batch,
                            max_wait_ms=MAX_WAIT_MS)
    guard.configure(header_timeout=settings.read_timeout_s, metrics=app.state.metrics)
    freeze_start_up_objects()  # as `deploydl serve` does
    _run_uvicorn(app, args.kind, http="deploydl.serving.guard:GuardedHTTP")


def _serve_naive(args: argparse.Namespace) -> None:
    _run_uvicorn(naive_app(load_cnn(args.weights, threads=args.threads, model=args.model)),
                 args.kind)


def _serve_litserve(args: argparse.Namespace) -> None:
    from deploydl.efficiency.bench_litserve import litserve_server
    from deploydl.serving.process import free_port

    port = free_port()  # LitServe binds its own socket
    server = litserve_server(args.weights, threads=args.threads, model=args.model,
                             max_batch=args.max_batch)
    print(f"Serving litserve at http://{HOST}:{port}", flush=True)
    server.run(host=HOST, port=port, log_level="warning", generate_client_file=False,
               num_api_servers=1)


def _run_uvicorn(app: FastAPI, kind: str, **options: Any) -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    sock.listen(2048)
    print(f"Serving {kind} at http://{HOST}:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                  **options)).run(sockets=[sock])


@dataclass(frozen=True)
class Variant:
    """One server the benchmark compares: the path that answers 200 once it can serve
    predictions, one line saying what it is, and the function that runs it until stopped."""

    ready_path: str
    summary: str
    serve: Callable[[argparse.Namespace], None]


#: Every server ``deploydl bench`` starts, in the order of its tables.
VARIANTS: dict[str, Variant] = {
    "course": Variant("/ready", "the course's service: micro-batching, all hardening on",
                      _serve_course),
    "naive": Variant("/health", "FastAPI, async def, torch in the handler, no batching",
                     _serve_naive),
    "litserve": Variant("/health", "LitServe with batching, one worker", _serve_litserve),
    "onnx": Variant("/ready", "the course's service, scored by ONNX Runtime (export checked "
                    "against torch)", _serve_course),
}


def server_command(kind: str, *, weights: str, threads: int, model: str = "wide",
                   max_batch: int = MAX_BATCH) -> list[str]:
    """The command line that starts server ``kind`` (for ``ServiceProcess(command=...)``)."""
    if kind not in VARIANTS:
        raise ValueError(f"unknown server {kind!r}; choose one of {sorted(VARIANTS)}.")
    return [sys.executable, "-m", "deploydl.efficiency.bench_servers", kind,
            "--weights", str(weights), "--threads", str(threads), "--model", model,
            "--max-batch", str(max_batch)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(VARIANTS))
    parser.add_argument("--weights", required=True, help="safetensors file of the CNN")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--model", choices=("wide", "small"), default="wide")
    parser.add_argument("--max-batch", type=int, default=MAX_BATCH,
                        help="most images in one model call (servers that batch)")
    args = parser.parse_args(argv)
    VARIANTS[args.kind].serve(args)
    return 0


if __name__ == "__main__":  # pragma: no cover - started as a process by the benchmark
    sys.exit(main())
