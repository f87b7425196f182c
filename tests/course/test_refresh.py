"""`deploydl refresh` writes the same file twice in a row: committed outputs do not churn."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from deploydl.course.runner import MEASURED_CODE, WIDGET_TEXT, refresh_outputs, stable

WIDGET = "application/vnd.jupyter.widget-view+json"


def test_stable_drops_widget_models_progress_timing_split_streams_and_addresses():
    bar = new_output("display_data", data={
        WIDGET: {"model_id": "39622c21c9d7", "version_major": 2, "version_minor": 0},
        "text/plain": "training: 100%|##| 30/30 [00:01<00:00, 36.05epoch/s, loss=0.407]"})
    frame = new_output("execute_result", data={"text/plain": "<IFrame at 0x7fa5543d4710>"},
                       execution_count=1)
    cell = new_code_cell("...", outputs=[
        new_output("stream", name="stdout", text="governed data\n"),
        new_output("stream", name="stdout", text="train\n"), bar, frame])
    notebook = new_notebook(cells=[cell], metadata={"widgets": {"state": {"39622c21c9d7": {}}}})

    out = stable(notebook)
    assert "widgets" not in out.metadata
    stream, bar, frame = out.cells[0].outputs
    assert stream.text == "governed data\ntrain\n"
    assert bar.data == {"text/plain": "training: 100%|##| 30/30 [elapsed, loss=0.407]"}
    assert bar.metadata[WIDGET_TEXT] is True  # the slides leave this text out
    assert frame.data["text/plain"] == "<IFrame at 0xADDRESS>"
    assert WIDGET_TEXT not in frame.get("metadata", {})


@pytest.mark.slow
def test_refreshing_twice_writes_the_same_bytes(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("import sys, time\nfor i in range(3):\n    print(i); sys.stdout.flush(); "
                      "time.sleep(0.01)"),
        new_code_cell("from tqdm.auto import trange\nfor _ in trange(3, desc='steps'): pass"),
        new_code_cell("class Thing: pass\nThing()"),
        new_code_cell("import time\nprint(f'measured {time.perf_counter_ns()} ns')",
                      metadata={"tags": ["nbval-ignore-output"]}),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}}), path)
    refresh_outputs(path)
    first = path.read_bytes()
    refresh_outputs(path)
    assert path.read_bytes() == first  # the measurement cell kept what it measured
    assert b"0xADDRESS" in first and b"widget-view" not in first
    refresh_outputs(path, remeasure=True)
    assert path.read_bytes() != first and b"measured " in path.read_bytes()


@pytest.mark.slow
def test_a_measurement_whose_code_changed_is_measured_again(tmp_path):
    """An edited measurement cell must not keep the output its old code measured."""
    path = tmp_path / "nb.ipynb"
    tag = {"tags": ["nbval-ignore-output"]}
    nbformat.write(new_notebook(cells=[
        new_code_cell("import time\nprint(f'old {time.perf_counter_ns()}')", metadata=tag),
        new_code_cell("import time\nprint(f'kept {time.perf_counter_ns()}')", metadata=tag),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}}), path)
    refresh_outputs(path)
    first = nbformat.read(path, as_version=4)
    assert all(MEASURED_CODE in cell.metadata for cell in first.cells)

    edited = nbformat.read(path, as_version=4)
    edited.cells[0].source = "import time\nprint(f'new {time.perf_counter_ns()}')"
    nbformat.write(edited, path)
    refresh_outputs(path)
    second = nbformat.read(path, as_version=4)
    assert second.cells[0].outputs[0].text.startswith("new ")
    assert second.cells[0].metadata[MEASURED_CODE] != first.cells[0].metadata[MEASURED_CODE]
    assert second.cells[1].outputs == first.cells[1].outputs  # unchanged code, kept
