"""When the monitor's alarms fire on simulated traffic (Module 06): the daily drift monitor on
one month, the days it catches a drift across many months, and how often the decay alert
would page with no decay at all.

The traffic comes from :mod:`deploydl.monitoring.traffic`; what a late alarm costs is
:mod:`deploydl.monitoring.drift_cost`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from deploydl.data import APPLICATIONS_PER_DAY, DRIFT_SCENARIOS, FEATURES, LABEL, make_applicants
from deploydl.evaluation.metrics import rank_sum_auc
from deploydl.monitoring.drift import DriftReport, drift_report
from deploydl.monitoring.traffic import applicants_by_day, drift_from


def daily_monitor(reference: pd.DataFrame, traffic: pd.DataFrame, *, features=FEATURES,
                  alpha: float = 0.05, share: float = 0.25) -> pd.DataFrame:
    """Run the drift report on each day's traffic against ``reference``.

    One row per day: ``n_drifted`` features, their names, the largest PSI,
    ``dataset_drift`` and ``alarm`` (any feature drifted after the Holm correction, the
    "feature drift" alert).
    """
    rows = []
    for day, group in traffic.groupby("day"):
        report = drift_report(reference, group, features=list(features), alpha=alpha,
                              share=share)
        rows.append({"day": int(day),  # type: ignore[arg-type]  # stubs: a key may be any scalar
                     "n_drifted": len(report.drifted),
                     "drifted": ", ".join(report.drifted),
                     "max_psi": max(f.psi for f in report.features),
                     "dataset_drift": report.dataset_drift, "alarm": bool(report.drifted)})
    return pd.DataFrame(rows)


def first_alarm(daily: pd.DataFrame, *, start_day: int) -> int | None:
    """The first day on or after ``start_day`` with an alarm, or None if it never fires."""
    fired = daily[(daily["day"] >= start_day) & daily["alarm"]]
    return int(fired["day"].iloc[0]) if len(fired) else None


def first_alarm_report(reference: pd.DataFrame, traffic: pd.DataFrame, *, start_day: int,
                       features=FEATURES, alpha: float = 0.05) -> tuple[int, DriftReport] | None:
    """Run the daily drift report from ``start_day`` on and stop at the first alarm.

    Returns that day and its report (``report.drifted`` names the features that raised it),
    or None if no day alarms. The day is :func:`first_alarm` of :func:`daily_monitor`'s
    table; the days after it are not tested, which keeps a widget quick to answer.
    """
    for day, report in _daily_reports(reference, traffic, start_day=start_day,
                                      features=features, alpha=alpha):
        if report.drifted:
            return day, report
    return None


def _first_alarm_and_catch(reference: pd.DataFrame, traffic: pd.DataFrame, *, start_day: int,
                           naming, alpha: float) -> tuple[int | None, int | None]:
    """The first alarm day on any input, and the first that names one of ``naming``."""
    wanted, first = set(naming), None
    for day, report in _daily_reports(reference, traffic, start_day=start_day,
                                      features=FEATURES, alpha=alpha):
        if report.drifted and first is None:
            first = day
        if wanted & set(report.drifted):
            return first, day
    return first, None


def _daily_reports(reference: pd.DataFrame, traffic: pd.DataFrame, *, start_day: int, features,
                   alpha: float) -> Iterator[tuple[int, DriftReport]]:
    """Each day's drift report from ``start_day`` on, in day order, made only when asked for
    (the callers stop at the day they need)."""
    for day, group in traffic[traffic["day"] >= start_day].groupby("day"):
        yield int(day), drift_report(  # type: ignore[arg-type]  # stubs: a key may be any scalar
            reference, group, features=list(features), alpha=alpha)


def alarm_days_by_month(reference: pd.DataFrame, *, settings, months: int = 20, days: int = 30,
                        start_day: int = 10, per_day: int = APPLICATIONS_PER_DAY,
                        alpha: float = 0.05, naming_drifted: bool = True
                        ) -> dict[tuple[str, float], list[int | None]]:
    """The alarm day of each ``(scenario, strength)`` in ``settings``, in ``months`` simulated
    months (seeds 0 to ``months`` - 1), None where it never fires.

    With ``naming_drifted`` (the default), the day the drift is *caught*: the first alarm that
    names an input the scenario changes (:data:`deploydl.data.DRIFT_SCENARIOS`' ``columns``);
    a chance flag on another input does not count. Without it, the first alarm on any input,
    as :func:`~deploydl.monitoring.drift_cost.alarm_and_cost` finds it. One month is one draw
    of 110 applicants a day: which day the alarm fires varies from month to month, so a lesson
    shows one month and says how often its reading holds across these.
    """
    both = _alarms_by_month(reference, settings=settings, months=months, days=days,
                            start_day=start_day, per_day=per_day, alpha=alpha)
    return both["catch_days" if naming_drifted else "alarm_days"]


def _alarms_by_month(reference: pd.DataFrame, *, settings, months: int, days: int,
                     start_day: int, per_day: int, alpha: float
                     ) -> dict[str, dict[tuple[str, float], list[int | None]]]:
    """Both readings of :func:`alarm_days_by_month` from one pass over the months."""
    keys = [tuple(s) for s in settings]
    found: dict[str, dict[tuple[str, float], list[int | None]]] = {
        "alarm_days": {k: [] for k in keys}, "catch_days": {k: [] for k in keys}}
    for seed in range(months):  # each month's applicants are drawn once, for every setting
        clean = applicants_by_day(days=days, per_day=per_day, start_day=start_day, seed=seed)
        for scenario, strength in keys:
            traffic = drift_from(clean.copy(), scenario, start_day=start_day,
                                 strength=strength, seed=seed)
            first, catch = _first_alarm_and_catch(
                reference, traffic, start_day=start_day, alpha=alpha,
                naming=DRIFT_SCENARIOS[scenario].columns)
            found["alarm_days"][(scenario, strength)].append(first)
            found["catch_days"][(scenario, strength)].append(catch)
    return found


#: :func:`alarm_days_by_month` for the settings Module 06 shows, on the bank's training data
#: (:func:`deploydl.serving.packaging.train_measured`), stored so the lesson reads 20 months at
#: once instead of rerunning some 250 daily drift reports; tests/monitoring recompute it.
#: ``catch_days``: first alarm naming a drifted input; ``alarm_days``: first alarm on any input.
STORED_ALARM_MONTHS = Path(__file__).with_name("alarm_months.json")

#: The run stored there, besides its 20 months: 30 days, drift from day 10, the bank's 110
#: applicants a day, alpha 0.05.
_STORED_RUN: dict[str, Any] = {"days": 30, "start_day": 10, "per_day": APPLICATIONS_PER_DAY,
                               "alpha": 0.05}


def stored_alarm_days(settings, *, path: Path = STORED_ALARM_MONTHS, naming_drifted: bool = True
                      ) -> dict[tuple[str, float], list[int | None]]:
    """:func:`alarm_days_by_month`'s days for ``settings``, as stored in ``path`` (20 months,
    30 days, drift from day 10, 110 applicants a day, alpha 0.05): the days each drift was
    caught (``naming_drifted``, the default) or its first alarm on any input."""
    stored = json.loads(path.read_text())["catch_days" if naming_drifted else "alarm_days"]
    missing = [f"{sc} {st}" for sc, st in settings if f"{sc} {st}" not in stored]
    if missing:
        raise KeyError(f"No stored alarm days for {missing}; stored: {sorted(stored)}. Run "
                       "alarm_days_by_month(reference, settings=...) for other settings.")
    return {(sc, st): stored[f"{sc} {st}"] for sc, st in settings}


def store_alarm_days(reference: pd.DataFrame, *, settings, path: Path = STORED_ALARM_MONTHS,
                     months: int = 20) -> dict:
    """Measure :func:`alarm_days_by_month` both ways, on the stored run's settings, and store
    it at ``path``."""
    found = _alarms_by_month(reference, settings=settings, months=months, **_STORED_RUN)
    table = {"months": months, **_STORED_RUN,
             **{kind: {f"{sc} {st}": days for (sc, st), days in by.items()}
                for kind, by in found.items()}}
    path.write_text(json.dumps(table, indent=1) + "\n")
    return table


def chance_first(alarms: list[int | None], catches: list[int | None]) -> int:
    """In how many months a chance flag (an alarm on an input the drift does not change) came
    before the drift was caught, or in a month it never was (``alarms``, ``catches``:
    :func:`alarm_days_by_month`'s days without and with ``naming_drifted``, same months)."""
    return sum(a is not None and (c is None or a < c)
               for a, c in zip(alarms, catches, strict=True))


def alarm_spread(alarms: list[int | None], *, start_day: int = 10) -> dict:
    """How :func:`alarm_days_by_month`'s days for one setting spread: the median, earliest and
    latest delay in days after ``start_day`` (months that never alarm left out), how many months
    never alarm, and how many alarm on the drift's first day."""
    delays = [day - start_day for day in alarms if day is not None]
    return {"months": len(alarms), "never": len(alarms) - len(delays),
            "on_first_day": delays.count(0),
            "median_delay": float(np.median(delays)) if delays else None,
            "min_delay": min(delays, default=None), "max_delay": max(delays, default=None)}


def later_months(weak: list[int | None], strong: list[int | None]) -> int:
    """In how many months the ``weak`` drift's alarm came later than the ``strong`` one's, or
    never (``weak`` and ``strong``: :func:`alarm_days_by_month`'s days for the same months)."""
    return sum(w is None or (s is not None and w > s) for w, s in zip(weak, strong, strict=True))


def false_decay_chances(model, baseline, *, labels: Sequence[int], draws: int = 2000,
                        population: int = 100_000, tolerance: float = 0.05,
                        seed: int = 100) -> list[float]:
    """How often the decay alert would fire with no decay at all, for each count of outcomes
    in ``labels`` (one share per count, in order).

    Draws ``population`` fresh, undrifted applicants once (``seed``: none of the course's
    training, holdout or calibration seeds) and keeps those ``model`` approves (scored below
    ``baseline.threshold``, the loans whose outcomes arrive). For each count ``n``, returns the
    share of ``draws`` random sets of ``n`` of them whose AUC is ``tolerance`` or more below
    ``baseline.auc``: :func:`deploydl.monitoring.performance_decay`'s rule. Both the baseline
    and each set of loans are samples, so the rule can read a drop that is not there.
    """
    applicants = make_applicants(population, seed=seed, personal_data=False)
    scores = np.asarray(model.predict_proba(applicants[list(FEATURES)]), dtype=float)
    approved = scores < baseline.threshold
    y, s = applicants[LABEL].to_numpy()[approved], scores[approved]
    chances = []
    for n in labels:
        rng = np.random.default_rng(seed)  # the same draws for each count, whatever the order
        picks = np.stack([rng.choice(len(y), size=n, replace=False) for _ in range(draws)])
        fired = int(np.sum(baseline.auc - _aucs_by_row(y[picks], s[picks]) >= tolerance))
        chances.append(fired / draws)
    return chances


def _aucs_by_row(labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The ROC AUC of each row of ``scores`` against the same row of ``labels`` (1 =
    defaulted): :func:`deploydl.evaluation.metrics.roc_auc` of every row at once, by the same
    rank sums (:func:`~deploydl.evaluation.metrics.rank_sum_auc`), ranking all rows in one call
    rather than one by one. Raises ValueError when a row holds one outcome only."""
    positive = labels.sum(axis=1)
    if (positive == 0).any() or (positive == labels.shape[1]).any():
        raise ValueError(f"A draw of {labels.shape[1]} loans holds only one outcome, so its AUC "
                         "cannot be measured; draw more loans or from more approved applicants.")
    return rank_sum_auc(labels, scores)


#: How :func:`drift_days_chart` marks a day the whole data set drifted, besides its colour.
WHOLE_DATA_SET_HATCH = "//"


def drift_days_chart(daily: pd.DataFrame, *, drift_day: int, event: str = "drift starts",
                     first_day: str | None = None):
    """Features drifting each day, as :func:`daily_monitor` returns them; returns the figure.

    Days when the whole data set drifted (the data-set alarm) are hatched in colour, days with
    one feature alarm plain grey, so the two differ without colour too (in greyscale, in print,
    to a colour-blind reader), and a dashed line marks ``drift_day``, labelled ``event``. The
    legend says which is which. Days count from 0; ``first_day`` (e.g. ``"1 March"``)
    names day 0 on the axis.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from deploydl.present.charts import BAD, NEUTRAL, legend, new_figure

    drifted = daily.loc[daily["dataset_drift"], "day"]
    first = int(drifted.min()) if len(drifted) else None
    fig, ax = new_figure(
        f"{event.capitalize()} on day {drift_day}; "
        + (f"the data-set alarm fires on day {first}" if first is not None
           else "the data-set alarm never fires"),
        xlabel="day of the simulation" + (f" (day 0 = {first_day})" if first_day else ""),
        ylabel="features drifting")
    whole = daily["dataset_drift"].to_numpy()
    ax.bar(daily["day"], daily["n_drifted"], color=[BAD if d else NEUTRAL for d in whole],
           hatch=[WHOLE_DATA_SET_HATCH if d else "" for d in whole], edgecolor="white")
    ax.axvline(drift_day - 0.5, color="#000000", linestyle="--")
    top = max(int(daily["n_drifted"].max()), 1)
    ax.set_ylim(0, top + 0.4)
    ax.set_yticks(range(top + 1))
    legend(ax, handles=[Patch(facecolor=BAD, edgecolor="white", hatch=WHOLE_DATA_SET_HATCH,
                              label="data set drifted: data-set alarm"),
                        Patch(facecolor=NEUTRAL, label="one feature drifted: feature alarm"),
                        Line2D([], [], color="#000000", linestyle="--", label=event)],
           loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False)
    return fig
