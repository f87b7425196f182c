"""What makes a refreshed notebook stable: :func:`stable` drops what changes on every run
although the notebook did not (widget state, how printed text was chunked, memory addresses).

Course tooling for ``deploydl refresh`` (:func:`deploydl.course.runner.refresh_outputs`):
refreshing twice in a row stores the same file, which strict nbval then compares.
"""

from __future__ import annotations

import html
import re

import nbformat

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: The models of a tqdm progress bar's widget, left to right: its text, the bar, the count.
_PROGRESS_PARTS = ("HTMLModel", "FloatProgressModel", "HTMLModel")
#: The width, in characters, of the bar in tqdm's plain-text form.
_BAR_WIDTH = 10
#: A memory address in an object's repr, as the nbval sanitizer writes it too.
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}")
#: A progress bar's timing, "[00:01<00:00, 36.05epoch/s": different on every run.
_PROGRESS_TIMING = re.compile(r"\[\d+:\d+<[\d:?]+, *[\d.?]+ ?\w+/s")
#: Output metadata that marks the plain text left of a widget once its view is dropped, so
#: the slides can leave it out (a panel's name, a progress bar's last frame).
WIDGET_TEXT = "deploydl_widget_text"


def stable(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes on every run although the notebook did not.

    * Live widget state: widget models get new random ids each run, and a stored widget cannot
      be used without a kernel anyway, so its plain-text form is kept (what strict nbval
      compares), marked :data:`WIDGET_TEXT`. A progress bar's plain text is the frame it
      showed first ("0/30"), so it is replaced by the frame the loop ended on, without its
      timing.
    * How printed text was split into chunks, which depends on when the kernel flushed.
    * Memory addresses in an object's plain-text form (``<IFrame at 0x7f...>``).
    """
    finished = _finished_progress_bars(notebook.metadata.pop("widgets", {}))
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _merged_streams(cell.outputs)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            view = data.pop(_WIDGET_VIEW, None)
            if view is not None and "text/plain" in data:
                text = finished.get(view.get("model_id"), data["text/plain"])
                data["text/plain"] = _PROGRESS_TIMING.sub("[elapsed", text)
                output.setdefault("metadata", {})[WIDGET_TEXT] = True
            if "text/plain" in data:
                data["text/plain"] = _ADDRESS.sub("0xADDRESS", data["text/plain"])
    return notebook


def _finished_progress_bars(widgets: dict) -> dict[str, str]:
    """The plain text of each tqdm progress bar as its loop left it, by the bar's widget id.

    ``widgets`` is the widget state nbclient stores in a notebook's metadata. tqdm draws a bar
    as a box of three widgets (its text, the bar, the count), whose last values are kept there;
    the text is rebuilt as tqdm writes it in plain text, e.g.
    ``"training:  57%|#####6    | 17/30 [00:01<00:00, 17.00it/s]"``.
    """
    models = widgets.get(_WIDGET_STATE, {}).get("state", {})
    finished = {}
    for model_id, model in models.items():
        parts = [models.get(child.removeprefix("IPY_MODEL_"), {})
                 for child in model.get("state", {}).get("children", [])]
        if tuple(part.get("model_name") for part in parts) != _PROGRESS_PARTS:
            continue
        text, bar, count = (part["state"] for part in parts)
        # tqdm escapes the text for HTML and pads it with figure spaces.
        line = f"{text['value']}|{_ascii_bar(bar['value'], bar['max'])}|{count['value']}"
        finished[model_id] = html.unescape(line).replace("\u2007", " ")
    return finished


def _ascii_bar(value: float, total: float) -> str:
    """The bar tqdm draws in plain text for ``value`` of ``total`` (``"#####6    "``)."""
    from tqdm.std import Bar  # type: ignore[attr-defined]  # public in tqdm, not in its stubs

    return format(Bar(value / total if total else 0, _BAR_WIDTH, Bar.ASCII), "")


def _merged_streams(outputs: list) -> list:
    """Consecutive stdout (or stderr) chunks as one output."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None
                and previous.output_type == "stream" and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    return merged
