"""The alert rules' edges: which alert comes first, when drift is measured, which PSI pages,
when decay pages, and which answers count as errors (Module 06)."""

import pandas as pd
import pytest
from prometheus_client import CollectorRegistry, Counter, generate_latest

from deploydl.data import FEATURES, apply_drift
from deploydl.monitoring import (
    LoggedPrediction,
    PredictionLog,
    SimulatedClock,
    evaluate_rules,
    performance_decay,
    service_health,
    snapshot,
)
from deploydl.monitoring.health import DecayBaseline


def test_alerts_come_most_severe_first():
    signals = {"requests": 0, "n_drifted": 2, "error_rate": 0.5}  # info, warning, critical
    assert [(a.severity, a.name) for a in evaluate_rules(signals)] == [
        ("critical", "error rate"), ("warning", "feature drift"), ("info", "no traffic")]


def _log_of(rows, applicants) -> PredictionLog:
    """A log of ``rows`` answered predictions, with ``applicants`` as its reference."""
    log = PredictionLog(":memory:", clock=SimulatedClock(1_700_000_000))
    log.set_reference(applicants[list(FEATURES)])
    log.record([LoggedPrediction(f"r{i}", "m", "1", row, 0.1, "approve", latency_ms=1.0)
                for i, row in enumerate(rows[list(FEATURES)].to_dict("records"))])
    return log


def test_drift_is_measured_from_exactly_min_rows_answered_predictions(applicants):
    rows = applicants.tail(30)
    assert snapshot(_log_of(rows, applicants), min_rows=30).drift is not None
    short = snapshot(_log_of(rows.head(29), applicants), min_rows=30)
    assert short.drift is None
    assert {r.name: r.reason for r in short.silent}["feature drift"] == (
        "fewer than 30 answered predictions in the window")


def test_the_population_shift_signal_is_the_most_shifted_feature(applicants):
    """One feature zeroed by a pipeline bug pages, however still the others are."""
    rows = apply_drift(applicants.tail(200), "pipeline_bug")
    snap = snapshot(_log_of(rows, applicants))
    psi = sorted(f.psi for f in snap.drift.features)
    assert psi[0] < 0.25 <= psi[-1]  # the case: one feature moved, another did not
    assert snap.signals["max_psi"] == psi[-1]
    assert "population shift" in [a.name for a in snap.alerts]


def _decay_at(drop: float) -> dict:
    """The decay report when the baseline's AUC is ``drop`` above now's (0.75, exactly)."""
    frame = {"status": ["ok"] * 4, "label": [0, 1, 0, 1], "probability": [0.1, 0.2, 0.3, 0.35],
             "threshold": [0.5] * 4}
    baseline = DecayBaseline(auc=0.75 + drop, threshold=0.5, approved=4)
    return performance_decay(pd.DataFrame(frame), baseline=baseline, tolerance=0.125,
                             min_labels=4)


@pytest.mark.parametrize(("drop", "decayed"), [(0.0625, False), (0.125, True), (0.25, True)])
def test_decay_is_a_drop_at_or_above_the_tolerance_as_the_alert_rule_fires(drop, decayed):
    """The alert rule "performance decay" fires at a drop of 0.05 or more (``>=``); the report
    said "decayed" only above it, so at the line the lesson's words and the page disagreed."""
    report = _decay_at(drop)
    assert (report["auc"], report["drop"], report["decayed"]) == (0.75, drop, decayed)


def test_only_5xx_answers_are_errors():
    registry = CollectorRegistry()
    requests = Counter("deploydl_requests_total", "requests", ["path", "status"],
                       registry=registry)
    for status, count in (("200", 90), ("404", 4), ("422", 3), ("500", 2), ("503", 1)):
        requests.labels("/predict", status).inc(count)
    health = service_health(generate_latest(registry).decode())
    assert (health["requests"], health["errors"], health["error_rate"]) == (100, 3, 0.03)
