"""The cheque-digit service (Module 05): a CNN behind HTTP, with optional micro-batching.

``create_digits_app(net)`` serves any torch module that maps images ``(N, 1, 8, 8)`` scaled
0..1 to 10 logits. With ``batching=True`` (the default) concurrent requests are grouped by a
:class:`~deploydl.serving.batching.MicroBatcher`; with ``batching=False`` each request is
scored alone in FastAPI's thread pool. At start-up the service times a full group and halves
the group until one takes at most :data:`LOOP_BUDGET_MS`; groups are then scored on the event
loop (no hand-over to a thread, no contention for the GIL). Only a model too slow for the
budget even on one image is scored in a worker thread, so ``/health`` keeps answering.

It is built from the same pieces as the loan service (:mod:`deploydl.serving.factory`): API
docs served offline, the body limit and read deadline, the API key gate, one JSON access-log
line per request, ``/metrics``, and a ``/ready`` that answers 200 only after a warm-up
forward pass has succeeded (and 503 again once shutdown begins).
"""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from typing import Annotated

import numpy as np
import orjson
import torch
from fastapi import FastAPI, HTTPException, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from deploydl.efficiency.inference import time_forward
from deploydl.serving.batching import MicroBatcher
from deploydl.serving.factory import ERROR_RESPONSES, JsonBodyRoute, add_guards, new_app
from deploydl.serving.metrics import ServiceMetrics
from deploydl.serving.schemas import Health
from deploydl.settings import Settings, get_settings

#: Longest forward pass over a group, in milliseconds, that the batcher runs on the event loop.
#: While the loop scores, ``/health`` and every new request wait; 25 ms keeps them well inside
#: the benchmark's ``/health`` target under load (a p99 of 50 ms). The start-up shrinks the
#: group to fit (:func:`loop_group`); a model that needs longer for one image is scored in a
#: worker thread.
LOOP_BUDGET_MS = 25.0
#: Seconds a thread may hold the GIL while another waits for it (Python's default is 0.005).
#: With the model in a worker thread, the event loop and that thread share the GIL: torch hands
#: it back between layers, and under load the model thread would wait up to the default 5 ms
#: for it after each layer while the loop parses requests. Set while such a service runs.
SWITCH_INTERVAL_S = 0.0005

Pixel = Annotated[float, Field(ge=0, le=1)]
Row = Annotated[list[Pixel], Field(min_length=8, max_length=8)]
Image = Annotated[list[Row], Field(min_length=8, max_length=8)]


class DigitImages(BaseModel):
    """One or more 8x8 grey-scale cheque digits, pixels scaled 0 (white) to 1 (black)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)

    images: list[Image] = Field(..., min_length=1, description="8 rows of 8 pixels each.")


class DigitsResponse(BaseModel):
    """The digit read from each image, in order, and how sure the model is (0..1)."""

    model_name: str
    model_version: str
    digits: list[int]
    confidence: list[float]


def score_images(net: torch.nn.Module, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Digits and confidences (softmax probability of the chosen digit) for ``images``."""
    with torch.inference_mode():
        probabilities = torch.softmax(net(torch.from_numpy(images)), dim=1)
    confidence, digits = probabilities.max(dim=1)
    return digits.numpy(), confidence.numpy()


def create_digits_app(net: torch.nn.Module, settings: Settings | None = None, *,
                      name: str = "cheque-digits", version: str = "1.0.0",
                      batching: bool = True, max_batch_size: int = 32,
                      max_wait_ms: float = 0.0) -> FastAPI:
    """Build the cheque-digit service for ``net`` (put in eval mode here).

    Parameters
    ----------
    net : torch.nn.Module
        Maps a float32 tensor ``(N, 1, 8, 8)`` to logits ``(N, 10)``.
    settings : Settings, optional
        ``max_batch`` caps the images in one request; more get a 422 that says so.
    batching : bool
        Group concurrent requests (see :class:`MicroBatcher`); ``False`` scores each alone.
    max_batch_size, max_wait_ms : int, float
        The batcher's group size in images and its longest wait in milliseconds.
    """
    settings = settings or get_settings()
    net.eval()
    batcher = None
    if batching:
        batcher = MicroBatcher(_group_scorer(net), max_batch_size=max_batch_size,
                               max_wait_ms=max_wait_ms)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        torch.set_num_threads(settings.torch_threads)
        score_images(net, np.zeros((1, 1, 8, 8), dtype=np.float32))  # fails start-up if broken
        switch = sys.getswitchinterval()
        if batcher is not None:
            group = loop_group(net, max_batch_size)
            batcher.in_thread = group is None
            if group is not None:
                batcher.max_batch_size = group
            else:
                sys.setswitchinterval(min(switch, SWITCH_INTERVAL_S))
        app.state.ready = True
        yield
        app.state.ready = False
        if batcher is not None:
            await batcher.close()
            sys.setswitchinterval(switch)

    app = new_app(title="Northbridge Bank cheque-digit service", lifespan=lifespan,
                  description="Reads handwritten cheque digits with the course's CNN.")
    app.state.batcher, app.state.ready = batcher, False
    app.state.metrics = metrics = ServiceMetrics()
    metrics.set_model(name, version)

    @app.get("/health", response_model=Health, summary="Liveness: the process answers.")
    async def health() -> Health:
        return Health(status="ok")

    @app.get("/ready", response_model=Health, responses={503: ERROR_RESPONSES[503]},
             summary="Readiness: a warm-up forward pass succeeded.")
    async def ready() -> Health:
        if not app.state.ready:
            raise HTTPException(status_code=503, detail="model not loaded")
        return Health(status="ready")

    @app.get("/metrics", summary="Prometheus metrics: requests, latency, errors, model.",
             response_class=Response)
    async def metrics_page() -> Response:
        return Response(metrics.render(), media_type=metrics.content_type)

    def checked(body: DigitImages) -> np.ndarray:
        if len(body.images) > settings.max_batch:
            raise RequestValidationError([{
                "loc": ("body", "images"), "input": f"{len(body.images)} images",
                "msg": f"{len(body.images)} in one request; the limit is {settings.max_batch}. "
                       "Split the batch."}])
        metrics.predictions.inc(len(body.images))
        return np.asarray(body.images, dtype=np.float32)[:, None, :, :]

    def reply(digits: np.ndarray, confidence: np.ndarray) -> Response:
        # The DigitsResponse shape (documented by response_model), encoded once by orjson:
        # returning a Response spares FastAPI validating and re-encoding our own answer.
        return Response(orjson.dumps({
            "model_name": name, "model_version": version, "digits": digits.tolist(),
            "confidence": np.round(confidence.astype(float), 6).tolist()}),
            media_type="application/json")

    if batcher is not None:
        async def predict(body: DigitImages) -> Response:
            images = checked(body)
            return reply(*await batcher.submit(images, size=len(images)))
    else:
        # One /predict either way; FastAPI names the operation after the function.
        def predict(body: DigitImages) -> Response:  # type: ignore[misc]
            return reply(*score_images(net, checked(body)))

    # The body is parsed by pydantic straight from the bytes (JsonBodyRoute): the route that
    # takes the load skips FastAPI's per-request decoding and dependency solving.
    app.router.add_api_route(
        "/predict", predict, methods=["POST"], route_class_override=JsonBodyRoute,
        response_model=DigitsResponse, responses=ERROR_RESPONSES,
        summary="Read digits (batched)." if batcher is not None else "Read digits.")
    add_guards(app, settings, metrics)
    return app


def loop_group(net: torch.nn.Module, max_batch_size: int, *,
               budget_ms: float = LOOP_BUDGET_MS) -> int | None:
    """The largest group, ``max_batch_size`` halved as often as needed, that ``net`` scores
    within ``budget_ms`` (timed here, the median of 3 calls); ``None`` if one image takes
    longer.

    The budget holds on a slow machine too: where a full group of 32 takes 35 ms, the
    event loop scores groups of 16 instead of handing every group to a worker thread.
    """
    size = max_batch_size
    while size >= 1:
        images = np.zeros((size, 1, 8, 8), dtype=np.float32)
        if time_forward(net, images, repeats=3, warmup=1)["p50_ms"] <= budget_ms:
            return size
        size //= 2
    return None


def _group_scorer(net: torch.nn.Module):
    """A ``score_batch`` for the batcher: one forward pass for all requests' images.

    A group of one request (every request at one client) is scored as it is: joining and
    splitting arrays for nobody else costs about 20 microseconds a request.
    """

    def score_group(groups: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        if len(groups) == 1:
            return [score_images(net, groups[0])]
        digits, confidence = score_images(net, np.concatenate(groups))
        bounds = np.cumsum([len(g) for g in groups])[:-1]
        return list(zip(np.split(digits, bounds), np.split(confidence, bounds), strict=True))

    return score_group
