"""ONNX Runtime as a serving backend (Module 05), checked against torch before it serves.

:func:`export_checked` exports any torch network to ONNX (or reuses a cached export), then
runs torch and ONNX Runtime on the same check inputs and refuses the export when they differ
by more than the stated tolerance. :class:`OnnxModule` wraps the ONNX Runtime session as a
torch module, so every service that calls a torch network (the loan service, the cheque-digit
service) serves it unchanged: ``deploydl serve --runtime onnx``.
:func:`quantize_onnx` makes the int8 copy with ONNX Runtime's own quantiser.

Import this module only when the ONNX runtime is chosen: it needs the ``export`` extra.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

from deploydl.atomic import NotDurableError, replace_file
from deploydl.efficiency.compress import OnnxModel, lean, to_onnx
from deploydl.models.vision import REFERENCE_CNN

#: The tolerance an export must meet on every output: |onnx - torch| <= ATOL + RTOL * |torch|.
#: float32 kernels that add in another order differ by about 1e-7 relative; 1e-4 leaves room
#: for that and still catches a wrong weight, layer or input layout.
ATOL, RTOL = 1e-5, 1e-4
#: Check inputs drawn per export (seeded, so the check is the same on every start).
CHECK_ROWS = 256
#: The export of the lessons' small CNN that ships beside its weights (:data:`REFERENCE_CNN`).
REFERENCE_ONNX = REFERENCE_CNN.with_suffix(".onnx")


class OnnxMismatch(ValueError):
    """ONNX Runtime's outputs differ from torch's beyond the tolerance: do not serve them."""


def check_against_torch(net: nn.Module, onnx_model: OnnxModel, inputs: np.ndarray, *,
                        atol: float = ATOL, rtol: float = RTOL) -> float:
    """The largest absolute difference between torch's and ONNX Runtime's outputs.

    Raises
    ------
    OnnxMismatch
        Some output is further from torch's than ``atol + rtol * |torch|``.
    """
    inputs = np.ascontiguousarray(inputs, dtype=np.float32)
    net.eval()
    with torch.inference_mode():
        expected = net(torch.from_numpy(inputs)).numpy()
    got = np.asarray(onnx_model(inputs))
    if got.shape != expected.shape:
        raise OnnxMismatch(f"the ONNX model answers with shape {got.shape}, torch with "
                           f"{expected.shape}; export the network again.")
    gap = np.abs(got - expected)
    worst = float(gap.max()) if gap.size else 0.0
    # an answer that is no number (NaN, inf) is as bad as one out of tolerance
    bad = int((~(gap <= atol + rtol * np.abs(expected))).sum())
    if bad:
        raise OnnxMismatch(
            f"ONNX Runtime differs from torch on {bad} of {gap.size} outputs (largest "
            f"difference {worst:.3g}; tolerance {atol:g} + {rtol:g} x |torch|) over "
            f"{len(inputs)} check inputs. Do not serve this export: delete it and export "
            "again, or serve with --runtime torch.")
    return worst


def export_checked(net: nn.Module, example: np.ndarray, *, check_inputs: np.ndarray,
                   cache: Path | None = None, threads: int = 1) -> OnnxModel:
    """``net`` as an ONNX Runtime model whose outputs match torch's within the tolerance.

    Parameters
    ----------
    net : nn.Module
        Any torch network that takes one float32 tensor (batch first).
    example : array
        A small input batch of the right shape, for the export.
    check_inputs : array
        Inputs both runtimes score; every output must agree (:data:`ATOL`, :data:`RTOL`).
    cache : Path, optional
        An ``.onnx`` file: reused when present (exporting takes seconds), written otherwise.
        A cached file is checked like a fresh export, so a stale or damaged one is refused.
    threads : int
        ONNX Runtime's threads (use the torch thread count).
    """
    if cache is not None and cache.is_file():
        model = OnnxModel(cache.read_bytes(), threads=threads)
    else:
        model = to_onnx(net, np.ascontiguousarray(example, dtype=np.float32), threads=threads)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            # a cache: NotDurableError means it is in place, and a power cut only costs a rebuild
            with contextlib.suppress(NotDurableError):
                replace_file(cache, lambda new: new.write_bytes(model.model_bytes))
    check_against_torch(net, model, check_inputs)
    return model


class OnnxModule(nn.Module):
    """An ONNX Runtime model that torch code calls like a network (tensor in, tensor out)."""

    def __init__(self, onnx_model: OnnxModel) -> None:
        super().__init__()
        self.onnx_model = onnx_model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(np.asarray(self.onnx_model(x.detach().numpy())))


def onnx_applicant_model(model, *, cache: Path | None = None, threads: int = 1):
    """A copy of the loan model (:class:`deploydl.models.ApplicantModel`) that scores with
    ONNX Runtime; preprocessing, name, version and metrics stay the same.

    The check inputs are standardised applicants: seeded normal draws, 3 standard deviations
    wide, so every ReLU region of the network is exercised.
    """
    n_features = len(model.features)
    rng = np.random.default_rng(0)
    checks = (3 * rng.standard_normal((CHECK_ROWS, n_features))).astype(np.float32)
    onnx_model = export_checked(model.net, checks[:2], check_inputs=checks, cache=cache,
                                threads=threads)
    return dataclasses.replace(model, net=OnnxModule(onnx_model))


def reference_digits_onnx(*, threads: int = 1) -> OnnxModel:
    """The lessons' small CNN (:func:`deploydl.models.reference_digits_cnn`) in ONNX Runtime.

    Read from :data:`REFERENCE_ONNX`, the export the course ships beside the weights (exporting
    takes seconds), and checked against torch on the 450 held-out cheque digits like a fresh
    export: a stale file is refused (:class:`OnnxMismatch`). A maintainer rebuilds it by
    deleting the file and calling this function once.
    """
    from deploydl.data import load_digits_split
    from deploydl.models import reference_digits_cnn

    _, x_test, _, _ = load_digits_split()
    return export_checked(reference_digits_cnn(), x_test[:2], check_inputs=x_test,
                          cache=REFERENCE_ONNX, threads=threads)


def quantize_onnx(onnx_model: OnnxModel, calibration: np.ndarray, *,
                  threads: int = 1) -> OnnxModel:
    """An int8 copy made by ONNX Runtime's static quantiser (QDQ format, per channel).

    ``calibration`` holds a few hundred typical inputs; the quantiser observes the range of
    values each layer sees on them. Weights become int8; activations are quantised with the
    observed ranges.
    """
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    name = onnx_model.session.get_inputs()[0].name
    batches = [{name: np.ascontiguousarray(chunk, dtype=np.float32)}
               for chunk in np.array_split(calibration, max(1, len(calibration) // 64))]

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.batches = iter(batches)

        def get_next(self):
            return next(self.batches, None)

    with tempfile.TemporaryDirectory(prefix="deploydl-onnx-int8-") as tmp:
        source, prepared, output = (Path(tmp) / f for f in ("fp32.onnx", "prep.onnx",
                                                            "int8.onnx"))
        source.write_bytes(onnx_model.model_bytes)
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        quantize_static(str(prepared), str(output), Reader(), quant_format=QuantFormat.QDQ,
                        per_channel=True, activation_type=QuantType.QInt8,
                        weight_type=QuantType.QInt8)
        return OnnxModel(lean(output.read_bytes()), threads=threads)
