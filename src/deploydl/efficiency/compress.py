"""Smaller and faster copies of a trained network (Module 05): int8, TorchScript, ONNX.

Each function returns something you call like the original network, so accuracy, speed and
size can be compared side by side (:func:`compare_variants`).
"""

from __future__ import annotations

import copy
import gc
import io
import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from torch import nn

from deploydl.efficiency.inference import accuracy, time_forward


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


#: What :func:`make_variants` returns and :func:`compare_variants` measures: a torch network
#: (fp32, int8, TorchScript) or an ONNX Runtime session, each called like the network.
Variant = nn.Module | OnnxModel


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


def int8_speed_by_engine(results: Mapping[str, Any], *,
                         model: str = "small") -> dict[str, float]:
    """int8's speed on one of a ``deploydl bench`` run's two models, by engine.

    ``model`` is ``"small"``, the small digits CNN (the rows in ``results["int8"]``), or
    ``"wide"``, the wide CNN (``results["int8_wide"]``). Each value is how many times as fast
    the int8 copy scored a batch of 32 images as the float32 copy on the same engine
    (``faster_x_batch32``; below 1 means slower): ``"PyTorch"``, torch's int8 against torch's
    float32, and ``"ONNX Runtime"``, its int8 against its own float32 export (the same key
    under ``results["onnx"]``). They are the figures the benchmark's targets "int8 faster at
    batch 32, small model" and "ONNX int8 faster at batch 32, small model" report (or "wide
    model"). An engine the run did not measure (a run without the ONNX server, or older
    results) is left out.
    """
    if model not in ("small", "wide"):
        raise ValueError(f"model={model!r}: the benchmark times int8 on 'small' and 'wide'.")
    key = "int8" if model == "small" else "int8_wide"
    where = {"PyTorch": (results.get(key), "int8"),
             "ONNX Runtime": ((results.get("onnx") or {}).get(key), "ONNX int8")}
    speeds = {}
    for engine, (rows, int8) in where.items():
        found = {row["variant"]: row for row in rows or []}
        if int8 in found:
            speeds[engine] = found[int8]["faster_x_batch32"]
    return speeds


def int8_gain_in_words(rows: list[Mapping[str, Any]], *, fp32: str = "fp32",
                       int8: str = "int8") -> str:
    """How much smaller and faster the variant ``int8`` is than ``fp32``, in words.

    ``rows`` are :func:`compare_variants` rows (or a ``deploydl bench`` run's, which have the
    same fields) whose first variant is ``fp32``, the copy their ratios compare with. The
    answer reads "file 4.0x smaller (25 MB to 6.4 MB), a batch of 32 images scored 5.1x
    faster": the first ratio is fp32's file size over int8's (``smaller_x``), the sizes are
    the saved files in megabytes (millions of bytes), and the second ratio is how many times
    as fast int8 scored a batch of 32 (``faster_x_batch32``; below 1 means slower).
    """
    copies = {row["variant"]: row for row in rows}
    missing = [name for name in (fp32, int8) if name not in copies]
    if missing:
        raise ValueError(f"no row for {missing} among the variants {sorted(copies)}; pass the "
                         "names of the float32 and int8 copies as fp32= and int8=.")
    before, after = copies[fp32], copies[int8]
    return (f"file {after['smaller_x']:.1f}x smaller ({before['size_bytes'] / 1e6:.0f} MB to "
            f"{after['size_bytes'] / 1e6:.1f} MB), a batch of 32 images scored "
            f"{after['faster_x_batch32']:.1f}x faster")


def points_lost_in_words(lost: float) -> str:
    """Accuracy lost to a smaller copy, in words, as a lesson prints it.

    ``lost`` is in percentage points of accuracy (98.1% down to 97.6% is 0.5): the answer
    is "0.5 points", or "none" when it rounds to 0.0 or the copy scored better.
    """
    return "none" if round(lost, 1) <= 0 else f"{lost:.1f} points"


def variants_chart(rows: list[dict], *, batch: int = 32):
    """Time per batch for each variant of :func:`compare_variants`, fastest on top.

    A bar per variant on a linear axis from zero, each labelled with its size on disk and its
    accuracy, so the three numbers of the trade-off sit side by side. Returns the figure.
    """
    from deploydl.present.charts import PALETTE, new_figure

    key = f"p50_ms_batch{batch}"
    ordered = sorted(rows, key=lambda r: r[key], reverse=True)
    fastest, smallest = ordered[-1], min(rows, key=lambda r: r["size_bytes"])
    accuracies = [r["accuracy"] for r in rows]
    fig, ax = new_figure(
        f"{fastest['variant']} is {fastest[f'faster_x_batch{batch}']:.1f}x faster than "
        f"{rows[0]['variant']}, {smallest['variant']} {smallest['smaller_x']:.1f}x smaller;\n"
        f"accuracy stays between {min(accuracies):.1%} and {max(accuracies):.1%}",
        xlabel=f"milliseconds per {batch} images (less is better)", ylabel="")
    colours = {r["variant"]: PALETTE[i % len(PALETTE)] for i, r in enumerate(rows)}
    bars = ax.barh([r["variant"] for r in ordered], [r[key] for r in ordered],
                   color=[colours[r["variant"]] for r in ordered])
    ax.bar_label(bars, padding=3, fontsize=12, labels=[
        f"{r[key]:.2f} ms, {r['size_bytes'] / 1000:.0f} KB, {r['accuracy']:.1%} accurate"
        for r in ordered])
    ax.set_xlim(0, max(r[key] for r in rows) * 1.7)
    return fig
