"""Module 06 (Monitoring and maintenance): six exercises on drift, alerts, A/B tests, the
canary and the maintenance window.

Expected values are computed at check time from the package and the lab's seeded data: the
lab's simulated scenarios are in ``m06_scenarios``, and the readers of a learner's number or
choice in ``m06_answers``.
"""

from __future__ import annotations

from typing import Any, cast

from deploydl.data import APPLICATIONS_PER_DAY
from deploydl.exercises.core import Exercise, as_number, as_whole, brief, choice_letter, form
from deploydl.exercises.m06_answers import _is_duration, _measure, _not_a_number, _pick
from deploydl.exercises.m06_scenarios import (
    ACTIONS,
    BROKEN_COST_PER_DAY,
    BUG_WORLD,
    HOURS_TO_ROLL_BACK,
    RELEASE_DECISIONS,
    WAIT_COST_PER_DAY,
    diagnose,
    quiet_and_bug_alarms,
    release_call,
)
from deploydl.monitoring.faulty import rounding_bug_crashes

#: Exercise 06.1's data: the training data, and today's traffic (a day of the bank's
#: applications) with a pipeline bug.
REFERENCE_ROWS, REFERENCE_SEED, TODAY_SEED, BUG_STRENGTH = 5000, 0, 40, 0.6
TODAY_ROWS = APPLICATIONS_PER_DAY
#: Exercise 06.3's A/B test: the segment's default rate today and the change worth detecting,
#: both as shares (sample_size refuses percentages, so 15 and -2 give no number to check).
AB_BASELINE, AB_EFFECT = 0.15, -0.02
#: Exercise 06.4's A/B test: defaults and approved loans for A and B, and the planned size.
AB_COUNTS, AB_PLANNED = (750, 5000, 660, 5000), 5000

#: Exercise 06.5's canary: traffic, the split, and the rule CanaryRelease applies.
CANARY_ROWS, CANARY_SEED, CANARY_SHARE, CANARY_SALT = 300, 41, 0.2, "lab"
MAX_ERROR_INCREASE = 0.01
#: A rate within this of the canary's share of the traffic is that share, as a float32 or a
#: float printed to six or seven digits gives it (np.float32(0.2) is 0.2000000030).
SAME_SHARE = 1e-6
#: The furthest a share rounded to two decimals is from the unrounded one.
TWO_DECIMALS = 0.005
CANARY_ACTIONS = ("roll back", "keep")


def _is_release_call(answer: Any) -> str | None:
    truth = release_call()
    if not isinstance(answer, dict) or set(answer) != set(truth):
        return form("give {'hours_to_window': a number of hours, 'decision': 'wait' or "
                    f"'emergency'}}; you gave {brief(answer)}.")
    if _is_duration(answer["hours_to_window"]):
        return form("give a number of hours, not a duration: "
                    "window.wait(now).total_seconds() / 3600.")
    right = truth["hours_to_window"]
    wrong = _measure(answer["hours_to_window"], right, tol=0.01, slips=(
        (right / 24, 0.01, "that is in days; give the hours."),
        (right + 4, 0.01, "that is when the window closes; give the hours until it opens.")),
        miss=("count the hours from Thursday 16:30 to Sunday 02:00 UTC (minutes too); you "
              f"gave {brief(answer['hours_to_window'])}."))
    return wrong or _pick(answer["decision"], RELEASE_DECISIONS, truth["decision"], name="decision",
                 why="the hours are right; compare what waiting costs (hours / 24 x the cost "
                     "of a day) with the worst case of releasing now (6 hours of a broken "
                     "release).")


def canary_error_rate() -> float:
    """Share of the canary's requests that fail, recomputed from the split and the bug."""
    failed, requests = _canary_failures()
    return failed / requests


def _canary_failures() -> tuple[int, int]:
    """How many of the canary's requests fail, and how many it serves."""
    canary = _canary_requests()
    return sum(map(rounding_bug_crashes, canary)), len(canary)


def _canary_requests() -> list[dict[str, Any]]:
    """The applicants the canary version serves (one request each)."""
    from deploydl.data import make_applicants
    from deploydl.monitoring import TrafficSplit

    split = TrafficSplit(None, None, share=CANARY_SHARE, salt=CANARY_SALT)
    # pandas' stubs key records by any Hashable; the applicants' columns are all str.
    rows = cast(list[dict[str, Any]],
                make_applicants(CANARY_ROWS, seed=CANARY_SEED).to_dict("records"))
    return [r for r in rows if split.bucket(r["applicant_id"]) < CANARY_SHARE]


def _is_canary_call(answer: Any) -> str | None:
    if not isinstance(answer, dict) or set(answer) != {"canary_error_rate", "action"}:
        return form("give {'canary_error_rate': a share between 0 and 1, 'action': 'roll back' "
                    f"or 'keep'}}; you gave {brief(answer)}.")
    failed, requests = _canary_failures()
    measured = failed / requests
    # Half a request either way: a share that rounds to the right count of failed requests
    # passes (13/63 = 0.2063 given as 0.21); one failed request more or fewer does not, nor
    # does the canary's share of the traffic (0.2), which the lab states. And no further than
    # the rate rounded to two decimals, which the message about 0.2 asks for at least: 0.199
    # (12.5 requests of 63, rounded up) is neither the rate nor a rounding of it.
    tol = min(0.5 / requests, TWO_DECIMALS)
    all_requests = (measured * CANARY_SHARE, 0.02,
                    "that is the share of all requests; divide by the canary's requests only.")
    traffic = (CANARY_SHARE, SAME_SHARE,
               f"{CANARY_SHARE:g} is also the canary's share of the traffic "
               f"({CANARY_SHARE:.0%}), so the check cannot tell your answer from that share: give "
               "the canary's failed requests over its requests to at least two decimals (or "
               "unrounded).")
    # Refused only while two decimals tell the rate from the share (0.21 against 0.2 here).
    slips = (all_requests,) if round(measured, 2) == CANARY_SHARE else (all_requests, traffic)
    wrong = _measure(answer["canary_error_rate"], measured, tol=tol, share="the share",
                     slips=slips,
                     miss=("count the canary version's failed requests over its requests; you "
                           f"gave {brief(answer['canary_error_rate'])}."))
    right = CANARY_ACTIONS[0] if measured > MAX_ERROR_INCREASE else CANARY_ACTIONS[1]
    return wrong or _pick(answer["action"], CANARY_ACTIONS, right, name="action",
                 why=f"the rate is right; the rule rolls back above {MAX_ERROR_INCREASE:.0%} "
                     "more errors than the stable version (which has none).")


def judge_diagnosis(answer: Any, truth: dict[str, Any], *, table: str) -> str | None:
    """None when ``answer`` (feature, zero_share, action) matches :func:`diagnose`'s ``truth``,
    measured on the lab's table named ``table`` (``today``, ``new_region``)."""
    if not isinstance(answer, dict) or set(answer) != set(truth):
        return form(f"give a dict with the keys {sorted(truth)}; you gave {brief(answer)}.")
    feature = answer["feature"]
    if not isinstance(feature, str):
        return form("give the feature's name as text, e.g. 'income' (one name such as "
                    f"report.drifted[0], not a list or a column of data); you gave a "
                    f"{type(feature).__name__}.")
    name = feature.strip()
    if name != truth["feature"] and name.lower() == truth["feature"].lower():
        return form(f"{brief(feature)} is not a column (names are case-sensitive): write it "
                    "as the report's 'drifted' column does.")
    if name != truth["feature"]:
        return f"{brief(feature)} did not drift: read the 'drifted' column of the report."
    wrong = _measure(answer["zero_share"], truth["zero_share"], tol=5e-4,
                     share="the share of zeros", slips=(),
                     miss=(f"measure the share of the rows of {table} where {truth['feature']} "
                           f"is exactly 0; you gave {brief(answer['zero_share'])}."))
    return wrong or _pick(answer["action"], ACTIONS, truth["action"], name="action",
                 why="the measurement is right; compare it with the reference's share of "
                     "zeros: a jump of zeros is a broken pipeline, a shift of the whole range "
                     "is a real change.")


def _is_bug_diagnosis(answer: Any) -> str | None:
    from deploydl.data import apply_drift, make_applicants

    today = apply_drift(make_applicants(TODAY_ROWS, seed=TODAY_SEED), "pipeline_bug",
                        strength=BUG_STRENGTH, seed=TODAY_SEED)
    return judge_diagnosis(answer, diagnose(make_applicants(REFERENCE_ROWS, seed=REFERENCE_SEED),
                                            today), table="today")


def _catches_bug_quietly(answer: Any) -> str | None:
    alpha = as_number(answer)
    if alpha is None and (text := _not_a_number(answer)):
        return text
    if alpha is None or not 0 < alpha < 1:
        return form("alpha should be a number between 0 and 1, a significance level like the "
                    f"default 0.05; you gave {brief(answer)}.")
    quiet, first = quiet_and_bug_alarms(alpha)
    if quiet:
        return f"at alpha={alpha} the quiet days still raise {quiet} false alarm(s): go lower."
    if first is None or first - BUG_WORLD["start_day"] > 2:
        return f"at alpha={alpha} the bug is not caught within 2 days: go higher."
    return None


def _sample_size_answer() -> int:
    from deploydl.monitoring import sample_size

    return sample_size(AB_BASELINE, AB_EFFECT)


def _sample_size_slips(expected: int) -> dict[int, str]:
    """06.3's known wrong sizes beside the right one (``expected``), each with what it is and
    what to give instead."""
    from deploydl.monitoring import sample_size

    target = AB_BASELINE + AB_EFFECT
    return {
        sample_size(AB_BASELINE, -AB_EFFECT): (
            "that is the size for a rise in defaults: the retrained model brings the default "
            "rate down, so the effect is negative."),
        sample_size(AB_BASELINE, target): (
            "that takes the new default rate as the effect: the effect is the change worth "
            "detecting (the new rate minus today's)."),
        sample_size(target, AB_EFFECT): (
            "that starts from the new default rate: the baseline is the default rate today."),
        2 * expected: (
            "that is both versions together; give the number of approved loans per version."),
    }


def _is_sample_size(answer: Any) -> str | None:
    expected, n = _sample_size_answer(), as_whole(answer)
    if n is None:
        return _not_a_number(answer) or form(
            f"give a whole number of approved loans per version; you gave {brief(answer)}.")
    if n == expected:
        return None
    return _sample_size_slips(expected).get(n, (
        f"{n:,} approved loans per version is not what the test needs: call "
        "sample_size(baseline, effect) with the segment's default rate today and the change "
        "worth detecting, both as shares between 0 and 1."))


def _ab_winner(answer: Any) -> str | None:
    from deploydl.monitoring import ab_test

    options = ("A", "B", "no decision")
    given = answer if not isinstance(answer, str) else (  # "(B)" is B, "No decision." too
        choice_letter(answer) or " ".join(answer.strip(" .").split()))
    if not isinstance(given, str) or given.lower() not in {o.lower() for o in options}:
        return form(f"give one of {list(options)}; you gave {brief(answer)}.")
    result = ab_test(*AB_COUNTS, planned_n=AB_PLANNED)
    right = ("no decision" if not result.significant or result.warning
             else "B" if result.difference < 0 else "A")
    if given.lower() == right.lower():
        return None
    if given.lower() == "no decision":
        return (f"the test reached its planned size and p = {result.p_value:.3f} is under 0.05: "
                "the difference is real, so decide.")
    return ("both versions approved the same number of loans, so fewer defaults per approved "
            "loan means more profit: which version had fewer?")


EXERCISES = [
    Exercise(
        id="06.1", title="Bug or real change? Decide what to do about the drift",
        checker=_is_bug_diagnosis,
        hints=("Read the 'drifted' column of the report for the feature, then measure the share "
               "of rows where it is exactly 0, today and in the reference.",
               "feature = report.drifted[0]; zero_share = (today[feature] == 0).mean(); "
               "compare with (reference[feature] == 0).mean()."),
    ),
    Exercise(
        id="06.2", title="An alert threshold that catches the bug without false alarms",
        checker=_catches_bug_quietly,
        hints=("A smaller alpha means fewer false alarms but later detection. Try values "
               "below 0.05 with quiet_and_bug_alarms(alpha) and watch both numbers: the false "
               "alarms, and the day of the first alarm.",
               "for alpha in (0.05, 0.02, 0.01, 0.001): print(alpha, "
               "quiet_and_bug_alarms(alpha)); keep an alpha with 0 false alarms whose first "
               "alarm comes by day 9."),
    ),
    Exercise(
        id="06.3", title="How many approved loans does the A/B test need?",
        checker=_is_sample_size,
        hints=("Call sample_size(baseline, effect) with the current default rate and the "
               f"change worth detecting, both as shares ({AB_BASELINE}, {AB_EFFECT}).",
               f"n = sample_size({AB_BASELINE}, {AB_EFFECT})"),
    ),
    Exercise(
        id="06.4", title="Does version B win?", checker=_ab_winner,
        hints=("With approvals equal, a lower default rate is better. Is the p-value under "
               "0.05, and did the test reach its planned size?",
               "result.significant is True, B's rate is lower and no warning was raised."),
    ),
    Exercise(
        id="06.5", title="Roll the canary back or keep it?",
        checker=_is_canary_call,
        hints=("Count the requests the canary version (2.0.0) served and how many of them "
               "failed; the stable version failed on none.",
               "requests = log.frame().drop_duplicates('request_id'); canary = "
               "requests[requests['model_version'] == '2.0.0']; rate = "
               "(canary['status'] == 'error').mean()"),
    ),
    Exercise(
        id="06.6", title="Wait for the window, or declare an emergency?",
        checker=_is_release_call,
        hints=("window.wait(now) is how long until the window opens; .total_seconds() / 3600 "
               "gives hours. Then price both sides: waiting, and 6 hours of a broken release.",
               f"hours = window.wait(now).total_seconds() / 3600; waiting = hours / 24 * "
               f"{WAIT_COST_PER_DAY:_}; worst = {HOURS_TO_ROLL_BACK} / 24 * "
               f"{BROKEN_COST_PER_DAY:_}; emergency only if worst < waiting."),
    ),
]
