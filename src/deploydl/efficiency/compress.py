"""Smaller and faster copies of a trained network (Module 05): int8, TorchScript, ONNX.

Each function returns something you call like the original network, so accuracy, speed and
size can be compared side by side (:func:`compare_variants`).

The code lives in four modules beside this one; :func:`measure_variants` and
:func:`compare_variants` stay here (tests replace ``time_forward``, ``size_on_disk`` and
``size_in_memory`` on this module, and the measurement must look them up here):

* :mod:`~deploydl.efficiency.torch_copies`: :func:`quantize_int8` and :func:`to_torchscript`.
* :mod:`~deploydl.efficiency.onnx_export`: :class:`OnnxModel`, :func:`to_onnx` and :func:`lean`.
* :mod:`~deploydl.efficiency.variants`: :data:`Variant`, :func:`make_variants` and the sizes.
* :mod:`~deploydl.efficiency.variant_words`: int8's gain in words and :func:`variants_chart`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from deploydl.efficiency.inference import accuracy, time_forward
from deploydl.efficiency.onnx_export import OnnxModel, collector_held, lean, to_onnx
from deploydl.efficiency.torch_copies import quantize_int8, to_torchscript
from deploydl.efficiency.variant_words import (
    int8_gain_in_words,
    int8_speed_by_engine,
    points_lost_in_words,
    variants_chart,
)
from deploydl.efficiency.variants import (
    Variant,
    make_variants,
    size_in_memory,
    size_on_disk,
)

__all__ = [
    "OnnxModel", "Variant", "collector_held", "compare_variants", "int8_gain_in_words",
    "int8_speed_by_engine", "lean", "make_variants", "measure_variants", "points_lost_in_words",
    "quantize_int8", "size_in_memory", "size_on_disk", "to_onnx", "to_torchscript",
    "variants_chart",
]


def measure_variants(variants: Mapping[str, Variant], images: np.ndarray, *,
                     batch: int = 32, repeats: int = 30) -> list[dict[str, float | str]]:
    """Size (bytes) and latency (ms at batch 1 and ``batch``) of each variant, no accuracy.

    What :func:`compare_variants` measures besides accuracy, for networks whose answers mean
    nothing (an untrained copy timed for its cost). Speed-ups and size ratios are relative to
    the first variant (normally ``fp32``): ``smaller_x`` compares saved files (a fixed ~10 KB
    of file format included), ``weights_smaller_x`` the weights held in memory.
    """
    rows: list[dict[str, float | str]] = []
    measured: list[tuple[int, int, float]] = []  # size, memory, p50 at ``batch``: the ratios
    for name, model in variants.items():
        one = time_forward(model, images[:1], repeats=repeats)
        many = time_forward(model, images[:batch], repeats=repeats)
        size, memory = size_on_disk(model), size_in_memory(model)
        rows.append({"variant": name, "size_bytes": size, "memory_bytes": memory,
                     "p50_ms_batch1": one["p50_ms"], f"p50_ms_batch{batch}": many["p50_ms"]})
        measured.append((size, memory, many["p50_ms"]))
    base_size, base_memory, base_ms = measured[0]
    for row, (size, memory, ms) in zip(rows, measured, strict=True):
        row["smaller_x"] = round(base_size / size, 2)
        row["weights_smaller_x"] = round(base_memory / max(memory, 1), 2)
        row[f"faster_x_batch{batch}"] = round(base_ms / ms, 2)
    return rows


def compare_variants(variants: Mapping[str, Variant], images: np.ndarray,
                     labels: np.ndarray, *, batch: int = 32,
                     repeats: int = 30) -> list[dict[str, float | str]]:
    """Accuracy (0..1), size (bytes) and latency (ms at batch 1 and ``batch``) of each variant.

    Speed-ups and size ratios are relative to the first variant (normally ``fp32``):
    ``smaller_x`` compares saved files (a fixed ~10 KB of file format included),
    ``weights_smaller_x`` the weights held in memory (:func:`measure_variants`).
    """
    rows = measure_variants(variants, images, batch=batch, repeats=repeats)
    return [{"variant": row["variant"], "accuracy": round(accuracy(model, images, labels), 4),
             **row} for row, model in zip(rows, variants.values(), strict=True)]
