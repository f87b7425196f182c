"""Every chart's legend is drawn at the house 13 pt, not matplotlib's 10 pt.

:func:`deploydl.present.charts.new_figure` applies the course style only while it makes the
figure, so a legend added afterwards used to fall back to matplotlib's default; every chart now
draws its legend with :func:`deploydl.present.charts.legend`. The brief's two charts are
checked in tests/communication/test_brief.py (they need a capstone run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from chart_checks import assert_legend_readable

import deploydl

SOURCE = Path(deploydl.__file__).parent


def test_every_legend_in_the_package_is_drawn_by_the_course_helper():
    calls = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "present" / "charts.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "legend"):
                calls.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert not calls, f"use deploydl.present.charts.legend(ax, ...) instead of .legend at {calls}"


def test_the_helper_keeps_a_size_a_chart_asks_for():
    from deploydl.present.charts import legend, new_figure

    fig, ax = new_figure("t", xlabel="x", ylabel="y")
    ax.plot([0, 1], [0, 1], label="line")
    assert legend(ax, title="key").get_texts()[0].get_fontsize() == 13
    assert ax.get_legend().get_title().get_fontsize() == 13
    assert legend(ax, fontsize=16).get_texts()[0].get_fontsize() == 16
    plt.close(fig)


def _applicants():
    from deploydl.data import make_applicants

    return make_applicants(60, seed=0)


def _lineage(**draw):
    from deploydl.governance.lineage import Lineage

    table = _applicants()
    lineage = Lineage()
    lineage.register("raw_rows", table)
    lineage.derive("clean_rows", table.head(50), inputs=["raw_rows"], step="clean")
    lineage.derive("features", table.head(40), inputs=["clean_rows"], step="features")
    if "erasure" in draw:
        from deploydl.governance.privacy import ErasureReport

        draw["erasure"] = ErasureReport(rows_removed={"clean_rows": 1},
                                        datasets_to_rebuild=["features"],
                                        models_to_retrain=[], rows_kept={"raw_rows": 1})
    return lineage.draw(title="lineage", **draw)


def _charts():
    from deploydl.capstone.charts import before_after_chart
    from deploydl.deploy.serverless import compare_hosting, hosting_chart
    from deploydl.efficiency.bench_report import plot_results
    from deploydl.evaluation.charts import cross_validation_chart, threshold_cost_chart
    from deploydl.evaluation.metrics import CVResult
    from deploydl.monitoring.alarm_days import drift_days_chart
    from deploydl.monitoring.dashboard import drift_chart
    from deploydl.monitoring.drift import DriftReport, FeatureDrift
    from deploydl.responsible.charts import approval_rates_chart, proxy_chart, tradeoff_chart

    bench = {"summary": [
        {"server": s, "batch": 1, "concurrency": 1, "predictions_per_s": v, "p99_ms": 5.0}
        for s, v in (("course", 300.0), ("naive", 200.0))]}
    log = pd.DataFrame({"ts": [86_400 * d for d in (0, 1, 2, 3)],
                        "credit_history_years": [8.0, 8.5, 6.0, 5.0]})
    drift = DriftReport((FeatureDrift("income", "numeric", "ks", 0.3, 0.0, 0.0, 0.4, True),
                         FeatureDrift("debt_ratio", "numeric", "ks", 0.01, 0.9, 1.0, 0.02, False)),
                        share_drifted=0.5, dataset_drift=True, n_reference=100, n_current=100)
    curve = pd.DataFrame({"strength": [0.0, 0.5, 1.0], "accuracy": [0.70, 0.69, 0.68],
                          "demographic_parity_difference": [0.3, 0.15, 0.05]})
    daily = pd.DataFrame({"day": [0, 1, 2], "n_drifted": [0, 1, 3],
                          "dataset_drift": [False, False, True]})
    return {
        "cross_validation_chart": lambda: cross_validation_chart(
            CVResult(metric="roc_auc", folds=(0.7, 0.72, 0.74), mean=0.72, std=0.016)),
        "threshold_cost_chart": lambda: threshold_cost_chart(
            np.array([1, 0, 0, 0]), np.array([0.3, 0.25, 0.1, 0.05]), rule=0.2, hindsight=0.26),
        "approval_rates_chart": lambda: approval_rates_chart(
            pd.Series({"under_30": 0.4, "30_to_50": 0.6, "over_50": 0.7}), ratio=0.57),
        "tradeoff_chart": lambda: tradeoff_chart(curve),
        "proxy_chart": lambda: proxy_chart(pd.Series({"income": 0.01, "region": 0.2,
                                                      "credit_history_years": 0.1})),
        "drift_days_chart": lambda: drift_days_chart(daily, drift_day=2),
        "drift_chart": lambda: drift_chart(drift),
        "hosting_chart": lambda: hosting_chart(
            compare_hosting(3_000, ms_per_request=5.0, cold_start_s=3.0), replicas=2),
        "lineage.draw (highlight)": lambda: _lineage(highlight="clean_rows"),
        "lineage.draw (erasure)": lambda: _lineage(erasure=True),
        "plot_results": lambda: plot_results(bench),
        "before_after_chart": lambda: before_after_chart(log, change_day=2, alarm_day=2),
    }


@pytest.mark.parametrize("name", list(_charts()))
def test_every_chart_draws_its_legend_at_13_pt(name):
    fig = _charts()[name]()
    try:
        assert_legend_readable(fig)
    finally:
        plt.close(fig)
