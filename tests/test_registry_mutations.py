"""Registry decisions that a mutation of deploydl.registry would otherwise slip past (Module 04):
the released hash compared whatever its letter case, and an override or approver that is only
spaces counted as what it is once stripped."""

import hashlib
import time

import pytest

from deploydl.registry import WEIGHTS, ArtifactError, check_release, verify

#: An override reason that names the release and is long enough to audit (15+ characters).
REVIEW = "range straddles 0.80; fairness checked monthly"


def test_the_released_hash_is_matched_whatever_its_letter_case(artifact_dir):
    """A sha256 written in capitals (as some tools print it) is still the same model."""
    sha = hashlib.sha256((artifact_dir / WEIGHTS).read_bytes()).hexdigest()
    assert verify(artifact_dir, expect_sha256=sha.upper()).sha256 == sha
    other = ("0" if sha[0] != "0" else "1") + sha[1:]
    with pytest.raises(ArtifactError, match="this is not the model that was released"):
        verify(artifact_dir, expect_sha256=other)


def test_an_override_padded_with_spaces_to_the_minimum_is_still_too_short():
    """At least 15 characters of reason, not of spaces: "   ok, shipping   " holds 12."""
    padded = "   ok, shipping   "
    assert len(padded) >= 15 > len(padded.strip())
    with pytest.raises(ValueError, match="too short to audit"):
        check_release(None, time.time(), override=padded, approver="Jane Doe")


def test_an_approver_of_only_spaces_names_nobody():
    with pytest.raises(ValueError, match="approver is empty"):
        check_release(None, time.time(), override=REVIEW, approver="   ")


def test_training_data_and_a_hash_of_other_data_are_refused_together(model, applicants,
                                                                     tmp_path):
    """Lineage names one training set: "Give at most one", so nothing is written."""
    from deploydl.registry import save_model

    folder = tmp_path / "loan-default"
    with pytest.raises(ValueError, match="not both"):
        save_model(model, folder, training_data=applicants, training_data_hash="0" * 64)
    assert not folder.exists()
