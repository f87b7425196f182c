"""Faulty releases for the canary lessons (Module 06): the bugs, the traffic, the verdict."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from deploydl.data import make_applicants
from deploydl.monitoring import SimulatedClock
from deploydl.monitoring.faulty import (
    ForgotPreprocessing,
    RoundingBug,
    release_canary,
    rounding_bug_crashes,
    send_applicants,
    start_canary,
)
from deploydl.serving.client import ServiceError


class Echo:
    """A stand-in model that returns each row's income as its score."""

    name, version = "echo", "1.0.0"

    def predict_proba(self, rows):
        return np.array([row["income"] for row in rows], dtype=float)


def test_the_rounding_bug_crashes_only_where_income_rounds_to_a_multiple_of_five():
    assert rounding_bug_crashes({"income": 50_020}) and not rounding_bug_crashes({"income": 50_120})
    bug = RoundingBug(Echo(), version="2.0.0")
    assert (bug.name, bug.version) == ("echo", "2.0.0")
    assert bug.predict_proba([{"income": 50_120}]).tolist() == [50_120.0]
    with pytest.raises(RuntimeError, match="rounding bug"):
        bug.predict_proba([{"income": 50_120}, {"income": 50_020}])


def test_the_rounding_bug_hits_about_a_fifth_of_applicants():
    rows = make_applicants(10_000, seed=0).to_dict("records")
    share = sum(map(rounding_bug_crashes, rows)) / len(rows)
    assert share == pytest.approx(0.20, abs=0.02)


def test_forgot_preprocessing_scores_the_inputs_a_thousand_times_too_small():
    broken = ForgotPreprocessing(Echo())
    assert broken.version == "1.0.0"
    assert broken.predict_proba([{"income": 50_000}]).tolist() == [50.0]


def test_a_faulty_build_keeps_the_threshold_recorded_with_its_model():
    model = Echo()
    assert ForgotPreprocessing(model).threshold is None  # none chosen: the service's default
    model.threshold = 0.27
    assert ForgotPreprocessing(model).threshold == 0.27
    assert RoundingBug(model, version="2.0.0").threshold == 0.27


class FlakyClient:
    def __init__(self):
        self.seen = []

    def predict(self, row):
        self.seen.append(row["applicant_id"])
        if len(self.seen) % 3 == 0:
            raise ServiceError("POST /predict answered 500", status_code=500, body="{}")


def test_send_applicants_counts_failures_instead_of_raising():
    applicants, client = make_applicants(10, seed=0), FlakyClient()
    assert send_applicants(client, applicants) == 3
    assert client.seen == applicants["applicant_id"].tolist()


def test_a_canary_with_the_rounding_bug_fails_about_a_fifth_of_its_requests(model, tmp_path):
    release = start_canary(model, RoundingBug(model, version="2.0.0"), share=0.5, salt="t",
                           log_path=tmp_path / "log.db")
    try:
        applicants = make_applicants(60, seed=41)
        failed = release.send(applicants)
        requests = release.requests()
    finally:
        release.close()
    assert not release.server.running
    errors = requests.groupby("model_version")["status"].apply(lambda s: (s == "error").sum())
    crashing = sum(release.split.choose(row["applicant_id"]) is release.split.candidate
                   and rounding_bug_crashes(row) for row in applicants.to_dict("records"))
    assert failed == errors["2.0.0"] == crashing > 0 and errors.get(model.version, 0) == 0
    assert len(requests) == 60


def test_a_canary_whose_server_does_not_start_closes_its_log(model, tmp_path, monkeypatch):
    from deploydl.monitoring import PredictionLog
    from deploydl.serving import LocalServer, ServerStartError

    closed, close = [], PredictionLog.close

    def close_and_note(log):
        closed.append(log.path)
        close(log)

    monkeypatch.setattr(PredictionLog, "close", close_and_note)

    def refuse(server):
        raise ServerStartError("port taken")

    monkeypatch.setattr(LocalServer, "start", refuse)
    with pytest.raises(ServerStartError, match="port taken"):
        start_canary(model, RoundingBug(model, version="2.0.0"), share=0.5, salt="t",
                     log_path=tmp_path / "log.db")
    assert closed == [str(tmp_path / "log.db")]


def _release(model, build, tmp_path):
    from deploydl.monitoring import PredictionLog
    from deploydl.serving import LocalServer, ServiceClient, create_app

    clock = SimulatedClock(start=1_000_000.0)
    log = PredictionLog(tmp_path / "log.db", clock=clock)
    rolled_back = []
    with LocalServer(create_app(model, prediction_log=log)) as server:
        client = ServiceClient(server.url)
        verdict = release_canary(server.app, model, build, client=client,
                                 log=log, clock=clock, share=0.5, salt="t",
                                 applicants=make_applicants(80, seed=30),
                                 on_rollback=rolled_back.append)
        client.close()
    log.close()
    assert clock() == 1_000_000.0 + 86_400
    return verdict, rolled_back


def test_release_canary_sends_a_score_shape_change_to_a_person_not_to_rollback(model, tmp_path):
    """A retrained model is meant to score differently: drift in scores alone only warns."""
    build = ForgotPreprocessing(replace(model, version="1.1.0"))
    verdict, rolled_back = _release(model, build, tmp_path)
    assert verdict.status == "healthy" and rolled_back == []
    assert "score shape differs" in verdict.warnings[0]


def test_release_canary_rolls_an_erroring_build_back(model, tmp_path):
    verdict, rolled_back = _release(model, RoundingBug(model, version="1.1.0"), tmp_path)
    assert verdict.status == "rolled back" and "error" in verdict.reasons[0]
    assert rolled_back == [verdict.reasons]
