import json

import numpy as np
import pytest

from deploydl.registry import (
    MANIFEST,
    METADATA,
    WEIGHTS,
    ArtifactError,
    ModelRegistry,
    data_hash,
    load_artifact,
    load_model,
    save_model,
    verify,
)


def test_round_trip_gives_identical_predictions_and_metadata(model, applicants, artifact_dir):
    loaded, artifact = load_artifact(artifact_dir)
    rows = applicants.head(50)
    assert np.array_equal(loaded.predict_proba(rows), model.predict_proba(rows))
    assert (loaded.name, loaded.version, loaded.features) == (model.name, model.version,
                                                              model.features)
    meta = artifact.metadata
    assert meta["training_data_sha256"] == data_hash(applicants)
    assert set(meta) >= {"name", "version", "created", "metrics", "features", "preprocessing"}
    assert sorted(p.name for p in artifact_dir.iterdir()) == [MANIFEST, METADATA, WEIGHTS]


def test_weights_are_safetensors_not_pickle(artifact_dir):
    header_size = int.from_bytes((artifact_dir / WEIGHTS).read_bytes()[:8], "little")
    header = json.loads((artifact_dir / WEIGHTS).read_bytes()[8:8 + header_size])
    assert "layers.0.weight" in header


@pytest.fixture
def copy(artifact_dir, tmp_path):
    import shutil

    return shutil.copytree(artifact_dir, tmp_path / "copy")


def test_tampered_weights_are_refused_before_loading(copy):
    data = bytearray((copy / WEIGHTS).read_bytes())
    data[-1] ^= 0xFF
    (copy / WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=r"weights.safetensors does not match its manifest"
                                            r".*restore the artifact"):
        load_model(copy)


def test_truncated_weights_are_refused(copy):
    (copy / WEIGHTS).write_bytes((copy / WEIGHTS).read_bytes()[:100])
    with pytest.raises(ArtifactError, match="weights.safetensors does not match"):
        verify(copy)


def test_edited_metadata_is_refused(copy):
    meta = json.loads((copy / METADATA).read_text())
    meta["metrics"] = {"auc": 0.99}
    (copy / METADATA).write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match="metadata.json does not match"):
        load_model(copy)


@pytest.mark.parametrize("name", [WEIGHTS, METADATA, MANIFEST])
def test_missing_file_is_named(copy, name):
    (copy / name).unlink()
    with pytest.raises(ArtifactError, match=f"{name} is missing. Restore"):
        load_model(copy)


def test_missing_folder_and_overwrite_are_refused(artifact_dir, model, tmp_path):
    with pytest.raises(ArtifactError, match="No model artifact folder"):
        verify(tmp_path / "nowhere")
    with pytest.raises(ArtifactError, match="Published versions never change"):
        save_model(model, artifact_dir)


def test_registry_lists_promotes_and_rolls_back(model, tmp_path):
    from dataclasses import replace

    registry = ModelRegistry(tmp_path)
    for version in ("1.0.0", "1.10.0", "1.2.0"):
        registry.register(replace(model, version=version))
    assert registry.versions("loan-default") == ["1.0.0", "1.2.0", "1.10.0"]
    assert registry.stage("loan-default", "production") is None
    registry.promote("loan-default", "1.0.0", stage="production")
    registry.promote("loan-default", "1.2.0", stage="production")
    assert registry.load("loan-default").version == "1.2.0"
    assert registry.rollback("loan-default", stage="production") == "1.0.0"
    assert registry.load("loan-default", stage="production").version == "1.0.0"
    with pytest.raises(ArtifactError, match="no earlier production version"):
        registry.rollback("loan-default", stage="production")
    with pytest.raises(ArtifactError, match="no version '9.9.9'"):
        registry.promote("loan-default", "9.9.9", stage="staging")
    with pytest.raises(ValueError, match="stage must be one of"):
        registry.promote("loan-default", "1.0.0", stage="prod")
    with pytest.raises(ArtifactError, match="No loan-default version is in staging"):
        registry.load("loan-default", stage="staging")
