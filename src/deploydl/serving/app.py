"""The prediction service as a FastAPI app, built by a factory (Modules 00 and 04).

``create_app(model)`` returns a new app each call, so tests and notebooks build their own.
"""

from __future__ import annotations

from typing import Annotated, Protocol

import numpy as np
from fastapi import Body, FastAPI, Header, HTTPException, Response

from deploydl.monitoring.service import add_dashboard, score_and_log
from deploydl.serving.schemas import (
    Applicant,
    Batch,
    Health,
    Prediction,
    PredictResponse,
)
from deploydl.settings import Settings, get_settings


class Scorer(Protocol):
    """What the service needs from a model: a name, a version and ``predict_proba``."""

    name: str
    version: str

    def predict_proba(self, rows: list[dict]) -> np.ndarray: ...


def create_app(model: Scorer | None, settings: Settings | None = None, *,
               threshold: float = 0.5, prediction_log=None) -> FastAPI:
    """Build the service for ``model``.

    Parameters
    ----------
    model : Scorer or None
        The model to serve. ``None`` starts a service that is live but not ready (``/ready``
        answers 503), as a real service is while its model loads.
    settings : Settings, optional
        Service settings; read from the environment when omitted.
    threshold : float
        Probability of default at or above which the decision is "refer" (to a human
        underwriter) rather than "approve".
    prediction_log : deploydl.monitoring.PredictionStore, optional
        Records every prediction and serves the live ``/dashboard`` (Module 06).

    ``model`` may also be a :class:`deploydl.monitoring.TrafficSplit` (an A/B test or a canary
    release): it routes each request by its first applicant's ``applicant_id``.
    """
    settings = settings or get_settings()
    app = FastAPI(title="Northbridge Bank loan-default service",
                  description="Scores loan applications with the course's model.")
    app.state.model = model
    app.state.settings = settings

    @app.get("/health", response_model=Health, summary="Liveness: the process answers.")
    def health() -> Health:
        return Health(status="ok")

    @app.get("/ready", response_model=Health, summary="Readiness: a model is loaded.")
    def ready() -> Health:
        if app.state.model is None:
            raise HTTPException(status_code=503, detail="model not loaded")
        return Health(status="ready")

    @app.post("/predict", response_model=PredictResponse,
              summary="Score one applicant, or a batch as {'applicants': [...]}.")
    def predict(body: Annotated[Applicant | Batch, Body()], response: Response,
                request_id: Annotated[str | None, Header(alias="X-Request-ID")] = None,
                ) -> PredictResponse:
        current = app.state.model
        if current is None:
            raise HTTPException(status_code=503, detail="model not loaded")
        applicants = body.applicants if isinstance(body, Batch) else [body]
        if len(applicants) > settings.max_batch:
            raise HTTPException(status_code=422, detail=(
                f"applicants: {len(applicants)} in one request; the limit is "
                f"{settings.max_batch}. Split the batch."))
        current, probabilities, request_id = score_and_log(
            current, [a.model_dump(exclude={"applicant_id"}) for a in applicants],
            threshold=threshold, log=prediction_log, request_id=request_id,
            applicant_ids=[a.applicant_id for a in applicants])
        response.headers["X-Request-ID"] = request_id
        return PredictResponse(
            model_name=current.name, model_version=current.version, threshold=threshold,
            predictions=[Prediction(probability_of_default=round(float(p), 6),
                                    decision="refer" if p >= threshold else "approve")
                         for p in probabilities])

    if prediction_log is not None:
        add_dashboard(app, prediction_log)
    return app
