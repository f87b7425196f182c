"""What the loan service does with each decision: reason codes for a referral (Module 03), kept
in the prediction log, and one JSON line per decision and per error on its log stream (04)."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace

import numpy as np
import pytest
from fastapi.testclient import TestClient

from deploydl.data import FEATURES
from deploydl.responsible.explain import reason_codes
from deploydl.serving import create_app

REASON_FIELDS = ("feature", "direction", "value", "reference", "score_gain", "text")


@pytest.fixture(scope="module")
def decided(model, applicants):
    """The session's model with a threshold and the reference of its reasons, as
    :func:`deploydl.evaluation.decision.calibrate_and_decide` gives them, and the rows it
    refers and approves."""
    from deploydl.responsible.explain import approved_reference

    chosen = replace(model, threshold=0.3)
    chosen = replace(chosen, reason_reference=approved_reference(chosen, applicants))
    rows = applicants[list(FEATURES)].to_dict("records")
    scores = chosen.predict_proba(applicants)
    referred = [r for r, p in zip(rows, scores, strict=True) if p >= 0.3]
    approved = [r for r, p in zip(rows, scores, strict=True) if p < 0.3]
    return chosen, referred, approved


def _lesson_reasons(model, applicant):
    """Module 03's function, called as the lesson calls it, in the API's JSON shape."""
    found = reason_codes(lambda t: 1 - model.predict_proba(t), applicant, model.reason_reference)
    return [{"feature": r.feature, "direction": r.direction, "value": r.value,
             "reference": r.reference, "score_gain": round(r.score_gain, 6), "text": r.text}
            for r in found]


def test_a_referral_gets_the_lessons_reason_codes_and_an_approval_none(decided):
    model, referred, approved = decided
    client = TestClient(create_app(model))
    refer = client.post("/predict", json=referred[0]).json()["predictions"][0]
    assert refer["decision"] == "refer" and 1 <= len(refer["reasons"]) <= 4
    assert refer["reasons"] == _lesson_reasons(model, referred[0])
    approve = client.post("/predict", json=approved[0]).json()["predictions"][0]
    assert approve["decision"] == "approve" and approve["reasons"] == []
    assert set(approve) == {"probability_of_default", "decision", "out_of_range", "reasons"}


def test_a_batch_explains_each_referral_as_the_lesson_does(decided):
    model, referred, approved = decided
    batch = [referred[0], approved[0], *referred[1:6], approved[1]]
    answer = TestClient(create_app(model)).post("/predict", json={"applicants": batch}).json()
    for applicant, prediction in zip(batch, answer["predictions"], strict=True):
        if prediction["decision"] == "approve":
            assert prediction["reasons"] == []
            continue
        got, lesson = prediction["reasons"], _lesson_reasons(model, applicant)
        assert [r["feature"] for r in got] == [r["feature"] for r in lesson]
        assert [r["text"] for r in got] == [r["text"] for r in lesson]
        assert [r["score_gain"] for r in got] == pytest.approx(
            [r["score_gain"] for r in lesson], abs=2e-6)


def test_a_model_without_a_reference_refers_without_reasons(decided):
    model, referred, _ = decided
    bare = replace(model, reason_reference=None)
    answer = TestClient(create_app(bare)).post("/predict", json=referred[0]).json()
    assert answer["predictions"][0] == {**answer["predictions"][0], "decision": "refer",
                                        "reasons": []}


def test_the_artifact_carries_the_reference_and_the_service_uses_it(decided, tmp_path):
    from deploydl.registry import load_model, save_model
    from deploydl.serving.server import app_from_artifact

    model, referred, _ = decided
    artifact = save_model(model, tmp_path / "release")
    assert artifact.metadata["reason_reference"] == model.reason_reference
    assert load_model(artifact.path).reason_reference == model.reason_reference
    answer = TestClient(app_from_artifact(artifact.path)).post("/predict", json=referred[0])
    assert answer.json()["predictions"][0]["reasons"] == _lesson_reasons(model, referred[0])


def test_the_prediction_log_keeps_the_reasons_given(decided, tmp_path):
    from deploydl.monitoring import PredictionLog

    model, referred, approved = decided
    log = PredictionLog(tmp_path / "log.db")
    client = TestClient(create_app(model, prediction_log=log))
    given = client.post("/predict", json={"applicants": [
        {**referred[0], "applicant_id": "R1"}, {**approved[0], "applicant_id": "A1"}]}).json()
    kept = log.frame().set_index("applicant_id")["reasons"]
    assert json.loads(kept["R1"]) == given["predictions"][0]["reasons"]
    assert kept.isna()["A1"]
    log.close()


@pytest.fixture
def lines():
    """The decision and error lines the service writes, as :func:`log_to_stdout` sets them
    up, captured from a stream instead of standard output."""
    from deploydl.serving.events import DECISION_LOG, ERROR_LOG, JsonLineFormatter
    from deploydl.serving.middleware import log_to

    stream, saved = io.StringIO(), {}
    for logger in (DECISION_LOG, ERROR_LOG):
        saved[logger] = (list(logger.handlers), logger.level, logger.propagate)
        logger.handlers = [h for h in logger.handlers if type(h) is logging.NullHandler]
    log_to(DECISION_LOG, stream)
    log_to(ERROR_LOG, stream, formatter=JsonLineFormatter())
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, (handlers, level, propagate) in saved.items():
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate


def test_each_decision_is_one_json_line_on_the_log_stream(decided, lines):
    model, referred, approved = decided
    reply = TestClient(create_app(model)).post("/predict", json={"applicants": [
        {**referred[0], "applicant_id": "R1"}, approved[0]]})
    request_id = reply.headers["x-request-id"]
    first, second = lines()
    assert first == {"event": "decision", "request_id": request_id, "applicant_id": "R1",
                     "model_name": model.name, "model_version": model.version,
                     "probability_of_default":
                         reply.json()["predictions"][0]["probability_of_default"],
                     "threshold": 0.3, "decision": "refer",
                     "reasons": [r["feature"] for r in reply.json()["predictions"][0]["reasons"]]}
    assert second["applicant_id"] is None and second["decision"] == "approve"
    assert second["reasons"] == [] and "income" not in second  # no inputs on the stream


def test_a_model_failure_is_one_json_line_with_the_traceback_as_a_field(lines, one_applicant):
    class Broken:
        name, version = "loan-default", "9.9.9"

        def predict_proba(self, rows):
            raise RuntimeError("weights on fire")

    reply = TestClient(create_app(Broken())).post("/predict", json=one_applicant)
    request_id = reply.headers["x-request-id"]
    [error] = lines()  # one line: the traceback's line breaks are inside the JSON string
    assert error["event"] == "model_error" and error["level"] == "ERROR"
    assert error["request_id"] == request_id and error["model_version"] == "9.9.9"
    assert error["message"] == f"model loan-default 9.9.9 failed on request {request_id}"
    assert error["error"] == "RuntimeError: weights on fire"
    assert error["traceback"].startswith("Traceback") and "weights on fire" in error["traceback"]


class _Scores:
    """A model that gives every applicant ``score``, and ``variants`` to the variants its
    reason codes score (a referral's): what a model whose last layer lost its sigmoid gives."""

    name, version, threshold = "loan-default", "9.9.9", 0.5

    def __init__(self, score, *, variants=None, reference=None):
        self.score, self.variants, self.reason_reference = score, variants, reference

    def predict_proba(self, rows):
        return np.full(len(rows), self.score if len(rows) == 1 else self.variants)


@pytest.mark.parametrize("score", [-0.1, 1.5, np.nan, np.inf])
def test_a_score_that_is_no_probability_approves_nobody_and_decides_nothing(
        score, lines, one_applicant, tmp_path):
    from deploydl.monitoring import PredictionLog
    from deploydl.monitoring.service import model_error

    log = PredictionLog(tmp_path / "log.db")
    reply = TestClient(create_app(_Scores(score), prediction_log=log)).post(
        "/predict", json={**one_applicant, "applicant_id": "A1"})
    request_id = reply.headers["x-request-id"]
    assert reply.status_code == 500 and "approve" not in reply.text.replace("approved", "")
    assert reply.json()["detail"] == model_error(request_id, logged=True)
    [error] = lines()  # the error, and no decision line
    assert error["event"] == "model_error" and error["request_id"] == request_id
    [row] = log.frame().to_dict("records")
    assert (row["status"], row["decision"], row["probability"]) == ("error", None, None)
    log.close()


def test_a_score_outside_0_1_names_the_row_and_says_to_check_for_logits(lines, one_applicant):
    class Logits(_Scores):
        def predict_proba(self, rows):
            return np.array([0.2, 1.5, -0.1])

    reply = TestClient(create_app(Logits(0.2))).post(
        "/predict", json={"applicants": [one_applicant] * 3})
    [error] = lines()
    assert reply.status_code == 500
    assert error["error"] == (
        "ScoreNotAProbability: 2 of 3 scores are outside 0..1 (first: row 1, 1.5). A "
        "probability of default is 0..1: check that the model outputs probabilities (a "
        "sigmoid or softmax on its last layer), not logits or percentages.")


def test_a_reason_code_variant_scored_outside_0_1_approves_nobody(decided, lines,
                                                                   one_applicant):
    reference = decided[0].reason_reference
    reply = TestClient(create_app(_Scores(0.9, variants=-3.2, reference=reference))).post(
        "/predict", json=one_applicant)
    assert reply.status_code == 500 and "approve" not in reply.text.replace("approved", "")
    [error] = lines()
    assert error["error"].startswith("ScoreNotAProbability: 7 of 7 reason-code variant scores")


@pytest.mark.parametrize(("score", "decision"), [(0.0, "approve"), (1.0, "refer")])
def test_a_score_of_exactly_0_or_1_is_served(score, decision, lines, one_applicant):
    reply = TestClient(create_app(_Scores(score))).post("/predict", json=one_applicant)
    assert reply.status_code == 200
    [prediction] = reply.json()["predictions"]
    assert (prediction["probability_of_default"], prediction["decision"]) == (score, decision)
    [line] = lines()
    assert (line["event"], line["probability_of_default"]) == ("decision", score)


def test_log_to_stdout_writes_only_json_lines(decided, capsys):
    """What `deploydl serve` and the Lambda handler call (:func:`log_to_stdout`)."""
    from deploydl.serving.events import DECISION_LOG, ERROR_LOG, log_to_stdout
    from deploydl.serving.middleware import ACCESS_LOG

    model, referred, _ = decided
    loggers = (ACCESS_LOG, DECISION_LOG, ERROR_LOG)
    saved = {lg: (list(lg.handlers), lg.level, lg.propagate) for lg in loggers}
    try:
        for logger in loggers:
            logger.handlers = [h for h in logger.handlers if type(h) is logging.NullHandler]
        log_to_stdout()
        log_to_stdout()  # twice: still one handler each
        assert all(sum(isinstance(h, logging.StreamHandler) for h in lg.handlers) == 1
                   for lg in loggers)
        TestClient(create_app(model)).post("/predict", json=referred[0])
    finally:
        for logger, (handlers, level, propagate) in saved.items():
            logger.handlers, logger.level, logger.propagate = handlers, level, propagate
    events = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    assert events == ["decision", "request"]


@pytest.fixture
def fresh_logger():
    """A logger of this test alone, removed from logging's registry afterwards."""
    logger = logging.getLogger("deploydl.test_log_to")
    yield logger
    logger.handlers.clear()
    del logging.Logger.manager.loggerDict[logger.name]


def _fail(logger):
    try:
        raise RuntimeError("weights on fire")
    except RuntimeError:
        logger.exception("model failed", extra={"event": "model_error"})


def test_log_to_applies_a_formatter_to_a_stream_set_up_before(fresh_logger):
    """A JSON formatter is not lost because the logger already writes to the stream."""
    from deploydl.serving.events import JsonLineFormatter
    from deploydl.serving.middleware import log_to

    stream = io.StringIO()
    log_to(fresh_logger, stream)  # plain lines first, as an earlier caller may have set it
    log_to(fresh_logger, stream, formatter=JsonLineFormatter())
    log_to(fresh_logger, stream, formatter=JsonLineFormatter())
    assert len(fresh_logger.handlers) == 1
    _fail(fresh_logger)
    [line] = stream.getvalue().splitlines()  # the traceback inside the one JSON line
    assert json.loads(line)["traceback"].startswith("Traceback")


def test_log_to_keeps_one_handler_and_the_latest_call_wins(fresh_logger):
    """A later call with another stream (with or without a format) moves the lines there: no
    line is written twice, or to both streams."""
    from deploydl.serving.events import JsonLineFormatter
    from deploydl.serving.middleware import log_to

    first, second, third = io.StringIO(), io.StringIO(), io.StringIO()
    log_to(fresh_logger, first)
    log_to(fresh_logger, second, formatter=JsonLineFormatter())
    fresh_logger.info("hello")
    log_to(fresh_logger, third)
    fresh_logger.info("bye")
    assert len(fresh_logger.handlers) == 1 and first.getvalue() == ""
    assert json.loads(second.getvalue())["message"] == "hello"
    assert third.getvalue() == "bye\n"


def test_log_to_leaves_the_handlers_others_added(fresh_logger):
    from deploydl.serving.middleware import log_to

    theirs, ours = io.StringIO(), io.StringIO()
    fresh_logger.addHandler(logging.StreamHandler(theirs))
    log_to(fresh_logger, ours)
    fresh_logger.info("hello")
    assert theirs.getvalue() == ours.getvalue() == "hello\n"


def test_a_prediction_log_that_cannot_be_written_gives_no_decision(decided, lines, tmp_path):
    from deploydl.monitoring import PredictionLog

    model, referred, approved = decided
    log = PredictionLog(tmp_path / "log.db")
    client = TestClient(create_app(model, prediction_log=log))
    log.close()  # as a full disk or a locked file would, the next write fails
    reply = client.post("/predict", json={**approved[0], "applicant_id": "A1"})
    request_id = reply.headers["x-request-id"]
    assert reply.status_code == 500 and "approve" not in reply.text.replace("approved", "")
    assert request_id in reply.json()["detail"] and "not given" in reply.json()["detail"]
    [error] = lines()  # the error, and no decision line: no decision went out
    assert error["event"] == "prediction_log_error" and error["request_id"] == request_id
    assert error["error"].startswith("LogClosedError")
