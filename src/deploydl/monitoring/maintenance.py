"""Maintenance: when to retrain, when to release, and how to back out safely (Module 06).

* :class:`RetrainingPolicy` turns monitoring into a yes/no: retrain on drift, on decay or on
  a schedule, with the reasons written down.
* :class:`MaintenanceWindow` is the agreed time a new version may go out.
* :class:`CanaryRelease` sends a small share of traffic to the new version, watches its
  error rate and its answers (their distribution against the stable version's), and rolls
  it back by itself when either gets worse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from deploydl.monitoring.abtest import TrafficSplit
from deploydl.monitoring.drift import DriftReport, ks_test
from deploydl.monitoring.log import PredictionStore


@dataclass(frozen=True)
class RetrainDecision:
    retrain: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RetrainingPolicy:
    """Retrain when any trigger holds.

    Parameters
    ----------
    max_age_days : int
        Schedule: retrain a model this many days old even if nothing else fired.
    on_dataset_drift : bool
        Retrain when the drift report declares dataset drift.
    max_auc_drop : float
        Decay: retrain when AUC on late labels is this far (0..1) below training.
    """

    max_age_days: int = 90
    on_dataset_drift: bool = True
    max_auc_drop: float = 0.05

    def decide(self, *, model_age_days: float, drift: DriftReport | None = None,
               decay: dict | None = None) -> RetrainDecision:
        reasons = []
        if model_age_days >= self.max_age_days:
            reasons.append(f"schedule: the model is {model_age_days:.0f} days old "
                           f"(limit {self.max_age_days})")
        if self.on_dataset_drift and drift is not None and drift.dataset_drift:
            reasons.append(f"drift: {', '.join(drift.drifted)} moved")
        drop = (decay or {}).get("drop")
        if drop is not None and drop > self.max_auc_drop:
            reasons.append(f"decay: AUC fell {drop:.3f} (limit {self.max_auc_drop})")
        return RetrainDecision(retrain=bool(reasons), reasons=tuple(reasons))


@dataclass(frozen=True)
class MaintenanceWindow:
    """A weekly release slot, in UTC: by default Sunday 02:00 to 06:00."""

    weekday: int = 6
    start_hour: int = 2
    hours: int = 4

    def is_open(self, when: datetime | float) -> bool:
        """True when ``when`` (a datetime, or seconds since 1970) falls in the window."""
        moment = (datetime.fromtimestamp(when, UTC) if isinstance(when, int | float)
                  else when.astimezone(UTC))
        week_hour = moment.weekday() * 24 + moment.hour
        start = self.weekday * 24 + self.start_hour
        return (week_hour - start) % (7 * 24) < self.hours


@dataclass
class CanaryVerdict:
    """``status`` is ``waiting`` (too little traffic yet), ``healthy`` or ``rolled back``."""

    status: str
    reasons: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


class CanaryRelease:
    """Watch a canary and roll it back automatically when it does worse than the stable version.

    Parameters
    ----------
    split : TrafficSplit
        The service's routing; ``split.share`` is the canary's share (e.g. 0.05).
    log : PredictionStore
        The prediction log both versions write to.
    since : float
        Start of the release (seconds since 1970); earlier rows are ignored.
    max_error_increase : float
        Roll back when the canary's error rate exceeds the stable one by this much (0.01 =
        one point).
    output_alpha : float
        Roll back when a Kolmogorov-Smirnov test says the canary's scores come from a
        different distribution than the stable version's (p-value under this).
    min_requests : int
        Canary requests needed before judging.
    on_rollback : callable, optional
        Called with the reasons after the traffic is moved back, e.g. to roll back the
        registry's "production" pointer.
    """

    def __init__(self, split: TrafficSplit, log: PredictionStore, *, since: float = 0.0,
                 max_error_increase: float = 0.01, output_alpha: float = 0.01,
                 min_requests: int = 50,
                 on_rollback: Callable[[list[str]], object] | None = None) -> None:
        self.split, self.log, self.since = split, log, since
        self.max_error_increase, self.output_alpha = max_error_increase, output_alpha
        self.min_requests, self.on_rollback = min_requests, on_rollback
        self.rolled_back = False

    def check(self) -> CanaryVerdict:
        """Compare canary and stable since the release; roll back if the canary is worse."""
        frame = self.log.frame(since=self.since)
        stable = frame[frame["model_version"] == self.split.current.version]
        canary = frame[frame["model_version"] == self.split.candidate.version]
        stats = {"canary_requests": canary["request_id"].nunique(),
                 "canary_error_rate": _error_rate(canary),
                 "stable_error_rate": _error_rate(stable)}
        if self.rolled_back:
            return CanaryVerdict("rolled back", ["already rolled back"], stats)
        if stats["canary_requests"] < self.min_requests or stable.empty:
            return CanaryVerdict("waiting", [], stats)
        reasons = []
        if stats["canary_error_rate"] - stats["stable_error_rate"] > self.max_error_increase:
            reasons.append(f"error rate {stats['canary_error_rate']:.1%} against "
                           f"{stats['stable_error_rate']:.1%} for the stable version")
        scored = canary["probability"].dropna()
        if len(scored):
            _, stats["output_p_value"] = ks_test(stable["probability"].dropna(), scored)
            if stats["output_p_value"] < self.output_alpha:
                reasons.append(f"scores drifted from the stable version's (KS p = "
                               f"{stats['output_p_value']:.2g})")
        if reasons:
            self.rollback(reasons)
            return CanaryVerdict("rolled back", reasons, stats)
        return CanaryVerdict("healthy", [], stats)

    def rollback(self, reasons: list[str]) -> None:
        """Send all traffic back to the stable version, then call ``on_rollback``."""
        self.split.share = 0.0
        self.rolled_back = True
        if self.on_rollback is not None:
            self.on_rollback(reasons)


def _error_rate(rows) -> float:
    requests = rows.drop_duplicates("request_id")
    return float((requests["status"] == "error").mean()) if len(requests) else 0.0


def rollback_in_registry(registry, name: str, *, stage: str = "production"):
    """An ``on_rollback`` for :class:`CanaryRelease` that rolls the registry's ``stage`` back.

    ``registry`` is a :class:`deploydl.registry.ModelRegistry` (Module 04) in which the
    canary's version was promoted to ``stage`` when the release started; after a rollback
    ``registry.load(name)`` gives the stable version again, so a restart serves it too.
    """
    def on_rollback(reasons: list[str]) -> str:
        return registry.rollback(name, stage=stage)

    return on_rollback
