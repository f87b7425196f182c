"""Monitoring and maintenance (Module 06): the prediction log, drift tests, alerts,
dashboards, A/B tests, canary releases, the retraining policy and the maintenance window.

The names below are imported on first use (:mod:`deploydl.lazy`): the loan service imports
:mod:`~deploydl.monitoring.service` and :mod:`~deploydl.monitoring.window` at start-up, and
need not pay for SciPy's statistics and scikit-learn's metrics (the drift tests, the health
checks), which the package would otherwise import with them.
"""

from typing import TYPE_CHECKING

from deploydl.lazy import lazy_exports

if TYPE_CHECKING:  # the same names, imported at once, for the type checker only (a test
    # checks they match _WHERE; pyproject.toml tells ruff they are the package's exports)
    from deploydl.monitoring.abtest import ABResult, TrafficSplit, ab_test, sample_size
    from deploydl.monitoring.alerts import DEFAULT_RULES, Alert, AlertRule, evaluate_rules, snapshot
    from deploydl.monitoring.dashboard import (
        NO_DATA,
        render_dashboard,
        write_review,
        write_weekly_report,
    )
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
        DecayBaseline,
        approved_baseline,
        auc_interval,
        log_health,
        parse_metrics,
        performance_by_period,
        performance_decay,
        performance_for_people,
        period_label,
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

_MODULES = {
    ".abtest": ("ABResult", "TrafficSplit", "ab_test", "sample_size"),
    ".alerts": ("DEFAULT_RULES", "Alert", "AlertRule", "evaluate_rules", "snapshot"),
    ".dashboard": ("NO_DATA", "render_dashboard", "write_review", "write_weekly_report"),
    ".drift": ("DriftReport", "chi2_test", "drift_report", "jensen_shannon", "ks_test", "psi",
               "wasserstein"),
    ".health": ("DecayBaseline", "approved_baseline", "auc_interval", "log_health",
                "parse_metrics", "performance_by_period", "performance_decay",
                "performance_for_people", "period_label", "service_health"),
    ".log": ("LoggedPrediction", "PredictionLog", "PredictionStore", "SimulatedClock"),
    ".maintenance": ("CanaryRelease", "RetrainingPolicy", "rollback_in_registry"),
    ".window": ("MaintenanceWindow", "OutsideMaintenanceWindow", "ReleasePermit",
                "window_from_settings"),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
