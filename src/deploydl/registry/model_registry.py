"""The model registry: a folder of artifacts with staging and production pointers (Module 04).

:class:`ModelRegistry` keeps artifacts under ``ROOT/NAME/VERSION/`` and, per model, a
``stages.json`` with each stage's versions (for rollbacks) and a ``releases.jsonl`` with every
change to production (:mod:`deploydl.registry.records` reads both). A promotion to production
is checked first (:mod:`deploydl.registry.release_checks`: the maintenance window of Module 06,
an override's approver and reason).
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deploydl.atomic import append_line, replace_file, set_aside_path
from deploydl.integrity import VERSION_PATTERN, ArtifactError, check_name, check_version
from deploydl.models import ApplicantModel
from deploydl.registry.artifact import MANIFEST, Artifact, _load_object, load_model, verify
from deploydl.registry.records import (
    _RELEASES_ADVICE,
    _TORN_RECORD_ADVICE,
    STAGES,
    TornRecordWarning,
    _cut_off,
    _read_stages,
    _torn,
    _torn_line_left_out,
)
from deploydl.registry.release_checks import _checked, _iso, _review, check_release
from deploydl.registry.saving import save_model

if TYPE_CHECKING:
    from deploydl.monitoring.window import MaintenanceWindow


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


def _version_key(version: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))
