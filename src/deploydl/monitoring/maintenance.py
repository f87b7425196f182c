"""Maintenance: when to retrain, when to release, and how to back out safely (Module 06).

* :class:`RetrainingPolicy` turns monitoring into a yes/no: retrain on decay or on a
  schedule, with the reasons written down; data drift goes to a person for review.
* The agreed time a new version may go out is :mod:`deploydl.monitoring.window`.
* :class:`CanaryRelease` sends a small share of traffic to the new version and rolls it back
  by itself on what must not get worse: errors, latency and the business guardrail (the
  approval rate). A change in the *shape* of its scores is only a warning for a person to
  review: a correctly retrained model is *meant* to score differently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from deploydl.monitoring.abtest import TrafficSplit
from deploydl.monitoring.drift import DriftReport, ks_test
from deploydl.monitoring.health import log_health
from deploydl.monitoring.log import PredictionStore


@dataclass(frozen=True)
class RetrainDecision:
    """``retrain`` with its ``reasons``; ``review``: signals a person looks at first (drift)."""

    retrain: bool
    reasons: tuple[str, ...]
    review: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetrainingPolicy:
    """Retrain on performance decay or on a schedule; put data drift up for review.

    **Data drift** (the inputs moved) is not **performance decay** (the model got worse). A
    shift such as inflation can leave the model as good as before; retraining on it alone
    spends effort, and retraining a week after a change on labels that take months to arrive
    trains on too few outcomes. So drift asks a person to look (which feature, why, do early
    outcomes or a shadow comparison show decay?); decay, measured on arrived labels, retrains.

    Parameters
    ----------
    max_age_days : int
        Schedule: retrain a model this many days old even if nothing else fired.
    on_dataset_drift : bool
        Put dataset drift on the review list.
    max_auc_drop : float
        Decay: retrain when AUC on late labels is this far (0..1) below training, or more (the
        "performance decay" alert fires at the same line).
    """

    max_age_days: int = 90
    on_dataset_drift: bool = True
    max_auc_drop: float = 0.05

    def decide(self, *, model_age_days: float, drift: DriftReport | None = None,
               decay: dict | None = None) -> RetrainDecision:
        reasons, review = [], []
        if model_age_days >= self.max_age_days:
            reasons.append(f"schedule: the model is {model_age_days:.0f} days old "
                           f"(limit {self.max_age_days})")
        if self.on_dataset_drift and drift is not None and drift.dataset_drift:
            review.append(f"drift: {', '.join(drift.drifted)} moved; check whether outcomes "
                          "moved too before retraining")
        drop = (decay or {}).get("drop")
        if drop is not None and drop >= self.max_auc_drop:
            reasons.append(f"decay: AUC fell {drop:.3f} (limit {self.max_auc_drop})")
        return RetrainDecision(retrain=bool(reasons), reasons=tuple(reasons),
                               review=tuple(review))


@dataclass
class CanaryVerdict:
    """``status`` is ``waiting`` (too little traffic yet), ``healthy`` or ``rolled back``.

    ``reasons`` say why it was rolled back; ``warnings`` are for a person to review (a change
    in score shape), and never roll back by themselves.
    """

    status: str
    reasons: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class CanaryRelease:
    """Watch a canary; roll it back on errors, latency or the approval-rate guardrail.

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
    max_latency_ms : float
        Roll back when the canary's 95th-percentile latency is over this budget (ms) while the
        stable version's is not (the "slow answers" alert's level).
    max_approval_shift : float
        The guardrail: roll back when the canary's approval rate differs from the stable
        version's by more than this (0.10 = ten percentage points).
    output_alpha : float
        Warn (never roll back) when a Kolmogorov-Smirnov test says the canary's scores come
        from a different distribution than the stable version's (p-value under this).
    min_requests : int
        Canary requests needed before judging.
    on_rollback : callable, optional
        Called with the reasons after the traffic is moved back, e.g. to roll back the
        registry's "production" pointer.
    """

    def __init__(self, split: TrafficSplit, log: PredictionStore, *, since: float = 0.0,
                 max_error_increase: float = 0.01, max_latency_ms: float = 250.0,
                 max_approval_shift: float = 0.10, output_alpha: float = 0.01,
                 min_requests: int = 50,
                 on_rollback: Callable[[list[str]], object] | None = None) -> None:
        self.split, self.log, self.since = split, log, since
        self.max_error_increase, self.output_alpha = max_error_increase, output_alpha
        self.max_latency_ms, self.max_approval_shift = max_latency_ms, max_approval_shift
        self.min_requests, self.on_rollback = min_requests, on_rollback
        self.rolled_back = False

    def check(self) -> CanaryVerdict:
        """Compare canary and stable since the release; roll back if the canary is worse."""
        frame = self.log.frame(since=self.since)
        stable = frame[frame["model_version"] == self.split.current.version]
        canary = frame[frame["model_version"] == self.split.candidate.version]
        canary_health, stable_health = log_health(canary), log_health(stable)
        stats = {"canary_requests": canary_health["requests"],
                 "canary_error_rate": canary_health["error_rate"],
                 "stable_error_rate": stable_health["error_rate"],
                 # no request yet: no latency measured, taken as 0 ms (the check then waits)
                 "canary_p95_ms": canary_health["latency_p95_ms"] or 0.0,
                 "stable_p95_ms": stable_health["latency_p95_ms"] or 0.0,
                 "canary_approval_rate": _approval_rate(canary),
                 "stable_approval_rate": _approval_rate(stable)}
        if self.rolled_back:
            return CanaryVerdict("rolled back", ["already rolled back"], stats)
        if stats["canary_requests"] < self.min_requests or stable.empty:
            return CanaryVerdict("waiting", [], stats)
        reasons = self._reasons(stats)
        warnings = self._warnings(stable, canary, stats)
        if reasons:
            self.rollback(reasons)
            return CanaryVerdict("rolled back", reasons, stats, warnings)
        return CanaryVerdict("healthy", [], stats, warnings)

    def _reasons(self, stats: dict) -> list[str]:
        reasons = []
        if stats["canary_error_rate"] - stats["stable_error_rate"] > self.max_error_increase:
            reasons.append(f"error rate {stats['canary_error_rate']:.1%} against "
                           f"{stats['stable_error_rate']:.1%} for the stable version")
        if stats["canary_p95_ms"] > self.max_latency_ms >= stats["stable_p95_ms"]:
            reasons.append(f"latency p95 {stats['canary_p95_ms']:.0f} ms, over the "
                           f"{self.max_latency_ms:.0f} ms budget the stable version meets")
        shift = stats["canary_approval_rate"] - stats["stable_approval_rate"]
        if abs(shift) > self.max_approval_shift:
            reasons.append(f"approval rate {stats['canary_approval_rate']:.0%} against "
                           f"{stats['stable_approval_rate']:.0%}: outside the guardrail of "
                           f"{self.max_approval_shift * 100:.0f} points")
        return reasons

    def _warnings(self, stable, canary, stats: dict) -> list[str]:
        scored = canary["probability"].dropna()
        if not len(scored):
            return []
        _, stats["output_p_value"] = ks_test(stable["probability"].dropna(), scored)
        if stats["output_p_value"] >= self.output_alpha:
            return []
        return [f"score shape differs from the stable version's (KS p = "
                f"{stats['output_p_value']:.2g}): a person reviews it; a retrained model is "
                "meant to score differently, so this alone does not roll back"]

    def rollback(self, reasons: list[str]) -> None:
        """Send all traffic back to the stable version, then call ``on_rollback``."""
        self.split.share = 0.0
        self.rolled_back = True
        if self.on_rollback is not None:
            self.on_rollback(reasons)


def _approval_rate(rows) -> float:
    decided = rows[rows["decision"].notna()]
    return float((decided["decision"] == "approve").mean()) if len(decided) else 0.0


def rollback_in_registry(registry, name: str, *, stage: str = "production",
                         stable: str | None = None):
    """An ``on_rollback`` for :class:`CanaryRelease` that rolls the registry's ``stage`` back.

    ``registry`` is a :class:`deploydl.registry.ModelRegistry` (Module 04) in which the
    canary's version was promoted to ``stage`` when the release started; after a rollback
    ``registry.load(name)`` gives the stable version again, so a restart serves it too. With
    ``stable``, the version the canary runs beside, a stage already back on it is left as it
    is: a canary cell run again after its rollback has nothing left to undo.
    """
    def on_rollback(reasons: list[str]) -> str:
        if stable is not None and registry.stage(name, stage) == stable:
            return stable
        return registry.rollback(name, stage=stage)

    return on_rollback


def retrain_on_changed_data(scenario: str, *, version: str, applicants: int = 5_000,
                            seed: int = 2, epochs: int = 30):
    """Train a new version on labelled applicants from after a change in the data, and
    calibrate it and choose its threshold as the first version's were (Module 02's rule).

    Parameters
    ----------
    scenario : str
        The change the new applicants come from (a scenario of
        :func:`deploydl.data.apply_drift`, e.g. ``"inflation"``).
    version : str
        Version number the retrained model carries, e.g. ``"1.1.0"``.
    applicants : int
        How many labelled applicants it learns from. In a bank these labels exist only months
        after the change (a loan shows whether it defaults over a year or more).
    seed : int
        Seed of the simulated applicants; training itself uses seed 0, like the course's first
        model, so the difference comes from the data. Calibration and the threshold use
        :data:`~deploydl.serving.packaging.CALIBRATION_ROWS` other applicants from after the
        change (seed ``seed + 1``), set aside for them.
    epochs : int
        Training passes over the applicants.

    Returns
    -------
    ApplicantModel
        The retrained model, with its own preprocessing fitted on the new data, calibrated,
        and with its own ``threshold``.
    """
    from dataclasses import replace

    from deploydl.data import apply_drift, make_applicants
    from deploydl.evaluation.decision import calibrate_and_decide
    from deploydl.models import train_applicant_model
    from deploydl.serving.packaging import CALIBRATION_ROWS

    recent, aside = (apply_drift(make_applicants(n, seed=s), scenario, seed=s)
                     for n, s in ((applicants, seed), (CALIBRATION_ROWS, seed + 1)))
    model, _ = calibrate_and_decide(train_applicant_model(recent, seed=0, epochs=epochs), aside)
    return replace(model, version=version)


def promote_in_turn(registry, *models, stage: str = "production") -> list[str]:
    """Register ``models`` and promote each to ``stage`` in turn, oldest first.

    The registry then serves the last one and keeps the earlier ones in its history, so a
    rollback (:func:`rollback_in_registry`) returns to the one before.

    Parameters
    ----------
    registry : deploydl.registry.ModelRegistry
        Where the versions are stored.
    *models : ApplicantModel
        The versions, oldest first; all with the same ``name``.
    stage : str
        The stage they are promoted to.

    Returns
    -------
    list of str
        The versions promoted, in order.
    """
    names = {model.name for model in models}
    if len(names) != 1:
        raise ValueError(f"promote_in_turn needs versions of one model; got names "
                         f"{sorted(names) or 'none'}. Promote each model separately.")
    for model in models:
        registry.register(model)
        registry.promote(model.name, model.version, stage=stage)
    return [model.version for model in models]
