"""Integrity checks that a mutation of deploydl.integrity would otherwise slip past (Module 04).

Each test states the contract independently (the module's docstrings, docs/service-security.md)
and builds what it needs by hand: a key one byte short, a signature wrong only past its eighth
hex digit, a file behind a symbolic link, metadata one boundary off.
"""

import hashlib
import hmac
import json
import shutil
from pathlib import Path

import pytest

from deploydl.integrity import (
    MIN_KEY_BYTES,
    SIGNATURE,
    ArtifactError,
    check_metadata,
    check_signature,
    key_bytes,
    sign_artifact,
)
from deploydl.registry import MANIFEST, METADATA, WEIGHTS, verify

KEY = "k" * 32


@pytest.fixture
def copy(artifact_dir, tmp_path) -> Path:
    return Path(shutil.copytree(artifact_dir, tmp_path / "copy"))


@pytest.fixture
def meta(artifact_dir) -> dict:
    return json.loads((artifact_dir / METADATA).read_text(encoding="utf-8"))


def test_a_key_one_byte_short_of_128_bits_is_refused_and_16_bytes_accepted():
    """HMAC-SHA256 keys should hold at least 128 bits: 16 bytes pass, 15 do not."""
    assert MIN_KEY_BYTES == 16
    assert key_bytes("a" * 16) == b"a" * 16
    with pytest.raises(ArtifactError, match="has 15 bytes; use at least 16"):
        key_bytes("a" * 15)


@pytest.mark.parametrize("entry", ["A" * 64, "0" * 63, None])
def test_a_manifest_entry_that_is_no_sha256_is_called_damaged(copy, entry):
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    if entry is None:
        del manifest[WEIGHTS]
    else:
        manifest[WEIGHTS] = entry
    (copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=f"lists no valid sha256 for {WEIGHTS}"):
        verify(copy)


def test_a_signature_right_in_its_first_digits_only_is_refused(copy):
    """The whole HMAC must match, computed here with the standard library."""
    sign_artifact(copy, key=KEY)
    right = hmac.new(KEY.encode(), (copy / MANIFEST).read_bytes(), hashlib.sha256).hexdigest()
    assert json.loads((copy / SIGNATURE).read_text())["signature"] == right
    wrong = right[:8] + ("0" if right[8] != "0" else "1") + right[9:]
    (copy / SIGNATURE).write_text(json.dumps({"signature": wrong}))
    with pytest.raises(ArtifactError, match="does not match"):
        check_signature(copy, key=KEY)


def test_a_signature_file_behind_a_symbolic_link_counts_as_missing(copy, tmp_path):
    """An artifact holds real files only; a link could point at a signature kept elsewhere."""
    sign_artifact(copy, key=KEY)
    elsewhere = tmp_path / "signature-elsewhere.json"
    (copy / SIGNATURE).rename(elsewhere)
    (copy / SIGNATURE).symlink_to(elsewhere)
    with pytest.raises(ArtifactError, match="is missing, but a signing key was given"):
        check_signature(copy, key=KEY)


def test_weights_behind_a_symbolic_link_are_refused_even_when_their_hash_matches(copy, tmp_path):
    elsewhere = tmp_path / "weights-elsewhere"
    (copy / WEIGHTS).rename(elsewhere)
    (copy / WEIGHTS).symlink_to(elsewhere)
    with pytest.raises(ArtifactError, match="is a symbolic link"):
        verify(copy)


@pytest.mark.parametrize("threshold", [0.0, 1.0])
def test_a_threshold_of_zero_or_one_is_no_chance_of_default_between_them(meta, threshold):
    """0 approves nobody and 1 everybody: the threshold lies strictly between."""
    meta["threshold"] = threshold
    with pytest.raises(ArtifactError, match="'threshold' must be a chance of default"):
        check_metadata(meta)


def test_a_feature_scaled_by_a_std_of_zero_is_refused(meta):
    """The std divides every input, so it must be above 0, not merely not negative."""
    meta["preprocessing"]["std"][0] = 0.0
    with pytest.raises(ArtifactError, match="'std' must be above 0"):
        check_metadata(meta)


@pytest.mark.parametrize("key", ["mean", "std"])
def test_true_or_false_in_the_preprocessing_is_no_number(meta, key):
    """JSON's true read as a std of 1 (or a mean of 1) passed: the metric checks already
    refused booleans, the preprocessing checks did not."""
    meta["preprocessing"][key][0] = True
    with pytest.raises(ArtifactError, match=f"preprocessing '{key}' must hold"):
        check_metadata(meta)


def test_a_training_range_with_low_above_high_is_refused(meta):
    feature = meta["features"][0]
    meta["training_range"][feature] = [2.0, 1.0]
    with pytest.raises(ArtifactError, match=f"training_range of '{feature}' must be"):
        check_metadata(meta)


def test_a_feature_named_twice_is_refused(meta):
    """Features must be distinct fields; a duplicate keeps every length right."""
    meta["features"][1] = meta["features"][0]
    meta.pop("training_range", None)
    meta.pop("reason_reference", None)
    with pytest.raises(ArtifactError, match="'features' must be distinct applicant fields"):
        check_metadata(meta)


def test_an_architecture_sized_for_another_number_of_features_is_refused(meta):
    meta["architecture"]["n_features"] = len(meta["features"]) + 1
    with pytest.raises(ArtifactError, match="'architecture' must be"):
        check_metadata(meta)
