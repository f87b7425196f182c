"""Charts and pages that everyone can read: alt text on every figure, text colours with WCAG AA
contrast (4.5:1) against what they sit on."""

from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import nbformat
import pytest

from deploydl.present.charts import (
    BAD,
    GOOD,
    NEUTRAL,
    PALETTE,
    TEXT_MUTED,
    contrast_ratio,
    figure_alt,
    ink,
    ink_on_white,
    new_figure,
)

#: WCAG 2 level AA: the least contrast for normal text.
AA = 4.5


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey
    assert contrast_ratio("#FFFFFF", BAD) == pytest.approx(3.87, abs=0.01)  # why ink() exists


def test_ink_picks_the_readable_text_colour_for_every_fill_the_course_uses():
    assert ink(GOOD) == "#FFFFFF" and ink(BAD) == "#000000"
    for fill in (*PALETTE, NEUTRAL):
        assert contrast_ratio(ink(fill), fill) >= AA, fill


def test_ink_on_white_keeps_a_readable_colour_and_darkens_a_faint_one():
    assert ink_on_white(GOOD) == GOOD.lower()  # 5.2:1 already
    for colour in (*PALETTE, NEUTRAL, "#FFFFFF"):
        shade = ink_on_white(colour)
        assert contrast_ratio(shade) >= AA, colour
    # the lightest shade that passes: one step lighter would not
    assert ink_on_white(BAD) == "#c05500" and contrast_ratio("#ca5900") < AA


def test_text_colours_on_white_pass_aa_and_neutral_is_for_lines_only():
    assert contrast_ratio(TEXT_MUTED) >= AA
    assert contrast_ratio(NEUTRAL) < AA  # hence TEXT_MUTED for grey text
    from deploydl.monitoring.dashboard import _STYLE
    from deploydl.present.report import CSS

    text_colours = re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{3,6})", CSS + _STYLE)
    assert text_colours
    for colour in text_colours:
        assert contrast_ratio(colour) >= AA, colour


def _text_on(fig):
    """Each visible text of ``fig`` with what it sits on: its box's fill, or white."""
    for text in fig.findobj(plt.Text):
        if text.get_visible() and text.get_text().strip():
            box = text.get_bbox_patch()
            yield text, box.get_facecolor() if box is not None else "#FFFFFF"


def _diagrams():
    from deploydl.communication.plan import draw_stakeholder_map, load_plan
    from deploydl.deploy.diagram import path_to_production
    from deploydl.deploy.serverless import compare_hosting, hosting_chart

    return {"path_to_production": path_to_production,
            "stakeholder map": lambda: draw_stakeholder_map(load_plan()),
            "hosting chart": lambda: hosting_chart(
                compare_hosting(3_000, ms_per_request=5.0, cold_start_s=3.5), replicas=2)}


@pytest.mark.parametrize("name", list(_diagrams()))
def test_diagram_text_passes_aa(name):
    fig = _diagrams()[name]()
    for text, background in _text_on(fig):
        assert contrast_ratio(text.get_color(), background) >= AA, text.get_text()
    plt.close(fig)


@pytest.mark.parametrize("draw", [{"highlight": "clean"}, {"erasure": True}])
def test_lineage_box_text_passes_aa(draw):
    import pandas as pd

    from deploydl.governance.lineage import Lineage
    from deploydl.governance.privacy import ErasureReport

    table = pd.DataFrame({"a": [1, 2, 3]})
    lineage = Lineage(code_version="test")
    lineage.register("raw", table)
    lineage.derive("clean", table.head(2), inputs=["raw"], step="clean")
    lineage.derive("features", table.head(1), inputs=["clean"], step="features")
    if "erasure" in draw:
        draw["erasure"] = ErasureReport(rows_removed={"clean": 1}, datasets_to_rebuild=[
            "features"], models_to_retrain=[], rows_kept={"raw": 1})
    fig = lineage.draw(title="lineage", **draw)
    boxed = [(t, bg) for t, bg in _text_on(fig) if t.get_bbox_patch() is not None]
    assert len(boxed) == 3
    for text, background in boxed:
        assert contrast_ratio(text.get_color(), background) >= AA, text.get_text()
    plt.close(fig)


def test_fold_chart_writes_its_scores_in_the_ink_of_the_held_out_colour():
    from deploydl.evaluation.charts import cross_validation_chart
    from deploydl.evaluation.metrics import CVResult

    fig = cross_validation_chart(CVResult(metric="roc_auc", folds=(0.7, 0.72), mean=0.71,
                                          std=0.01))
    scores = [t for t in fig.axes[0].texts if t.get_text().startswith("test")]
    assert len(scores) == 2
    assert all(contrast_ratio(t.get_color(), BAD) >= AA for t in scores)
    plt.close(fig)


def test_figure_alt_is_the_main_title_and_caption_on_one_line():
    fig, ax = new_figure("Costs fall\nafter the change", xlabel="day", ylabel="cost ($)")
    fig.supxlabel("Chosen before the test: \\$0.37 a month.")
    assert figure_alt(fig) == "Costs fall after the change; Chosen before the test: $0.37 a month."
    # a suptitle is the main title: the panels' own titles ("reads 2") are left out
    fig.suptitle("Costs fall\nin every region")
    assert figure_alt(fig) == "Costs fall in every region; Chosen before the test: $0.37 a month."
    ax.set_title("", loc="left")
    fig.suptitle("")
    fig.supxlabel("")
    assert figure_alt(fig) == "Chart of cost ($) against day"
    plt.close(fig)


def test_a_figure_shown_in_a_notebook_stores_its_alt_text_and_the_same_png(tmp_path):
    """Through a real kernel and the inline backend: the PNG is the one the backend draws (same
    size and dpi) and carries alt text; a closed figure is still not shown."""
    from nbformat.v4 import new_code_cell, new_notebook

    from deploydl.course.runner import execute

    notebook = execute(new_notebook(cells=[
        new_code_cell('from deploydl.present.charts import new_figure\n'
                      'fig, ax = new_figure("Costs fall\\nafter the change", xlabel="day", '
                      'ylabel="cost")\nax.plot([0, 1], [1, 0]);'),
        new_code_cell("from IPython.core.pylabtools import print_figure\n"
                      "print(print_figure(fig, 'png', base64=True))"),
        new_code_cell('import matplotlib.pyplot as plt\n'
                      'closed, _ = new_figure("Not shown", xlabel="x", ylabel="y")\n'
                      'plt.close(closed)')]), cwd=tmp_path)
    shown, printed, closed = (cell.outputs for cell in notebook.cells)
    [image] = [o for o in shown if "image/png" in o.get("data", {})]
    assert image.metadata["image/png"]["alt"] == "Costs fall after the change"
    assert image.data["image/png"] == printed[0].text.strip()
    assert base64.b64decode(image.data["image/png"]).startswith(b"\x89PNG")
    assert closed == []
    nbformat.validate(notebook)
