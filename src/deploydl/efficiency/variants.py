"""The copies of a network that Module 05 compares, by name, and what each weighs in bytes.

:func:`make_variants` builds the fp32, int8, TorchScript and ONNX copies; :func:`size_on_disk`
and :func:`size_in_memory` give the file and the weights each takes.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
import torch
from torch import nn

from deploydl.efficiency.onnx_export import OnnxModel, to_onnx
from deploydl.efficiency.torch_copies import quantize_int8, to_torchscript

#: What :func:`make_variants` returns and :func:`compare_variants` measures: a torch network
#: (fp32, int8, TorchScript) or an ONNX Runtime session, each called like the network.
Variant = nn.Module | OnnxModel


def size_on_disk(model: nn.Module | OnnxModel) -> int:
    """Bytes the model takes when saved (weights file; ONNX and TorchScript: the whole file)."""
    if isinstance(model, OnnxModel):
        return len(model.model_bytes)
    buffer = io.BytesIO()
    if isinstance(model, torch.jit.ScriptModule):
        with warnings.catch_warnings():  # the same torch 2.13 notice as torch.jit.trace
            warnings.filterwarnings("ignore", message=r"`torch\.jit\.save",
                                    category=DeprecationWarning)
            torch.jit.save(model, buffer)
    else:
        torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def size_in_memory(model: nn.Module | OnnxModel) -> int:
    """Bytes of weights held in memory (tensors only; ONNX: the initialisers in the file)."""
    if isinstance(model, OnnxModel):
        return len(model.model_bytes)
    return sum(_tensor_bytes(value) for value in model.state_dict().values())


def _tensor_bytes(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size()
    if isinstance(value, tuple | list):
        return sum(_tensor_bytes(v) for v in value)
    return 0


def make_variants(net: nn.Module, calibration: np.ndarray, *,
                  onnx: OnnxModel | None = None) -> dict[str, Variant]:
    """The network as fp32, int8 (static), TorchScript and ONNX Runtime, by name.

    ``onnx`` is an export of ``net`` already made and checked (for the lessons' small CNN,
    :func:`deploydl.efficiency.runtime.reference_digits_onnx`); without it, ``net`` is
    exported here, which takes a few seconds.
    """
    example = calibration[:2]
    return {"fp32": net.eval(), "int8": quantize_int8(net, calibration=calibration),
            "TorchScript": to_torchscript(net, example),
            "ONNX": onnx or to_onnx(net, example, threads=torch.get_num_threads())}
