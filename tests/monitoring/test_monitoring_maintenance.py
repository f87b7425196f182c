"""Maintenance (Module 06): canary rollback, retraining triggers, the release window."""

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient

from deploydl.data import FEATURES, apply_drift, make_applicants
from deploydl.evaluation.decision import threshold_for
from deploydl.monitoring import (
    CanaryRelease,
    MaintenanceWindow,
    PredictionLog,
    RetrainingPolicy,
    TrafficSplit,
    drift_report,
    rollback_in_registry,
)
from deploydl.monitoring.maintenance import promote_in_turn, retrain_on_changed_data
from deploydl.serving import create_app


class _Candidate:
    """A new version that is worse on purpose: it fails on rich applicants, or skews scores."""

    name = "loan-default"

    def __init__(self, model, *, version, fail_above=None, shift=0.0):
        self.model, self.version, self.fail_above, self.shift = model, version, fail_above, shift

    def predict_proba(self, rows):
        if self.fail_above is not None and rows[0]["income"] > self.fail_above:
            raise RuntimeError("candidate crashed")
        return np.clip(self.model.predict_proba(rows) + self.shift, 0, 1)


def _run_canary(model, applicants, tmp_path, candidate):
    log = PredictionLog(tmp_path / "canary.db")
    split = TrafficSplit(model, candidate, share=0.2, salt="canary")
    rollbacks = []
    canary = CanaryRelease(split, log, min_requests=30, on_rollback=rollbacks.append)
    client = TestClient(create_app(split, prediction_log=log))
    rows = applicants[list(FEATURES)].to_dict("records")
    for i in range(400):
        client.post("/predict", json={**rows[i], "applicant_id": f"NB-{i}"})
    return canary.check(), split, rollbacks, client, rows


@pytest.mark.parametrize("worse, reason", [
    ({"fail_above": 60_000}, "error rate"), ({"shift": 0.4}, "approval rate")])
def test_a_canary_made_worse_on_purpose_is_rolled_back(model, applicants, tmp_path, worse,
                                                       reason):
    candidate = _Candidate(model, version="2.0.0-canary", **worse)
    verdict, split, rollbacks, client, rows = _run_canary(model, applicants, tmp_path,
                                                          candidate)
    assert verdict.status == "rolled back" and reason in verdict.reasons[0]
    assert split.share == 0 and rollbacks == [verdict.reasons]
    versions = {client.post("/predict", json={**rows[i], "applicant_id": f"NB-{i}"}
                            ).json()["model_version"] for i in range(100)}
    assert versions == {model.version}


def test_a_canary_that_only_scores_differently_stays_with_a_warning(model, applicants,
                                                                    tmp_path):
    class _Reshaped(_Candidate):  # a retrained model: other scores, the same decisions
        def predict_proba(self, rows):
            p = self.model.predict_proba(rows)
            return np.where(p < 0.1, p / 3, p)

    verdict, split, rollbacks, *_ = _run_canary(
        model, applicants, tmp_path, _Reshaped(model, version="2.0.0-retrained"))
    assert verdict.status == "healthy" and rollbacks == [] and split.share == 0.2
    assert verdict.warnings and "a person reviews it" in verdict.warnings[0]


def test_rollback_goes_through_the_registry(model, applicants, tmp_path):
    from dataclasses import replace

    from deploydl.registry import ModelRegistry

    registry = ModelRegistry(tmp_path / "models")
    new = replace(model, version="2.0.0")
    assert promote_in_turn(registry, model, new) == ["1.0.0", "2.0.0"]
    assert registry.stage("loan-default", "production") == "2.0.0"
    log = PredictionLog(tmp_path / "canary.db")
    split = TrafficSplit(model, _Candidate(new, version="2.0.0", shift=0.4), share=0.2)
    canary = CanaryRelease(split, log, min_requests=30,
                           on_rollback=rollback_in_registry(registry, "loan-default"))
    client = TestClient(create_app(split, prediction_log=log))
    for i, row in enumerate(applicants[list(FEATURES)].head(300).to_dict("records")):
        client.post("/predict", json={**row, "applicant_id": f"NB-{i}"})
    assert canary.check().status == "rolled back"
    assert registry.stage("loan-default", "production") == "1.0.0"
    assert registry.load("loan-default").version == "1.0.0"


def test_a_canary_run_again_after_its_rollback_has_nothing_left_to_undo(model, tmp_path):
    """Lesson 06's canary cell run twice: the second rollback finds production already on the
    stable version and leaves it there, instead of failing for want of an earlier version."""
    from dataclasses import replace

    from deploydl.registry import ArtifactError, ModelRegistry

    registry = ModelRegistry(tmp_path / "models")
    promote_in_turn(registry, model, replace(model, version="2.0.0"))
    undo = rollback_in_registry(registry, "loan-default", stable="1.0.0")
    assert undo(["canary failed"]) == "1.0.0" == undo(["canary failed again"])
    assert [r["action"] for r in registry.releases("loan-default")] == [
        "promote", "promote", "rollback"]
    with pytest.raises(ArtifactError, match="no earlier production version"):
        rollback_in_registry(registry, "loan-default")(["without the stable version"])


def test_a_healthy_canary_stays(model, applicants, tmp_path):
    verdict, split, rollbacks, *_ = _run_canary(model, applicants, tmp_path,
                                                _Candidate(model, version="2.0.0"))
    assert verdict.status == "healthy" and split.share == 0.2 and rollbacks == []
    assert verdict.stats["canary_requests"] >= 30


def test_retraining_policy_names_its_reasons(applicants):
    policy = RetrainingPolicy(max_age_days=90, max_auc_drop=0.05)
    quiet = policy.decide(model_age_days=10, decay={"drop": 0.01})
    assert not quiet.retrain and quiet.reasons == ()
    drifted = drift_report(applicants, applicants.assign(income=applicants["income"] * 2,
                                                         loan_amount=0),
                           features=FEATURES)
    loud = policy.decide(model_age_days=120, drift=drifted, decay={"drop": 0.08})
    assert loud.retrain and [r.split(":")[0] for r in loud.reasons] == ["schedule", "decay"]
    assert [r.split(":")[0] for r in loud.review] == ["drift"]
    drift_only = policy.decide(model_age_days=10, drift=drifted, decay={"drop": 0.0})
    assert not drift_only.retrain and drift_only.review  # data drift is not decay


def test_retraining_policy_retrains_where_the_decay_alert_fires():
    """At a drop of exactly the limit the "performance decay" alert pages (>=) and
    performance_decay says decayed; the policy said not to retrain."""
    from deploydl.monitoring import evaluate_rules

    at_the_line = RetrainingPolicy(max_auc_drop=0.0625).decide(model_age_days=1,
                                                              decay={"drop": 0.0625})
    assert at_the_line.retrain and at_the_line.reasons[0].startswith("decay")
    assert "performance decay" in [a.name for a in evaluate_rules({"auc_drop": 0.05})]
    assert RetrainingPolicy().decide(model_age_days=1, decay={"drop": 0.05}).retrain


def test_maintenance_window_is_sunday_night_utc():
    window = MaintenanceWindow()
    assert window.is_open(datetime(2026, 11, 29, 3, 30, tzinfo=UTC))      # a Sunday
    assert not window.is_open(datetime(2026, 11, 29, 7, 0, tzinfo=UTC))
    assert not window.is_open(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))   # Monday
    assert window.is_open(datetime(2026, 11, 29, 2, 0, tzinfo=UTC).timestamp())


def test_promote_in_turn_refuses_versions_of_different_models(model, tmp_path):
    from dataclasses import replace

    from deploydl.registry import ModelRegistry

    other = replace(model, name="fraud", version="2.0.0")
    with pytest.raises(ValueError, match="one model; got names \\['fraud', 'loan-default'\\]"):
        promote_in_turn(ModelRegistry(tmp_path / "models"), model, other)


def test_retraining_learns_the_changed_data_under_a_new_version(model, applicants):
    retrained = retrain_on_changed_data("inflation", version="1.1.0", applicants=300, epochs=1)
    assert (retrained.name, retrained.version) == (model.name, "1.1.0")
    rows = applicants[list(FEATURES)].head(50).to_dict("records")
    scores = np.asarray(retrained.predict_proba(rows))
    assert ((scores >= 0) & (scores <= 1)).all()
    assert not np.allclose(scores, model.predict_proba(rows))  # a new model, not a copy
    aside = apply_drift(make_applicants(2000, seed=3), "inflation", seed=3)  # seed 2 + 1
    assert retrained.calibration["rows"] == 2000
    assert retrained.threshold == threshold_for(replace(retrained, threshold=None), aside)[0]
