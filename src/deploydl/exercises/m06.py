"""Module 06 (Monitoring and maintenance): five exercises on drift, alerts, A/B tests."""

from __future__ import annotations

from typing import Any

from deploydl.exercises.core import Exercise

#: The alert-threshold exercise's world: a weak pipeline bug from day 7 of 14 (seeded).
BUG_WORLD = {"days": 14, "per_day": 300, "scenario": "pipeline_bug", "start_day": 7,
             "strength": 0.2, "seed": 6}


def quiet_and_bug_alarms(alpha: float) -> tuple[int, int | None]:
    """False alarms on the quiet days, and the first alarm day, at significance ``alpha``."""
    from deploydl.data import make_applicants
    from deploydl.monitoring.simulate import daily_monitor, first_alarm, simulate_traffic

    traffic = simulate_traffic(**BUG_WORLD)
    daily = daily_monitor(make_applicants(5000, seed=0), traffic, alpha=alpha)
    quiet = int(daily.loc[daily["day"] < BUG_WORLD["start_day"], "alarm"].sum())
    return quiet, first_alarm(daily, start_day=BUG_WORLD["start_day"])


def _catches_bug_quietly(alpha: Any) -> str | None:
    if not isinstance(alpha, float | int) or not 0 < alpha < 1:
        return f"alpha should be a number between 0 and 1, e.g. 0.01; you gave {alpha!r}."
    quiet, first = quiet_and_bug_alarms(float(alpha))
    if quiet:
        return f"at alpha={alpha} the quiet days still raise {quiet} false alarm(s): go lower."
    if first is None or first - BUG_WORLD["start_day"] > 2:
        return f"at alpha={alpha} the bug is not caught within 2 days: go higher."
    return None


def _sample_size_answer() -> int:
    from deploydl.monitoring import sample_size

    return sample_size(0.15, -0.02)


def _is_sample_size(n: Any) -> str | None:
    expected = _sample_size_answer()
    if not isinstance(n, int):
        return f"give a whole number of applicants per group; you gave {n!r}."
    return None if n == expected else (
        f"{n:,} is not it: use sample_size(baseline=0.15, effect=-0.02) (per group).")


EXERCISES = [
    Exercise(
        id="06.1", title="Name the drifting feature", expected="credit_history_years",
        hints=("Look at the 'drifted' column of report.frame(): which row says True?",
               "report.drifted lists the names; this one has a single entry."),
    ),
    Exercise(
        id="06.2", title="An alert threshold that catches the bug without false alarms",
        checker=_catches_bug_quietly,
        hints=("A smaller alpha means fewer false alarms but later detection. Try 0.01.",
               "Any alpha from 0.0001 to about 0.01 works here; 0.05 raises a false alarm."),
    ),
    Exercise(
        id="06.3", title="How many applicants does the A/B test need?",
        checker=_is_sample_size,
        hints=("Call sample_size(baseline, effect) with the current default rate and the "
               "change worth detecting, both as shares (0.15, -0.02).",
               "n = sample_size(0.15, -0.02)"),
    ),
    Exercise(
        id="06.4", title="Does version B win?", expected="B",
        hints=("Lower default rates are better. Is the p-value under 0.05, and did the test "
               "reach its planned size?",
               "result.significant is True, B's rate is lower and no warning was raised."),
    ),
    Exercise(
        id="06.5", title="Why did the canary roll back?", expected="error rate",
        hints=("Read verdict.reasons: it starts with the signal that got worse.",
               "The canary crashed on some applicants: which of 'error rate' or "
               "'scores drifted' is it?"),
    ),
]
