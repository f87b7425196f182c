"""What decides whether a production release may go ahead (Modules 04 and 06).

:func:`check_release` checks, at once, a release's override and approver (a fairness review
that overrode a gate, Module 04) and the maintenance window (Module 06).
:meth:`deploydl.registry.ModelRegistry.promote` calls it, and so does the CI workflow before
its rollout, so nothing the registry would refuse afterwards reaches the cluster.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from deploydl.integrity import check_version

if TYPE_CHECKING:
    from deploydl.monitoring.window import MaintenanceWindow, ReleasePermit


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
