"""`deploydl refresh` writes the same file twice in a row: committed outputs do not churn."""

from __future__ import annotations

import re

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


def _progress_bar_state(box: str, text: str, value: float, count: str) -> dict:
    """The widget state nbclient stores for a tqdm bar: a box of text, bar and count."""
    def model(name: str, **state) -> dict:
        return {"model_name": name, "state": state}
    return {"application/vnd.jupyter.widget-state+json": {"state": {
        box: model("HBoxModel", children=["IPY_MODEL_t", "IPY_MODEL_b", "IPY_MODEL_c"]),
        "t": model("HTMLModel", value=text), "b": model("FloatProgressModel", value=value,
                                                          max=30.0),
        "c": model("HTMLModel", value=count)}}}


def test_a_stored_progress_bar_shows_where_its_loop_ended_not_its_first_frame():
    first_frame = new_output("display_data", data={
        WIDGET: {"model_id": "box1", "version_major": 2, "version_minor": 0},
        "text/plain": "loans &amp; rates:   0%|          | 0/30 [00:00<?, ?epoch/s]"})
    widgets = _progress_bar_state(
        "box1", "loans\u2007&amp;\u2007rates:\u2007\u200757%", 17.0,
        "\u200717/30\u2007[00:01<00:01,\u20079.50epoch/s,\u2007loss=0.41]")
    notebook = new_notebook(cells=[new_code_cell("...", outputs=[first_frame])],
                            metadata={"widgets": widgets})

    (bar,) = stable(notebook).cells[0].outputs
    # as tqdm writes the same frame in plain text, the part of a character included
    assert bar.data == {"text/plain": "loans & rates:  57%|#####6    | 17/30 [elapsed, loss=0.41]"}


def test_strict_nbval_reads_a_stored_finished_bar_as_the_first_frame_a_run_shows():
    from pathlib import Path

    from nbval.plugin import get_sanitize_patterns

    config = Path(__file__).parents[2] / "nbval_sanitize.cfg"
    patterns = get_sanitize_patterns(config.read_text(encoding="utf-8"))

    def sanitized(text: str) -> str:
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    assert (sanitized("steps:   0%|          | 0/30 [00:00<?, ?epoch/s]")
            == sanitized("steps: 100%|##########| 30/30 [elapsed, loss=0.407]"))
    assert (sanitized("steps: 100%|##########| 3/3 [elapsed]")
            != sanitized("steps: 100%|######| 3/5 [elapsed]"))  # the totals still differ


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
    """An edited measurement cell must not keep the output its old code measured, nor may the
    others keep theirs: one can read another's values."""
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
    assert second.cells[1].outputs != first.cells[1].outputs  # measured again beside it
    refresh_outputs(path)
    assert nbformat.read(path, as_version=4).cells[1].outputs == second.cells[1].outputs


def test_refresh_stores_outputs_without_the_course_settings_of_the_shell(tmp_path, monkeypatch):
    """An API key exported for a workshop's service must not reach the stored outputs (the
    tests compare them with none set); the shell's other variables reach the kernel."""
    monkeypatch.setenv("DEPLOYDL_API_KEY", "from-the-shell")
    monkeypatch.setenv("Deploydl_Port", "9999")
    monkeypatch.setenv("DEPLOYDL_CHECKOV", "/opt/checkov")
    path = tmp_path / "lesson.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import os\nprint(sorted(k for k in os.environ if k.upper().startswith('DEPLOYDL_')))")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}}), path)
    refresh_outputs(path)
    assert nbformat.read(path, as_version=4).cells[0].outputs[0].text == "['DEPLOYDL_CHECKOV']\n"
