"""Writing a model as an artifact folder, and its manifest (Module 04).

:func:`save_model` writes the weights (safetensors), the metadata (lineage, metrics,
preprocessing, calibration, threshold and the reasons' reference applicant) and the manifest,
signs it if given a key, and returns the artifact verified. A published artifact never
changes: saving into a folder that holds another one is refused, saving the very same model
again returns it as it is.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from safetensors.torch import save

from deploydl.governance.lineage import content_hash
from deploydl.integrity import (
    SIGNATURE,
    ArtifactError,
    bytes_sha256,
    check_name,
    check_signature,
    check_version,
    file_sha256,
    key_bytes,
    sign_artifact,
)
from deploydl.models import ApplicantModel
from deploydl.registry.artifact import _FORMAT, MANIFEST, METADATA, WEIGHTS, Artifact, verify


def data_hash(table: pd.DataFrame) -> str:
    """The table's lineage content hash (Module 01), so the registry and lineage agree."""
    return content_hash(table)


def training_ranges(table: pd.DataFrame, features) -> dict[str, list[float]]:
    """Smallest and largest value of each feature in ``table`` (what the model has seen)."""
    return {f: [float(table[f].min()), float(table[f].max())] for f in features}


def save_model(model: ApplicantModel, folder: str | Path, *,
               training_data: pd.DataFrame | None = None,
               training_data_hash: str | None = None,
               signing_key: str | bytes | None = None) -> Artifact:
    """Write ``model`` as an artifact folder and return it, verified.

    Parameters
    ----------
    model : ApplicantModel
        The trained model; its ``name``, ``version`` and ``metrics`` go into the metadata.
    folder : path
        Where to write; created if needed. An artifact already there is returned as it is if
        it holds this very model (same weights and metadata, only the creation time differs),
        so a notebook cell can run again; any other artifact there is refused, because a
        published version must never change (make a new version, in a new folder, instead).
    training_data, training_data_hash
        The training table (hashed here) or its hash from lineage, so anyone can tell which
        data made this model. Give at most one. With ``training_data`` the metadata also
        records each feature's range, so the service can flag inputs outside it.
    signing_key : str or bytes, optional
        Sign the manifest with this key (HMAC-SHA256, :mod:`deploydl.integrity`). Keep the key
        outside the artifact, for example in a secret store.
    """
    check_name(model.name)
    check_version(model.version)
    folder = Path(folder)
    if training_data is not None and training_data_hash is not None:
        raise ValueError("Give training_data or training_data_hash, not both.")
    if training_data is not None:
        training_data_hash = data_hash(training_data)
    state = {k: v.detach().contiguous() for k, v in model.net.state_dict().items()}
    weights = save(state)  # the exact bytes written, so an earlier copy can be compared
    metadata = _metadata(model, training_data, training_data_hash)
    if (folder / MANIFEST).exists():
        return _same_artifact(folder, weights, metadata, model, signing_key=signing_key)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / WEIGHTS).write_bytes(weights)
    (folder / METADATA).write_text(json.dumps(metadata, indent=2) + "\n")
    write_manifest(folder)
    if signing_key is not None:
        sign_artifact(folder, key=signing_key)
    return verify(folder, signing_key=signing_key)


def _metadata(model: ApplicantModel, training_data: pd.DataFrame | None,
              training_data_hash: str | None) -> dict[str, Any]:
    """What ``metadata.json`` records about ``model`` (see the module's description)."""
    first = model.net.layers[0]
    metadata: dict[str, Any] = {
        "format": _FORMAT, "name": model.name, "version": model.version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data_sha256": training_data_hash,
        "metrics": {k: float(v) for k, v in model.metrics.items()},
        "features": list(model.features),
        "preprocessing": {"mean": [float(v) for v in model.mean],
                          "std": [float(v) for v in model.std]},
        "architecture": {"class": "ApplicantNet", "n_features": first.in_features,
                         "hidden": first.out_features},
    }
    if model.calibration:
        metadata["calibration"] = dict(model.calibration)
    if model.threshold is not None:
        metadata["threshold"] = float(model.threshold)
    if training_data is not None:
        metadata["training_range"] = training_ranges(training_data, model.features)
    reference = _reason_reference(model, training_data)
    if reference is not None:
        metadata["reason_reference"] = reference
    return metadata


def _same_artifact(folder: Path, weights: bytes, metadata: dict[str, Any],
                   model: ApplicantModel, *, signing_key: str | bytes | None) -> Artifact:
    """The artifact already in ``folder`` if it holds exactly this model, else ArtifactError.

    "Exactly" means the verified files on disk: weights with the sha256 of ``weights`` and the
    same metadata apart from the creation time. Anything else, a different version or the same
    version with other weights or metadata, is refused: saving never changes an artifact.
    With ``signing_key`` it must also carry that key's signature; the very same model unsigned
    or signed with another key is refused as just that, not as a tampered release.
    """
    try:
        existing = verify(folder)
    except ArtifactError as exc:
        raise ArtifactError(f"{folder} already holds an artifact, and it does not verify "
                            f"({exc}). Save into a new folder; saving never overwrites an "
                            "artifact.") from None
    held = f"{existing.metadata.get('name')} {existing.version}"
    wanted = f"{model.name} {model.version}"
    if held != wanted:
        raise ArtifactError(
            f"{folder} already holds {held}, saved earlier, not {wanted}. Published "
            "versions never change, so save_model never overwrites one: save into a new folder "
            "(named for this version), or, if that one was only a try of yours, delete it first "
            f"with shutil.rmtree({str(folder)!r}).")
    if existing.sha256 != bytes_sha256(weights):
        other = "weights"
    elif _comparable(existing.metadata) != _comparable(metadata):
        other = "metadata"
    elif signing_key is None:
        return existing
    else:
        key_bytes(signing_key)  # a key too short is refused as such, not as a mismatch
        try:
            check_signature(folder, key=signing_key)  # the files were verified above
            return replace(existing, signed=True)
        except ArtifactError:  # the very same model: only its signature is not this key's
            how = ("signed with another key" if (folder / SIGNATURE).exists() else
                   "not signed")
            raise ArtifactError(
                f"{folder} already holds this very model ({held}, the same weights and "
                f"metadata), {how}. Nothing is wrong with it, but saving never changes an "
                "artifact, its signature included: to have a copy signed with this key, save "
                "into a new folder (or sign a copy where the key is kept, with "
                "deploydl.integrity.sign_artifact).") from None
    raise ArtifactError(
        f"{folder} already holds {held} with other {other}. Published versions never change: "
        "give this model a new version (model.version) and save it into a new folder. (If "
        "that folder holds only a try of yours from an earlier run, delete it first: "
        f"shutil.rmtree({str(folder)!r}).)")


def _comparable(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` as JSON stores it, without the creation time (a re-save's only change)."""
    return json.loads(json.dumps({k: v for k, v in metadata.items() if k != "created"}))


def _reason_reference(model: ApplicantModel,
                      training_data: pd.DataFrame | None) -> dict[str, float] | None:
    """The comparison point of the service's reason codes: the one chosen with the model's
    threshold (:func:`deploydl.evaluation.decision.calibrate_and_decide`), else the median
    training applicant it approves, else None (the service then refers without reasons)."""
    reference = getattr(model, "reason_reference", None)
    if reference is None and training_data is not None:
        from deploydl.responsible.explain import approved_reference

        reference = approved_reference(model, training_data)
    return None if reference is None else {f: float(v) for f, v in reference.items()}


def write_manifest(folder: str | Path) -> Path:
    """Write ``folder/manifest.json``: the sha256 of the weights and the metadata.

    Parameters
    ----------
    folder : str or Path
        An artifact folder holding ``weights.safetensors`` and ``metadata.json``.

    Returns
    -------
    Path
        The manifest written. Whoever can write to the folder can call this after changing
        the weights, and every fingerprint matches again: only a signature
        (:func:`deploydl.integrity.sign_artifact`) tells such a swap from the release.
    """
    folder = Path(folder)
    manifest = {name: file_sha256(folder / name) for name in (WEIGHTS, METADATA)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder / MANIFEST
