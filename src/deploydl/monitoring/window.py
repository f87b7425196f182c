"""The maintenance window: when a new model version may reach production (Module 06).

A bank agrees a weekly slot for releases and retraining (by default Sunday 02:00 to 06:00
UTC): few applicants, the on-call team ready, and a rollback rehearsed. Outside it a release
is refused, unless someone declares an **emergency** and writes down why; the reason is
kept with the release (the registry's ``releases.jsonl``, the service's release list) and
logged on the ``deploydl.releases`` logger. Rolling back is never refused: it is the way out.

The registry (:class:`deploydl.registry.ModelRegistry`), the service
(:func:`deploydl.serving.app.release_model`) and the CI/CD workflow's promote job all ask the
same :meth:`MaintenanceWindow.check`. The window comes from the settings
(``DEPLOYDL_RELEASE_WINDOW="Sun 02:00-06:00"``); without one, every hour is open, as in a
sandbox.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

#: Logger of every release; emergencies outside the window are logged as warnings.
RELEASE_LOG = logging.getLogger("deploydl.releases")
RELEASE_LOG.addHandler(logging.NullHandler())

#: The shortest emergency reason accepted: a word such as "urgent" says nothing.
MIN_REASON_CHARS = 15

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEK_HOURS = 7 * 24
_FORMAT = re.compile(r"\s*([A-Za-z]{3})[a-z]*\s+(\d{1,2}):00\s*-\s*(\d{1,2}):00\s*", re.ASCII)


class OutsideMaintenanceWindow(RuntimeError):
    """A release asked for outside the window, with no emergency declared."""


@dataclass(frozen=True)
class ReleasePermit:
    """Why a release may go ahead: in the window, or an emergency with its reason.

    ``in_window`` is None when there is no window (every hour is open).
    """

    when: datetime
    in_window: bool | None
    emergency: str | None = None

    def record(self) -> dict:
        """The permit as a JSON-ready dict (time in ISO format, UTC)."""
        return {"time": self.when.isoformat(timespec="seconds"), "in_window": self.in_window,
                "emergency": self.emergency}


@dataclass(frozen=True)
class MaintenanceWindow:
    """A weekly release slot, in UTC: by default Sunday 02:00 to 06:00.

    Parameters
    ----------
    weekday : int
        Day the window opens, 0 = Monday ... 6 = Sunday.
    start_hour : int
        Hour it opens, 0..23 (UTC).
    hours : int
        How long it stays open, 1..167 hours (it may run past midnight).
    """

    weekday: int = 6
    start_hour: int = 2
    hours: int = 4

    def __post_init__(self) -> None:
        for name, value, low, high in (("weekday", self.weekday, 0, 6),
                                       ("start_hour", self.start_hour, 0, 23),
                                       ("hours", self.hours, 1, _WEEK_HOURS - 1)):
            if not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"MaintenanceWindow {name} must be a whole number from {low} "
                                 f"to {high}; got {value!r}.")

    @classmethod
    def parse(cls, text: str) -> MaintenanceWindow:
        """Read a window such as ``"Sun 02:00-06:00"`` or ``"Sat 22:00-02:00"`` (UTC)."""
        match = _FORMAT.fullmatch(str(text))
        day = match and match.group(1).title()
        if not match or day not in _DAYS or max(int(match[2]), int(match[3])) > 23 \
                or match[2] == match[3]:
            raise ValueError(f"A release window reads like 'Sun 02:00-06:00' (a weekday, then "
                             f"whole hours in UTC, start and end different); got {text!r}.")
        start, end = int(match[2]), int(match[3])
        return cls(weekday=_DAYS.index(day), start_hour=start, hours=(end - start) % 24)

    def __str__(self) -> str:
        end = (self.start_hour + self.hours) % 24
        return f"{_DAYS[self.weekday]} {self.start_hour:02d}:00-{end:02d}:00 UTC"

    def _hours_since_open(self, moment: datetime) -> float:
        week_hour = moment.weekday() * 24 + moment.hour + moment.minute / 60 + moment.second / 3600
        return (week_hour - (self.weekday * 24 + self.start_hour)) % _WEEK_HOURS

    def is_open(self, when: datetime | float) -> bool:
        """True when ``when`` (a datetime, or seconds since 1970) falls in the window."""
        return self._hours_since_open(_utc(when)) < self.hours

    def wait(self, when: datetime | float) -> timedelta:
        """How long from ``when`` until the window opens (zero while it is open)."""
        since = self._hours_since_open(_utc(when))
        return timedelta(0) if since < self.hours else timedelta(hours=_WEEK_HOURS - since)

    def next_opening(self, when: datetime | float) -> datetime:
        """When the window next opens after ``when`` (``when`` itself while it is open)."""
        return _utc(when) + self.wait(when)

    def check(self, when: datetime | float, *, emergency: str | None = None,
              what: str = "This release") -> ReleasePermit:
        """Allow a release at ``when``, or raise :class:`OutsideMaintenanceWindow`.

        Outside the window a release goes ahead only with ``emergency``: a reason of at least
        :data:`MIN_REASON_CHARS` characters, which is logged and returned in the permit for
        the release record. ``what`` names the release in messages.
        """
        moment = _utc(when)
        reason = _reason(emergency)
        if self.is_open(moment):
            return ReleasePermit(moment, True, reason)
        if reason is None:
            opens = self.next_opening(moment)
            raise OutsideMaintenanceWindow(
                f"{what} was refused: it is {time_in_words(moment)}, outside the "
                f"maintenance window ({self}). The next window opens {time_in_words(opens)}"
                f", in {_duration(opens - moment)}. If it cannot wait, declare an "
                "emergency: pass emergency=\"what breaks if this waits\" (it is recorded "
                "with the release).")
        RELEASE_LOG.warning("emergency release outside the window (%s) at %s: %s; %s", self,
                            moment.isoformat(timespec="minutes"), what, reason)
        return ReleasePermit(moment, False, reason)


def release_permit(window: MaintenanceWindow | None, when: datetime | float, *,
                   emergency: str | None = None, what: str = "This release") -> ReleasePermit:
    """``window.check(...)``; without a window, a permit that records the time and reason."""
    if window is None:
        return ReleasePermit(_utc(when), None, _reason(emergency))
    return window.check(when, emergency=emergency, what=what)


def refusal(release: Callable[..., object], /, *args: Any, **kwargs: Any) -> str | None:
    """Try a release; say why the maintenance window refused it, or None if it went through.

    Parameters
    ----------
    release : callable
        Anything that releases and raises :class:`OutsideMaintenanceWindow` when the window
        is shut, e.g. ``registry.promote`` or :func:`deploydl.serving.app.release_model`.
    *args, **kwargs
        Passed on to ``release``.

    Returns
    -------
    str or None
        The refusal's message (when the window opens, how to declare an emergency), or None
        when the release happened. Any other error is raised as it is.
    """
    try:
        release(*args, **kwargs)
    except OutsideMaintenanceWindow as refused:
        return str(refused)
    return None


def time_in_words(when: datetime | float | str) -> str:
    """A release time as a person reads it, day named and time zone given, as the refusals
    write it: "Wed 2026-04-01 14:00 UTC".

    ``when`` is a time with a time zone, a Unix timestamp, or the ISO text that a release
    record keeps (:meth:`ReleasePermit.record`, ``"2026-04-01T14:00:00+00:00"``).
    """
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return f"{_utc(moment):%a %Y-%m-%d %H:%M} UTC"


def window_from_settings(settings) -> MaintenanceWindow | None:
    """The window in ``settings.release_window`` (None: no window, every hour is open)."""
    text = getattr(settings, "release_window", None)
    return None if not text else MaintenanceWindow.parse(text)


def _reason(emergency: str | None) -> str | None:
    if emergency is None:
        return None
    reason = " ".join(str(emergency).split())
    if len(reason) < MIN_REASON_CHARS:
        raise ValueError(f"An emergency needs a reason of at least {MIN_REASON_CHARS} "
                         f"characters that says what breaks if the release waits; got "
                         f"{emergency!r}.")
    return reason


def _utc(when: datetime | float) -> datetime:
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError(f"Give the release time with a time zone (e.g. tzinfo=UTC); got "
                             f"the naive time {when.isoformat()}.")
        return when.astimezone(UTC)
    return datetime.fromtimestamp(float(when), UTC)


def _duration(gap: timedelta) -> str:
    """``gap`` in words to the minute: "2 days, 9 hours, 30 minutes"."""
    hours, minutes = divmod(round(gap.total_seconds() / 60), 60)
    days, hours = divmod(hours, 24)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'s' * (n != 1)}" for n, unit in parts if n]
    return ", ".join(words) or "0 minutes"
