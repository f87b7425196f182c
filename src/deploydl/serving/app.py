"""The prediction service as a FastAPI app, built by a factory (Modules 00 and 04).

``create_app(model)`` returns a new app each call, so tests and notebooks build their own.
What a production service needs is switched on here, in one readable place:

* ``POST /predict`` (one applicant or a batch), ``GET /model``, ``GET /health``, ``GET /ready``,
  ``GET /metrics`` (Prometheus text) and the API docs at ``/docs`` and ``/redoc``, served
  from files inside the ``fastapi-offline`` package (no CDN);
* a 400 for a body that is not JSON (with line and column), a 422 that names the field, a 413
  above ``settings.max_body_bytes`` (counted on the bytes received), a 408 for a body slower
  than ``settings.read_timeout_s``, and 401/403 when ``settings.api_key`` is set, checked
  before the body is read (:mod:`deploydl.serving.factory` says which paths stay public);
* one JSON access-log line per request (logger ``deploydl.access``) with a server-made request
  ID, and every model failure logged with that ID (logger ``deploydl.errors``);
* ``X-Content-Type-Options: nosniff`` on every answer, ``Cache-Control: no-store`` on
  ``/predict``, ``/model`` and ``/dashboard``, and ``frame-ancestors 'none'`` on the dashboard;
* inputs outside the training range flagged in the answer and counted in ``/metrics``;
* for each referral, up to four reason codes (Module 03's rule, against the median approved
  applicant stored with the model), in the answer, the prediction log and one JSON decision
  line per applicant (logger ``deploydl.decisions``, :mod:`deploydl.serving.events`);
* torch's thread count from ``settings.torch_threads``, set when the server starts.
"""

from __future__ import annotations

import hmac
import time
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Protocol

import numpy as np
import torch
from fastapi import Body, Depends, FastAPI, HTTPException, Request, Response, Security
from fastapi.security import APIKeyHeader

from deploydl.evaluation.decision import decides_at
from deploydl.monitoring.service import add_dashboard, score_and_log
from deploydl.monitoring.window import release_permit, window_from_settings
from deploydl.serving.factory import ERROR_RESPONSES, KEY_RESPONSES, add_guards, new_app
from deploydl.serving.metrics import ServiceMetrics
from deploydl.serving.middleware import MISSING_KEY_DETAIL, WRONG_KEY_DETAIL
from deploydl.serving.schemas import (
    Batch,
    Health,
    ModelInfo,
    Prediction,
    PredictResponse,
    ReasonCode,
    predict_request,
)
from deploydl.settings import Settings, get_settings

if TYPE_CHECKING:
    from deploydl.registry import Artifact


_NO_STORE = (b"cache-control", b"no-store")
#: On every answer: browsers must not guess a content type other than the one sent.
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"),)
#: Answers that carry applicants' data or the weights hash are never cached, and the HTML
#: dashboard cannot be shown inside another site's frame (clickjacking).
PATH_HEADERS = {"/predict": (_NO_STORE,), "/model": (_NO_STORE,),
                "/dashboard": (_NO_STORE, (b"content-security-policy", b"frame-ancestors 'none'"))}


class Scorer(Protocol):
    """What the service needs from a model: a name, a version and ``predict_proba``."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def predict_proba(self, rows: list[dict]) -> np.ndarray: ...


def create_app(model: Scorer | None, settings: Settings | None = None, *,
               threshold: float | None = None, artifact: Artifact | None = None,
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
    threshold : float, optional
        Probability of default at or above which the decision is "refer" (to a human
        underwriter) rather than "approve", for every model this service serves. By default
        each model decides at the one chosen for it and recorded with it (``model.threshold``,
        Module 02's rule on calibrated scores), else 0.5: a release brings its own, and in an
        A/B test each version decides at its own (:func:`deploydl.evaluation.decision.decides_at`).
    artifact : deploydl.registry.Artifact, optional
        The verified artifact ``model`` was loaded from; ``/model`` then reports its sha256,
        creation time and training-data hash.
    prediction_log : deploydl.monitoring.PredictionStore, optional
        Records every prediction and serves the live ``/dashboard`` (Module 06).

    ``model`` may also be a :class:`deploydl.monitoring.TrafficSplit` (an A/B test or a canary
    release): it routes each request by its first applicant's ``applicant_id``.
    """
    settings = settings or get_settings()
    app = new_app(title="Northbridge Bank loan-default service", lifespan=_lifespan,
                  description="Scores loan applications with the course's model (Module 04).")
    app.state.settings, app.state.threshold, app.state.artifact = settings, threshold, artifact
    app.state.prediction_log = prediction_log
    app.state.metrics, app.state.releases = ServiceMetrics(), []
    app.state.ranges = dict(artifact.metadata.get("training_range") or {}) if artifact else {}
    set_model(app, model)
    _add_probes(app)
    _add_predict(app)
    _add_model_info(app)
    if prediction_log is not None:
        add_dashboard(app, prediction_log)
    add_guards(app, settings, app.state.metrics, headers=SECURITY_HEADERS,
               path_headers=PATH_HEADERS)
    return app


def set_model(app: FastAPI, model: Scorer | None) -> None:
    """Serve ``model`` from now on (``None``: not ready) and record it in the metrics.

    This swaps without asking; a release on a running service goes through
    :func:`release_model`, which honours the maintenance window.
    """
    app.state.model = model
    if model is not None:
        app.state.metrics.set_model(model.name, model.version)


def release_model(app: FastAPI, model: Scorer, *, emergency: str | None = None,
                  when: float | None = None) -> dict:
    """Swap the running service to ``model``, inside the maintenance window (Module 06).

    With ``release_window`` in the service's settings, a release at ``when`` (seconds since
    1970; default now) outside the window raises
    :class:`deploydl.monitoring.OutsideMaintenanceWindow`, and the old model keeps serving,
    unless ``emergency`` says why it cannot wait. Every release is appended to
    ``app.state.releases`` (version, time, in window, emergency reason) and returned.
    """
    when = time.time() if when is None else when
    new = getattr(model, "candidate", model)  # a canary or A/B split releases its candidate
    version = f"{new.name} {new.version}"
    permit = release_permit(window_from_settings(app.state.settings), when,
                            emergency=emergency, what=f"Releasing {version} to the service")
    set_model(app, model)
    record = {"version": version, **permit.record()}
    app.state.releases.append(record)
    return record


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
                            detail=MISSING_KEY_DETAIL)
    if not hmac.compare_digest(key.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail=WRONG_KEY_DETAIL)



def _key_required(app: FastAPI) -> list:
    """The key dependency for a protected route, only when the service has a key: the
    OpenAPI page then documents the key exactly when it is needed. The check itself runs
    earlier, in :class:`deploydl.serving.middleware.ApiKeyGate`, before the body is read."""
    return [Depends(require_api_key)] if app.state.settings.api_key else []


def _statuses(app: FastAPI, responses: dict[int | str, dict]) -> dict[int | str, dict]:
    """``responses`` for a protected route's OpenAPI entry: without a key the service never
    answers 401 or 403, so its API page does not list them."""
    if app.state.settings.api_key:
        return responses
    return {status: answer for status, answer in responses.items() if status not in (401, 403)}


async def _loaded_model(request: Request) -> Scorer:
    model = request.app.state.model
    if model is None:
        raise HTTPException(status_code=503, detail=(
            "model not loaded: this service has no model yet (it is starting, or none was "
            "set). Retry when GET /ready answers 200."))
    return model


LoadedModel = Annotated[Scorer, Depends(_loaded_model)]


def _add_probes(app: FastAPI) -> None:
    @app.get("/health", response_model=Health, summary="Liveness: the process answers.")
    async def health() -> Health:
        # On the event loop, not in the thread pool /predict's scoring uses (40 threads): a
        # peak of large requests then never makes the liveness check wait for a thread.
        return Health(status="ok")

    @app.get("/ready", response_model=Health, summary="Readiness: a model is loaded.",
             responses={503: ERROR_RESPONSES[503]})
    async def ready(_: LoadedModel) -> Health:
        # On the event loop too: Kubernetes' readiness and start-up probes must not queue
        # behind scoring requests for one of the thread pool's 40 threads.
        return Health(status="ready")

    @app.get("/metrics", summary="Prometheus metrics: requests, latency, errors, model.",
             response_class=Response)
    def metrics() -> Response:
        return Response(app.state.metrics.render(), media_type=app.state.metrics.content_type)


def _add_predict(app: FastAPI) -> None:
    def predict(body, model: LoadedModel, request: Request) -> PredictResponse:
        applicants = body.applicants if isinstance(body, Batch) else [body]
        rows = [a.model_dump(exclude={"applicant_id"}) for a in applicants]
        scored = score_and_log(
            model, rows, threshold=app.state.threshold, log=app.state.prediction_log,
            applicant_ids=[a.applicant_id for a in applicants],
            request_id=getattr(request.state, "request_id", None))
        app.state.metrics.predictions.inc(len(applicants))
        threshold = scored.threshold
        return PredictResponse(
            model_name=scored.model.name, model_version=scored.model.version,
            threshold=threshold,
            predictions=[Prediction(probability_of_default=round(float(p), 6),
                                    decision=decision, out_of_range=_out_of_range(app, row),
                                    reasons=[ReasonCode(**r) for r in reasons])
                         for p, decision, row, reasons in zip(
                             scored.probabilities, scored.decisions, rows, scored.reasons,
                             strict=True)])

    # The body's type is this app's own: its batch publishes, and refuses above, the
    # settings' max_batch (before any applicant in it is validated).
    predict.__annotations__["body"] = Annotated[predict_request(app.state.settings.max_batch),
                                                Body()]
    app.post("/predict", response_model=PredictResponse,
             responses=_statuses(app, ERROR_RESPONSES),
             dependencies=_key_required(app),
             summary="Score one applicant, or a batch as {'applicants': [...]}.")(predict)


def _out_of_range(app: FastAPI, row: dict) -> list[str]:
    """The inputs of ``row`` outside the training range, counted in ``/metrics``."""
    flags = []
    for feature, (low, high) in app.state.ranges.items():
        value = row.get(feature)
        if value is not None and not low <= value <= high:
            app.state.metrics.out_of_range.labels(feature=feature).inc()
            flags.append(f"{feature} {value:g} (training {low:g}..{high:g})")
    return flags


def _add_model_info(app: FastAPI) -> None:
    @app.get("/model", response_model=ModelInfo, responses=_statuses(app, KEY_RESPONSES),
             dependencies=_key_required(app),
             summary="The model being served: version, sha256, training metrics.")
    def model_info(model: LoadedModel) -> ModelInfo:
        meta = app.state.artifact.metadata if app.state.artifact is not None else {}
        return ModelInfo(
            name=model.name, version=model.version,
            sha256=app.state.artifact.sha256 if app.state.artifact is not None else None,
            created=meta.get("created"), training_data_sha256=meta.get("training_data_sha256"),
            metrics=dict(getattr(model, "metrics", {})),
            features=list(getattr(model, "features", ())),
            threshold=decides_at(model, app.state.threshold),
            torch_threads=torch.get_num_threads())
