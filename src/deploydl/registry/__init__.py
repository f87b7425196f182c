"""Versioned model artifacts and a small model registry (Module 04).

An **artifact** is one folder that holds everything needed to serve a model, and nothing
that can run code when it is opened:

* ``weights.safetensors``: the network's tensors (safetensors, never pickle);
* ``metadata.json``: name, version, creation time, the training data's hash, metrics,
  feature schema, preprocessing (mean and standard deviation) and architecture; for a
  calibrated model also the calibration (Platt scaling, already folded into the weights, and
  the calibration set's size and hash) and the decision threshold chosen for it, which the
  service uses unless told otherwise; and the median approved applicant, against which the
  service words the reasons for each referral (``reason_reference``);
* ``manifest.json``: the sha256 of each of the two files above;
* ``signature.json`` (optional): an HMAC-SHA256 of the manifest made with a key kept outside
  the artifact (:mod:`deploydl.integrity`).

:func:`load_model` checks every hash *before* it parses a byte of weights, so a tampered,
truncated or missing file stops start-up with a message naming the file; it builds the model
from the very bytes it checked, so a file swapped after its check is never read. A hash only
shows that the files still match the manifest: someone who can rewrite the weights can rewrite
the manifest too. The signature closes that gap: without the key nobody can make a valid one.

Names and versions must match :data:`NAME_PATTERN` and :data:`VERSION_PATTERN` wherever an
artifact is created or loaded, because they become folder names, image tags and parts of
generated files.

A **registry** (:class:`ModelRegistry`) is a folder of artifacts, ``ROOT/NAME/VERSION/``, plus
a ``stages.json`` per model that records which version is in staging and production and
what was there before, so a promotion can be rolled back (promoting the version already in
a stage changes nothing and records nothing). Given a maintenance window
(Module 06), it refuses a promotion to production outside it unless an emergency is declared,
and records every production change with its time and reason in ``releases.jsonl``, with
the approver and reason of any release that overrides a gate (a fairness review, Module 04).

The code is in five modules, and every name is imported from here:

* :mod:`~deploydl.registry.artifact`: the artifact's files, :func:`verify` and
  :func:`load_model`;
* :mod:`~deploydl.registry.saving`: :func:`save_model` and :func:`write_manifest`;
* :mod:`~deploydl.registry.model_registry`: :class:`ModelRegistry`;
* :mod:`~deploydl.registry.records`: reading ``stages.json`` and ``releases.jsonl``;
* :mod:`~deploydl.registry.release_checks`: :func:`check_release`.
"""

from deploydl.integrity import (
    NAME_PATTERN,
    VERSION_PATTERN,
    ArtifactError,
    check_metadata,
    check_name,
    check_version,
)
from deploydl.registry.artifact import (
    MANIFEST,
    METADATA,
    WEIGHTS,
    Artifact,
    load_artifact,
    load_model,
    verify,
)
from deploydl.registry.model_registry import ModelRegistry
from deploydl.registry.records import TornRecordWarning
from deploydl.registry.release_checks import check_release
from deploydl.registry.saving import data_hash, save_model, training_ranges, write_manifest

__all__ = ["MANIFEST", "METADATA", "NAME_PATTERN", "VERSION_PATTERN", "WEIGHTS", "Artifact",
           "ArtifactError", "ModelRegistry", "TornRecordWarning", "check_metadata", "check_name",
           "check_release", "check_version", "data_hash", "load_artifact", "load_model",
           "save_model", "training_ranges", "verify", "write_manifest"]
