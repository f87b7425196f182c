"""Alert rules, and the one snapshot of the service that dashboards and alerts read (Module 06).

Each rule watches one signal, has a severity (``info``, ``warning``, ``critical``: who gets
woken up) and one runbook line (the first thing the person on call does). Severity follows
harm: a broken service (errors) or a model that got worse (performance decay, on arrived
labels) is critical; data drift alone is a warning, because inputs can move while the model
stays as good (inflation lifts incomes; the applicants are no riskier).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from deploydl.data import FEATURES
from deploydl.monitoring.drift import DriftReport, drift_report
from deploydl.monitoring.health import DecayBaseline, log_health, performance_decay
from deploydl.monitoring.log import PredictionStore

SEVERITIES = ("info", "warning", "critical")
_DAY = 86_400.0


@dataclass(frozen=True)
class AlertRule:
    """Fire when ``signal`` is at or above ``threshold`` (or at or below, with ``below``).

    ``threshold`` is in the signal's own units (:data:`DEFAULT_RULES`): milliseconds for
    ``latency_p95_ms``, a share 0..1 for ``error_rate`` (0.01 = 1% of requests), a PSI for
    ``max_psi``, AUC points 0..1 for ``auc_drop`` (0.05 = five points), a count for
    ``n_drifted`` and ``requests``, and 1 for true for ``dataset_drift``.
    """

    name: str
    severity: str
    signal: str
    threshold: float
    runbook: str
    below: bool = False

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"Rule {self.name!r}: severity must be one of {SEVERITIES}; "
                             f"got {self.severity!r}.")

    def fires(self, signals: dict) -> bool:
        value = signals.get(self.signal)
        if value is None:
            return False
        return value <= self.threshold if self.below else value >= self.threshold


@dataclass(frozen=True)
class Alert:
    """A rule that fired, with the value that made it fire."""

    name: str
    severity: str
    value: float
    runbook: str


#: The course's alert rules: each signal, its threshold, who cares and what to do first.
DEFAULT_RULES: tuple[AlertRule, ...] = (
    AlertRule("feature drift", "warning", "n_drifted", 1,
              "Open the drift table; check the upstream pipeline for the drifted feature "
              "before assuming the world changed."),
    AlertRule("dataset drift", "warning", "dataset_drift", 1,
              "Data drift is not decay: tell the model owner today; find why the inputs moved "
              "and check early outcomes or a shadow comparison before any retraining."),
    AlertRule("population shift", "warning", "max_psi", 0.25,
              "A feature moved a lot (PSI 0.25 or more): confirm with the data owner whether "
              "the data or the world changed; review approvals by segment."),
    AlertRule("performance decay", "critical", "auc_drop", 0.05,
              "Outcomes of the loans made show the model ranks them worse than it ranked "
              "approved applicants at training: retrain on recent labelled data; meanwhile "
              "refer more applicants to underwriters."),
    AlertRule("error rate", "critical", "error_rate", 0.01,
              "Check /health and the log's error column; roll back the last release if the "
              "errors started with it."),
    AlertRule("slow answers", "warning", "latency_p95_ms", 250,
              "Check load and batch sizes; add a replica (Module 05)."),
    AlertRule("no traffic", "info", "requests", 0, below=True,
              runbook="Check that the loan-origination system still calls the service."),
)


def evaluate_rules(signals: dict, rules: tuple[AlertRule, ...] = DEFAULT_RULES) -> list[Alert]:
    """The alerts that fire on ``signals``, most severe first."""
    fired = [Alert(r.name, r.severity, float(signals[r.signal]), r.runbook)
             for r in rules if r.fires(signals)]
    return sorted(fired, key=lambda a: -SEVERITIES.index(a.severity))


@dataclass(frozen=True)
class SilentRule:
    """A rule that cannot fire in a snapshot, and why: its ``signal`` could not be measured."""

    name: str
    reason: str
    signal: str


#: Why the drift rules cannot fire when the log has no reference data to compare with.
NO_REFERENCE = ("no reference data: nothing to compare the applicants with (the training data, "
                "given with log.set_reference)")
#: Why the decay rule cannot fire without a baseline.
NO_BASELINE = ("no approved baseline: nobody gave the AUC at training on the applicants the "
               "model approves (monitoring.approved_baseline)")
#: Why a rule that reads the window cannot fire when it holds no predictions (all but
#: "no traffic" and "performance decay", which reads outcomes, not the window).
NO_TRAFFIC = "no predictions in the window: nothing to measure"
#: The signals the drift check measures (:func:`snapshot`).
DRIFT_SIGNALS = ("n_drifted", "dataset_drift", "max_psi")


@dataclass
class Snapshot:
    """What the monitor sees in one window of the prediction log.

    ``window`` holds the window's rows; ``drift`` is None when there is no reference data
    or fewer than ``min_rows`` predictions; ``signals`` feeds the alert rules; ``silent``
    lists the rules that cannot fire in this snapshot, and why (no reference data, no
    approved baseline, too few predictions or outcomes), so a quiet page never reads as "all
    is watched" when it is not.
    """

    window: pd.DataFrame
    drift: DriftReport | None
    health: dict
    decay: dict
    signals: dict = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    silent: list[SilentRule] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.window.empty


def snapshot(log: PredictionStore, *, window_days: float = 1.0, now: float | None = None,
             baseline: DecayBaseline | None = None, features=FEATURES, min_rows: int = 30,
             rules: tuple[AlertRule, ...] = DEFAULT_RULES) -> Snapshot:
    """Read the ``window_days`` of the log up to ``now`` and judge them.

    ``now`` is seconds since 1970, by default the log's clock (the time it stamps new rows
    with), so a service that has gone quiet shows an empty window and the "no traffic" alert,
    not its last busy day. With a ``baseline``
    (:func:`deploydl.monitoring.health.approved_baseline`, measured on the applicants the
    service approves) the decay rule reads every labelled prediction logged up to ``now``,
    window or not (outcomes arrive months after the traffic); without one it stays silent.
    An empty window switches off the rules that read it, all but "no traffic". Rules that
    cannot fire are listed in ``silent``.
    """
    now = log.clock() if now is None else now
    everything = log.frame()
    # what was known at ``now``: the predictions made by then, the outcomes arrived by then
    everything = everything[everything["ts"] <= now]
    everything = everything.assign(label=everything["label"].where(everything["label_ts"] <= now))
    window = everything[everything["ts"] > now - window_days * _DAY]
    decay = performance_decay(everything, baseline=baseline) if baseline is not None else {}
    why = {"auc_drop": NO_BASELINE if baseline is None else
           f"too few outcomes of loans made have arrived ({decay['labelled']:,} at the "
           "baseline's threshold)"}
    if window.empty:
        health = log_health(window)
        signals = {"requests": health["requests"], "auc_drop": decay.get("drop")}
        silent = [SilentRule(r.name, why.get(r.signal, NO_TRAFFIC), r.signal) for r in rules
                  if signals.get(r.signal) is None]
        return Snapshot(window, None, health, decay, signals, evaluate_rules(signals, rules),
                        silent)
    ok = window[window["status"] == "ok"]
    reference = log.reference()
    drift = None
    if reference is not None and len(ok) >= min_rows:
        drift = drift_report(reference, ok, features=[f for f in features if f in ok])
    health = log_health(window)
    signals = {**health, "auc_drop": decay.get("drop")}
    if drift is not None:
        signals.update(n_drifted=len(drift.drifted), dataset_drift=int(drift.dataset_drift),
                       max_psi=max(f.psi for f in drift.features))
    why.update({signal: NO_REFERENCE if reference is None else
                f"fewer than {min_rows} answered predictions in the window"
                for signal in DRIFT_SIGNALS})
    silent = [SilentRule(r.name, why.get(r.signal, f"no {r.signal} measured in the window"),
                         r.signal) for r in rules if signals.get(r.signal) is None]
    return Snapshot(window, drift, health, decay, signals, evaluate_rules(signals, rules),
                    silent)
