"""One recipe for the case-study model (Module 04): trained, measured, registered, described."""

from __future__ import annotations

import errno
import json

import pytest

from deploydl.registry import verify
from deploydl.serving.packaging import (
    CALIBRATION_ROWS,
    HOLDOUT_ROWS,
    HOLDOUT_SEED,
    TRAINING_ROWS,
    TRAINING_SEED,
    describe_artifact,
    register_in_production,
    set_aside_applicants,
    train_measured,
)
from tests.test_atomic import _folder_sync_fails, needs_folder_sync


@pytest.fixture(scope="module")
def trained():
    return train_measured(epochs=2, holdout_rows=500, holdout_seed=3)


def test_train_measured_keeps_its_holdout_auc_in_the_metrics(trained):
    model, table, holdout = trained
    assert (len(table), len(holdout)) == (5000, 500)
    auc = model.metrics["auc"]
    assert 0.55 < auc < 1 and auc == round(auc, 4)
    assert 0 <= model.metrics["calibration_error"] < 0.2
    assert not holdout["income"].isin(table["income"]).all()  # other applicants (seed 3)


def test_the_set_aside_applicants_are_others_with_the_label_and_the_age_band():
    """Lessons 00 and 04 ask why the threshold moved, and check the fairness gate, on them."""
    from deploydl.data import LABEL, PROTECTED_ATTRIBUTE, make_applicants
    from deploydl.governance.lineage import content_hash

    aside = set_aside_applicants()
    assert len(aside) == CALIBRATION_ROWS == 2000
    assert {LABEL, PROTECTED_ATTRIBUTE} <= set(aside.columns)
    assert content_hash(aside) == content_hash(set_aside_applicants())  # the same every call
    for rows, seed in ((TRAINING_ROWS, TRAINING_SEED), (HOLDOUT_ROWS, HOLDOUT_SEED)):
        assert not aside["income"].isin(make_applicants(rows, seed=seed)["income"]).all()


def test_train_measured_calibrates_on_a_set_aside_and_records_the_rules_threshold(trained):
    from deploydl.evaluation.decision import threshold_for
    from deploydl.governance.lineage import content_hash

    model, _, _ = trained
    aside = set_aside_applicants()
    assert model.calibration["data_sha256"] == content_hash(aside)  # not the holdout
    recorded, model.threshold = model.threshold, None
    try:
        assert recorded == threshold_for(model, aside)[0]
    finally:
        model.threshold = recorded


def test_the_reasons_reference_is_the_median_set_aside_applicant_it_approves(trained, tmp_path):
    """Module 03's comparison point, chosen with the threshold and released with the model."""
    from deploydl.responsible.explain import approved_reference

    model, table, _ = trained
    aside = set_aside_applicants()
    assert model.reason_reference == approved_reference(model, aside)
    _, artifact = register_in_production(model, table, tmp_path / "registry")
    assert artifact.metadata["reason_reference"] == model.reason_reference


def test_register_in_production_promotes_a_verified_artifact(trained, tmp_path):
    model, table, _ = trained
    registry, artifact = register_in_production(model, table, tmp_path / "registry")
    assert registry.stage(model.name, "production") == model.version == artifact.version
    verify(artifact.path)
    lines = describe_artifact(artifact).splitlines()
    assert lines[0] == (f"Packaged {model.name} {model.version} "
                        f"(AUC {model.metrics['auc']:.2f}, calibrated on 2,000 set-aside "
                        f"applicants, threshold {model.threshold:.2f}) as:")
    assert [line.split()[0] for line in lines[1:]] == sorted(
        p.name for p in artifact.path.iterdir())
    assert all(line.endswith(" bytes") for line in lines[1:])


def test_register_in_production_records_a_named_fairness_review(trained, tmp_path):
    model, table, _ = trained
    reason = "fairness gate too close to call; approved, young applicants watched"
    registry, _ = register_in_production(model, table, tmp_path / "registry",
                                         approver="Model risk committee", reason=reason)
    release = registry.releases(model.name)[-1]
    assert (release["approver"], release["override"]) == ("Model risk committee", reason)
    assert registry.stage(model.name, "production") == model.version


@pytest.mark.slow
def test_the_default_artifact_is_the_same_recipe(tmp_path):
    from deploydl.data import make_applicants
    from deploydl.models import train_applicant_model
    from deploydl.registry import save_model
    from deploydl.serving.server import default_artifact
    from deploydl.settings import Settings

    # an older deploydl's cache: uncalibrated, no threshold; it must be rebuilt, not served
    cached = tmp_path / "models" / "loan-default" / "1.0.0"
    save_model(train_applicant_model(make_applicants(200, seed=5), epochs=1), cached)
    folder = default_artifact(Settings(home=tmp_path))
    assert folder == cached
    stored = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    model, _, holdout = train_measured()
    assert len(holdout) == HOLDOUT_ROWS
    assert stored["metrics"]["auc"] == pytest.approx(model.metrics["auc"], abs=1e-4)
    assert stored["threshold"] == model.threshold and stored["calibration"]["rows"] == 2000


@needs_folder_sync
def test_a_default_model_the_disk_could_not_flush_is_kept_and_served(model, applicants,
                                                                      artifact_dir, tmp_path,
                                                                      monkeypatch):
    """The new cache is in place when the flush of its rename fails (NotDurableError): a
    cache lost to a power cut is only trained again, so it is returned, not refused."""
    import torch

    from deploydl import atomic
    from deploydl.serving import packaging, server
    from deploydl.settings import Settings

    monkeypatch.setattr(packaging, "train_measured", lambda: (model, applicants, applicants))
    monkeypatch.setattr(torch, "set_num_threads", lambda threads: None)  # the session's stay
    above = tmp_path / "models" / "loan-default"
    above.mkdir(parents=True)
    _folder_sync_fails(monkeypatch, above, errno.EIO)
    not_durable: list[atomic.NotDurableError] = []

    def replace_folder(path, build):
        try:
            return atomic.replace_folder(path, build)
        except atomic.NotDurableError as exc:
            not_durable.append(exc)
            raise

    monkeypatch.setattr(server, "replace_folder", replace_folder)
    folder = server.default_artifact(Settings(home=tmp_path))
    assert len(not_durable) == 1  # the flush did fail
    assert folder == above / "1.0.0" and verify(folder).sha256 == verify(artifact_dir).sha256
    assert [p.name for p in above.iterdir()] == ["1.0.0"]  # no temporary folder left
