"""Module 05's int8 exercises (05.3 and 05.4): the digit reader quantised as the lab asks, the
quantisation parameters and int8 weights read from a learner's network, and the accuracy
that int8 costs, measured as the lab does. Module 05's checks (``m05``) use these.
"""

from __future__ import annotations

from functools import cache
from typing import Any

#: Exercise 05.3: the calibration images the lab names.
CALIBRATION_IMAGES = 512
#: Quantisation scales agree this closely when the same images, in the same order, calibrate
#: the same network (other CPUs differ by about 1e-7). Each layer's output scale comes from
#: torch's HistogramObserver: it builds a histogram of the values the calibration images
#: produce, 64 images at a time, and keeps the range whose int8 rounding loses least, not
#: simply the largest and smallest values. The histogram is re-binned whenever a batch widens
#: its range, so the same 512 images in another order can give scales up to about 1% apart:
#: reversed, they fail; with the first batch of 64 moved to the end, they pass. A few images
#: more or fewer move them less than this (x_train[:511], [1:513], [:520] and [4:516] pass;
#: [:505], [:530] and [8:520] fail), while x_train[:256], x_train[:1024] or another 512 images
#: move them by 3% or more. What passes is, in practice, the int8 model the lab asks for.
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
