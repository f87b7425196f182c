"""Monitoring and maintenance (Module 06): the prediction log, drift tests, alerts,
dashboards, A/B tests, canary releases, the retraining policy and the maintenance window."""

from deploydl.monitoring.abtest import ABResult, TrafficSplit, ab_test, sample_size
from deploydl.monitoring.alerts import DEFAULT_RULES, Alert, AlertRule, evaluate_rules, snapshot
from deploydl.monitoring.dashboard import NO_DATA, render_dashboard, write_weekly_report
from deploydl.monitoring.drift import (
    DriftReport,
    chi2_test,
    drift_report,
    jensen_shannon,
    ks_test,
    psi,
    wasserstein,
)
from deploydl.monitoring.health import (
    log_health,
    parse_metrics,
    performance_by_period,
    performance_decay,
    service_health,
)
from deploydl.monitoring.log import (
    LoggedPrediction,
    PredictionLog,
    PredictionStore,
    SimulatedClock,
)
from deploydl.monitoring.maintenance import (
    CanaryRelease,
    RetrainingPolicy,
    rollback_in_registry,
)
from deploydl.monitoring.window import (
    MaintenanceWindow,
    OutsideMaintenanceWindow,
    ReleasePermit,
    window_from_settings,
)

__all__ = [
    "DEFAULT_RULES", "NO_DATA", "ABResult", "Alert", "AlertRule", "CanaryRelease", "DriftReport",
    "LoggedPrediction", "MaintenanceWindow", "OutsideMaintenanceWindow", "PredictionLog",
    "PredictionStore", "ReleasePermit",
    "RetrainingPolicy", "SimulatedClock", "TrafficSplit", "ab_test", "chi2_test",
    "drift_report", "evaluate_rules", "jensen_shannon", "ks_test", "log_health",
    "parse_metrics", "performance_by_period", "performance_decay", "psi",
    "render_dashboard", "sample_size", "service_health", "snapshot", "wasserstein",
    "rollback_in_registry", "window_from_settings", "write_weekly_report",
]
