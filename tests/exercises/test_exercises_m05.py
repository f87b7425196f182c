"""Module 05's exercises: the numbers make each step count, and the slips get their message."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from deploydl.exercises.core import FAILED, PASSED, evaluate
from deploydl.exercises.registry import find_exercise

ROOT = Path(__file__).resolve().parents[2]


def _result(exercise_id, answer):
    return evaluate(find_exercise(exercise_id), answer)


def test_05_5_ignoring_the_latency_budget_gives_a_wrong_answer():
    """The cheapest batch overall misses the budget, so the budget decides the answer."""
    from deploydl.efficiency.costs import plan_serving
    from deploydl.exercises.m05 import (
        LATENCY_BUDGET_MS,
        MONTHLY_PREDICTIONS,
        MS_PER_BATCH,
        PRICE_PER_CORE_HOUR,
        serving_choice,
    )

    plans = {b: plan_serving(MS_PER_BATCH, batch_size=b, predictions_per_month=MONTHLY_PREDICTIONS,
                             price_per_core_hour=PRICE_PER_CORE_HOUR) for b in MS_PER_BATCH}
    cheapest = min(plans, key=lambda b: plans[b].monthly_cost)
    best, bill = serving_choice()
    assert plans[cheapest].latency_ms > LATENCY_BUDGET_MS and cheapest != best
    assert plans[cheapest].monthly_cost < bill
    # within the budget the bill alone decides: no tie for the wait to break
    within = sorted(p.monthly_cost for p in plans.values() if p.latency_ms <= LATENCY_BUDGET_MS)
    assert within[0] == bill < within[1]
    result = _result("05.5", {"batch_size": cheapest, "monthly_cost": plans[cheapest].monthly_cost})
    assert result.status == FAILED and "over the 10 ms budget" in result.message


@pytest.mark.parametrize("places", [3, 4])
def test_05_4_a_rounded_fraction_is_named_a_fraction(places):
    from deploydl.exercises.m05 import measured_drop

    drop, image = measured_drop()
    assert abs(drop) > image  # the shipped weights lose more than one test image to int8
    fraction = round(drop / 100, places)
    assert fraction != 0  # two places would round it to 0, which says nothing of the number
    result = _result("05.4", (fraction, drop <= 1.0))
    assert result.status == FAILED and "that is a fraction" in result.message


def test_05_6_figures_are_the_stored_benchmarks():
    from deploydl.efficiency.bench_report import SERVER_NAMES
    from deploydl.exercises.m05 import SERVED_16_CLIENTS

    results = json.loads((ROOT / "benchmarks" / "results" / "serving.json").read_text())
    stored = {SERVER_NAMES[r["server"]]: r["predictions_per_s"] for r in results["summary"]
              if (r["batch"], r["concurrency"]) == (1, 16)}
    assert {name: stored[name] for name in SERVED_16_CLIENTS} == SERVED_16_CLIENTS


@pytest.mark.parametrize(("pick", "says"), [
    (lambda s: s["course on ONNX"] / s["naive FastAPI"], "batching and the runtime together"),
    (lambda s: s["course service"] / s["naive FastAPI"], "that is batching's gain"),
    (lambda s: s["course service"] / s["course on ONNX"], "the other way round"),
    (lambda s: s["course on ONNX"] - s["course service"], "give the ratio"),
])
def test_05_6_comparing_unlike_servers_gets_a_message_that_teaches(pick, says):
    from deploydl.exercises.m05 import SERVED_16_CLIENTS, runtime_gain

    result = _result("05.6", pick(SERVED_16_CLIENTS))
    assert result.status == FAILED and says in result.message
    assert _result("05.6", round(runtime_gain(), 2)).status == PASSED


def test_05_4_the_form_message_gives_no_pair_that_passes():
    """A review's: the form message's example "(0.4, True)" passed as the answer."""
    import re

    from deploydl.exercises.core import FormProblem

    message = _result("05.4", "small").message
    assert isinstance(find_exercise("05.4").checker("small"), FormProblem)
    for drop in re.findall(r"-?\d+(?:\.\d+)?", message):
        for acceptable in (True, False):
            assert _result("05.4", (float(drop), acceptable)).status == FAILED, message


def test_05_5_comparing_the_model_time_alone_with_the_budget_fails_and_is_named():
    """The task's point: in 05.5 the budget covers the whole wait. Filtering on the model time
    alone (05.1's rule) keeps a size whose whole wait misses the budget, and picks it."""
    from deploydl.efficiency.costs import plan_serving
    from deploydl.exercises.m05 import (
        LATENCY_BUDGET_MS,
        MONTHLY_PREDICTIONS,
        MS_PER_BATCH,
        PRICE_PER_CORE_HOUR,
    )

    plans = {b: plan_serving(MS_PER_BATCH, batch_size=b, predictions_per_month=MONTHLY_PREDICTIONS,
                             price_per_core_hour=PRICE_PER_CORE_HOUR)
             for b, ms in MS_PER_BATCH.items() if ms <= LATENCY_BUDGET_MS}
    slip = min(plans, key=lambda b: (plans[b].monthly_cost, plans[b].latency_ms))
    result = _result("05.5", {"batch_size": slip, "monthly_cost": plans[slip].monthly_cost})
    assert result.status == FAILED
    assert "model time alone" in result.message and "whole wait" in result.message


@pytest.mark.parametrize(("exercise_id", "answer", "passes"), [
    ("05.2", 0.0231, True), ("05.2", 0.02315, True), ("05.2", 0.0232, False),
    ("05.2", 0.023, False), ("05.2", 0.02314, True), ("05.2", 0.02313, False),
    ("05.2", np.float32(0.0231), True), ("05.2", np.float32(0.0232), False),
    ("05.6", 1.55, True), ("05.6", 1.549, True), ("05.6", 1.54, False),
    ("05.6", 1.53, False), ("05.6", 1.567, False), ("05.6", 1.5, False),
    ("05.6", 1.548, True), ("05.6", 1.5488, True), ("05.6", 1.547, False),
    ("05.6", np.float32(1.55), True), ("05.6", np.array(np.float32(1.55)), True),
    ("05.6", np.float32(1.54), False),
])
def test_a_figure_passes_only_right_to_the_digits_it_gives(exercise_id, answer, passes):
    """05.2 (0.023148...) and 05.6 (1.54886...) ask for a figure unrounded or to at least three
    significant digits. Three must be rounded (1.55; 1.54, though 1.54886 cut off there, fails);
    four or more may be rounded or cut off (1.549, 1.548, 1.5488), within one unit of their
    last digit, no further. A review's: 1.548 and 0.02314, cut off, failed, and so did
    np.float32(1.55), whose digits were read from the float it converts to."""
    result = _result(exercise_id, answer)
    assert (result.status == PASSED) is passes, result.message
    if not passes and answer not in (0.023, 1.5):
        assert "off in its last digit" in result.message


def test_05_6_the_gain_as_a_share_more_is_told_to_give_times_as_many():
    from deploydl.exercises.m05 import runtime_gain

    result = _result("05.6", round(runtime_gain() - 1, 3))
    assert result.status == FAILED and "how many times as many" in result.message
    assert "not the ratio minus 1" in result.message


def test_05_3_the_right_images_in_another_order_are_told_to_keep_the_order():
    """HistogramObserver's scales depend on the order the images come in: the same 512 images
    reversed fail, and the message says why and what to pass."""
    from deploydl.data import load_digits_split
    from deploydl.efficiency.compress import quantize_int8
    from deploydl.efficiency.inference import prepare_for_inference
    from deploydl.models import reference_digits_cnn

    x_train, *_ = load_digits_split()
    net = prepare_for_inference(reference_digits_cnn())
    result = _result("05.3", quantize_int8(net, calibration=x_train[:512][::-1].copy()))
    assert result.status == FAILED
    assert "in another order" in result.message and "passed as it is" in result.message
