"""The ONNX copy of a trained torch network (Module 05): exported, and called like the network.

:func:`to_onnx` exports a network with torch's exporter, :func:`lean` drops what only
debugging needs from the file, and :class:`OnnxModel` runs it in ONNX Runtime;
:func:`collector_held` holds Python's garbage collector while the exporter parses code.
"""

from __future__ import annotations

import gc
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from torch import nn


class OnnxModel:
    """An ONNX Runtime session that can be called like a torch network.

    Parameters
    ----------
    model_bytes : bytes
        The serialised ONNX model (what :func:`to_onnx` exports).
    threads : int
        Threads ONNX Runtime may use, like ``torch.set_num_threads``.
    """

    def __init__(self, model_bytes: bytes, *, threads: int = 1) -> None:
        onnxruntime = _onnxruntime()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.model_bytes = model_bytes
        self.session = onnxruntime.InferenceSession(model_bytes, options,
                                                    providers=["CPUExecutionProvider"])
        self._input = self.session.get_inputs()[0].name

    def __call__(self, images: torch.Tensor | np.ndarray) -> np.ndarray:
        array = images.numpy() if isinstance(images, torch.Tensor) else images
        return self.session.run(None, {self._input: np.ascontiguousarray(array)})[0]


def _onnxruntime() -> Any:
    """ONNX Runtime, loaded with its usage telemetry off (:func:`quiet_onnxruntime`)."""
    from deploydl.efficiency import quiet_onnxruntime

    quiet_onnxruntime()
    import onnxruntime

    return onnxruntime


def to_onnx(net: nn.Module, example: np.ndarray, *, threads: int = 1) -> OnnxModel:
    """Export ``net`` to ONNX (batch size left free) and load it in ONNX Runtime.

    Needs torch's dynamo exporter (torch 2.5 or later; asked for with ``dynamo=True``, the
    default only from torch 2.9) and the ``export`` extra (``pip install 'deploydl[export]'``:
    onnxscript; onnx and onnxruntime come with the course).
    """
    try:
        import onnxscript  # noqa: F401 - torch's exporter needs it; fail early with advice
    except ImportError:
        raise ImportError("ONNX export needs the 'export' extra: pip install "
                          "'deploydl[export]' (onnxscript, for torch's exporter).") from None
    net.eval()
    registration = logging.getLogger("torch.onnx._internal.exporter._registration")
    level = registration.level
    registration.setLevel(logging.ERROR)  # "torchvision is not installed": not needed here
    try:
        with warnings.catch_warnings(), collector_held():
            # torch's own pytree code trips this notice during export; not ours to fix.
            warnings.filterwarnings("ignore", message=r"`isinstance\(treespec, LeafSpec\)`",
                                    category=FutureWarning)
            program = torch.onnx.export(
                net, (torch.from_numpy(example),), verbose=False, dynamo=True,
                dynamic_shapes=({0: torch.export.Dim("batch")},))
    finally:
        registration.setLevel(level)
    if program is None:  # only the legacy exporter returns None, which dynamo=True rules out
        raise RuntimeError("torch.onnx.export(dynamo=True) returned no ONNX program: the course "
                           f"needs torch 2.5 or later, and torch here is {torch.__version__}.")
    return OnnxModel(lean(program.model_proto.SerializeToString()), threads=threads)


def lean(model_bytes: bytes) -> bytes:
    """The ONNX model without what only debugging needs: the exporter's per-node notes
    (source locations), doc strings and intermediate shape annotations: a few kilobytes that
    weigh on a small model's file. ONNX Runtime infers the shapes itself."""
    import onnx

    proto = onnx.load_from_string(model_bytes)
    for node in proto.graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    del proto.graph.value_info[:]
    return proto.SerializeToString()


@contextmanager
def collector_held() -> Iterator[None]:
    """Collect garbage now, then hold Python's garbage collector until the block ends.

    Torch's ONNX exporter parses thousands of functions with ``ast.parse`` (in onnxscript). On
    CPython 3.11 (3.11.7 here), a garbage collection in the middle of a parse can run a
    finaliser that fails; the unraisable-exception hook then formats a traceback, which itself
    calls ``ast.parse``, and the nested parse resets the outer one's recursion counter: the
    export dies with ``SystemError: AST constructor recursion depth mismatch``. Under pytest the
    hook always formats tracebacks, and objects that third-party clients leave for the collector
    (event loops, sockets) supply the failing finalisers. Collecting first and holding the
    collector during the export keeps every finaliser out of the parse.
    """
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
