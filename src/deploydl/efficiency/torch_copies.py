"""The int8 and TorchScript copies of a trained torch network (Module 05).

:func:`quantize_int8` stores the weights as int8 (static, with calibration images, or dynamic);
:func:`to_torchscript` traces the network to a file that runs without its Python class.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn


def quantize_int8(net: nn.Module, *, calibration: np.ndarray | None = None) -> nn.Module:
    """A copy of ``net`` that stores its weights as int8 (1 byte each instead of 4).

    Parameters
    ----------
    net : nn.Module
        The trained float32 network (left unchanged).
    calibration : array, optional
        A few hundred typical inputs. With them, *static* quantisation converts convolutions
        and linear layers, after observing the range of values each layer sees. Without them,
        *dynamic* quantisation converts only linear layers and quantises activations on the
        fly at each call (no calibration data needed). Whether it pays depends on the model
        and the machine: in the course's benchmark runs its gain on the wide CNN was largest
        at batch 1.
    """
    net.eval()
    with warnings.catch_warnings():
        # torch 2.13 marks torch.ao.quantization as deprecated in favour of the separate
        # torchao package; it is still the simplest int8 path on CPU and works. Silence
        # exactly its notices so notebooks stay clean; nothing else is hidden.
        warnings.filterwarnings("ignore", message="torch.ao.quantization is deprecated",
                                category=DeprecationWarning)
        warnings.filterwarnings("ignore", message="torch.quantize_per_tensor",
                                category=UserWarning)
        warnings.filterwarnings("ignore", message="Please use quant_min and quant_max",
                                category=UserWarning)
        if calibration is None:
            return torch.ao.quantization.quantize_dynamic(net, {nn.Linear}, dtype=torch.qint8)
        return _quantize_static(net, calibration)


def _quantize_static(net: nn.Module, calibration: np.ndarray) -> nn.Module:
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    images = torch.from_numpy(np.ascontiguousarray(calibration, dtype=np.float32))
    with _without_fx_stack_traces():
        observed = prepare_fx(copy.deepcopy(net), get_default_qconfig_mapping("x86"),
                              (images[:1],))
    with torch.inference_mode():
        for chunk in images.split(64):
            observed(chunk)
    return convert_fx(observed)


@contextmanager
def _without_fx_stack_traces() -> Iterator[None]:
    """Trace for quantisation without recording each traced step's Python stack.

    torch 2.13's quantisation tracer records one by default, for error messages only, and
    finding it imports torch's compiler (about 3 s on a 2-core machine, most of Module 05's
    int8 step). The int8 network is the same either way: the same weights, the same outputs.
    """
    import torch.fx.config

    before = torch.fx.config.do_not_emit_stack_traces
    torch.fx.config.do_not_emit_stack_traces = True
    try:
        yield
    finally:
        torch.fx.config.do_not_emit_stack_traces = before


def to_torchscript(net: nn.Module, example: np.ndarray) -> torch.jit.ScriptModule:
    """``net`` traced to TorchScript: a file that runs without the Python class definition."""
    net.eval()
    with warnings.catch_warnings():
        # torch 2.13 points new projects to torch.export; tracing still works and is what
        # most deployed TorchScript models use. Silence only these deprecation notices.
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.trace",
                                category=DeprecationWarning)
        return torch.jit.trace(net, torch.from_numpy(example))
