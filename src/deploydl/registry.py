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
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from safetensors.torch import load, save

from deploydl.atomic import append_line, replace_file, set_aside_path
from deploydl.governance.lineage import content_hash
from deploydl.integrity import (
    NAME_PATTERN,
    SIGNATURE,
    VERSION_PATTERN,
    ArtifactError,
    bytes_sha256,
    check_file,
    check_metadata,
    check_name,
    check_signature,
    check_version,
    file_sha256,
    key_bytes,
    read_json_object,
    sign_artifact,
)
from deploydl.models import ApplicantModel, ApplicantNet

if TYPE_CHECKING:
    from deploydl.monitoring.window import MaintenanceWindow, ReleasePermit

WEIGHTS, METADATA, MANIFEST = "weights.safetensors", "metadata.json", "manifest.json"
STAGES = ("staging", "production")
_FORMAT = 1


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


class TornRecordWarning(UserWarning):
    """A release record in ``releases.jsonl`` was cut off as it was written, so that release
    did not happen; the record is left out. Silence it with
    ``warnings.simplefilter("ignore", deploydl.registry.TornRecordWarning)``."""


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


class ModelRegistry:
    """Artifacts under ``root/NAME/VERSION/``, with staging and production pointers.

    Examples
    --------
    >>> registry = ModelRegistry("models")                 # doctest: +SKIP
    >>> registry.register(model, training_data=table)      # doctest: +SKIP
    >>> registry.promote("loan-default", "1.0.0", stage="production")   # doctest: +SKIP
    >>> registry.rollback("loan-default", stage="production")           # doctest: +SKIP

    Parameters
    ----------
    root : path
        The registry's folder.
    window : deploydl.monitoring.MaintenanceWindow, optional
        Refuse promotions to production outside this window unless an emergency is declared
        (Module 06); build it from the settings with
        :func:`deploydl.monitoring.window_from_settings`. None: any time.
    clock : callable, optional
        Seconds since 1970 now (default ``time.time``; a simulated clock in a lesson).
    """

    def __init__(self, root: str | Path, *, window: MaintenanceWindow | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.root = Path(root)
        self.window, self.clock = window, clock or time.time

    def register(self, model: ApplicantModel, **lineage: Any) -> Artifact:
        """Save ``model`` as ``root/NAME/VERSION`` (see :func:`save_model` for ``lineage``)."""
        return save_model(model, self._inside(model.name, check_version(model.version)),
                          **lineage)

    def versions(self, name: str) -> list[str]:
        """Registered versions of ``name``, oldest first (by semantic version)."""
        folder = self._inside(name)
        found = [p.name for p in folder.iterdir()
                 if VERSION_PATTERN.fullmatch(p.name) and (p / MANIFEST).exists()] \
            if folder.is_dir() else []
        return sorted(found, key=_version_key)

    def path(self, name: str, version: str) -> Path:
        """The folder of one registered version; raises if it is not registered."""
        folder = self._inside(name, check_version(version))
        if version not in self.versions(name):
            raise ArtifactError(f"{name} has no version {version!r} in {self.root}; registered: "
                                f"{self.versions(name) or 'none'}. Register it first.")
        return folder

    def _inside(self, name: str, *parts: str) -> Path:
        """``root/name/parts...``, refused unless the name is valid and it stays in root."""
        folder = self.root.joinpath(check_name(name), *parts)
        root = self.root.resolve()
        if not folder.resolve().is_relative_to(root):
            raise ArtifactError(f"{folder} leads outside the registry {root} (a symbolic link?)"
                                "; the registry only writes inside its own folder.")
        return folder

    def promote(self, name: str, version: str, *, stage: str,
                emergency: str | None = None, override: str | None = None,
                approver: str | None = None,
                checked_at: datetime | float | None = None) -> str:
        """Point ``stage`` ("staging" or "production") at ``version``; returns the version.

        The artifact is verified first: a damaged one is never promoted. With a ``window``,
        a promotion to production outside it raises
        :class:`deploydl.monitoring.OutsideMaintenanceWindow` unless ``emergency`` gives the
        reason it cannot wait; the reason is recorded in :meth:`releases`.

        ``override`` is the reason a production release goes ahead although a gate blocked it
        or could not call it (the fairness review's decision, Module 04), and ``approver`` the
        person or body who took that decision; both are recorded in :meth:`releases`. An
        override needs an approver and a reason of at least
        :data:`deploydl.monitoring.window.MIN_REASON_CHARS` characters.

        ``checked_at`` is the time :func:`check_release` allowed this release before its
        rollout began (the CI workflow, Module 04): the window is judged at that time, so a
        rollout that ends after the window closed is still recorded. It may be at most
        :data:`MAX_CHECK_AGE_S` seconds old, and both times are recorded.

        Promoting the version already in ``stage`` (a cell or a workflow run again) changes
        nothing, so nothing is recorded and neither the window nor a review is checked: an
        ``override``, ``approver`` or ``checked_at`` passed with it is not recorded either.
        The history keeps one entry for it, and a rollback still returns to the version before.
        A production release is recorded in :meth:`releases` before ``stage`` points at it, so
        a failure between the two leaves a record of a release that did not happen, never a
        release without a record. Should the disk fail to flush the new ``stages.json``
        (:class:`deploydl.atomic.NotDurableError`), ``stage`` does point at ``version``; should
        it fail to flush the copy of a cut-off record set aside before this one is written
        (:func:`deploydl.atomic.append_line`), nothing is recorded and ``stage`` stays.
        """
        verify(self.path(name, version))
        stage = _stage(stage)
        if stage != "production":
            _review(override, approver, stage=stage)  # raises: nothing to record in staging
            if checked_at is not None:
                raise ValueError(f"checked_at is a production release's window check; "
                                 f"promoting to {stage} releases nothing. Leave it out.")
        history = self._history(name)
        if history[stage][-1:] == [version]:
            return version  # already there: nothing changes
        if stage == "production":
            now = self.clock()
            permit, review = check_release(
                self.window, now if checked_at is None else _checked(checked_at, now),
                emergency=emergency, override=override, approver=approver,
                what=f"Promoting {name} {version} to production")
            promoted = {} if checked_at is None else {
                "time": _iso(now), "checked_at": permit.record()["time"]}
            self._record(name, "promote", version, permit, **review, **promoted)
        history[stage].append(version)
        self._save_history(name, history)
        return version

    def rollback(self, name: str, *, stage: str) -> str:
        """Put ``stage`` back on the version it had before the last promotion; returns it.

        Refused when there is no earlier version, or when the earlier entry is the current
        version again (a history from before a repeated promotion stopped being recorded):
        such a rollback would change nothing. A production rollback is recorded in
        :meth:`releases` before ``stage`` moves, as a promotion is.
        """
        history = self._history(name)
        past = history[_stage(stage)]
        if len(past) < 2:
            raise ArtifactError(f"{name} has no earlier {stage} version to roll back to "
                                f"(history: {past or 'empty'}). Promote a version instead.")
        if past[-2] == past[-1]:
            raise ArtifactError(
                f"{name}'s {stage} history ends with {past[-1]} twice (it was promoted again "
                f"while already in {stage}), so a rollback would leave {past[-1]} in {stage} "
                f"and change nothing. Promote the version you want back instead: "
                f"registry.promote({name!r}, VERSION, stage={stage!r}).")
        past.pop()
        if stage == "production":
            self._record(name, "rollback", past[-1], self._rollback_permit())
        self._save_history(name, history)
        return past[-1]

    def releases(self, name: str) -> list[dict]:
        """Every change to production, oldest first: ``action`` (promote or rollback),
        ``version``, ``time`` (UTC), ``in_window`` (None without a window) and ``emergency``
        (the declared reason, or None); a promotion given an ``override`` or an ``approver``
        also records them, and one given ``checked_at`` records it beside ``time``.

        A last line without its newline that begins a record but does not finish it
        (:func:`_cut_off`) is a record whose write was cut off (a crash, a power cut, a full
        disk). That release did not happen, since production moves only once its record is
        written whole, so the line is left out with a :class:`TornRecordWarning` that names it
        and says what to do; the next release sets it aside (:func:`deploydl.atomic.append_line`).
        A whole record that only lacks its newline (as an editor may save the file) is read.

        Raises
        ------
        ArtifactError
            Naming any other line that is not a JSON object, and what to do.
        """
        path = self._inside(name, "releases.jsonl")
        *lines, last = (path.read_bytes() if path.exists() else b"").split(b"\n")
        if _cut_off(last):
            warnings.warn(TornRecordWarning(_torn_line_left_out(
                path, len(lines) + 1, set_aside_path(path, last), name=name)), stacklevel=2)
        else:
            lines.append(last)
        return [_load_object(line, source=f"{path}, line {number},",
                             advice=_TORN_RECORD_ADVICE if _torn(line) else _RELEASES_ADVICE)
                for number, line in enumerate(lines, start=1) if line.strip()]

    def _rollback_permit(self):
        """A rollback's permit now: no window, so it is never refused, being the way back at
        any hour."""
        from deploydl.monitoring.window import release_permit  # monitoring imports charts

        return release_permit(None, self.clock())

    def _record(self, name: str, action: str, version: str, permit, **review: str) -> None:
        """Append one production change, with its permit (and any override, approver and
        window-check time), to ``releases.jsonl`` as one line
        (:func:`deploydl.atomic.append_line`, flushed to the disk); a :class:`TornRecordWarning`
        says where the start of a record cut off before it was set aside."""
        record = {"action": action, "version": version, **permit.record(), **review}
        path = self._inside(name, "releases.jsonl")
        kept = append_line(path, (json.dumps(record) + "\n").encode(), cut_off=_cut_off)
        if kept is not None:
            warnings.warn(TornRecordWarning(
                f"The last line of {path} was the start of a release record whose write was "
                "cut off (a crash, a power cut or a full disk), so that release did not "
                f"happen. Its bytes are now in {kept}, and this release's record starts on a "
                "line of its own."), stacklevel=3)

    def stage(self, name: str, stage: str) -> str | None:
        """The version currently in ``stage``, or None."""
        past = self._history(name)[_stage(stage)]
        return past[-1] if past else None

    def load(self, name: str, *, stage: str = "production") -> ApplicantModel:
        """Verify and load the version currently in ``stage``."""
        model = self.load_if_any(name, stage=stage)
        if model is None:
            raise ArtifactError(f"No {name} version is in {stage}. Promote one with "
                                f"registry.promote({name!r}, VERSION, stage={stage!r}).")
        return model

    def load_if_any(self, name: str, *, stage: str = "production") -> ApplicantModel | None:
        """Verify and load the version currently in ``stage``; None when no version is in it.

        ``stages.json`` is read once, so the version loaded is the one found in ``stage``
        even if a release lands meanwhile (the quality gates compare with it, Module 04).
        """
        version = self.stage(name, stage)
        return None if version is None else load_model(self.path(name, version))

    def _history(self, name: str) -> dict[str, list[str]]:
        """Each stage's versions, oldest first, from ``stages.json`` (empty without one)."""
        path = self._inside(name, "stages.json")
        return _read_stages(path) if path.exists() else {s: [] for s in STAGES}

    def _save_history(self, name: str, history: dict[str, list[str]]) -> None:
        """Write ``stages.json`` whole or not at all (:func:`deploydl.atomic.replace_file`), so
        a crash of the process mid-write leaves the previous history intact. Two writes at
        once cannot write into each other's file, but the later one wins: promote one release
        at a time, as the release workflow does. The file keeps its permissions; a new one
        gets the umask's, as ``releases.jsonl`` does."""
        text = json.dumps(history, indent=2) + "\n"
        replace_file(self._inside(name, "stages.json"), lambda new: new.write_text(text))


def _stage(stage: str) -> str:
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}; got {stage!r}.")
    return stage


def check_release(window: MaintenanceWindow | None, when: datetime | float, *,
                  emergency: str | None = None, override: str | None = None,
                  approver: str | None = None, version: str | None = None,
                  what: str = "This release") -> tuple[ReleasePermit, dict[str, str]]:
    """Everything that decides whether a production release may go ahead, checked at once.

    :meth:`ModelRegistry.promote` calls it, and so does the CI workflow before its rollout
    (Module 04), so that nothing the registry would refuse afterwards reaches the cluster.
    It checks the override and approver (see :meth:`ModelRegistry.promote`; with ``version``,
    the override must also name that version, so a review written for an earlier release
    cannot be reused by mistake), then the maintenance window at ``when`` (raising
    :class:`deploydl.monitoring.OutsideMaintenanceWindow` outside it without an
    ``emergency``). Returns the window's permit and the review to record.
    """
    from deploydl.monitoring.window import release_permit  # monitoring imports charts

    review = _review(override, approver, stage="production")
    if version is not None and override is not None and check_version(version) not in override:
        raise ValueError(f"The override reason {override!r} does not name the version it "
                         f"releases, {version}: a review is written for one release. Write "
                         "the reason for this one (clear the old one after each release).")
    return release_permit(window, when, emergency=emergency, what=what), review


#: The longest a window check may precede the promotion it allowed (``checked_at``): the
#: workflow's rollout between them waits at most five minutes for its pods.
MAX_CHECK_AGE_S = 3600


def _checked(checked_at: datetime | float, now: float) -> datetime | float:
    """``checked_at``, refused if it is later than ``now`` or more than an hour earlier."""
    moment = (checked_at.timestamp() if isinstance(checked_at, datetime)
              else float(checked_at))
    if not now - MAX_CHECK_AGE_S <= moment <= now:
        raise ValueError(f"checked_at ({_iso(moment)}) must be the window check just before "
                         f"this release's rollout: at most {MAX_CHECK_AGE_S} s before now "
                         f"({_iso(now)}), and not after it. Check the release again.")
    return checked_at


def _iso(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds")


def _review(override: str | None, approver: str | None, *, stage: str) -> dict[str, str]:
    """The override and approver to record with a production release (only those given)."""
    from deploydl.monitoring.window import MIN_REASON_CHARS  # monitoring imports charts

    if override is None and approver is None:
        return {}
    if stage != "production":
        raise ValueError("An override or approver is recorded with a release to production; "
                         f"promoting to {stage} releases nothing. Leave them out.")
    if approver is not None and not approver.strip():
        raise ValueError("approver is empty: name the person or body who approved the release.")
    if override is not None:
        if approver is None:
            raise ValueError("An override needs an approver: name who decided that the release "
                             "goes ahead although the gate blocked it or could not call it.")
        if len(override.strip()) < MIN_REASON_CHARS:
            raise ValueError(f"The override reason {override!r} is too short to audit: say in "
                             f"at least {MIN_REASON_CHARS} characters why the release goes "
                             "ahead and what was checked.")
    return {k: v.strip() for k, v in (("override", override), ("approver", approver))
            if v is not None}


def _version_key(version: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))


#: What to do about an artifact file that cannot be read.
_ARTIFACT_ADVICE = ("Restore the artifact from the registry; do not edit artifact files by "
                    "hand.")
#: What to do about a ``stages.json`` that cannot be read.
_STAGES_ADVICE = (
    "It is the registry's record of the version in each stage and of the ones before it (for "
    "rollbacks), so nothing is loaded, promoted or rolled back from it. Restore it from "
    "version control or a backup (the deployment workflow commits it after each release); "
    "without one, delete it and promote again the version that should be in each stage (the "
    "rollback history then starts afresh).")
#: What to do about a ``releases.jsonl`` that cannot be read.
_RELEASES_ADVICE = (
    "It is the registry's record of every change to production. Restore it from version "
    "control or a backup (the deployment workflow commits it after each release); do not "
    "edit it by hand.")
#: What to do about a line of ``releases.jsonl`` that stops before its closing brace yet ends
#: in its newline: an earlier deploydl wrote the next record after one cut off.
_TORN_RECORD_ADVICE = (
    "The line ends before its closing brace: a release record cut short by a crash while it "
    "was written, so that release is not recorded whole. Restore it from version control "
    "or a backup if you can; if not, delete that one line (the records after it are "
    "whole) and check the production stage with registry.stage(NAME, 'production').")


def _torn_line_left_out(path: Path, number: int, copy: Path, *, name: str) -> str:
    """The warning for a last line of ``path`` (line ``number``) whose write was cut off."""
    return (f"{path}, line {number}, ends without a newline: it is the start of a release "
            "record whose write was cut off (a crash, a power cut or a full disk), so that "
            "release did not happen, and it is left out. Check the version in production "
            f"with registry.stage({name!r}, 'production') and promote again if that release "
            f"is still wanted. Nothing is lost: the next release moves the cut-off bytes to "
            f"{copy} and writes its own record on line {number}.")


def _read_stages(path: Path) -> dict[str, list[str]]:
    """The history in ``stages.json``, refused with what is wrong and what to do unless it
    holds a list of versions for each stage."""
    history = _load_object(path.read_bytes(), source=path, advice=_STAGES_ADVICE)
    problem = _stages_problem(history)
    if problem is not None:
        raise ArtifactError(f"{path} {problem}. {_STAGES_ADVICE}")
    return history


def _stages_problem(history: dict[str, Any]) -> str | None:
    """What is wrong with the content of ``stages.json``, or None if nothing is."""
    for stage in STAGES:
        versions = history.get(stage)
        if not isinstance(versions, list):
            return f"has no list of versions under {stage!r} (got {versions!r:.80})"
        wrong = [v for v in versions if not (isinstance(v, str)
                                             and VERSION_PATTERN.fullmatch(v))]
        if wrong:
            return f"lists {wrong[0]!r} under {stage!r}, which is not a version"
    return None


def _read_bytes(path: Path) -> bytes:
    """The bytes of the artifact file ``path``, refused by name when it is missing."""
    if not path.is_file():
        raise ArtifactError(f"{path} is missing. Restore the artifact from the registry (or "
                            "re-save the model); a partial artifact is never served.")
    return path.read_bytes()


def _cut_off(last: bytes) -> bool:
    """True for a last line of ``releases.jsonl`` (no newline after it) that an interrupted
    append left: the start of a record as :meth:`ModelRegistry._record` writes it (an object,
    on one line, no carriage return) that is not a whole JSON object."""
    if not last.startswith(b"{") or b"\r" in last:
        return False
    try:
        return not isinstance(json.loads(last), dict)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deeply
        return True


def _torn(line: bytes) -> bool:
    """True for a release record begun but not finished: it opens an object and does not
    close it (a record cut off, then followed by another by an earlier deploydl)."""
    text = line.strip()
    return text.startswith(b"{") and not text.endswith(b"}")


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


__all__ = ["NAME_PATTERN", "VERSION_PATTERN", "Artifact", "ArtifactError", "ModelRegistry",
           "TornRecordWarning", "check_metadata", "check_name", "check_version", "data_hash",
           "load_artifact", "load_model", "save_model", "training_ranges", "verify"]
