"""Is the model still good, and is the service healthy? (Module 06)

* **Performance decay.** A loan's true outcome arrives months after the prediction, so
  accuracy can only be measured on the predictions whose labels have come in.
  :func:`performance_by_period` says, per period, how many labels are in and how well the
  model ranks them (ROC AUC); :func:`performance_decay` compares with the AUC at training,
  measured by :func:`approved_baseline` on the same kind of applicants: those the service
  approves, the only ones whose outcomes ever arrive.
* **Latency and errors.** :func:`service_health` reads the service's ``/metrics`` page
  (Prometheus text format) and :func:`log_health` reads the prediction log.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from prometheus_client.parser import text_string_to_metric_families

from deploydl.evaluation.metrics import roc_auc


def performance_by_period(frame: pd.DataFrame, *, freq: str = "D",
                          min_labels: int = 50) -> pd.DataFrame:
    """Per period of prediction time: predictions, labels in, and ROC AUC on those labels.

    ``freq`` is ``"D"`` (days) or ``"W"`` (weeks, Monday to Sunday; ``"W-SAT"`` and the like
    end on another day), the periods :func:`period_label` writes for people. ``auc`` is NaN
    where fewer than ``min_labels`` labels (or only one class) have arrived: too few to judge.
    ``auc_low`` and ``auc_high`` bound the range where the period's true AUC lies with 95%
    confidence (:func:`auc_interval`): two periods whose ranges overlap may differ by chance.
    """
    if freq != "D" and freq.split("-")[0] != "W":
        raise ValueError(f"freq must be 'D' (days) or 'W' (weeks); got {freq!r}. A month or an "
                         "hour has no label for people here: count days or weeks.")
    ok = frame[frame["status"] == "ok"]
    rows = []
    for period, group in ok.groupby(ok["time"].dt.tz_localize(None).dt.to_period(freq)):
        labelled = group[group["label"].notna()]
        enough = len(labelled) >= min_labels and labelled["label"].nunique() == 2
        auc = roc_auc(labelled["label"], labelled["probability"]) if enough else np.nan
        low, high = (auc_interval(labelled["label"], labelled["probability"]) if enough
                     else (np.nan, np.nan))
        rows.append({"period": str(period), "predictions": len(group),
                     "labelled": len(labelled), "coverage": len(labelled) / len(group),
                     "auc": auc, "auc_low": low, "auc_high": high})
    return pd.DataFrame(rows, columns=["period", "predictions", "labelled", "coverage", "auc",
                                       "auc_low", "auc_high"])


def auc_interval(labels: pd.Series, scores: pd.Series, *,
                 z: float = 1.96) -> tuple[float, float]:
    """The range, the ROC AUC of ``scores`` plus or minus ``z`` standard errors (95% for 1.96),
    where the true AUC of the population behind these labels (1 = defaulted) likely lies,
    clipped to 0..1.

    The standard error is DeLong's (Biometrics, 1988): how much the AUC would move if the
    same number of defaulters and repayers were drawn again. A few hundred labels leave a
    range several points wide. With fewer than two of either class the AUC could be anything:
    the range is 0 to 1.
    """
    y = np.asarray(labels) == 1
    s = np.asarray(scores, dtype=float)
    positive, negative = np.sort(s[y]), np.sort(s[~y])
    if min(len(positive), len(negative)) < 2:
        return 0.0, 1.0
    # Each defaulter's share of repayers scored below it, and each repayer's share of
    # defaulters scored above it (ties count half); their means are the AUC.
    above = (np.searchsorted(negative, positive, "left")
             + np.searchsorted(negative, positive, "right")) / (2 * len(negative))
    below = 1 - (np.searchsorted(positive, negative, "left")
                 + np.searchsorted(positive, negative, "right")) / (2 * len(positive))
    auc = float(above.mean())
    half = z * float(np.sqrt(above.var(ddof=1) / len(positive)
                             + below.var(ddof=1) / len(negative)))
    return max(0.0, auc - half), min(1.0, auc + half)


def _day(moment) -> pd.Timestamp:
    """The calendar day of a time, in the log's own clock (as :func:`performance_by_period`
    groups it)."""
    stamp = pd.Timestamp(moment)
    return (stamp.tz_localize(None) if stamp.tzinfo else stamp).normalize()


def period_label(period: str, *, first, last, sep: str = " ") -> str:
    """A period of :func:`performance_by_period` as a person writes it.

    ``period`` is a week ("2026-03-02/2026-03-08", written "2–8 Mar") or a day
    ("2026-03-01", written "1 Mar"), cut to the days ``first`` to ``last`` that the log
    covers (the times of its first and last predictions). A period the log covers only in
    part gives its day count after ``sep``, as in "1 Mar (1 day)", so a day is not read as a
    week; a chart passes ``sep="\\n"`` to put the count on a line of its own. Raises
    ValueError when the period lies outside ``first`` to ``last``.
    """
    bounds = [pd.Timestamp(day) for day in period.split("/")]
    start, end = max(bounds[0], _day(first)), min(bounds[-1], _day(last))
    if end < start:
        raise ValueError(f"The period {period!r} lies outside the log's days {_day(first):%Y-%m-%d}"
                         f" to {_day(last):%Y-%m-%d}; pass the times of the first and last "
                         "predictions of the log the table was made from as first and last.")
    days = (end - start).days + 1
    head = "" if days == 1 else (f"{start.day}\u2013" if start.month == end.month
                                 else f"{start.day} {start:%b}\u2013")
    text = f"{head}{end.day} {end:%b}"
    whole = (bounds[-1] - bounds[0]).days + 1
    return text if days == whole else f"{text}{sep}({days} day{'s' * (days != 1)})"


def performance_for_people(table: pd.DataFrame, *, first, last) -> pd.DataFrame:
    """:func:`performance_by_period` as a person reads it: each period as the chart labels it
    (:func:`period_label`, with ``first`` and ``last`` the times of the log's first and last
    predictions), coverage as a percentage, the AUC to 3 places with its 95% range, or, where
    there were too few to judge, "no labels yet" or "too few labels", as the weekly chart
    says (:func:`deploydl.monitoring.charts.weekly_performance_chart`)."""
    too_few = table["auc"].isna()
    return table.assign(
        period=[period_label(p, first=first, last=last) for p in table["period"]],
        coverage=table["coverage"].map("{:.0%}".format),
        auc=[f"{auc:.3f}" if not gap else "no labels yet" if labelled == 0 else "too few labels"
             for gap, auc, labelled in zip(too_few, table["auc"], table["labelled"],
                                           strict=True)],
        auc_range=[("" if gap else f"{low:.2f} to {high:.2f}")
                   for gap, low, high in zip(too_few, table["auc_low"], table["auc_high"],
                                             strict=True)],
    ).drop(columns=["auc_low", "auc_high"]).rename(
        columns={"auc": "AUC", "auc_range": "AUC, 95% range"})


@dataclass(frozen=True)
class DecayBaseline:
    """The AUC the decay alert compares with: the model's ranking, at training time, of the
    applicants a service deciding at ``threshold`` approves (``approved`` of them), the only
    ones whose outcomes a bank ever sees. Make it with :func:`approved_baseline`.

    ``auc`` is that ROC AUC (0.5 = chance, 1 = perfect); ``threshold`` is the service's
    cut-off on the chance of default (0..1): applicants scored below it are approved;
    ``approved`` counts the applicants the AUC was measured on.
    """

    auc: float
    threshold: float
    approved: int


def approved_baseline(labels, scores, *, threshold: float,
                      min_labels: int = 200) -> DecayBaseline:
    """The baseline for :func:`performance_decay`, measured like for like.

    ``labels`` (1 = defaulted) and ``scores`` (probability of default) are a validation or
    test set the model never trained on; ``threshold`` is the service's (it refers at or
    above it). Only the applicants scored below it are kept: those whose loans are made and
    whose outcomes arrive. Their AUC is lower than everyone's, because the riskiest, easiest
    to rank, are referred; comparing arrived labels with the AUC on everyone would show a
    drop that is not there. Raises ValueError with fewer than ``min_labels`` approved
    applicants or only one outcome among them.
    """
    y, s = np.asarray(labels), np.asarray(scores, dtype=float)
    approved = s < threshold
    if approved.sum() < min_labels or len(np.unique(y[approved])) < 2:
        raise ValueError(f"Only {int(approved.sum())} applicants are scored below the threshold "
                         f"{threshold:g} (with both outcomes); measure the baseline on at least "
                         f"{min_labels}: use a larger validation set.")
    return DecayBaseline(auc=roc_auc(y[approved], s[approved]), threshold=float(threshold),
                         approved=int(approved.sum()))


def performance_decay(frame: pd.DataFrame, *, baseline: DecayBaseline, tolerance: float = 0.05,
                      min_labels: int = 200) -> dict:
    """Has the model's ranking got worse than at training time?

    Outcomes arrive only for the loans made, and the approved applicants are harder to rank
    than everyone (the riskiest were referred). So both sides are measured on approved
    applicants alone: ``baseline`` comes from :func:`approved_baseline` at the service's
    threshold (a bare AUC measured on everyone is refused, because it would page someone the
    first week labels arrive, with no decay at all), and only labelled predictions scored
    below ``baseline.threshold`` count here, even if the log holds outcomes for referred
    applicants too (a simulation knows them all).

    Only predictions decided at the baseline's threshold count (and those logged before the
    log kept thresholds): after a release at a new threshold, the outcomes of loans the old
    threshold approved are a different population, so they are left out and counted.

    Returns a dict: ``labelled`` (approved labels in, at the baseline's threshold), ``auc`` (on
    them, None if fewer than ``min_labels``), ``baseline`` (its AUC), ``drop`` (baseline minus
    now, in AUC points 0..1), ``decayed`` (drop at or above ``tolerance``, as the alert rule
    "performance decay" fires) and ``other_threshold``
    (labelled predictions decided at another threshold, left out).
    """
    if not isinstance(baseline, DecayBaseline):
        raise TypeError("baseline must be approved_baseline(labels, scores, threshold=...), "
                        f"measured on the applicants the service approves; got {baseline!r}. "
                        "An AUC on everyone is higher than on the approved loans whose labels "
                        "arrive, so it would show a drop that is not there.")
    labelled = frame[(frame["status"] == "ok") & frame["label"].notna()]
    if "threshold" in labelled:
        decided = labelled["threshold"]
        same = decided.isna() | np.isclose(decided.fillna(-1.0), baseline.threshold)
    else:
        same = pd.Series(True, index=labelled.index)
    other = int((~same).sum())
    labelled = labelled[same & (labelled["probability"] < baseline.threshold)]
    result = {"labelled": len(labelled), "auc": None, "baseline": baseline.auc, "drop": None,
              "decayed": False, "other_threshold": other}
    if len(labelled) < min_labels or labelled["label"].nunique() < 2:
        return result
    auc = roc_auc(labelled["label"], labelled["probability"])
    drop = baseline.auc - auc
    return {**result, "auc": auc, "drop": drop, "decayed": drop >= tolerance}


def parse_metrics(text: str) -> pd.DataFrame:
    """Prometheus text exposition as a table: one row per sample (name, labels, value)."""
    rows = [{"name": s.name, "labels": dict(s.labels), "value": float(s.value)}
            for family in text_string_to_metric_families(text) for s in family.samples]
    return pd.DataFrame(rows, columns=["name", "labels", "value"])


def service_health(text: str, *, path: str | None = "/predict",
                   latency: str = "deploydl_request_latency_seconds",
                   requests: str = "deploydl_requests_total", before: str | None = None) -> dict:
    """Request count, error rate and latency quantiles from the service's ``/metrics`` page.

    Counters only grow, so pass the page scraped earlier as ``before`` to get the numbers
    for the time in between. Errors are answers with a 5xx ``status``; ``error_rate`` is
    their share of the requests (0..1; 0.01 = 1%, 0 with no requests). Latencies
    (milliseconds) are read off the ``latency`` histogram's buckets, so they are as coarse
    as the buckets. ``path`` keeps one endpoint (None: all). The metric names are the
    service's (Module 04, :class:`deploydl.serving.metrics.ServiceMetrics`).
    """
    now = parse_metrics(text)
    if before is not None:
        now = _minus(now, parse_metrics(before))
    if path is not None:
        now = now[[labels.get("path", path) == path for labels in now["labels"]]]
    counts = now[now["name"] == requests]
    total = float(counts["value"].sum())
    errors = float(counts[[str(lab.get("status", "")).startswith("5")
                           for lab in counts["labels"]]]["value"].sum())
    buckets = now[now["name"] == f"{latency}_bucket"]
    bounds = buckets.assign(le=[float(lab["le"]) for lab in buckets["labels"]])
    cumulative = bounds.groupby("le")["value"].sum().sort_index()
    return {"requests": total, "errors": errors,
            "error_rate": errors / total if total else 0.0,
            "latency_p50_ms": _bucket_quantile(cumulative, 0.5),
            "latency_p95_ms": _bucket_quantile(cumulative, 0.95)}


def log_health(frame: pd.DataFrame) -> dict:
    """Requests, error rate and latency quantiles (milliseconds) from the prediction log.

    Each ``request_id`` counts once; ``errors`` are the requests logged with status
    ``"error"``, and ``error_rate`` is their share of the requests (0..1; 0.01 = 1%, 0 with
    no requests). ``latency_p50_ms`` and ``latency_p95_ms`` are None with no requests.
    """
    per_request = frame.drop_duplicates("request_id")
    if per_request.empty:
        return {"requests": 0, "errors": 0, "error_rate": 0.0,
                "latency_p50_ms": None, "latency_p95_ms": None}
    errors = int((per_request["status"] == "error").sum())
    return {"requests": len(per_request), "errors": errors,
            "error_rate": errors / len(per_request),
            "latency_p50_ms": float(per_request["latency_ms"].quantile(0.5)),
            "latency_p95_ms": float(per_request["latency_ms"].quantile(0.95))}


def _minus(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    key = [f"{n}{sorted(lab.items())}" for n, lab in zip(before["name"], before["labels"],
                                                         strict=True)]
    earlier = dict(zip(key, before["value"], strict=True))
    return now.assign(value=[v - earlier.get(f"{n}{sorted(lab.items())}", 0.0) for n, lab, v in
                             zip(now["name"], now["labels"], now["value"], strict=True)])


def _bucket_quantile(cumulative: pd.Series, q: float) -> float | None:
    """The upper bound (ms) of the first bucket holding the ``q`` quantile, or None."""
    finite = cumulative[np.isfinite(cumulative.index)]
    if cumulative.empty or cumulative.iloc[-1] == 0:
        return None
    reached = finite[finite >= q * cumulative.iloc[-1]]
    return float(reached.index[0] * 1000) if len(reached) else float("inf")
