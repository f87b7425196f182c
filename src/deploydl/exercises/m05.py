"""Module 05 (Efficient inference): batch size, cost, int8, and reading a benchmark.

Expected values are computed at check time from the package and the constants below, which
the lab imports; exercise 05.4 measures both digit readers again (cached after one check).
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache
from typing import Any

from deploydl.exercises.core import (
    Exercise,
    as_bool,
    as_number,
    as_whole,
    brief,
    form,
    is_percentage,
    rounding_slip,
)

#: Milliseconds for one model call at each batch size: round figures fixed for the lab, so
#: every answer can be checked (not a measurement; the lesson measures the model live). Each
#: larger batch costs less per image (0.9 ms at 1, 0.2 ms at 48, 0.19 ms at 128). A batch of
#: 48 takes 9.6 ms: its model time fits the budget (05.1's answer), but with the 0.5 ms of HTTP
#: that plan_serving adds its request waits 10.1 ms, over it, so 05.5 tells apart a learner who
#: compares the whole wait from one who compares the model time alone.
MS_PER_BATCH = {1: 0.9, 8: 2.1, 32: 6.5, 48: 9.6, 128: 24.0}
#: The product team's latency budget, in milliseconds: 05.1 compares a batch's model time with
#: it, 05.5 a request's whole wait (``latency_ms``: that model time plus the HTTP cost).
LATENCY_BUDGET_MS = 10.0
#: Exercise 05.2's benchmark: predictions per second, cores, dollars per core-hour.
BENCH_RATE, BENCH_CORES, PRICE_PER_CORE_HOUR = 1200, 2, 0.05
#: Slips in 05.2 (one core counted, cents, per prediction, per thousand or per billion, the
#: server's hourly price) are recognised this close, as a share of the slip's value.
COST_TOL = 3e-3
#: Exercises 05.2 and 05.6 ask for a figure unrounded or to at least this many significant
#: digits.
SIGNIFICANT_DIGITS = 3
#: An unrounded answer may differ from ours by float rounding, as a share of it (a float32
#: holds about 7 significant digits).
FLOAT_NOISE = 1e-6
#: An answer this close to the right figure, as a share of it, but wrong in its last digit, is
#: told so.
NEAR = 0.02
#: Exercise 05.4: the accuracy the bank gives up at most, in percentage points.
MAX_DROP_POINTS = 1.0
#: Exercise 05.5: cheque digits a month once partner banks send theirs too. At this traffic
#: the larger batches need fewer cores, so the cheapest sizes (48 and 128, USD 438 each) miss
#: the latency budget: the budget, not the bill alone, decides the answer.
MONTHLY_PREDICTIONS = 15e9
#: Exercise 05.6: predictions per second that the benchmark stored with the course
#: (``benchmarks/results/serving.json``, the wide CNN) measured with 16 clients sending one
#: image each, by server as its chart names them; a test keeps them equal to the file.
SERVED_16_CLIENTS = {"naive FastAPI": 397.2, "course service": 1453.2, "course on ONNX": 2250.8}


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


def _cost_slips(expected: float) -> tuple[tuple[float, str], ...]:
    """05.2's known wrong figures beside the right one (``expected``, dollars per million
    predictions), each with what it is and what to give instead."""
    per_hour = PRICE_PER_CORE_HOUR * BENCH_CORES
    return ((expected / BENCH_CORES, "count both cores: the server has 2."),
            (expected / 1e6, "that is per prediction; give it per million."),
            (expected / 1e3, "that is the cost of a thousand predictions; give the cost of a "
                             "million."),
            (expected * 1e3, "that is the cost of a billion predictions; give the cost of a "
                             "million."),
            (per_hour, "that is what the server costs an hour; share it among the predictions "
                       "it makes in an hour, and give the cost of a million of them."),
            (expected * 100, "that is in cents; give it in dollars."))


def _to_its_digits(answer: Any, value: float, right: float) -> str | None:
    """None when ``value`` (the learner's ``answer``) is ``right`` to the digits it gives, at
    least :data:`SIGNIFICANT_DIGITS` significant ones. An answer of exactly three must be
    rounded: within half a unit of its last digit (for 1.54886, 1.55 passes; 1.54, though cut
    off there, fails, as do 1.53 and 0.0232 for 0.023148). One of four or more may be rounded
    (1.549) or cut off: within one unit of its last digit, towards zero (1.548, 1.5488 and
    0.02314 pass; 1.547 and 1.567 fail). An unrounded answer may be off by :data:`FLOAT_NOISE`.
    The digits are the answer's own: np.float32(1.55) gives three, not the seventeen of the
    float it converts to. Else what is off: rounded too far, off in its last digit, or simply
    another number."""
    digits, exponent = _digits_given(answer, value)
    unit = 10.0 ** exponent
    error = abs(value - right)
    rounded = error <= max(0.5 * unit, FLOAT_NOISE * abs(right))
    cut_off = digits > SIGNIFICANT_DIGITS and abs(value) <= abs(right) and error < unit
    close = rounded or cut_off
    if close and digits >= SIGNIFICANT_DIGITS:
        return None
    if not close and math.isclose(value, right, rel_tol=NEAR):
        return (f"you gave {brief(answer)}, close to the right number but off in its last "
                "digit: give the unrounded result, or round it correctly to at least "
                f"{SIGNIFICANT_DIGITS} significant digits.")
    return rounding_slip(value, right) or f"you gave {brief(answer)}."


def _digits_given(answer: Any, value: float) -> tuple[int, int]:
    """(how many significant digits ``answer`` gives, the power of ten of its last), read from
    its own shortest form: a numpy float32's ("1.55"), not the float ``value`` it converts to
    ("1.5499999523162842")."""
    import numpy as np

    scalar = np.asarray(answer)[()] if isinstance(answer, np.ndarray) else answer
    text = (np.format_float_positional(scalar, unique=True)
            if isinstance(scalar, np.floating) else repr(value))
    given = Decimal(text).normalize().as_tuple()
    return len(given.digits), int(given.exponent)


#: Exercise 05.3: the calibration images the lab names.
CALIBRATION_IMAGES = 512
#: Quantisation scales agree this closely when the same images, in the same order, calibrate
#: the same network (other CPUs differ by about 1e-7). Each layer's output scale comes from
#: torch's HistogramObserver: it builds a histogram of the values the calibration images
#: produce, 64 images at a time, and keeps the range whose int8 rounding loses least, not
#: simply the largest and smallest values. The histogram is re-binned whenever a batch widens
#: its range, so the same 512 images in another order give scales up to about 1% apart, and
#: fail. One image more or fewer moves them less than this (x_train[:511] and x_train[1:513]
#: pass), while x_train[:256], x_train[:1024] or another 512 images move them by 3% or more.
SCALE_TOL = 1e-3


@cache
def _reference_int8():
    """The digit reader quantised as the lab asks: calibrated on x_train[:512]."""
    from deploydl.data import load_digits_split
    from deploydl.efficiency.compress import quantize_int8
    from deploydl.efficiency.inference import prepare_for_inference
    from deploydl.models import reference_digits_cnn

    x_train, *_ = load_digits_split()
    net = prepare_for_inference(reference_digits_cnn())
    return net, quantize_int8(net, calibration=x_train[:CALIBRATION_IMAGES])


def quantisation_params(model: Any) -> dict[str, float]:
    """Each static int8 layer's output scale and zero point, and those of the inputs it
    quantises, by name: what calibration sets."""
    import torch

    found: dict[str, float] = {}
    for name, value in model.named_buffers():
        if ("_scale_" in name or "_zero_point_" in name) and value.numel() == 1:
            found[name] = float(value)
    for name, module in model.named_modules():
        if "quantized" not in type(module).__module__ or ".dynamic" in type(module).__module__:
            continue
        for attr in ("scale", "zero_point"):
            value = getattr(module, attr, None)
            if isinstance(value, float | int) or (isinstance(value, torch.Tensor)
                                                  and value.numel() == 1):
                found[f"{name}.{attr}"] = float(value)
    return found


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


def _weights(model: Any) -> dict[str, Any] | None:
    """Each int8 layer's weights as float, by layer name (None if they cannot be read)."""
    import torch

    out = {}
    for name, module in model.named_modules():
        weight = getattr(module, "weight", None)
        if callable(weight) and "quantized" in type(module).__module__:
            try:
                value = weight()
            except Exception:  # noqa: BLE001 - a learner's odd module is not a crash
                return None
            if isinstance(value, torch.Tensor):
                out[name] = value.dequantize() if value.is_quantized else value
    return out


def _same_weights(model: Any, reference: Any) -> bool:
    import torch

    given, wanted = _weights(model), _weights(reference)
    return given is not None and wanted is not None and set(given) == set(wanted) and all(
        given[k].shape == wanted[k].shape and torch.allclose(given[k], wanted[k], atol=1e-6)
        for k in wanted)


@cache
def measured_drop() -> tuple[float, float]:
    """(fp32 minus int8 accuracy in points, one test image in points), measured as the lab does."""
    from deploydl.data import load_digits_split
    from deploydl.efficiency.inference import accuracy

    _, x_test, _, y_test = load_digits_split()
    net, int8 = _reference_int8()
    drop = (accuracy(net, x_test, y_test) - accuracy(int8, x_test, y_test)) * 100
    return drop, 100 / len(x_test)


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


def serving_choice() -> tuple[int, float]:
    """The batch size with the lowest monthly bill within the latency budget, and that bill.

    Between sizes with the same bill, the one with the shorter wait wins.
    """
    from deploydl.efficiency.costs import plan_serving

    plans = {b: plan_serving(MS_PER_BATCH, batch_size=b, predictions_per_month=MONTHLY_PREDICTIONS,
                             price_per_core_hour=PRICE_PER_CORE_HOUR) for b in MS_PER_BATCH}
    fits = {b: p for b, p in plans.items() if p.latency_ms <= LATENCY_BUDGET_MS}
    best = min(fits, key=lambda b: (fits[b].monthly_cost, fits[b].latency_ms))
    return best, fits[best].monthly_cost


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


def _model_time_alone(size: int) -> str:
    """For a batch whose model time alone fits the budget, though its whole wait does not:
    the words that name that slip ("" for any other batch)."""
    if MS_PER_BATCH[size] > LATENCY_BUDGET_MS:
        return ""
    return (f" Its model time alone, {MS_PER_BATCH[size]} ms, fits (as in 05.1), but here the "
            "budget covers the request's whole wait, and a request also waits for its HTTP "
            "work (latency_ms).")


def runtime_gain() -> float:
    """ONNX Runtime's own gain: the course's service on ONNX Runtime over the same service on
    PyTorch (05.6). Against the naive endpoint, batching changes as well."""
    return SERVED_16_CLIENTS["course on ONNX"] / SERVED_16_CLIENTS["course service"]


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
