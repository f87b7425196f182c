"""The cheque-digit service (Module 05): a CNN behind HTTP, with optional micro-batching.

``create_digits_app(net)`` serves any torch module that maps images ``(N, 1, 8, 8)`` scaled
0..1 to 10 logits. With ``batching=True`` (the default) concurrent requests are grouped by a
:class:`~deploydl.serving.batching.MicroBatcher` and scored in a worker thread; with
``batching=False`` each request is scored alone in FastAPI's thread pool.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

import numpy as np
import torch
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from deploydl.serving.batching import MicroBatcher
from deploydl.serving.schemas import Health
from deploydl.settings import Settings, get_settings

Pixel = Annotated[float, Field(ge=0, le=1)]
Row = Annotated[list[Pixel], Field(min_length=8, max_length=8)]
Image = Annotated[list[Row], Field(min_length=8, max_length=8)]


class DigitImages(BaseModel):
    """One or more 8x8 grey-scale cheque digits, pixels scaled 0 (white) to 1 (black)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

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
        yield
        if batcher is not None:
            await batcher.close()

    app = FastAPI(title="Northbridge Bank cheque-digit service", lifespan=lifespan,
                  description="Reads handwritten cheque digits with the course's CNN.")
    app.state.batcher = batcher

    @app.get("/health", response_model=Health, summary="Liveness: the process answers.")
    async def health() -> Health:
        return Health(status="ok")

    @app.get("/ready", response_model=Health, summary="Readiness: the model is loaded.")
    async def ready() -> Health:
        return Health(status="ready")

    def checked(body: DigitImages) -> np.ndarray:
        if len(body.images) > settings.max_batch:
            raise HTTPException(status_code=422, detail=(
                f"images: {len(body.images)} in one request; the limit is "
                f"{settings.max_batch}. Split the batch."))
        return np.asarray(body.images, dtype=np.float32)[:, None, :, :]

    def reply(digits: np.ndarray, confidence: np.ndarray) -> DigitsResponse:
        return DigitsResponse(model_name=name, model_version=version,
                              digits=digits.tolist(),
                              confidence=np.round(confidence.astype(float), 6).tolist())

    if batcher is not None:
        @app.post("/predict", response_model=DigitsResponse, summary="Read digits (batched).")
        async def predict(body: DigitImages) -> DigitsResponse:
            images = checked(body)
            return reply(*await batcher.submit(images, size=len(images)))
    else:
        @app.post("/predict", response_model=DigitsResponse, summary="Read digits.")
        def predict(body: DigitImages) -> DigitsResponse:
            return reply(*score_images(net, checked(body)))

    return app


def _group_scorer(net: torch.nn.Module):
    """A ``score_batch`` for the batcher: one forward pass for all requests' images."""

    def score_group(groups: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        digits, confidence = score_images(net, np.concatenate(groups))
        bounds = np.cumsum([len(g) for g in groups])[:-1]
        return list(zip(np.split(digits, bounds), np.split(confidence, bounds), strict=True))

    return score_group
