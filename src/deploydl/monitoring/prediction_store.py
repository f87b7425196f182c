"""What the prediction log holds and promises (Module 06): one scored applicant as the service
records it, what an erasure or a purge removed, the :class:`PredictionStore` interface the
service, the monitor and the dashboards use, and the clock simulations move day by day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd


@dataclass(frozen=True)
class LoggedPrediction:
    """One scored applicant, as the service records it.

    ``probability`` is the probability of default (0..1); ``threshold`` is the probability
    of default at or above which the decision is "refer", as the service applied it (the
    scoring model's own, or one set for the whole service), so an auditor can replay the
    decision (None in logs written before thresholds were recorded); ``latency_ms`` is the
    whole request's scoring time in milliseconds; ``status`` is ``"ok"`` or ``"error"`` (then
    ``probability`` and ``decision`` are None and ``error`` says what went wrong);
    ``reasons`` are the reason codes given with a referral, as the service answered them
    (feature, direction, value, reference, score_gain, text), or None.
    """

    request_id: str
    model_name: str
    model_version: str
    inputs: Mapping[str, float]
    probability: float | None
    decision: str | None
    latency_ms: float
    applicant_id: str | None = None
    status: str = "ok"
    error: str | None = None
    threshold: float | None = None
    reasons: Sequence[Mapping[str, object]] | None = None


@dataclass(frozen=True)
class Removed:
    """What :meth:`PredictionLog.erase` or :meth:`PredictionLog.purge_older_than` removed.

    ``rows``: predictions deleted; ``reference_rows``: rows of the stored drift reference
    deleted (only a reference with an ``applicant_id`` column can hold an applicant);
    ``wal_emptied``: the write-ahead log was copied into the database and truncated, so no
    old copy of a deleted row is left in the ``-wal`` file (False while another connection
    is reading: call again, or close the readers first).
    """

    rows: int
    reference_rows: int
    wal_emptied: bool

    def summary(self) -> str:
        wal = "the write-ahead log is empty" if self.wal_emptied else (
            "the write-ahead log could not be emptied while another connection reads it: "
            "run again once the readers have closed")
        return (f"Removed {self.rows:,} predictions and {self.reference_rows:,} reference rows; "
                f"deleted content is overwritten, and {wal}.")


class PredictionStore(Protocol):
    """What the service, the monitor and the dashboards need from a prediction log."""

    #: The time the log stamps new rows with, in seconds since 1970 (the monitor's "now").
    clock: Callable[[], float]

    def record(self, predictions: Sequence[LoggedPrediction]) -> None: ...

    def add_labels(self, labels: Mapping[str, int], *, key: str = "applicant_id",
                   since: float | None = None) -> int: ...

    def frame(self, *, since: float | None = None, until: float | None = None) -> pd.DataFrame:
        ...

    def count(self) -> int: ...

    def set_reference(self, table: pd.DataFrame) -> None: ...

    def reference(self) -> pd.DataFrame | None: ...


class SimulatedClock:
    """A clock for simulations: it shows ``start`` (seconds since 1970) until moved.

    Examples
    --------
    >>> clock = SimulatedClock(start=0.0)
    >>> clock.advance(days=1); clock()
    86400.0
    """

    def __init__(self, start: float) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, *, days: float = 0.0, seconds: float = 0.0) -> None:
        self.now += days * 86_400 + seconds
