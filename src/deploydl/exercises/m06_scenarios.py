"""Module 06's lab scenarios, simulated: the fortnight with a pipeline bug whose alarms
exercise 06.2 counts, the drift diagnosis exercises 06.1 and 08.2 expect, and the release
exercise 06.6 times. Module 06's checks (``m06``) compare a learner's answer with what these
give.
"""

from __future__ import annotations

from typing import Any, TypedDict

from deploydl.data import APPLICATIONS_PER_DAY

#: A broken pipeline's fingerprint: the share of exact zeros in the drifted feature grows by
#: more than this (in share points) over the reference. A real change in who applies moves
#: the whole distribution instead, and calls for retraining.
ZERO_JUMP = 0.10
ACTIONS = ("fix the pipeline", "retrain")

#: Exercise 06.6's release: the bank's window, the moment the new model is ready, what each
#: day of waiting costs, what a broken release costs a day, and how fast it is rolled back.
#: The costs are lesson 06's at the bank's 110 applications a day: the strong inflation's
#: USD 3,000 a day (its table and its window slide, both priced on
#: :data:`deploydl.monitoring.drift_cost.PRICING_SEED`'s sample) and a broken release's
#: USD 49,000 there, rounded to 50,000. They are fixed here, not computed, so the lab's answer
#: can be checked whatever the lesson's run gives. The lab supposes its model wins back all of
#: the drift's cost; the lesson's 1.1.0 does not, so there waiting costs nothing.
WINDOW, READY_AT = "Sun 02:00-06:00", (2026, 4, 2, 16, 30)
WAIT_COST_PER_DAY, BROKEN_COST_PER_DAY, HOURS_TO_ROLL_BACK = 3_000, 50_000, 6
RELEASE_DECISIONS = ("wait", "emergency")


def release_call() -> dict[str, Any]:
    """Exercise 06.6: hours until the window opens, and the decision the bank's rule gives
    (an emergency only if even a broken release, rolled back in time, costs less than
    waiting)."""
    from datetime import UTC, datetime

    from deploydl.monitoring import MaintenanceWindow

    wait = MaintenanceWindow.parse(WINDOW).wait(datetime(*READY_AT, tzinfo=UTC))
    hours = wait.total_seconds() / 3600
    worst = HOURS_TO_ROLL_BACK / 24 * BROKEN_COST_PER_DAY
    waiting = hours / 24 * WAIT_COST_PER_DAY
    return {"hours_to_window": hours,
            "decision": RELEASE_DECISIONS[1] if worst < waiting else RELEASE_DECISIONS[0]}


class World(TypedDict):
    """The keyword arguments of :func:`deploydl.monitoring.traffic.simulate_traffic`."""

    days: int
    per_day: int
    scenario: str
    start_day: int
    strength: float
    seed: int


#: 14 days of the bank's applications; from day 7 a bug zeroes 15% of the credit histories.
BUG_WORLD: World = {"days": 14, "per_day": APPLICATIONS_PER_DAY, "scenario": "pipeline_bug",
                    "start_day": 7, "strength": 0.3, "seed": 34}


def quiet_and_bug_alarms(alpha: float) -> tuple[int, int | None]:
    """False alarms on the quiet days, and the first alarm day, at significance ``alpha``."""
    from deploydl.data import make_applicants
    from deploydl.monitoring.alarm_days import daily_monitor, first_alarm
    from deploydl.monitoring.traffic import simulate_traffic

    traffic = simulate_traffic(**BUG_WORLD)
    daily = daily_monitor(make_applicants(5000, seed=0), traffic, alpha=alpha)
    quiet = int(daily.loc[daily["day"] < BUG_WORLD["start_day"], "alarm"].sum())
    return quiet, first_alarm(daily, start_day=BUG_WORLD["start_day"])


def quiet_fortnights(alpha: float = 0.05, *, fortnights: int = 40) -> int:
    """Of ``fortnights`` simulated fortnights like :data:`BUG_WORLD` (seeds 0 to
    ``fortnights`` - 1), how many raise no false alarm on the quiet days at ``alpha``. The lab's
    seed was picked to show one; this is how rare that is."""
    from deploydl.data import make_applicants
    from deploydl.monitoring.alarm_days import daily_monitor
    from deploydl.monitoring.traffic import simulate_traffic

    reference, quiet = make_applicants(5000, seed=0), 0
    for seed in range(fortnights):
        world = BUG_WORLD.copy()
        world["seed"] = seed
        traffic = simulate_traffic(**world)
        before = traffic[traffic["day"] < BUG_WORLD["start_day"]]  # the quiet days only
        quiet += not daily_monitor(reference, before, alpha=alpha)["alarm"].any()
    return quiet


def diagnose(reference, current) -> dict[str, Any]:
    """The drifted feature, its share of zeros today and in the reference, and the action."""
    from deploydl.data import FEATURES
    from deploydl.monitoring import drift_report

    report = drift_report(reference, current, features=FEATURES)
    if len(report.drifted) != 1:
        raise RuntimeError(f"the lab's data should drift on one feature, not {report.drifted}")
    feature = report.drifted[0]
    zeros = float((current[feature] == 0).mean())
    jump = zeros - float((reference[feature] == 0).mean())
    return {"feature": feature, "zero_share": zeros,
            "action": ACTIONS[0] if jump > ZERO_JUMP else ACTIONS[1]}
