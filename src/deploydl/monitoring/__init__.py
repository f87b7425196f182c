"""Monitoring and maintenance (Module 06): the prediction log, drift tests, alerts,
dashboards, A/B tests, canary releases, the retraining policy and the maintenance window.

The names below are imported on first use (:mod:`deploydl.lazy`): the loan service imports
:mod:`~deploydl.monitoring.service` and :mod:`~deploydl.monitoring.window` at start-up, and
need not pay for SciPy's statistics and scikit-learn's metrics (the drift tests, the health
checks), which the package would otherwise import with them.
"""

from deploydl.lazy import lazy_exports

_MODULES = {
    ".abtest": ("ABResult", "TrafficSplit", "ab_test", "sample_size"),
    ".alerts": ("DEFAULT_RULES", "Alert", "AlertRule", "evaluate_rules", "snapshot"),
    ".dashboard": ("NO_DATA", "render_dashboard", "write_weekly_report"),
    ".drift": ("DriftReport", "chi2_test", "drift_report", "jensen_shannon", "ks_test", "psi",
               "wasserstein"),
    ".health": ("auc_interval", "log_health", "parse_metrics", "performance_by_period",
                "performance_decay", "performance_for_people", "service_health"),
    ".log": ("LoggedPrediction", "PredictionLog", "PredictionStore", "SimulatedClock"),
    ".maintenance": ("CanaryRelease", "RetrainingPolicy", "rollback_in_registry"),
    ".window": ("MaintenanceWindow", "OutsideMaintenanceWindow", "ReleasePermit",
                "window_from_settings"),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
