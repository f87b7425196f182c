"""What the service does for monitoring: route, time, record, show the dashboard (Module 06).

:func:`deploydl.serving.create_app` calls :func:`score_and_log` for every ``/predict`` request
and, when it is given a prediction log, mounts :func:`add_dashboard`'s ``GET /dashboard``.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Annotated

import numpy as np
from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from deploydl.evaluation.decision import decides_at, refer_or_approve
from deploydl.monitoring.abtest import choose_model
from deploydl.monitoring.log import LoggedPrediction, PredictionStore

#: Logger of every model failure, with its request ID and traceback. ``deploydl serve``
#: prints it; in a notebook it stays quiet (a library never writes to stderr unasked) unless
#: logging is configured, and the prediction log, if any, keeps the error too.
ERROR_LOG = logging.getLogger("deploydl.errors")
ERROR_LOG.addHandler(logging.NullHandler())


def model_error(request_id: str, *, logged: bool = False) -> str:
    """The detail of the 500 a model failure gets: nobody is approved, here is the ID."""
    where = "the service log and the prediction log" if logged else "the service log"
    return (f"the model gave no valid score for this request, so nobody in it is approved "
            f"(request ID {request_id}). The error is in {where} under that ID; "
            "retry later or refer the applicants to an underwriter.")


class NonFiniteScore(ValueError):
    """The model returned NaN or infinity: never a basis for a decision."""


def score_and_log(model, rows: list[dict], *, threshold: float | None,
                  log: PredictionStore | None, applicant_ids: list[str | None] | None = None,
                  request_id: str | None = None):
    """Score ``rows`` with the routed model and record each answer in ``log`` (if any).

    A traffic split routes the whole request by its first applicant's ID (send one
    applicant per request in an A/B test); ``applicant_ids`` are logged row by row. Each
    decision is logged at :func:`decides_at` for the model that scored, so in an A/B test
    each version decides at its own threshold unless the service fixed one (``threshold``).

    Returns ``(model_used, probabilities, threshold)``: the threshold is the one its
    decisions were logged at, for the answer to use too. A model that raises, or returns a
    score that is not a finite number, is logged (logger ``deploydl.errors``, with the request
    ID), recorded as an error row per applicant, and answered with a 500
    (:func:`model_error`): a non-finite score never approves anyone.
    """
    applicant_ids = applicant_ids or [None] * len(rows)
    chosen = choose_model(model, applicant_ids[0])
    threshold = decides_at(chosen, threshold)
    request_id = request_id or uuid.uuid4().hex
    started = time.perf_counter()
    try:
        probabilities = np.asarray(chosen.predict_proba(rows), dtype=float).reshape(-1)
        bad = np.flatnonzero(~np.isfinite(probabilities))
        if len(probabilities) != len(rows) or len(bad):
            raise NonFiniteScore(f"{len(bad)} of {len(rows)} scores are not finite numbers "
                                 f"(first: row {bad[0] if len(bad) else '?'}); "
                                 f"{len(probabilities)} scores for {len(rows)} rows")
    except Exception as exc:  # noqa: BLE001 - any model failure is logged, then answered 500
        ERROR_LOG.exception("model %s %s failed on request %s", chosen.name, chosen.version,
                            request_id)
        _record(log, chosen, rows, None, threshold, started, request_id, applicant_ids,
                error=f"{type(exc).__name__}: {exc}")
        raise HTTPException(status_code=500, detail=model_error(
            request_id, logged=log is not None)) from None
    _record(log, chosen, rows, probabilities, threshold, started, request_id, applicant_ids)
    return chosen, probabilities, threshold


def add_dashboard(app: FastAPI, log: PredictionStore) -> None:
    """Serve the live monitoring page at ``GET /dashboard`` (HTML, nothing from a CDN).

    ``/dashboard?refresh=15`` reloads it every 15 s; plain ``/dashboard`` does not reload.
    """
    from deploydl.monitoring.dashboard import render_dashboard

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(refresh: Annotated[int | None, Query(ge=5, le=3600)] = None) -> str:
        return render_dashboard(log, refresh_s=refresh)


def _record(log, model, rows, probabilities, threshold, started, request_id, applicant_ids, *,
            error: str | None = None) -> None:
    if log is None:
        return
    latency_ms = (time.perf_counter() - started) * 1000
    scores = [None] * len(rows) if probabilities is None else [float(p) for p in probabilities]
    log.record([LoggedPrediction(
        request_id=request_id, applicant_id=ident, model_name=model.name,
        model_version=model.version, inputs=row, probability=p, threshold=threshold,
        decision=None if p is None else refer_or_approve(p, threshold),
        latency_ms=latency_ms, status="error" if error else "ok", error=error)
        for row, p, ident in zip(rows, scores, applicant_ids, strict=True)])
