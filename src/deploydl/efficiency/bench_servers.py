"""The three servers of the serving benchmark, each started as its own process (Module 05).

``python -m deploydl.efficiency.bench_servers KIND --port P --weights FILE --threads N``
serves the same digits CNN, with the same torch threads, as:

- ``course``: the course's service, :func:`deploydl.serving.digits.create_digits_app`
  (micro-batching, torch in a worker thread);
- ``naive``: a FastAPI endpoint as most first attempts look: ``async def``, torch called in
  the handler, no batching;
- ``litserve``: LitServe, a FastAPI-based model server with batching (the ``bench`` extra);
- ``onnx``: the course's service with ONNX Runtime scoring instead of torch (the ``export``
  extra); it loads the export the benchmark made before it started and checks it against torch
  (:mod:`deploydl.efficiency.runtime`).

All four validate the request with the same schema and answer with the same JSON.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import torch
from fastapi import FastAPI

from deploydl.serving.digits import DigitImages, DigitsResponse

#: Path each server answers 200 on once it can serve predictions.
READY_PATH = {"course": "/ready", "naive": "/health", "litserve": "/health", "onnx": "/ready"}
#: Shape of one input image of the benchmark's network (channels, height, width).
INPUT_SHAPE = (1, 8, 8)
#: Requests (course: images) grouped into one model call by the servers that batch.
MAX_BATCH = 32
MAX_WAIT_MS = 0.0  # group what queued while the model was busy; waiting costs more here


def load_cnn(weights: str, *, threads: int) -> torch.nn.Module:
    """The benchmark's digits CNN from a safetensors file, in eval mode, on ``threads``."""
    from safetensors.torch import load_file

    from deploydl.models import DigitsCNN

    torch.set_num_threads(threads)
    net = DigitsCNN()
    net.load_state_dict(load_file(weights))
    return net.eval()


def naive_app(net: torch.nn.Module):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(READY_PATH))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--weights", required=True, help="safetensors file of the digits CNN")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args(argv)
    host = "127.0.0.1"
    if args.kind == "litserve":
        from deploydl.efficiency.bench_litserve import litserve_server

        litserve_server(args.weights, threads=args.threads).run(
            host=host, port=args.port, log_level="warning", generate_client_file=False,
            num_api_servers=1)
        return 0
    import uvicorn

    from deploydl.serving.digits import create_digits_app

    net = load_cnn(args.weights, threads=args.threads)
    if args.kind == "onnx":
        net = onnx_net(net, args.weights, threads=args.threads)
    app = (naive_app(net) if args.kind == "naive" else
           create_digits_app(net, max_batch_size=MAX_BATCH, max_wait_ms=MAX_WAIT_MS))
    uvicorn.run(app, host=host, port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":  # pragma: no cover - started as a process by the benchmark
    sys.exit(main())
