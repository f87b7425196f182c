"""What drift costs before its alarm, and what a release costs, in US dollars (Module 06).

Decisions are priced at the course's error costs from Module 02
(:data:`deploydl.evaluation.metrics.DEFAULT_COSTS`), each model deciding at its own threshold
as the service does. A day's cost is measured on :data:`PRICED_ON` applicants and scaled to the
bank's day of applications.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from deploydl.data import APPLICATIONS_PER_DAY, FEATURES, LABEL
from deploydl.evaluation.decision import decides_at
from deploydl.evaluation.metrics import DEFAULT_COSTS, ErrorCosts
from deploydl.monitoring.alarm_days import first_alarm_report
from deploydl.monitoring.traffic import simulate_clean_and_drifted, simulate_traffic


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
#: The seed of the one sample of :data:`PRICED_ON` applicants every price is measured on. Another
#: sample moves a day's price a long way (:data:`PRICES_OVER_SAMPLES`), so a scenario is priced
#: once, on this sample, whatever the simulated month, and the release trade-off on the same
#: applicants.
PRICING_SEED = 0
#: What a day of lesson 06's weak inflation (strength 0.2) and strong one (1.0) costs, lowest
#: and highest over eight samples of :data:`PRICED_ON` applicants (seeds 0 to 7), in US dollars
#: rounded to hundreds; :data:`PRICING_SEED`'s sample gives the weak drift its highest price.
#: Measured once: lesson 06 states them, and tests/monitoring/test_drift_price_spread.py
#: measures them again (eight samples take too long for the lesson).
PRICES_OVER_SAMPLES = {"weak": (500, 900), "strong": (2_500, 4_100)}


def drift_cost_per_day(model, *, scenario: str, strength: float,
                       per_day: int = APPLICATIONS_PER_DAY, priced_on: int = PRICED_ON,
                       seed: int = PRICING_SEED, costs: ErrorCosts = DEFAULT_COSTS) -> float:
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
    applicants (the month ``seed``), drifted from ``start_day`` on. Each drifted day is priced
    at its average cost (``cost_per_day``, :func:`drift_cost_per_day` on the
    :data:`PRICING_SEED` sample of ``priced_on`` applicants, rounded to USD 100): the same price
    in every month, so a scenario has one price a day. Returns ``alarm_day`` (None if it
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
                               priced_on=priced_on)
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


def costlier_months(weak: list[int | None], strong: list[int | None], *, weak_per_day: float,
                    strong_per_day: float, start_day: int = 10, days: int = 30) -> int:
    """In how many months the ``weak`` drift cost more than the ``strong`` one before its alarm.

    ``weak`` and ``strong`` are :func:`~deploydl.monitoring.alarm_days.alarm_days_by_month`'s
    days for the same months; each drifted day up to and including the alarm (all of them if it
    never fires) is priced at ``*_per_day`` US dollars, as :func:`alarm_and_cost` prices them.
    """
    return sum(cost_until_alarm(w, weak_per_day, start_day=start_day, days=days)
               > cost_until_alarm(s, strong_per_day, start_day=start_day, days=days)
               for w, s in zip(weak, strong, strict=True))


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
                     priced_on: int = PRICED_ON, seed: int = PRICING_SEED,
                     costs: ErrorCosts = DEFAULT_COSTS) -> dict:
    """Wait for the maintenance window, or release ``candidate`` now as an emergency? (Module 06)

    Measured on ``priced_on`` applicants under a drift ``scenario`` and scaled to a day of
    ``per_day`` applicants (by default the bank's), each version deciding at its own threshold,
    as the service decides:

    * ``saving_per_day``: what ``candidate`` (the release meant to fix the drift) saves each
      day it serves the drifted applicants instead of ``model``: ``model``'s decision cost
      minus ``candidate``'s (:func:`decision_cost`); negative when the candidate costs more
      than the model it replaces;
    * ``cost_per_day_waiting``: what each day of waiting costs: that saving, or nothing when
      the candidate saves nothing (the drift's own cost, :func:`drift_cost_per_day`, is not
      saved by a release that does not remove it);
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
