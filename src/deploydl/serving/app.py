"""The prediction service as a FastAPI app, built by a factory (Modules 00 and 04).

``create_app(model)`` returns a new app each call, so tests and notebooks build their own.
What a production service needs is switched on here, in one readable place:

* ``POST /predict`` (one applicant or a batch), ``GET /model``, ``GET /health``, ``GET /ready``,
  ``GET /metrics`` (Prometheus text) and the API docs at ``/docs`` and ``/redoc``, served
  from files inside the ``fastapi-offline`` package (no CDN);
* a 422 that names the field, a 413 above ``settings.max_body_bytes`` (counted on the bytes
  received), 401/403 when ``settings.api_key`` is set;
* one JSON access-log line per request (logger ``deploydl.access``) with a request ID;
* torch's thread count from ``settings.torch_threads``, set when the server starts.
"""

from __future__ import annotations

import hmac
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Protocol

import numpy as np
import torch
from fastapi import Body, Depends, FastAPI, HTTPException, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from fastapi_offline import FastAPIOffline

from deploydl.monitoring.service import add_dashboard, score_and_log
from deploydl.serving.metrics import ServiceMetrics
from deploydl.serving.middleware import AccessLog, BodyLimit
from deploydl.serving.schemas import (
    Batch,
    Health,
    ModelInfo,
    Prediction,
    PredictRequest,
    PredictResponse,
    ValidationFailed,
)
from deploydl.settings import Settings, get_settings

if TYPE_CHECKING:
    from deploydl.registry import Artifact


class Scorer(Protocol):
    """What the service needs from a model: a name, a version and ``predict_proba``."""

    name: str
    version: str

    def predict_proba(self, rows: list[dict]) -> np.ndarray: ...


def create_app(model: Scorer | None, settings: Settings | None = None, *,
               threshold: float = 0.5, artifact: Artifact | None = None,
               prediction_log=None) -> FastAPI:
    """Build the service for ``model``.

    Parameters
    ----------
    model : Scorer or None
        The model to serve. ``None`` starts a service that is live but not ready (``/ready``
        answers 503), as a real service is while its model loads.
    settings : Settings, optional
        Service settings (API key, body limit, batch limit, torch threads); read from the
        environment when omitted.
    threshold : float
        Probability of default at or above which the decision is "refer" (to a human
        underwriter) rather than "approve".
    artifact : deploydl.registry.Artifact, optional
        The verified artifact ``model`` was loaded from; ``/model`` then reports its sha256,
        creation time and training-data hash.
    prediction_log : deploydl.monitoring.PredictionStore, optional
        Records every prediction and serves the live ``/dashboard`` (Module 06).

    ``model`` may also be a :class:`deploydl.monitoring.TrafficSplit` (an A/B test or a canary
    release): it routes each request by its first applicant's ``applicant_id``.
    """
    settings = settings or get_settings()
    app = FastAPIOffline(
        title="Northbridge Bank loan-default service", lifespan=_lifespan,
        description="Scores loan applications with the course's model (Module 04).",
        swagger_ui_parameters={"validatorUrl": None})
    app.state.settings, app.state.threshold, app.state.artifact = settings, threshold, artifact
    app.state.prediction_log = prediction_log
    app.state.metrics = ServiceMetrics()
    set_model(app, model)
    app.add_exception_handler(RequestValidationError, _validation_failed)
    _add_probes(app)
    _add_predict(app)
    _add_model_info(app)
    if prediction_log is not None:
        add_dashboard(app, prediction_log)
    known = frozenset(route.path for route in app.routes)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(AccessLog, metrics=app.state.metrics,
                       route_of=lambda path: path if path in known else "other")
    return app


def set_model(app: FastAPI, model: Scorer | None) -> None:
    """Serve ``model`` from now on (``None``: not ready) and record it in the metrics."""
    app.state.model = model
    if model is not None:
        sha = app.state.artifact.sha256 if app.state.artifact is not None else None
        app.state.metrics.set_model(model.name, model.version, sha)


@asynccontextmanager
async def _lifespan(app: FastAPI):
    torch.set_num_threads(app.state.settings.torch_threads)
    yield


_API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False,
                               description="Required when the service has an API key.")


async def require_api_key(request: Request,
                          key: Annotated[str | None, Security(_API_KEY_HEADER)]) -> None:
    """401 without a key, 403 with a wrong one; nothing when the service has no key.

    ``async`` because it never blocks: FastAPI would run a plain ``def`` dependency in its
    thread pool, one more hop per request (Module 05 measures the service's overhead).
    """
    expected = request.app.state.settings.api_key
    if expected is None:
        return
    if not key:
        raise HTTPException(status_code=401, headers={"WWW-Authenticate": "ApiKey"},
                            detail="missing API key: send it in the X-API-Key header")
    if not hmac.compare_digest(key.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="API key not accepted")


ApiKey = Annotated[None, Depends(require_api_key)]


async def _loaded_model(request: Request) -> Scorer:
    model = request.app.state.model
    if model is None:
        raise HTTPException(status_code=503, detail="model not loaded")
    return model


LoadedModel = Annotated[Scorer, Depends(_loaded_model)]


def _add_probes(app: FastAPI) -> None:
    @app.get("/health", response_model=Health, summary="Liveness: the process answers.")
    def health() -> Health:
        return Health(status="ok")

    @app.get("/ready", response_model=Health, summary="Readiness: a model is loaded.")
    def ready(_: LoadedModel) -> Health:
        return Health(status="ready")

    @app.get("/metrics", summary="Prometheus metrics: requests, latency, errors, model.",
             response_class=Response)
    def metrics() -> Response:
        return Response(app.state.metrics.render(), media_type=app.state.metrics.content_type)


def _add_predict(app: FastAPI) -> None:
    @app.post("/predict", response_model=PredictResponse,
              summary="Score one applicant, or a batch as {'applicants': [...]}.")
    def predict(body: Annotated[PredictRequest, Body()], _: ApiKey, model: LoadedModel,
                request: Request) -> PredictResponse:
        applicants = body.applicants if isinstance(body, Batch) else [body]
        limit = app.state.settings.max_batch
        if len(applicants) > limit:
            raise HTTPException(status_code=422, detail=(
                f"applicants: {len(applicants)} in one request; the limit is {limit}. "
                "Split the batch."))
        model, probabilities = score_and_log(
            model, [a.model_dump(exclude={"applicant_id"}) for a in applicants],
            threshold=app.state.threshold, log=app.state.prediction_log,
            applicant_ids=[a.applicant_id for a in applicants],
            request_id=getattr(request.state, "request_id", None))
        app.state.metrics.predictions.inc(len(applicants))
        threshold = app.state.threshold
        return PredictResponse(
            model_name=model.name, model_version=model.version, threshold=threshold,
            predictions=[Prediction(probability_of_default=round(float(p), 6),
                                    decision="refer" if p >= threshold else "approve")
                         for p in probabilities])


def _add_model_info(app: FastAPI) -> None:
    @app.get("/model", response_model=ModelInfo,
             summary="The model being served: version, sha256, training metrics.")
    def model_info(_: ApiKey, model: LoadedModel) -> ModelInfo:
        meta = app.state.artifact.metadata if app.state.artifact is not None else {}
        return ModelInfo(
            name=model.name, version=model.version,
            sha256=app.state.artifact.sha256 if app.state.artifact is not None else None,
            created=meta.get("created"), training_data_sha256=meta.get("training_data_sha256"),
            metrics=dict(getattr(model, "metrics", {})),
            features=list(getattr(model, "features", ())), threshold=app.state.threshold,
            torch_threads=torch.get_num_threads())


_TAGS = {"applicant", "batch"}


async def _validation_failed(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A 422 that names each wrong field, with a short, always-printable copy of the value."""
    errors = []
    for error in exc.errors():
        path = [str(p) for p in error.get("loc", ())[1:] if p not in _TAGS]
        received = repr(error.get("input"))
        errors.append({"field": ".".join(path) or "body", "message": error.get("msg", ""),
                       "received": received[:77] + "..." if len(received) > 80 else received})
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    body = ValidationFailed(detail=f"{first['field']}: {first['message']}{more}", errors=errors)
    return JSONResponse(body.model_dump(), status_code=422)
