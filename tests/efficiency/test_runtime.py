"""ONNX Runtime as a serving backend (Module 05): checked against torch, refused when it differs."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch
from fastapi.testclient import TestClient
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from deploydl.efficiency.compress import OnnxModel, size_on_disk
from deploydl.efficiency.runtime import (
    OnnxMismatch,
    OnnxModule,
    check_against_torch,
    export_checked,
    quantize_onnx,
)
from deploydl.serving.server import ServeError, app_from_artifact
from deploydl.settings import get_settings
from tests.test_atomic import _folder_sync_fails, needs_folder_sync


def linear_onnx(weight: np.ndarray, bias: np.ndarray, *, squeeze: bool = False) -> bytes:
    """A hand-built ONNX model of ``x @ weight.T + bias`` (no torch export: fast)."""
    out = weight.shape[0]
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y" if not squeeze else "g"], transB=1)]
    inits = [numpy_helper.from_array(weight.astype(np.float32), "w"),
             numpy_helper.from_array(bias.astype(np.float32), "b")]
    if squeeze:
        nodes.append(helper.make_node("Squeeze", ["g", "axes"], ["y"]))
        inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axes"))
    shape = ["n"] if squeeze else ["n", out]
    graph = helper.make_graph(
        nodes, "linear", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                        ["n", weight.shape[1]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    return model.SerializeToString()


@pytest.fixture
def linear():
    torch.manual_seed(0)
    net = nn.Linear(6, 3).eval()
    weight, bias = net.weight.detach().numpy(), net.bias.detach().numpy()
    inputs = np.random.default_rng(0).standard_normal((50, 6)).astype(np.float32)
    return net, weight, bias, inputs


def test_a_faithful_onnx_model_passes_the_check(linear):
    net, weight, bias, inputs = linear
    worst = check_against_torch(net, OnnxModel(linear_onnx(weight, bias)), inputs)
    assert worst < 1e-5


def test_a_model_that_differs_from_torch_is_refused_with_the_numbers(linear):
    net, weight, bias, inputs = linear
    nudged = weight.copy()
    nudged[0, 0] += 0.01  # one weight changed: small, but well beyond float32 rounding
    with pytest.raises(OnnxMismatch, match=r"differs from torch on \d+ of 150 outputs "
                       r"\(largest difference .*; tolerance 1e-05 \+ 0.0001 x \|torch\|\) "
                       r"over 50 check inputs"):
        check_against_torch(net, OnnxModel(linear_onnx(nudged, bias)), inputs)
    with pytest.raises(OnnxMismatch, match=r"answers with shape \(50,\), torch with \(50, 3\)"):
        check_against_torch(net, OnnxModel(linear_onnx(weight[:1], bias[:1], squeeze=True)),
                            inputs)


def test_a_cached_export_is_reused_and_checked(linear, tmp_path):
    net, weight, bias, inputs = linear
    cache = tmp_path / "net.onnx"
    cache.write_bytes(linear_onnx(weight, bias))
    model = export_checked(net, inputs[:2], check_inputs=inputs, cache=cache)
    module = OnnxModule(model)
    assert torch.allclose(module(torch.from_numpy(inputs)), net(torch.from_numpy(inputs)),
                          atol=1e-5)
    cache.write_bytes(linear_onnx(weight * 1.1, bias))  # stale or tampered
    with pytest.raises(OnnxMismatch):
        export_checked(net, inputs[:2], check_inputs=inputs, cache=cache)


@needs_folder_sync
def test_a_cache_the_disk_could_not_flush_is_kept_and_used(linear, tmp_path, monkeypatch):
    """The export is in place when the folder's flush fails (NotDurableError): a cache lost to
    a power cut is only rebuilt, so the export is returned, not refused."""
    net, _, _, inputs = linear
    cache = tmp_path / "net.onnx"
    _folder_sync_fails(monkeypatch, tmp_path, errno.EIO)
    model = export_checked(net, inputs[:2], check_inputs=inputs, cache=cache)
    assert cache.read_bytes() == model.model_bytes


def test_serve_refuses_an_onnx_export_that_differs_from_torch(artifact_dir, model, tmp_path):
    from deploydl.registry import verify

    settings = get_settings(home=tmp_path)
    sha = verify(artifact_dir).sha256
    first = model.net.layers[0]
    wrong = linear_onnx(np.ones((1, first.in_features)), np.zeros(1), squeeze=True)
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / f"{model.name}-{sha}.onnx").write_bytes(wrong)
    with pytest.raises(ServeError, match=r"Refusing to start with --runtime onnx: ONNX Runtime "
                       r"differs from torch .* serve with --runtime torch"):
        app_from_artifact(artifact_dir, settings, runtime="onnx")
    with pytest.raises(ServeError, match=r"--runtime 'tensorrt' is not known"):
        app_from_artifact(artifact_dir, settings, runtime="tensorrt")


def test_serve_with_onnx_exports_checks_and_answers_like_torch(artifact_dir, one_applicant,
                                                              tmp_path):
    settings = get_settings(home=tmp_path)
    answers = {}
    for runtime in ("torch", "onnx"):
        with TestClient(app_from_artifact(artifact_dir, settings, runtime=runtime)) as client:
            response = client.post("/predict", json=one_applicant)
            assert response.status_code == 200, response.text
            answers[runtime] = response.json()["predictions"][0]["probability_of_default"]
    assert answers["onnx"] == pytest.approx(answers["torch"], abs=1e-5)
    assert len(list((tmp_path / "onnx").glob("*.onnx"))) == 1  # the export is cached


@pytest.mark.slow
def test_the_torch_runtime_never_imports_onnxruntime():
    code = ("import sys; from deploydl.cli import main; import deploydl.serving.server; "
            "sys.exit('onnxruntime' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


def test_onnx_int8_is_smaller_and_keeps_accuracy():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Flatten(),
                        nn.Linear(512, 64), nn.ReLU(), nn.Linear(64, 10)).eval()
    images = np.random.default_rng(0).random((128, 1, 8, 8), dtype=np.float32)
    labels = net(torch.from_numpy(images)).argmax(1).numpy()
    fp32 = export_checked(net, images[:2], check_inputs=images)
    int8 = quantize_onnx(fp32, images)
    assert size_on_disk(int8) < size_on_disk(fp32) / 2.5
    assert (int8(images).argmax(1) == labels).mean() >= 0.9
    assert not any(n.metadata_props for n in onnx.load_from_string(fp32.model_bytes).graph.node)


def test_serve_without_onnxruntime_names_the_extra_to_install(artifact_dir, model, tmp_path,
                                                              monkeypatch):
    from deploydl.registry import verify

    first = model.net.layers[0]
    cache = tmp_path / "onnx" / f"{model.name}-{verify(artifact_dir).sha256}.onnx"
    cache.parent.mkdir()
    cache.write_bytes(linear_onnx(np.ones((1, first.in_features)), np.zeros(1), squeeze=True))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if it were not installed
    with pytest.raises(ServeError, match=r"--runtime onnx needs the 'export' extra "
                       r"\(onnxruntime is missing\): pip install -e '.\[export\]'"):
        app_from_artifact(artifact_dir, get_settings(home=tmp_path), runtime="onnx")


def test_serve_names_the_extra_when_the_exporter_gives_no_module_name(artifact_dir, tmp_path,
                                                                      monkeypatch):
    """torch's exporter raises ImportError with a message but no module name when onnxscript
    is missing: the refusal quotes the message rather than "None is missing"."""
    from deploydl.efficiency import runtime

    def no_onnxscript(*args, **kwargs):
        raise ImportError("Module onnxscript is not installed")

    monkeypatch.setattr(runtime, "onnx_applicant_model", no_onnxscript)
    with pytest.raises(ServeError, match=r"needs the 'export' extra \(Module onnxscript is not "
                       r"installed\): pip install -e '.\[export\]'"):
        app_from_artifact(artifact_dir, get_settings(home=tmp_path), runtime="onnx")


def test_the_benchmarks_onnx_int8_rows_give_accuracy_only_with_labels(tmp_path):
    from deploydl.efficiency.bench_extras import onnx_cache, onnx_int8_rows

    rng = np.random.default_rng(0)
    weight, bias = rng.standard_normal((10, 256)), rng.standard_normal(10)
    inputs = rng.random((64, 256), dtype=np.float32)
    weights = tmp_path / "net.safetensors"
    weights.write_bytes(b"stand-in weights")  # only its digest names the export's file
    onnx_cache(weights).write_bytes(linear_onnx(weight, bias))
    sized = onnx_int8_rows(weights, inputs, calibration=inputs, threads=1)  # untrained: no labels
    assert [r["variant"] for r in sized] == ["ONNX fp32", "ONNX int8"]
    assert "accuracy" not in sized[1] and sized[1]["smaller_x"] > 2
    assert sized[1]["smaller_x"] == round(sized[0]["size_bytes"] / sized[1]["size_bytes"], 2)
    labels = (inputs @ weight.T + bias).argmax(1)
    scored = onnx_int8_rows(weights, inputs, labels, calibration=inputs, threads=1)
    assert scored[0]["accuracy"] == 1.0 and scored[1]["accuracy"] >= 0.8


def test_the_shipped_digits_export_reads_the_cheques_as_torch_does():
    from deploydl.data import load_digits_split
    from deploydl.efficiency.runtime import REFERENCE_ONNX, reference_digits_onnx
    from deploydl.models import reference_digits_cnn

    assert REFERENCE_ONNX.is_file()  # shipped: loading it must not export (or write) anything
    before = REFERENCE_ONNX.read_bytes()
    _, x_test, _, _ = load_digits_split()
    onnx_model = reference_digits_onnx()
    assert REFERENCE_ONNX.read_bytes() == before
    read = np.asarray(onnx_model(x_test)).argmax(axis=1)
    assert (read == reference_digits_cnn().predict(x_test)).all()


def test_onnx_runtime_is_loaded_with_its_telemetry_off(tmp_path):
    """Left on, ONNX Runtime writes a device ID under ~/.cache/Microsoft (README, privacy)."""
    model = linear_onnx(np.eye(2, dtype=np.float32), np.zeros(2, dtype=np.float32))
    (tmp_path / "model.onnx").write_bytes(model)
    code = ("import os, sys; from pathlib import Path; "
            "from deploydl.efficiency.compress import OnnxModel; "
            "OnnxModel(Path(sys.argv[1]).read_bytes()); "
            "print(os.environ['ORT_DISABLE_TELEMETRY'])")
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "model.onnx")],
                          env={**env, "HOME": str(tmp_path)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
    assert not (tmp_path / ".cache" / "Microsoft").exists()


class _Scaled:
    """Stands in for an ONNX model: torch's answer times ``factor`` (a relative difference)."""

    def __init__(self, net: nn.Module, factor: float) -> None:
        self.net, self.factor = net, factor

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return self.net(torch.from_numpy(inputs)).numpy() * self.factor


def test_the_tolerance_grows_with_the_size_of_an_output():
    """Outputs near 1,000: a relative difference of 5e-5 is 0.05, far above ATOL (1e-5) but
    within ATOL + RTOL x 1,000 = 0.1; 5e-4 (0.5) is beyond it."""
    net = nn.Linear(1, 2).eval()
    with torch.no_grad():
        net.weight.fill_(1000.0)
        net.bias.zero_()
    inputs = np.ones((4, 1), dtype=np.float32)
    worst = check_against_torch(net, _Scaled(net, 1 + 5e-5), inputs)
    assert worst == pytest.approx(0.05, rel=0.01)
    with pytest.raises(OnnxMismatch, match="differs from torch on 8 of 8 outputs"):
        check_against_torch(net, _Scaled(net, 1 + 5e-4), inputs)


def test_an_export_that_answers_nan_is_refused(linear):
    net, _, _, inputs = linear
    with pytest.raises(OnnxMismatch, match="Do not serve this export") as refused:
        check_against_torch(net, _Scaled(net, float("nan")), inputs)
    # every output is no number, so every output differs (the message said "on 0 of")
    n = net(torch.from_numpy(np.asarray(inputs, dtype=np.float32))).numel()
    assert f"differs from torch on {n} of {n} outputs" in str(refused.value)
