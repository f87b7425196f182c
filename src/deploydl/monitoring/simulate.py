"""Simulated days of traffic, the daily drift monitor, and the cost of a late alarm (Module 06).

Each simulated day brings ``per_day`` new applicants from the same generator as the training
data, by default the bank's day of applications (:data:`deploydl.data.APPLICATIONS_PER_DAY`,
a day's share of the 40,000 a year the value case assumes); from ``start_day`` on, a named
drift scenario (:data:`deploydl.data.DRIFT_SCENARIOS`) changes them. Labels are the
applicants' true outcomes: drift changes what the model *sees*, not who repays, which is
exactly why a drifted model makes costly mistakes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from deploydl.data import (
    APPLICATIONS_PER_DAY,
    DRIFT_SCENARIOS,
    FEATURES,
    LABEL,
    apply_drift,
    make_applicants,
)
from deploydl.evaluation.decision import decides_at
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.monitoring.drift import DriftReport, drift_report


def simulate_traffic(*, days: int = 30, per_day: int = APPLICATIONS_PER_DAY,
                     scenario: str | None = None, start_day: int = 15, strength: float = 1.0,
                     seed: int = 0) -> pd.DataFrame:
    """``days`` days of applicants (a ``day`` column, 0-based), drifted from ``start_day`` on.

    The same ``seed`` gives the same applicants whatever the scenario, so a drifted run can
    be compared person by person with the undrifted one (``scenario=None``).
    """
    clean = _applicants_by_day(days=days, per_day=per_day, start_day=start_day, seed=seed)
    return _drift_from(clean, scenario, start_day=start_day, strength=strength, seed=seed)


def simulate_clean_and_drifted(*, days: int = 30, per_day: int = APPLICATIONS_PER_DAY,
                               scenario: str, start_day: int = 15, strength: float = 1.0,
                               seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same applicants twice: as they are, and as ``scenario`` changes them from
    ``start_day`` on. Equal to two :func:`simulate_traffic` calls, at the cost of one."""
    clean = _applicants_by_day(days=days, per_day=per_day, start_day=start_day, seed=seed)
    return clean, _drift_from(clean.copy(), scenario, start_day=start_day, strength=strength,
                              seed=seed)


def _applicants_by_day(*, days: int, per_day: int, start_day: int, seed: int) -> pd.DataFrame:
    if not 0 <= start_day < days:
        raise ValueError(f"start_day must be between 0 and days - 1 = {days - 1}; "
                         f"got start_day={start_day}.")
    table = make_applicants(days * per_day, seed=seed)
    table["day"] = np.repeat(np.arange(days), per_day)
    return table


def _drift_from(table: pd.DataFrame, scenario: str | None, *, start_day: int, strength: float,
                seed: int) -> pd.DataFrame:
    """``table`` with ``scenario`` applied, in place, to the days from ``start_day`` on."""
    if scenario is None or strength == 0:
        return table
    later = table["day"] >= start_day
    table.loc[later] = apply_drift(table.loc[later], scenario, strength=strength, seed=seed)
    return table


def send_traffic(client, traffic: pd.DataFrame, *, log, clock, start: float,
                 batch: int = 100) -> int:
    """Send ``traffic`` to the service day by day, as the loan system would; return how many
    predictions ``log`` gained.

    Before each day's applicants, ``clock`` (the :class:`~deploydl.monitoring.SimulatedClock`
    that stamps ``log``) is set to ``start`` plus that many days; the applicants go in
    requests of at most ``batch``, through ``client`` (a
    :class:`~deploydl.serving.ServiceClient` of the service that writes ``log``).

    Refuses, before sending anything, a log that already holds any of these applicants' IDs:
    most often the cell ran again, and sending the traffic twice would count each applicant
    twice, so the monitor would see double traffic and raise other alarms. Traffic from
    another simulation (another seed or month) reuses the IDs (from ``NB-000001``), so it
    needs its own log. To start over, open a new log (run the cell that opens it again).
    """
    repeated = already_logged(log, traffic["applicant_id"])
    if repeated:
        raise RuntimeError(
            f"The prediction log already holds {repeated:,} applicants with the IDs of these "
            f"{len(traffic):,}. That happens when this cell runs again: sending the same "
            "traffic twice would count every applicant twice and change what the monitor sees. "
            "To start over, run the cell that opens the log and starts the service again (it "
            "makes a new, empty log), then this one. Traffic from another simulation (another "
            f"seed or month) reuses the IDs ({traffic['applicant_id'].iloc[0]}, ...) and needs "
            "a log of its own.")
    before = log.count()
    for day in sorted(traffic["day"].unique()):
        applications = traffic[traffic["day"] == day]
        clock.now = start + int(day) * 86_400
        for first in range(0, len(applications), batch):
            rows = applications[[*FEATURES, "applicant_id"]].iloc[first:first + batch]
            client.predict(rows.to_dict("records"))
    return log.count() - before


def already_logged(log, applicant_ids) -> int:
    """How many predictions in ``log`` are of the applicants ``applicant_ids`` (0: none)."""
    return int(log.frame()["applicant_id"].isin(set(map(str, applicant_ids))).sum())


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
    for day, group in traffic[traffic["day"] >= start_day].groupby("day"):
        report = drift_report(reference, group, features=list(features), alpha=alpha)
        if report.drifted:
            return int(day), report  # type: ignore[arg-type]  # stubs: a key may be any scalar
    return None


def _first_alarm_and_catch(reference: pd.DataFrame, traffic: pd.DataFrame, *, start_day: int,
                           naming, alpha: float) -> tuple[int | None, int | None]:
    """The first alarm day on any input, and the first that names one of ``naming``."""
    wanted, first = set(naming), None
    for day, group in traffic[traffic["day"] >= start_day].groupby("day"):
        report = drift_report(reference, group, features=list(FEATURES), alpha=alpha)
        if report.drifted and first is None:
            first = int(day)  # type: ignore[arg-type]  # stubs: a key may be any scalar
        if wanted & set(report.drifted):
            return first, int(day)  # type: ignore[arg-type]
    return first, None


def cost_of_missed_drift(model, drifted: pd.DataFrame, clean: pd.DataFrame, *,
                         until_day: int, threshold: float | None = None,
                         costs: ErrorCosts = DEFAULT_COSTS) -> dict:
    """What the drift cost before the alarm: decisions on drifted data against clean data.

    Compares, applicant by applicant and for days before ``until_day``, the model's
    decisions on what it saw (``drifted``) with those it would have made on the true values
    (``clean``), both at ``threshold`` (by default the model's own, as the service decides:
    :func:`deploydl.evaluation.decision.decides_at`). Returns the extra bad loans approved,
    the extra good applicants referred, and their cost in US dollars at ``costs`` (the
    course's, from Module 02: :data:`deploydl.evaluation.metrics.DEFAULT_COSTS`).
    """
    threshold = decides_at(model, threshold)
    days = drifted["day"] < until_day
    seen = model.predict_proba(drifted.loc[days, list(FEATURES)]) >= threshold
    truth = model.predict_proba(clean.loc[days, list(FEATURES)]) >= threshold
    bad = clean.loc[days, LABEL].to_numpy() == 1
    extra_bad = int(np.sum(~seen & truth & bad) - np.sum(seen & ~truth & bad))
    extra_lost = int(np.sum(seen & ~truth & ~bad) - np.sum(~seen & truth & ~bad))
    cost = costs.cost(bad_approved=max(extra_bad, 0), good_turned_away=max(extra_lost, 0))
    return {"extra_bad_loans": extra_bad, "extra_referred": extra_lost, "cost": float(cost)}


#: Applicants a drifted day's cost is measured on, then scaled to a day's traffic: at 110
#: applicants a day, a few loans more or fewer would swing a day's cost by thousands of dollars.
PRICED_ON = 20_000


def drift_cost_per_day(model, *, scenario: str, strength: float,
                       per_day: int = APPLICATIONS_PER_DAY, priced_on: int = PRICED_ON,
                       seed: int = 0, costs: ErrorCosts = DEFAULT_COSTS) -> float:
    """What one day of drift costs on average, in US dollars: :func:`cost_of_missed_drift` on
    ``priced_on`` applicants drifted by ``scenario``, scaled to ``per_day`` applicants."""
    clean, drifted = simulate_clean_and_drifted(days=1, per_day=priced_on, scenario=scenario,
                                                start_day=0, strength=strength, seed=seed)
    cost = cost_of_missed_drift(model, drifted, clean, until_day=1, costs=costs)["cost"]
    return cost * per_day / priced_on


def alarm_and_cost(model, reference: pd.DataFrame, *, scenario: str, strength: float,
                   days: int = 30, start_day: int = 10, per_day: int = APPLICATIONS_PER_DAY,
                   seed: int = 0, alpha: float = 0.05, priced_on: int = PRICED_ON) -> dict:
    """The widget's answer: when the alarm fires for a scenario, and what each day costs.

    The alarm comes from the daily monitor on ``days`` simulated days of ``per_day``
    applicants, drifted from ``start_day`` on. Each drifted day is priced at its average
    cost (``cost_per_day``, :func:`drift_cost_per_day`, rounded to USD 100, the precision
    ``priced_on`` applicants support). Returns ``alarm_day`` (None if it
    never fires), ``delay_days`` after the start, the cost of the drifted days up to and
    including the alarm day (``cost_until_alarm``) and of all of them, if nobody looked for
    the rest of the simulation (``cost_if_missed``), with ``model`` deciding at its own
    threshold.
    """
    drifted = simulate_traffic(days=days, per_day=per_day, scenario=scenario,
                               start_day=start_day, strength=strength, seed=seed)
    found = first_alarm_report(reference, drifted, start_day=start_day, alpha=alpha)
    alarm = None if found is None else found[0]
    daily = drift_cost_per_day(model, scenario=scenario, strength=strength, per_day=per_day,
                               priced_on=priced_on, seed=seed)
    daily = round(daily, -2)
    return {"scenario": scenario, "strength": strength, "start_day": start_day,
            "alarm_day": alarm, "delay_days": None if alarm is None else alarm - start_day,
            "cost_per_day": daily,
            "cost_until_alarm": cost_until_alarm(alarm, daily, start_day=start_day, days=days),
            "cost_if_missed": daily * (days - start_day)}


def cost_until_alarm(alarm: int | None, per_day: float, *, start_day: int, days: int) -> float:
    """What a drift that began on ``start_day`` costs, in US dollars at ``per_day`` a drifted
    day, up to and including its ``alarm`` day; every drifted day of the ``days`` simulated
    when the alarm never fires (None)."""
    return per_day * ((days if alarm is None else alarm + 1) - start_day)


def alarm_days_by_month(reference: pd.DataFrame, *, settings, months: int = 20, days: int = 30,
                        start_day: int = 10, per_day: int = APPLICATIONS_PER_DAY,
                        alpha: float = 0.05, naming_drifted: bool = True
                        ) -> dict[tuple[str, float], list[int | None]]:
    """The alarm day of each ``(scenario, strength)`` in ``settings``, in ``months`` simulated
    months (seeds 0 to ``months`` - 1), None where it never fires.

    With ``naming_drifted`` (the default), the day the drift is *caught*: the first alarm that
    names an input the scenario changes (:data:`deploydl.data.DRIFT_SCENARIOS`' ``columns``);
    a chance flag on another input does not count. Without it, the first alarm on any input,
    as :func:`alarm_and_cost` finds it. One month is one draw of 110 applicants a day: which
    day the alarm fires varies from month to month, so a lesson shows one month and says how
    often its reading holds across these.
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
        clean = _applicants_by_day(days=days, per_day=per_day, start_day=start_day, seed=seed)
        for scenario, strength in keys:
            traffic = _drift_from(clean.copy(), scenario, start_day=start_day,
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
    """Measure :func:`alarm_days_by_month` both ways (its defaults otherwise) and store it at
    ``path``."""
    found = _alarms_by_month(reference, settings=settings, months=months, days=30, start_day=10,
                             per_day=APPLICATIONS_PER_DAY, alpha=0.05)
    table = {"months": months, "days": 30, "start_day": 10, "per_day": APPLICATIONS_PER_DAY,
             "alpha": 0.05,
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


def costlier_months(weak: list[int | None], strong: list[int | None], *, weak_per_day: float,
                    strong_per_day: float, start_day: int = 10, days: int = 30) -> int:
    """In how many months the ``weak`` drift cost more than the ``strong`` one before its alarm.

    ``weak`` and ``strong`` are :func:`alarm_days_by_month`'s days for the same months; each
    drifted day up to and including the alarm (all of them if it never fires) is priced at
    ``*_per_day`` US dollars, as :func:`alarm_and_cost` prices them.
    """
    return sum(cost_until_alarm(w, weak_per_day, start_day=start_day, days=days)
               > cost_until_alarm(s, strong_per_day, start_day=start_day, days=days)
               for w, s in zip(weak, strong, strict=True))


def false_decay_chance(model, baseline, *, labels: int, draws: int = 2000,
                       population: int = 100_000, tolerance: float = 0.05,
                       seed: int = 100) -> float:
    """How often the decay alert would fire with no decay at all, on ``labels`` outcomes.

    Draws ``population`` fresh, undrifted applicants (``seed``: none of the course's training,
    holdout or calibration seeds), keeps those ``model`` approves (scored below
    ``baseline.threshold``, the loans whose outcomes arrive), and returns the share of
    ``draws`` random sets of ``labels`` of them whose AUC is more than ``tolerance`` below
    ``baseline.auc``: :func:`deploydl.monitoring.performance_decay`'s rule. Both the baseline
    and each set of loans are samples, so the rule can read a drop that is not there.
    """
    from deploydl.evaluation.metrics import roc_auc

    applicants = make_applicants(population, seed=seed)
    scores = np.asarray(model.predict_proba(applicants[list(FEATURES)]), dtype=float)
    approved = scores < baseline.threshold
    y, s = applicants[LABEL].to_numpy()[approved], scores[approved]
    rng = np.random.default_rng(seed)
    fired = 0
    for _ in range(draws):
        pick = rng.choice(len(y), size=labels, replace=False)
        fired += bool(baseline.auc - roc_auc(y[pick], s[pick]) > tolerance)
    return fired / draws


def decision_cost(model, applicants: pd.DataFrame, *, threshold: float | None = None,
                  costs: ErrorCosts = DEFAULT_COSTS) -> float:
    """What ``model``'s decisions on ``applicants`` cost in US dollars at ``costs``: bad
    loans approved and good applicants referred (refer at probability >= ``threshold``, by
    default the model's own: :func:`deploydl.evaluation.decision.decides_at`)."""
    rows = applicants[list(FEATURES)].to_dict("records")
    refer = np.asarray(model.predict_proba(rows), dtype=float) >= decides_at(model, threshold)
    bad = applicants[LABEL].to_numpy() == 1
    return costs.cost(bad_approved=int(np.sum(~refer & bad)),
                      good_turned_away=int(np.sum(refer & ~bad)))


def release_tradeoff(model, broken, *, candidate, wait: timedelta, scenario: str = "inflation",
                     strength: float = 1.0, per_day: int = APPLICATIONS_PER_DAY,
                     priced_on: int = PRICED_ON, seed: int = 0,
                     costs: ErrorCosts = DEFAULT_COSTS) -> dict:
    """Wait for the maintenance window, or release ``candidate`` now as an emergency? (Module 06)

    Measured on ``priced_on`` applicants under a drift ``scenario`` and scaled to a day of
    ``per_day`` applicants (by default the bank's), each version deciding at its own threshold,
    as the service decides:

    * ``saving_per_day``: what ``candidate`` (the fix) saves each day it serves the drifted
      applicants instead of ``model``: ``model``'s decision cost minus ``candidate``'s
      (:func:`decision_cost`); negative when the fix costs more than the model it replaces;
    * ``cost_per_day_waiting``: what each day of waiting costs: that saving, or nothing when
      the fix saves nothing (the drift's own cost, :func:`drift_cost_per_day`, is not saved by
      a fix that does not remove it);
    * ``cost_of_waiting``: that, times ``wait`` (the time until the window opens);
    * ``cost_per_day_broken``: what a release that goes wrong costs each day it serves all
      traffic (``broken``'s decisions against ``model``'s on the same applicants);
    * ``break_even_hours``: how long a broken release may serve before it has cost more than
      the whole wait (0 when waiting costs nothing: rushing gains nothing; infinite when the
      broken build costs nothing extra).
    """
    _, drifted = simulate_clean_and_drifted(days=1, per_day=priced_on, scenario=scenario,
                                            start_day=0, strength=strength, seed=seed)
    scale = per_day / priced_on
    current = decision_cost(model, drifted, costs=costs)
    saving = (current - decision_cost(candidate, drifted, costs=costs)) * scale
    broken_cost = (decision_cost(broken, drifted, costs=costs) - current) * scale
    waiting = max(saving, 0.0)
    wait_days = wait.total_seconds() / 86_400
    total = waiting * wait_days
    return {"wait_days": wait_days, "saving_per_day": saving, "cost_per_day_waiting": waiting,
            "cost_of_waiting": total, "cost_per_day_broken": broken_cost,
            "break_even_hours": 24 * total / broken_cost if broken_cost > 0 else float("inf")}


def drift_days_chart(daily: pd.DataFrame, *, drift_day: int, event: str = "drift starts",
                     first_day: str | None = None):
    """Features drifting each day, as :func:`daily_monitor` returns them; returns the figure.

    Days when the whole data set drifted (the data-set alarm) are coloured, days with one
    feature alarm in grey, and a dashed line marks ``drift_day``, labelled ``event``. The
    legend says which colour is which. Days count from 0; ``first_day`` (e.g. ``"1 March"``)
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
    ax.bar(daily["day"], daily["n_drifted"],
           color=[BAD if d else NEUTRAL for d in daily["dataset_drift"]])
    ax.axvline(drift_day - 0.5, color="#000000", linestyle="--")
    top = max(int(daily["n_drifted"].max()), 1)
    ax.set_ylim(0, top + 0.4)
    ax.set_yticks(range(top + 1))
    legend(ax, handles=[Patch(color=BAD, label="data set drifted: data-set alarm"),
                        Patch(color=NEUTRAL, label="one feature drifted: feature alarm"),
                        Line2D([], [], color="#000000", linestyle="--", label=event)],
           loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False)
    return fig
