"""Modules 05 and 06's feedback from a red team's answers: a wrong answer is told what it is and
what to give, never the number that passes; a share given as a rounded percentage is told it is
a percentage; 05.2's cost in another unit is told its unit."""

from __future__ import annotations

import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise


def _message(exercise_id, answer):
    result = evaluate(find_exercise(exercise_id), answer)
    assert result.status == FAILED, (answer, result.message)
    return result.message


def test_05_6_the_gain_as_a_share_more_is_told_what_it_is_not_the_answer():
    """A red team's: 0.549 was told "give how many times as many: 1.55, not 0.55", and 1.55
    then passed without the learner working it out."""
    from deploydl.exercises.m05 import runtime_gain

    gain = runtime_gain()
    message = _message("05.6", round(gain - 1, 3))
    assert "as a share" in message and "how many times as many" in message
    assert not any(f"{gain:.{places}f}" in message for places in (1, 2, 3)), message


@pytest.mark.parametrize("answer", [4725, 4723, 1000, 10_000])
def test_06_3_a_wrong_size_names_the_function_and_its_figures_not_their_values(answer):
    """A red team's: any wrong whole number got the solving call, sample_size(baseline=0.15,
    effect=-0.02)."""
    message = _message("06.3", answer)
    assert "sample_size(baseline, effect)" in message and "default rate today" in message
    assert "0.15" not in message and "0.02" not in message, message
    assert "approved loans per version" in message


@pytest.mark.parametrize(("baseline", "effect", "says"), [
    (0.15, 0.02, "the effect is negative"),
    (0.15, 0.13, "the effect is the change worth detecting"),
    (0.13, -0.02, "the baseline is the default rate today"),
])
def test_06_3_common_slips_in_the_call_are_told_which_figure_is_off(baseline, effect, says):
    from deploydl.monitoring import sample_size

    message = _message("06.3", sample_size(baseline, effect))
    assert says in message and "0.15" not in message and "0.02" not in message, message


def _diagnosis(exercise_id):
    from deploydl.data import make_applicants
    from deploydl.exercises.m06 import REFERENCE_ROWS, REFERENCE_SEED, diagnose

    if exercise_id == "08.2":
        from deploydl.exercises.m08 import new_region

        today = new_region()
    else:
        from deploydl.data import apply_drift
        from deploydl.exercises.m06 import BUG_STRENGTH, TODAY_ROWS, TODAY_SEED

        today = apply_drift(make_applicants(TODAY_ROWS, seed=TODAY_SEED), "pipeline_bug",
                            strength=BUG_STRENGTH, seed=TODAY_SEED)
    return diagnose(make_applicants(REFERENCE_ROWS, seed=REFERENCE_SEED), today)


@pytest.mark.parametrize("exercise_id", ["06.1", "08.2"])
def test_a_share_of_zeros_given_as_a_whole_percentage_is_told_it_is_a_percentage(exercise_id):
    """A red team's: 34 for a share of 0.336 was told to measure again, as if it were wrong."""
    truth = _diagnosis(exercise_id)
    percent = round(100 * truth["zero_share"])
    assert percent != round(100 * truth["zero_share"], 1)  # rounded, not exact
    message = _message(exercise_id, {**truth, "zero_share": percent})
    assert message == "that is a percentage; give the share of zeros as a number between 0 and 1."


def test_06_5_an_error_rate_given_as_a_whole_percentage_is_told_it_is_a_percentage():
    """A red team's: 21 for 13/63 = 0.206 was told to count again. A wrong count written as a
    percentage (one failed request more) is still told to count."""
    from deploydl.exercises.m06 import _canary_failures

    failed, requests = _canary_failures()
    right = {"canary_error_rate": failed / requests, "action": "roll back"}
    assert evaluate(find_exercise("06.5"), right).status == PASSED
    percent = round(100 * failed / requests)
    message = _message("06.5", {**right, "canary_error_rate": percent})
    assert message.startswith("that is a percentage; give the share as a number between 0 and 1")
    other = round(100 * (failed + 1) / requests)
    assert "count the canary version's failed requests" in _message(
        "06.5", {**right, "canary_error_rate": other})


@pytest.mark.parametrize(("scale", "says"), [
    (1e3, "the cost of a billion predictions"),
    (1e-3, "the cost of a thousand predictions"),
])
def test_05_2_a_cost_per_billion_or_per_thousand_is_told_its_unit(scale, says):
    """A red team's: 23.148 (per billion) got only "you gave 23.148"."""
    from deploydl.efficiency.costs import cost_per_million
    from deploydl.exercises.m05 import BENCH_CORES, BENCH_RATE, PRICE_PER_CORE_HOUR

    cost = cost_per_million(BENCH_RATE, price_per_core_hour=PRICE_PER_CORE_HOUR,
                            cores=BENCH_CORES)
    for answer in (cost * scale, float(f"{cost * scale:.4g}")):
        message = _message("05.2", answer)
        assert says in message and "give the cost of a million" in message, message


def test_05_2_the_servers_hourly_price_is_told_it_is_per_hour():
    """A red team's: 0.1, what the 2-core server costs an hour, got only "you gave 0.1"."""
    from deploydl.exercises.m05 import BENCH_CORES, PRICE_PER_CORE_HOUR

    message = _message("05.2", PRICE_PER_CORE_HOUR * BENCH_CORES)
    assert "costs an hour" in message and "a million" in message, message
