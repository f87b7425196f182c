"""Module 05 (Efficient inference): batch size, cost, int8, and reading a benchmark.

Expected values are computed at check time from the package and the lab's constants, which
the lab imports from here; exercise 05.4 measures both digit readers again (cached after one
check). The checks are here; the lab's figures and the answers they give are in
``m05_figures``, the int8 reference and the readers of a quantised network in ``m05_int8``,
and the readers of a learner's figure and its slips in ``m05_readers``.
"""

from __future__ import annotations

import math
from typing import Any

from deploydl.exercises.core import (
    Exercise,
    as_bool,
    as_number,
    as_whole,
    brief,
    form,
    is_percentage,
)
from deploydl.exercises.m05_figures import (
    BENCH_CORES,
    BENCH_RATE,
    LATENCY_BUDGET_MS,
    MAX_DROP_POINTS,
    MONTHLY_PREDICTIONS,
    MS_PER_BATCH,
    PRICE_PER_CORE_HOUR,
    SERVED_16_CLIENTS,
    runtime_gain,
    serving_choice,
)
from deploydl.exercises.m05_int8 import (
    CALIBRATION_IMAGES,
    SCALE_TOL,
    _reference_int8,
    _same_weights,
    measured_drop,
    quantisation_params,
)
from deploydl.exercises.m05_readers import _cost_slips, _model_time_alone, _to_its_digits

__all__ = ["BENCH_CORES", "BENCH_RATE", "EXERCISES", "LATENCY_BUDGET_MS", "MONTHLY_PREDICTIONS",
           "MS_PER_BATCH", "PRICE_PER_CORE_HOUR", "SERVED_16_CLIENTS", "measured_drop",
           "runtime_gain", "serving_choice"]


#: Slips in 05.2 (one core counted, cents, per prediction, per thousand or per billion, the
#: server's hourly price) are recognised this close, as a share of the slip's value.
COST_TOL = 3e-3


def _largest_batch(answer: Any) -> str | None:
    fits = [b for b, ms in MS_PER_BATCH.items() if ms <= LATENCY_BUDGET_MS]
    size = as_whole(answer)
    if size is None:
        return form(f"give a batch size (a whole number), you gave {brief(answer)}.")
    if size not in MS_PER_BATCH:
        return f"{size} was not measured: choose one of {sorted(MS_PER_BATCH)}."
    if MS_PER_BATCH[size] > LATENCY_BUDGET_MS:
        return (f"a batch of {size} takes {MS_PER_BATCH[size]} ms, over the "
                f"{LATENCY_BUDGET_MS:g} ms budget.")
    return None if size == max(fits) else f"{size} fits, but a larger batch fits too."


def _cost_per_million(answer: Any) -> str | None:
    from deploydl.efficiency.costs import cost_per_million

    expected = cost_per_million(BENCH_RATE, price_per_core_hour=PRICE_PER_CORE_HOUR,
                                cores=BENCH_CORES)
    value = as_number(answer)
    if value is None:
        return form(f"give the cost in dollars (a number), you gave {brief(answer)}.")
    for wrong, why in _cost_slips(expected):
        if math.isclose(value, wrong, rel_tol=COST_TOL):
            return why
    return _to_its_digits(answer, value, expected)


def _is_int8_model(model: Any) -> str | None:
    import torch

    modules = getattr(model, "modules", None)
    names = [type(m).__module__ for m in modules()] if callable(modules) else []
    if not names or not isinstance(model, torch.nn.Module):
        return form("store the quantised network (a torch module); you gave a "
                    f"{type(model).__name__}.")
    if not any(".quantized" in n for n in names):
        return ("this network has no int8 layers; build it with "
                f"quantize_int8(net, calibration=x_train[:{CALIBRATION_IMAGES}]).")
    given = quantisation_params(model)
    if not given:
        return ("only the linear layers are int8 here, converted on the fly: without "
                "calibration images quantize_int8 leaves the convolutions in float32. Pass "
                f"the images too: quantize_int8(net, calibration=x_train[:{CALIBRATION_IMAGES}]).")
    _, reference = _reference_int8()
    if not _same_weights(model, reference):
        return ("this is not the lab's digit reader in int8: quantise `net`, the network the "
                "first cell loaded.")
    wanted = quantisation_params(reference)
    if set(given) != set(wanted) or any(
            abs(given[k] - wanted[k]) > (1 if "zero_point" in k else SCALE_TOL * abs(wanted[k]))
            for k in wanted):
        return ("int8 is calibrated, but on other images than the exercise names, or on "
                "the same images in another order: the ranges each layer's int8 values cover "
                "come from the calibration images, in the order they are seen, so both change "
                f"the model. Calibrate on x_train[:{CALIBRATION_IMAGES}], passed as it is.")
    return None


def _is_judgement(answer: Any) -> str | None:
    if not (isinstance(answer, tuple | list) and len(answer) == 2):
        return form("give a pair (drop_in_points, acceptable): the drop in percentage points, "
                    f"a number, and True or False; you gave {brief(answer)}.")
    drop, acceptable = as_number(answer[0]), as_bool(answer[1])
    if drop is None or acceptable is None:
        return form("the drop should be a number and acceptable True or False; you gave "
                    f"{brief(answer)}.")
    measured, one_image = measured_drop()
    # a fraction rounded to four places (0.0044 for 0.44 points) is still a fraction
    if abs(measured) > one_image and is_percentage(measured, drop, tol=one_image / 2):
        return "that is a fraction; give the drop in percentage points (times 100)."
    if math.isclose(drop, -measured, abs_tol=one_image / 2) and abs(measured) > one_image / 2:
        return "subtract the other way round: fp32 accuracy minus int8 accuracy."
    if not math.isclose(drop, measured, abs_tol=one_image / 2):
        return (f"measure it: fp32 accuracy minus int8 accuracy on x_test, times 100; you "
                f"gave {drop:.2f} points.")
    if acceptable != (measured <= MAX_DROP_POINTS):
        return (f"the drop is right; with a budget of {MAX_DROP_POINTS:g} point, is "
                f"{drop:.2f} acceptable?")
    return None


def _is_batch_choice(answer: Any) -> str | None:
    from deploydl.efficiency.costs import plan_serving

    if not isinstance(answer, dict) or set(answer) != {"batch_size", "monthly_cost"}:
        return form(f"give {{'batch_size': ..., 'monthly_cost': ...}}; you gave {brief(answer)}.")
    size, bill = as_whole(answer["batch_size"]), as_number(answer["monthly_cost"])
    if size not in MS_PER_BATCH or bill is None:
        return form(f"batch_size should be one of {sorted(MS_PER_BATCH)} and monthly_cost a "
                    f"number; you gave {brief(answer)}.")
    plan = plan_serving(MS_PER_BATCH, batch_size=size, predictions_per_month=MONTHLY_PREDICTIONS,
                        price_per_core_hour=PRICE_PER_CORE_HOUR)
    best, best_bill = serving_choice()
    if plan.latency_ms > LATENCY_BUDGET_MS:
        return (f"a batch of {size} makes requests wait {plan.latency_ms} ms, over the "
                f"{LATENCY_BUDGET_MS:g} ms budget: keep only the sizes within it."
                + _model_time_alone(size))
    if plan.monthly_cost > best_bill:
        return f"at batch {size} the bill is USD {plan.monthly_cost:,.2f}; another size is cheaper."
    if size != best:
        return "the same bill, but another size makes each request wait less."
    if not math.isclose(bill, best_bill, abs_tol=0.01):
        return (f"batch {size} is the right choice; copy its monthly_cost from the plan "
                f"(you gave {bill}).")
    return None


def _is_runtime_gain(answer: Any) -> str | None:
    value = as_number(answer)
    if value is None:
        return form(f"give the gain as a number of times (e.g. 1.2), you gave {brief(answer)}.")
    onnx, course, naive = (SERVED_16_CLIENTS[k] for k in
                           ("course on ONNX", "course service", "naive FastAPI"))
    expected = runtime_gain()
    if _to_its_digits(answer, value, expected) is None:
        return None
    for wrong, why in (
            (onnx / naive, "that is ONNX against the naive endpoint: batching and the runtime "
                           "together. Compare two servers that differ only in the runtime."),
            (course / naive, "that is batching's gain (the course's service against the naive "
                             "endpoint). Compare the course's service on ONNX Runtime with the "
                             "same service on PyTorch."),
            (1 / expected, "the other way round: ONNX Runtime's predictions per second over "
                           "PyTorch's."),
            (onnx - course, "that is a difference in predictions per second; give the ratio "
                            "(how many times as many)."),
            (100 * expected, "give the ratio as a number of times, not a percentage."),
            (100 * (expected - 1), "give the ratio as a number of times, not a percentage."),
            (expected - 1, "that is how much more ONNX Runtime serves, as a share of "
                           "PyTorch's rate; give how many times as many: the ratio of the two "
                           "rates itself, not the ratio minus 1.")):
        if math.isclose(value, wrong, rel_tol=0.01):
            return why
    return _to_its_digits(answer, value, expected)


#: The slide's figure that 05.6 takes apart: ONNX Runtime against the naive endpoint.
_ONNX_VS_NAIVE = SERVED_16_CLIENTS["course on ONNX"] / SERVED_16_CLIENTS["naive FastAPI"]

EXERCISES = [
    Exercise(
        id="05.1", title="The largest batch within a latency budget",
        checker=_largest_batch,
        hints=("A request waits for its whole batch. Which batch sizes take 10 ms or less?",
               "Keep the sizes whose time is <= 10 and take the largest: "
               "max(b for b, ms in ms_per_batch.items() if ms <= 10)"),
    ),
    Exercise(
        id="05.2", title="Cost per million predictions",
        checker=_cost_per_million,
        hints=("Dollars per hour for the server, divided by predictions per hour, times a "
               "million.",
               "cost_per_million(1200, price_per_core_hour=0.05, cores=2)"),
    ),
    Exercise(
        id="05.3", title="Quantise the digit reader to int8",
        checker=_is_int8_model,
        hints=("quantize_int8 takes the network and some typical images to calibrate on.",
               "int8_net = quantize_int8(net, calibration=x_train[:512])"),
    ),
    Exercise(
        id="05.4", title="Is the accuracy loss acceptable?",
        checker=_is_judgement,
        hints=("Compute both accuracies with accuracy(model, x_test, y_test), subtract, and "
               "multiply by 100 to get points.",
               "drop = (accuracy(net, x_test, y_test) - accuracy(int8_net, x_test, y_test)) "
               "* 100; judgement = (drop, drop <= 1.0)"),
    ),
    Exercise(
        id="05.5", title="Pick the batch size with the lowest bill",
        checker=_is_batch_choice,
        hints=("Call plan_serving(...) once per batch size and compare monthly_cost and "
               "latency_ms. The cheapest size may not be allowed: a request waits for its whole "
               "batch and its HTTP work (latency_ms), and the budget is 10 ms.",
               "plans = {b: plan_serving(ms_per_batch, batch_size=b, predictions_per_month=15e9, "
               "price_per_core_hour=0.05) for b in ms_per_batch}; drop those over 10 ms "
               "(latency_ms), then take the lowest bill."),
    ),
    Exercise(
        id="05.6", title="Compare like with like: the runtime's own gain",
        checker=_is_runtime_gain,
        hints=(f"The {_ONNX_VS_NAIVE:.1f}x compares the course's service on ONNX with the "
               "naive endpoint: two things changed, batching and the runtime. Which two "
               "servers in `served` differ only in the runtime?",
               'runtime_gain = served["course on ONNX"] / served["course service"]'),
    ),
]
