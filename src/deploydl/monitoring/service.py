"""What the service does for monitoring: route, time, explain, record, log, show the dashboard
(Module 06).

:func:`deploydl.serving.create_app` calls :func:`score_and_log` for every ``/predict`` request
and, when it is given a prediction log, mounts :func:`add_dashboard`'s ``GET /dashboard``.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal, NamedTuple

import numpy as np
from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from deploydl.evaluation.decision import decides_at, refer_or_approve
from deploydl.monitoring.abtest import choose_model
from deploydl.monitoring.log import LoggedPrediction, PredictionStore
from deploydl.serving.events import ERROR_LOG, log_decisions


def model_error(request_id: str, *, logged: bool = False) -> str:
    """The detail of the 500 a model failure gets: nobody is approved, here is the ID."""
    where = "the service log and the prediction log" if logged else "the service log"
    return (f"the model gave no valid score for this request, so nobody in it is approved "
            f"(request ID {request_id}). The error is in {where} under that ID; "
            "retry later or refer the applicants to an underwriter.")


def log_error(request_id: str) -> str:
    """The detail of the 500 a prediction log that cannot be written gets: no decision goes
    out unrecorded, so nobody is approved; here is the ID."""
    return (f"the decision could not be recorded, so it is not given and nobody in this "
            f"request is approved (request ID {request_id}). The error is in the service log "
            "under that ID; retry later or refer the applicants to an underwriter.")


class NonFiniteScore(ValueError):
    """The model returned NaN or infinity: never a basis for a decision."""


class ScoreNotAProbability(ValueError):
    """The model returned a finite score outside 0..1 (a logit, a percentage): never a basis
    for a decision either."""


def checked_scores(scores, rows: int, *, what: str = "scores") -> np.ndarray:
    """``scores`` as a flat float array, if it holds one probability of default (0..1) for
    each of ``rows`` rows; the one rule on every score the service decides or explains with.

    Raises :class:`NonFiniteScore` for a missing, extra, NaN or infinite score and
    :class:`ScoreNotAProbability` for one outside 0..1 (exactly 0 and 1 are probabilities),
    each naming how many of ``what`` were wrong and the first row.
    """
    probabilities = np.asarray(scores, dtype=float).reshape(-1)
    bad = np.flatnonzero(~np.isfinite(probabilities))
    if len(probabilities) != rows or len(bad):
        raise NonFiniteScore(f"{len(bad)} of {rows} {what} are not finite numbers "
                             f"(first: row {bad[0] if len(bad) else '?'}); "
                             f"{len(probabilities)} scores for {rows} rows")
    outside = np.flatnonzero((probabilities < 0) | (probabilities > 1))
    if len(outside):
        raise ScoreNotAProbability(
            f"{len(outside)} of {rows} {what} are outside 0..1 (first: row {outside[0]}, "
            f"{probabilities[outside[0]]:g}). A probability of default is 0..1: check that "
            "the model outputs probabilities (a sigmoid or softmax on its last layer), not "
            "logits or percentages.")
    return probabilities


class Scored(NamedTuple):
    """What :func:`score_and_log` returns: the model that scored, the probabilities of
    default, the threshold the decisions were made at, each applicant's decision ("approve"
    or "refer", as logged) and reason codes (:func:`referral_reasons`; an empty list for an
    approval)."""

    model: Any
    probabilities: np.ndarray
    threshold: float
    decisions: list[Literal["refer", "approve"]]
    reasons: list[list[dict[str, Any]]]


def referral_reasons(model, rows: list[dict], probabilities: np.ndarray,
                     decisions: Sequence[str]) -> list[list[dict[str, Any]]]:
    """The reason codes of each applicant ``decisions`` refers (the decision on each of
    ``rows``, made once by :func:`score_and_log`); an empty list for each approved one.

    Module 03's rule (:func:`deploydl.responsible.explain.reason_codes_for`): each feature in
    turn is set to the model's ``reason_reference`` (the median applicant it approves, stored
    in its artifact) and the rise in the approval score (1 - probability of default) ranks the
    reasons. The scores decided on are the base, so the reasons explain that very score. A
    model without a reference refers without reasons. A variant the model cannot score
    (:func:`checked_scores`: not a finite number, or outside 0..1) raises, handled as any
    model failure.
    """
    reference = getattr(model, "reason_reference", None)
    referred = [i for i, decision in enumerate(decisions) if decision == "refer"]
    reasons: list[list[dict[str, Any]]] = [[] for _ in rows]
    if not reference or not referred:
        return reasons
    from deploydl.responsible.explain import reason_codes_for

    def approval(table) -> np.ndarray:  # rows as dicts, as the service's models take them
        records = [dict(zip(table.columns, row, strict=True)) for row in table.to_numpy().tolist()]
        return 1.0 - checked_scores(model.predict_proba(records), len(records),
                                    what="reason-code variant scores")

    found = reason_codes_for(approval, [rows[i] for i in referred], reference,
                             scores=[1.0 - probabilities[i] for i in referred])
    for i, codes in zip(referred, found, strict=True):
        reasons[i] = [{"feature": r.feature, "direction": r.direction, "value": r.value,
                       "reference": r.reference, "score_gain": round(r.score_gain, 6),
                       "text": r.text} for r in codes]
    return reasons


def score_and_log(model, rows: list[dict], *, threshold: float | None,
                  log: PredictionStore | None, applicant_ids: list[str | None] | None = None,
                  request_id: str | None = None) -> Scored:
    """Score ``rows`` with the routed model, explain each referral, record each answer in
    ``log`` (if any) and write one decision line per applicant (logger
    ``deploydl.decisions``, :func:`deploydl.serving.events.log_decisions`).

    A traffic split routes the whole request by its first applicant's ID (send one
    applicant per request in an A/B test); ``applicant_ids`` are logged row by row. Each
    decision is logged at :func:`decides_at` for the model that scored, so in an A/B test
    each version decides at its own threshold unless the service fixed one (``threshold``).

    Returns a :class:`Scored`: the threshold is the one its decisions were logged at, for
    the answer to use too, and the reasons those of :func:`referral_reasons`. A model that
    raises, or returns a score that is no probability (:func:`checked_scores`: not a finite
    number, or outside 0..1, as a model that returns logits gives), is logged (logger
    ``deploydl.errors``, with the request ID), recorded as an error row per applicant, and
    answered with a 500 (:func:`model_error`): such a score never approves anyone.
    A prediction log that cannot be written (closed, locked, a full disk) gets a 500 too
    (:func:`log_error`), logged the same way: no decision goes out unrecorded.
    """
    applicant_ids = applicant_ids or [None] * len(rows)
    chosen = choose_model(model, applicant_ids[0])
    threshold = decides_at(chosen, threshold)
    request_id = request_id or uuid.uuid4().hex
    started = time.perf_counter()
    try:
        probabilities = checked_scores(chosen.predict_proba(rows), len(rows))
        decisions = [refer_or_approve(p, threshold) for p in probabilities]
        reasons = referral_reasons(chosen, rows, probabilities, decisions)
    except Exception as exc:  # noqa: BLE001 - any model failure is logged, then answered 500
        error = f"{type(exc).__name__}: {exc}"
        ERROR_LOG.exception("model %s %s failed on request %s", chosen.name, chosen.version,
                            request_id, extra={"event": "model_error", "request_id": request_id,
                                               "model_name": chosen.name,
                                               "model_version": chosen.version, "error": error})
        _record(log, chosen, rows, None, threshold, started, request_id, applicant_ids,
                decisions=[None] * len(rows), error=error)
        raise HTTPException(status_code=500, detail=model_error(
            request_id, logged=log is not None)) from None
    _record(log, chosen, rows, probabilities, threshold, started, request_id, applicant_ids,
            decisions=decisions, reasons=reasons)
    log_decisions(request_id=request_id, model_name=chosen.name, model_version=chosen.version,
                  applicant_ids=applicant_ids, probabilities=probabilities, threshold=threshold,
                  decisions=decisions, reasons=[[r["feature"] for r in codes] for codes in reasons])
    return Scored(chosen, probabilities, threshold, decisions, reasons)


def add_dashboard(app: FastAPI, log: PredictionStore) -> None:
    """Serve the live monitoring page at ``GET /dashboard`` (HTML, nothing from a CDN).

    ``/dashboard?refresh=15`` reloads it every 15 s; plain ``/dashboard`` does not reload.
    """
    from deploydl.monitoring.dashboard import render_dashboard

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(refresh: Annotated[int | None, Query(ge=5, le=3600)] = None) -> str:
        return render_dashboard(log, refresh_s=refresh)


def _record(log, model, rows, probabilities, threshold, started, request_id, applicant_ids, *,
            decisions: Sequence[str | None], error: str | None = None,
            reasons: list[list[dict]] | None = None) -> None:
    """Record each applicant's answer in ``log`` (if any). A log that cannot be written is
    logged (event ``prediction_log_error``, with the request ID) and answered with a 500
    (:func:`log_error`)."""
    if log is None:
        return
    latency_ms = (time.perf_counter() - started) * 1000
    scores = [None] * len(rows) if probabilities is None else [float(p) for p in probabilities]
    kept = reasons or [[] for _ in rows]
    try:
        log.record([LoggedPrediction(
            request_id=request_id, applicant_id=ident, model_name=model.name,
            model_version=model.version, inputs=row, probability=p, threshold=threshold,
            decision=decision, latency_ms=latency_ms, status="error" if error else "ok",
            error=error, reasons=tuple(codes) or None)
            for row, p, decision, ident, codes in zip(rows, scores, decisions, applicant_ids,
                                                      kept, strict=True)])
    except (sqlite3.Error, OSError) as exc:
        ERROR_LOG.exception("prediction log failed on request %s", request_id,
                            extra={"event": "prediction_log_error", "request_id": request_id,
                                   "model_name": model.name, "model_version": model.version,
                                   "error": f"{type(exc).__name__}: {exc}"})
        raise HTTPException(status_code=500, detail=log_error(request_id)) from None
