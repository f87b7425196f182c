"""An artifact's files, their verification and loading a model from them (Module 04).

An artifact is one folder: ``weights.safetensors``, ``metadata.json``, ``manifest.json`` (the
sha256 of the other two) and, if signed, ``signature.json`` (the package's description,
:mod:`deploydl.registry`, says what each holds). :func:`verify` checks every hash (and the
signature, given the key) before a byte of weights is parsed; :func:`load_artifact` builds the
model from the very bytes it checked. Writing an artifact is :mod:`deploydl.registry.saving`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.torch import load

from deploydl.integrity import (
    ArtifactError,
    check_file,
    check_metadata,
    check_signature,
    read_json_object,
)
from deploydl.models import ApplicantModel, ApplicantNet

WEIGHTS, METADATA, MANIFEST = "weights.safetensors", "metadata.json", "manifest.json"
_FORMAT = 1
#: What to do about an artifact file that cannot be read.
_ARTIFACT_ADVICE = ("Restore the artifact from the registry; do not edit artifact files by "
                    "hand.")


@dataclass(frozen=True)
class Artifact:
    """A verified artifact: its folder, metadata and the sha256 of its weights."""

    path: Path
    metadata: dict[str, Any]
    sha256: str
    signed: bool = False

    @property
    def version(self) -> str:
        return self.metadata["version"]


def verify(folder: str | Path, *, signing_key: str | bytes | None = None,
           expect_sha256: str | None = None) -> Artifact:
    """Check every file of the artifact against its manifest, without loading any weights.

    Parameters
    ----------
    signing_key : str or bytes, optional
        Also require a valid signature made with this key: it refuses a swap that rewrote
        the manifest to match new weights, which the hashes alone cannot see.
    expect_sha256 : str, optional
        Also require the weights to have exactly this sha256 (the one a release recorded).

    Raises
    ------
    ArtifactError
        Naming the file that is missing, unreadable or changed, and what to do about it.
    """
    return _verified(folder, signing_key=signing_key, expect_sha256=expect_sha256)[0]


def _verified(folder: str | Path, *, signing_key: str | bytes | None,
              expect_sha256: str | None) -> tuple[Artifact, bytes]:
    """:func:`verify`'s artifact and the weights' bytes it hashed. Each file is read once:
    the metadata and weights used are the bytes checked, even if a file is swapped meanwhile."""
    folder = Path(folder)
    _check_folder(folder)
    manifest_bytes = _read_bytes(folder / MANIFEST)
    manifest = _load_object(manifest_bytes, source=folder / MANIFEST, advice=_ARTIFACT_ADVICE)
    weights = check_file(folder, manifest, WEIGHTS, manifest_name=MANIFEST)
    metadata_bytes = check_file(folder, manifest, METADATA, manifest_name=MANIFEST)
    if expect_sha256 is not None and manifest[WEIGHTS] != expect_sha256.lower():
        raise ArtifactError(
            f"{folder / WEIGHTS} has sha256 {manifest[WEIGHTS][:12]}..., but this release "
            f"expects {expect_sha256[:12]}...: this is not the model that was released. Serve "
            "the released artifact, or pass the hash the release recorded.")
    if signing_key is not None:
        check_signature(folder, key=signing_key, manifest=manifest_bytes)
    metadata = _load_object(metadata_bytes, source=folder / METADATA, advice=_ARTIFACT_ADVICE)
    _check_format(metadata, source=folder / METADATA)
    check_metadata(metadata, source=folder / METADATA)
    return Artifact(path=folder, metadata=metadata, sha256=manifest[WEIGHTS],
                    signed=signing_key is not None), weights


def _check_folder(folder: Path) -> None:
    """Refuse a path that is not an artifact folder, saying what it is instead: missing, a
    file, or the folder above artifacts (naming them, e.g. ``models`` above
    ``<name>/<version>``)."""
    if folder.is_file():
        raise ArtifactError(f"{folder} is a file, not a model artifact folder. Give the folder "
                            f"that holds {MANIFEST}, {METADATA} and {WEIGHTS}.")
    if not folder.is_dir():
        raise ArtifactError(f"No model artifact folder at {folder}. Check the path, or save "
                            "one with deploydl.registry.save_model(model, folder).")
    if (folder / MANIFEST).exists():
        return
    inside = sorted(str(manifest.parent.relative_to(folder))
                    for pattern in (f"*/{MANIFEST}", f"*/*/{MANIFEST}")
                    for manifest in folder.glob(pattern))
    if len(inside) == 1:
        raise ArtifactError(f"{folder} is not a model artifact; it holds one: "
                            f"{folder / inside[0]}. Give that folder.")
    if inside:
        shown = ", ".join(str(folder / name) for name in inside[:5])
        more = f" and {len(inside) - 5} more" if len(inside) > 5 else ""
        raise ArtifactError(f"{folder} is not a model artifact; it holds {len(inside)}: "
                            f"{shown}{more}. Give the one to serve.")


def _check_format(metadata: dict[str, Any], *, source: Path) -> None:
    """Refuse an artifact whose layout (``"format"`` in its metadata) this deploydl does not
    read: one written by a newer deploydl, or by an older one before the format settled."""
    found = metadata.get("format")
    number = found if type(found) is int else None  # a JSON integer (true is not one)
    if number == _FORMAT:
        return
    if number is None:
        raise ArtifactError(f"{source}: 'format' is {json.dumps(found)}, not a format number "
                            f"(this deploydl reads format {_FORMAT}). The artifact was not "
                            "written by deploydl.registry.save_model or was edited by hand: "
                            "re-save the model with save_model.")
    if number > _FORMAT:
        raise ArtifactError(f"{source}: written by a newer deploydl (format {number}; this one "
                            f"reads format {_FORMAT}). Upgrade deploydl to serve it, or serve "
                            "an artifact this version saved.")
    raise ArtifactError(f"{source}: written by an older deploydl (format {number}; this one "
                        f"reads format {_FORMAT}). Re-save the model with this version's "
                        "deploydl.registry.save_model.")


def load_model(folder: str | Path) -> ApplicantModel:
    """Verify the artifact at ``folder``, then load it as an :class:`ApplicantModel`."""
    return load_artifact(folder)[0]


def load_artifact(folder: str | Path, *, signing_key: str | bytes | None = None,
                  expect_sha256: str | None = None) -> tuple[ApplicantModel, Artifact]:
    """Like :func:`load_model`, also returning the verified :class:`Artifact` (for /model).

    ``signing_key`` and ``expect_sha256`` are passed to :func:`verify`. The weights are read
    once: the tensors are built from the very bytes whose sha256 was checked.
    """
    artifact, weights = _verified(folder, signing_key=signing_key, expect_sha256=expect_sha256)
    meta = artifact.metadata
    arch = meta["architecture"]
    net = ApplicantNet(arch["n_features"], hidden=arch["hidden"])
    try:
        net.load_state_dict(load(weights), strict=True)
    except Exception as exc:  # noqa: BLE001 - safetensors and torch raise several types
        raise ArtifactError(f"{artifact.path / WEIGHTS} cannot be loaded into the network "
                            f"its metadata describes ({type(exc).__name__}: {str(exc)[:200]}). "
                            "Re-save the model with save_model; do not edit artifact files."
                            ) from None
    net.eval()
    pre = meta["preprocessing"]
    model = ApplicantModel(net=net, mean=np.asarray(pre["mean"], dtype=np.float32),
                           std=np.asarray(pre["std"], dtype=np.float32), name=meta["name"],
                           version=meta["version"], features=tuple(meta["features"]),
                           metrics=dict(meta["metrics"]),
                           calibration=dict(meta.get("calibration", {})),
                           threshold=meta.get("threshold"),
                           reason_reference=meta.get("reason_reference"))
    return model, artifact


def _read_bytes(path: Path) -> bytes:
    """The bytes of the artifact file ``path``, refused by name when it is missing."""
    if not path.is_file():
        raise ArtifactError(f"{path} is missing. Restore the artifact from the registry (or "
                            "re-save the model); a partial artifact is never served.")
    return path.read_bytes()


def _load_object(data: bytes, *, source: object, advice: str) -> dict[str, Any]:
    """The JSON object in ``data``, read from ``source`` (a registry file, or a line of one).

    Raises
    ------
    ArtifactError
        Naming ``source``, saying why it holds no JSON object (not UTF-8, not JSON, a number
        too long, nested too deeply, or another JSON value) and giving ``advice``: what to do
        about it (:func:`deploydl.integrity.read_json_object`).
    """
    return read_json_object(data, source=source, advice=advice, error=ArtifactError)
