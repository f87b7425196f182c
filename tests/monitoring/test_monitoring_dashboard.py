"""Dashboards, alerts and service health (Module 06)."""

import html
import re

import pytest
from fastapi.testclient import TestClient
from html_checks import SHADED_BOLD, header_looks, header_scopes
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from widget_checks import assert_sliders_named

from deploydl.data import FEATURES, apply_drift
from deploydl.monitoring import (
    NO_DATA,
    AlertRule,
    PredictionLog,
    SimulatedClock,
    evaluate_rules,
    service_health,
    snapshot,
    write_review,
    write_weekly_report,
)
from deploydl.monitoring.alerts import NO_BASELINE, NO_TRAFFIC
from deploydl.monitoring.explorer import DriftAlarmExplorer, describe_alarm
from deploydl.serving import create_app


def test_both_dashboards_say_no_data_yet_on_an_empty_database(model, tmp_path):
    log = PredictionLog(tmp_path / "empty.db")
    page = TestClient(create_app(model, prediction_log=log)).get("/dashboard")
    assert page.status_code == 200 and NO_DATA in page.text
    assert "INFO</span> no traffic" in page.text  # and what to check
    assert "Switched off: 6 rules cannot fire" in page.text  # not "all is watched"
    report = write_weekly_report(log, tmp_path / "report.html").read_text(encoding="utf-8")
    assert NO_DATA in report and "http" not in report and "no traffic" in report


@pytest.fixture
def drifted(model, applicants, tmp_path):
    """A service that has answered one batch of 200 drifted applicants: its log and client."""
    log = PredictionLog(tmp_path / "live.db", clock=SimulatedClock(1_700_000_000))
    log.set_reference(applicants[list(FEATURES)])
    client = TestClient(create_app(model, prediction_log=log))
    batch = apply_drift(applicants.head(200), "pipeline_bug")[list(FEATURES)]
    client.post("/predict", json={"applicants": batch.to_dict("records")})
    return log, client


def test_dashboard_shows_traffic_drift_and_alerts(drifted, tmp_path):
    log, client = drifted
    page = client.get("/dashboard").text
    assert '<tr><th scope="row">Predictions</th><td>200</td></tr>' in page  # one batch of 200
    assert '<tr><th scope="row">Requests</th><td>1</td></tr>' in page
    assert '<tr><th scope="row">Error rate</th><td>0.00%</td></tr>' in page
    assert "credit_history_years" in page and "DRIFT" in page
    assert "WARNING" in page and "Runbook" in page  # drift alone warns; decay pages
    assert "CRITICAL" not in page
    assert "http://" not in page and "https://" not in page
    report = write_weekly_report(log, tmp_path / "week.html").read_text(encoding="utf-8")
    assert report.count("data:image/png;base64,") == 2 and "https://" not in report
    assert 'alt="chart"' not in report
    assert '<img alt="200 predictions this week, 200 on the busiest day (all by model ' in report
    assert "features drifted; largest shift:" in report
    week = snapshot(log, window_days=7)  # the snapshot a notebook has already printed
    assert write_review(week, tmp_path / "review.html").read_text(encoding="utf-8") == report


#: The traffic facts of one model version's window: Window, Predictions, Requests, Referred to
#: underwriters, Error rate, Latency and the version's predictions.
TRAFFIC_FACTS = 7
#: The drift table's columns: feature, test, statistic, p, PSI, the PSI bar and the verdict.
DRIFT_COLUMNS = 7


def test_each_header_names_its_row_or_column_for_a_screen_reader(drifted, tmp_path):
    """The traffic facts name their rows, the drift table's head its columns and each drift
    row its feature (``scope``), so a screen reader says "Error rate" with 0.00%, and "PSI"
    and the feature's name with each feature's PSI."""
    log, client = drifted
    report = write_weekly_report(log, tmp_path / "week.html").read_text(encoding="utf-8")
    for page in (client.get("/dashboard").text, report):
        assert header_scopes(page) == (["row"] * TRAFFIC_FACTS + ["col"] * DRIFT_COLUMNS
                                       + ["row"] * len(FEATURES))


def test_every_column_of_the_drift_table_has_a_name(drifted):
    """The PSI bars' column had an empty header: a screen reader said nothing for it."""
    page = drifted[1].get("/dashboard").text
    drift = page.split("<h2>Drift per feature</h2>")[1].split("</tr>")[0]
    names = [html.unescape(name).strip()
             for name in re.findall(r'<th scope="col">(.*?)</th>', drift)]
    assert len(names) == DRIFT_COLUMNS and all(names), names
    assert "PSI bar (full at 0.5)" in names
    bars = re.findall(r'<div class="bar" style="width:(\d+)%" role="img" aria-label="(\d+)% full">',
                      page)
    assert bars and all(width == said for width, said in bars), bars  # the bar says how full


def test_each_drift_row_is_named_by_its_feature(drifted):
    """A screen reader announces a cell's feature with it: the first cell is a row header."""
    page = drifted[1].get("/dashboard").text
    table = page.split("<h2>Drift per feature</h2>")[1].split("</table>")[0]
    rows = table.split("</tr>")[1:-1]
    assert rows and all(re.match(r'<tr[^>]*><th scope="row">\w+</th>', row) for row in rows), rows


@pytest.mark.browser
def test_the_traffic_facts_stay_shaded_and_bold_as_the_head_row(drifted):
    """The page shell draws a row header as a plain cell; the monitor's facts and the drift
    table's feature names keep the look of the drift table's head row."""
    looks = header_looks(drifted[1].get("/dashboard").text)
    assert looks == [SHADED_BOLD] * (TRAFFIC_FACTS + DRIFT_COLUMNS + len(FEATURES))


def test_the_dashboard_names_the_rules_that_cannot_fire(model, applicants, tmp_path):
    """A service started without reference data or a baseline (deploydl serve --log) watches
    only errors, latency and traffic: the page says which rules are off and why, instead of a
    bare "No alert is firing"."""
    from deploydl.evaluation.decision import decides_at
    from deploydl.monitoring import approved_baseline
    from deploydl.monitoring.alerts import NO_BASELINE, NO_REFERENCE

    log = PredictionLog(tmp_path / "bare.db")
    client = TestClient(create_app(model, prediction_log=log))
    rows = applicants[list(FEATURES)].head(50)
    client.post("/predict", json={"applicants": rows.to_dict("records")})
    assert [(r.name, r.reason) for r in snapshot(log).silent] == [
        ("feature drift", NO_REFERENCE), ("dataset drift", NO_REFERENCE),
        ("population shift", NO_REFERENCE), ("performance decay", NO_BASELINE)]
    page = client.get("/dashboard").text
    assert "No alert is firing among the rules that are switched on." in page
    assert "Switched off: 4 rules cannot fire" in page
    assert ("<li><strong>feature drift, dataset drift, population shift</strong>: "
            f"{html.escape(NO_REFERENCE)}.</li>") in page
    assert f"<li><strong>performance decay</strong>: {html.escape(NO_BASELINE)}.</li>" in page
    assert f"No drift check: {html.escape(NO_REFERENCE)}." in page  # the reason, not a guess
    report = write_weekly_report(log, tmp_path / "week.html").read_text(encoding="utf-8")
    assert "Switched off: 4 rules cannot fire" in report

    log.set_reference(applicants[list(FEATURES)])
    baseline = approved_baseline(applicants["default"],
                                 model.predict_proba(applicants[list(FEATURES)]),
                                 threshold=decides_at(model, None))  # the service's
    watched = snapshot(log, baseline=baseline)
    assert [r.name for r in watched.silent] == ["performance decay"]  # no outcome yet
    assert watched.silent[0].reason.startswith("too few outcomes of loans made")
    few = snapshot(log, min_rows=100)  # 50 predictions: too few for a drift check
    assert few.silent[0].reason == "fewer than 100 answered predictions in the window"


def test_the_live_dashboard_reloads_only_when_asked(model, tmp_path):
    """A reload sends a screen reader back to the top: the page offers it, never imposes it."""
    log = PredictionLog(tmp_path / "live.db")
    client = TestClient(create_app(model, prediction_log=log))
    plain = client.get("/dashboard").text
    assert 'http-equiv="refresh"' not in plain and 'href="dashboard?refresh=15"' in plain
    live = client.get("/dashboard?refresh=15").text
    assert '<meta http-equiv="refresh" content="15">' in live and 'href="dashboard"' in live
    assert client.get("/dashboard?refresh=0").status_code == 422


def test_snapshot_signals_feed_the_rules(model, applicants, tmp_path):
    log = PredictionLog(tmp_path / "s.db")
    log.set_reference(applicants[list(FEATURES)])
    client = TestClient(create_app(model, prediction_log=log))
    client.post("/predict", json={"applicants": applicants[list(FEATURES)].head(100)
                                  .to_dict("records")})
    snap = snapshot(log)
    assert snap.signals["requests"] == 1 and snap.signals["n_drifted"] == 0
    assert [a.name for a in snap.alerts] == []
    rule = AlertRule("busy", "info", "requests", 1, runbook="Say hello.")
    assert [a.name for a in evaluate_rules(snap.signals, (rule,))] == ["busy"]


def test_the_window_ends_now_by_the_logs_clock(tmp_path):
    from deploydl.monitoring import LoggedPrediction

    clock = SimulatedClock(1_700_000_000)
    log = PredictionLog(":memory:", clock=clock)
    for day, wait in ((0.0, 0.0), (5.0, 5.0), (6.5, 1.5), (7.0, 0.5)):  # four requests
        clock.advance(days=wait)
        log.record([LoggedPrediction(f"r{day}", "m", "1", {"income": 1.0}, 0.1, "approve",
                                     latency_ms=1.0)])
    # Now is day 7. A day back: days 6.5 and 7. A week back: day 0 is exactly 7 days old, out.
    assert snapshot(log, window_days=1).signals["requests"] == 2
    assert snapshot(log, window_days=7).signals["requests"] == 3
    assert snapshot(log, window_days=0.25).signals["requests"] == 1
    assert snapshot(log, window_days=1, now=clock() - 86_400 * 2).signals["requests"] == 1
    report = write_weekly_report(log, tmp_path / "week.html").read_text(encoding="utf-8")
    assert '<tr><th scope="row">Predictions</th><td>3</td></tr>' in report
    assert [a.name for a in snapshot(log).alerts] == []

    clock.advance(days=30)  # the loan system stopped calling: a quiet month, not a busy day
    quiet = snapshot(log)
    assert quiet.empty and quiet.signals == {"requests": 0, "auc_drop": None}
    assert [a.name for a in quiet.alerts] == ["no traffic"]
    assert {(r.name, r.reason) for r in quiet.silent} == {
        *((name, NO_TRAFFIC) for name in ("feature drift", "dataset drift", "population shift",
                                          "error rate", "slow answers")),
        ("performance decay", NO_BASELINE)}  # decay reads outcomes, not the window


def test_service_health_reads_prometheus_text():
    registry = CollectorRegistry()
    requests = Counter("deploydl_requests_total", "requests", ["path", "status"],
                       registry=registry)
    latency = Histogram("deploydl_request_latency_seconds", "latency", ["path"],
                        registry=registry, buckets=(0.005, 0.01, 0.05, 0.1))
    requests.labels("/predict", "200").inc(95)
    requests.labels("/health", "200").inc(1000)
    before = generate_latest(registry).decode()
    requests.labels("/predict", "500").inc(5)
    for seconds in [0.003] * 80 + [0.04] * 20:
        latency.labels("/predict").observe(seconds)
    health = service_health(generate_latest(registry).decode())
    assert health["requests"] == 100 and health["error_rate"] == 0.05
    assert health["latency_p50_ms"] == 5 and health["latency_p95_ms"] == 50
    assert service_health(generate_latest(registry).decode(), before=before)["error_rate"] == 1


def test_service_health_reads_the_live_service(model, one_applicant):
    client = TestClient(create_app(model))
    for _ in range(3):
        client.post("/predict", json=one_applicant)
    health = service_health(client.get("/metrics").text)
    assert health["requests"] == 3 and health["errors"] == 0
    assert health["latency_p95_ms"] is not None


def test_alarm_explorer_updates_without_a_browser(model, applicants):
    explorer = DriftAlarmExplorer(model, applicants, days=14, start_day=7, per_day=200)
    assert explorer.result["scenario"] == "inflation" and explorer.result["delay_days"] <= 2
    explorer.scenario.value = "pipeline_bug"
    assert explorer.result["scenario"] == "pipeline_bug"
    assert "zero" in explorer.message.value and "alarm fires" in explorer.message.value
    assert_sliders_named(explorer.widget, sliders=1)


def test_the_alarm_prices_each_drifted_day_at_its_average_cost(model, applicants):
    """A drifted day costs the same on average whenever the alarm fires, so the cost by the
    alarm never exceeds the cost by the month's end (a few loans at 110 a day would swing it).
    Every month is priced on the same sample, so a scenario has one price a day: lesson 06
    quotes the strong inflation's from a month's table and from the release trade-off."""
    from deploydl.monitoring.drift_cost import alarm_and_cost, drift_cost_per_day

    result = alarm_and_cost(model, applicants, scenario="inflation", strength=1.0, days=14,
                            start_day=7, priced_on=2000, seed=3)
    daily = result["cost_per_day"]
    assert daily == round(drift_cost_per_day(model, scenario="inflation", strength=1.0,
                                             priced_on=2000), -2) and daily % 100 == 0
    assert result["cost_if_missed"] == daily * 7
    if result["alarm_day"] is not None:
        assert result["cost_until_alarm"] == daily * (result["delay_days"] + 1)
    assert result["cost_until_alarm"] <= result["cost_if_missed"]


def test_missed_drift_is_priced_at_the_course_costs(model):
    from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
    from deploydl.monitoring.drift_cost import cost_of_missed_drift
    from deploydl.monitoring.traffic import simulate_traffic

    clean = simulate_traffic(days=4, per_day=200, start_day=1, seed=1)
    drifted = simulate_traffic(days=4, per_day=200, scenario="inflation", start_day=1, seed=1)
    result = cost_of_missed_drift(model, drifted, clean, until_day=4)
    assert result["cost"] == (max(result["extra_bad_loans"], 0) * DEFAULT_COSTS.bad_loan_approved
                              + max(result["extra_referred"], 0)
                              * DEFAULT_COSTS.good_customer_turned_away)
    doubled = cost_of_missed_drift(model, drifted, clean, until_day=4,
                                   costs=ErrorCosts(2 * DEFAULT_COSTS.bad_loan_approved,
                                                    2 * DEFAULT_COSTS.good_customer_turned_away))
    assert doubled["cost"] == 2 * result["cost"]


def test_drift_chart_names_features_plainly_and_explains_its_colours():
    import matplotlib.pyplot as plt

    from deploydl.monitoring.dashboard import drift_chart
    from deploydl.monitoring.drift import DriftReport, FeatureDrift

    features = (FeatureDrift("credit_history_years", "numeric", "ks", 0.2, 0.0, 0.0, 0.31, True),
                FeatureDrift("income", "numeric", "ks", 0.01, 0.9, 1.0, 0.01, False))
    fig = drift_chart(DriftReport(features, share_drifted=0.5, dataset_drift=True,
                                  n_reference=10, n_current=10))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["income", "credit history (years)"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "drifted (the test flagged it)", "stable"]
    # PSI sizes a shift; the test decides drift (a drifted bar at 0.13 sat under "significant")
    assert ax.get_xlabel() == "PSI: the size of the shift (0.25 or more = large)"
    assert ax.get_title(loc="left") == ("1 of 2 features drifted;\nlargest shift: credit "
                                        "history (years), PSI 0.31")
    plt.close(fig)


def test_performance_for_people_reads_coverage_as_percent_and_names_too_few_labels():
    import numpy as np
    import pandas as pd

    from deploydl.monitoring import performance_for_people

    weekly = pd.DataFrame({"period": ["2026-03-02/2026-03-08", "2026-03-09/2026-03-15",
                                      "2026-03-16/2026-03-22"],
                           "predictions": [300, 2100, 2100],
                           "labelled": [300, 0, 40], "coverage": [1.0, 0.0, 0.02],
                           "auc": [0.79312, np.nan, np.nan], "auc_low": [0.7412, np.nan, np.nan],
                           "auc_high": [0.8451, np.nan, np.nan]})
    shown = performance_for_people(weekly, first="2026-03-02 08:00", last="2026-03-22 18:00")
    assert list(shown.columns) == ["period", "predictions", "labelled", "coverage", "AUC",
                                   "AUC, 95% range"]
    assert list(shown["period"]) == ["2\u20138 Mar", "9\u201315 Mar", "16\u201322 Mar"]
    assert list(shown["coverage"]) == ["100%", "0%", "2%"]
    # as the weekly chart says it (a review found the table's "too few labels" for none)
    assert list(shown["AUC"]) == ["0.793", "no labels yet", "too few labels"]
    assert list(shown["AUC, 95% range"]) == ["0.74 to 0.85", "", ""]


def test_auc_interval_matches_the_spread_of_the_auc_over_resamples():
    import numpy as np
    import pandas as pd
    from sklearn.metrics import roc_auc_score

    from deploydl.monitoring import auc_interval

    rng = np.random.default_rng(0)
    labels = pd.Series(rng.random(600) < 0.2).astype(int)
    scores = rng.normal(labels * 0.9, 1.0)
    auc = roc_auc_score(labels, scores)
    low, high = auc_interval(labels, scores)
    resampled = []
    for _ in range(400):
        pick = rng.integers(0, len(labels), len(labels))
        resampled.append(roc_auc_score(labels.iloc[pick], scores[pick]))
    spread = 1.96 * np.std(resampled)
    assert (low + high) / 2 == pytest.approx(auc)
    tied = scores.round(1)                     # ties count half, as in the AUC itself
    assert sum(auc_interval(labels, tied)) / 2 == pytest.approx(roc_auc_score(labels, tied))
    assert (high - low) / 2 == pytest.approx(spread, rel=0.1)
    assert auc_interval(pd.Series([1, 0, 0, 0]), [0.9, 0.1, 0.2, 0.3]) == (0.0, 1.0)  # 1 case
    more_low, more_high = auc_interval(pd.concat([labels] * 4), np.tile(scores, 4))
    assert more_high - more_low == pytest.approx((high - low) / 2, rel=0.05)  # 4x labels


def test_performance_by_period_gives_each_judged_period_a_range_and_none_to_the_rest():
    import numpy as np
    import pandas as pd

    from deploydl.monitoring import performance_by_period

    rng = np.random.default_rng(1)
    label = (rng.random(400) < 0.3).astype(float)
    label[300:] = np.nan                       # the second week's outcomes are not in yet
    frame = pd.DataFrame({
        "status": "ok", "label": label, "probability": rng.random(400) * 0.5 + label * 0.3,
        "time": pd.to_datetime(np.where(np.arange(400) < 300, "2026-03-02", "2026-03-10"),
                               utc=True)})
    weekly = performance_by_period(frame, freq="W", min_labels=200)
    first, second = weekly.iloc[0], weekly.iloc[1]
    assert first["auc_low"] < first["auc"] < first["auc_high"]
    assert (second["labelled"], np.isnan(second["auc"]), np.isnan(second["auc_low"])) == (
        0, True, True)
    assert len(performance_by_period(frame, freq="D", min_labels=200)) == 2
    for freq in ("M", "h"):  # periods period_label cannot write for people
        with pytest.raises(ValueError, match=f"freq must be 'D' .* or 'W' .*; got '{freq}'"):
            performance_by_period(frame, freq=freq)


def test_the_alarm_sentence_writes_money_in_the_unit_asked_for():
    fired = {"scenario": "pipeline_bug", "strength": 0.3, "alarm_day": 10, "delay_days": 0,
             "cost_until_alarm": 8000.0, "cost_if_missed": 142000.0}
    assert describe_alarm(fired).endswith(
        "the drift cost $8,000 by then, against $142,000 if nobody looked until the end of the "
        "month.")
    never = {**fired, "alarm_day": None}
    assert describe_alarm(never, unit="USD ").endswith(
        "the alarm never fires; the drift costs USD 142,000 by the end of the month.")


def _traffic_figure(versions: list[str]):
    """The page's traffic chart for a week whose predictions come from ``versions``."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from deploydl.monitoring import dashboard

    drawn = []
    days = pd.date_range("2026-03-23", periods=7, freq="D", tz="UTC")
    window = pd.DataFrame({"time": list(days) * len(versions),
                           "model_version": [v for v in versions for _ in days]})
    snap = type("Snap", (), {"window": window, "drift": None})()
    real_chart = dashboard.chart
    dashboard.chart = lambda fig: drawn.append(fig) or ("data:,", "alt")
    try:
        dashboard._charts(snap)
    finally:
        dashboard.chart = real_chart
    plt.close("all")
    return drawn[0]


def test_the_traffic_chart_names_its_days_and_puts_a_legend_only_beside_the_bars():
    """Its legend covered the last day's bar, and pandas wrote "time" over "day (UTC)"."""
    one = _traffic_figure(["1.0.0"])
    assert one.axes[0].get_xlabel() == "day (UTC)" and one.axes[0].get_legend() is None
    assert one.axes[0].get_title(loc="left").endswith("(all by model 1.0.0)")
    two = _traffic_figure(["1.0.0", "1.1.0"]).axes[0]
    assert two.get_legend().get_bbox_to_anchor().x0 >= two.get_window_extent().x1 - 1
