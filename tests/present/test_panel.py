import ipywidgets as widgets
import pytest
from ipywidgets.widgets.widget_link import Link

from deploydl.present.panel import PLAIN_TEXT_LIMIT, Panel, SliderRow


def test_a_panel_stores_its_title_not_its_constructor():
    slider = widgets.IntSlider()
    panel = Panel([slider], title="Threshold explorer")

    text = panel._repr_mimebundle_()["text/plain"]

    assert text == "Threshold explorer (interactive: run this notebook to use it)"
    assert panel.children == (slider,)


def test_a_title_too_long_for_the_plain_text_is_refused():
    with pytest.raises(ValueError, match="Shorten the title"):
        Panel([], title="x" * PLAIN_TEXT_LIMIT)


@pytest.mark.parametrize("slider, box_kind, bounds, step", [
    (widgets.FloatSlider(value=0.2, min=0.1, max=0.5, step=0.01, description="Refer above"),
     widgets.BoundedFloatText, (0.1, 0.5), 0.01),
    (widgets.IntSlider(value=3, min=1, max=5, description="I can price a model"),
     widgets.BoundedIntText, (1, 5), 1),
    # a log slider's bounds and value are its real values, not the exponents 6, 11 and 8
    (widgets.FloatLogSlider(value=1e8, base=10, min=6, max=11, step=0.25,
                            description="Predictions per month"),
     widgets.BoundedFloatText, (1e6, 1e11), None),
], ids=["float", "int", "log"])
def test_a_slider_row_adds_a_box_with_the_sliders_description_value_and_bounds(
        slider, box_kind, bounds, step):
    row = SliderRow(slider)

    assert row.children == (slider, row.box) and row.slider is slider
    assert type(row.box) is box_kind  # a number box: ipywidgets ties its label to its input
    assert row.box.description == slider.description
    assert row.box.value == slider.value
    assert (row.box.min, row.box.max) == pytest.approx(bounds)
    assert row.box.step == step


def test_a_slider_row_links_slider_and_box_in_the_browser():
    slider = widgets.FloatLogSlider(value=1e8, base=10, min=6, max=11, description="Traffic")
    row = SliderRow(slider)

    assert isinstance(row.link, Link)  # jslink: the browser moves one with the other
    assert row.link.source == (slider, "value") and row.link.target == (row.box, "value")
    # what the browser link does, done in the kernel: each moves the other, in real values
    widgets.link(row.link.source, row.link.target)
    slider.value = 1e9
    assert row.box.value == 1e9
    row.box.value = 3e6
    assert slider.value == 3e6


def test_a_slider_the_row_cannot_pair_is_refused():
    with pytest.raises(TypeError, match="got SelectionSlider"):
        SliderRow(widgets.SelectionSlider(options=["low", "high"]))
