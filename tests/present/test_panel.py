import ipywidgets as widgets
import pytest
from widget_checks import assert_sliders_keep_their_values

from deploydl.present.panel import PLAIN_TEXT_LIMIT, Panel, SliderRow, box_value


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


def test_a_slider_row_keeps_slider_and_box_in_step_and_the_box_readable():
    slider = widgets.FloatLogSlider(value=1e4, base=10, min=3, max=10, description="Traffic")
    row = SliderRow(slider)

    slider.value = 10 ** 3.25  # between two round numbers: 1778.2794100389228
    assert row.box.value == 1778 and slider.value == 10 ** 3.25  # the box rounds, only
    slider.value = 2999.999999999995  # what a browser sends back for 3,000
    assert row.box.value == 3000 and slider.value == 2999.999999999995
    row.box.value = 3e6  # typed
    assert slider.value == 3e6 and row.box.value == 3e6


@pytest.mark.parametrize(("value", "shown"), [
    (3162.2776601683795, 3162.0), (0.48730000000000001, 0.4873), (1.2345, 1.234),
    (0.04250000000000001, 0.0425), (1e8, 1e8), (7, 7),
    (751_334.2, 751_334.0), (1_030_636_623.4, 1_030_636_623.0)])  # whole from 10,000 up
def test_the_box_shows_four_significant_digits_or_whole_numbers(value, shown):
    assert box_value(value) == shown


def test_a_slider_the_row_cannot_pair_is_refused():
    with pytest.raises(TypeError, match="got SelectionSlider"):
        SliderRow(widgets.SelectionSlider(options=["low", "high"]))


@pytest.mark.parametrize("slider", [
    widgets.FloatSlider(value=1.2345, min=0, max=10, step=0.1, description="Cold start"),
    widgets.FloatLogSlider(value=3_000, base=10, min=3, max=10, step=0.25,
                           description="Requests"),
    widgets.FloatLogSlider(value=10 ** (3 + 1 / 3), base=10, min=3, max=10, step=0.25,
                           description="Requests"),
    widgets.FloatLogSlider(value=5.0, base=10, min=-1, max=3, step=0.1, description="ms"),
    widgets.FloatLogSlider(value=0.4873, base=10, min=-1, max=3, step=0.1, description="ms"),
    widgets.FloatSlider(value=0.0425, min=0.01, max=0.5, step=0.01, description="Price"),
    widgets.IntSlider(value=3, min=0, max=10, step=2, description="Replicas"),
], ids=["cold-start", "3000-requests", "3333-requests", "5-ms", "measured-ms", "price",
        "int-between-steps"])
def test_a_browser_drawing_a_slider_row_keeps_its_value_and_its_steps(slider):
    start, grid = slider.value, (slider.min, slider.max, slider.step)
    row = SliderRow(slider)

    assert not slider.continuous_update  # sends its value when the handle is let go
    assert not slider.readout  # the box shows the value instead
    assert_sliders_keep_their_values(row)
    assert (slider.value, row.box.value) == (start, box_value(start))
    assert (slider.min, slider.max, slider.step) == grid  # the steps the panel chose
