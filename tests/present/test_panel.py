import ipywidgets as widgets
import pytest
from widget_checks import assert_sliders_keep_their_values

from deploydl.present.panel import PLAIN_TEXT_LIMIT, Panel, SliderRow, box_value, step_through


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
    (0.04250000000000001, 0.0425), (1e8, 1e8), (7, 7)])
def test_the_box_shows_four_significant_digits(value, shown):
    assert box_value(value) == shown


def test_a_slider_the_row_cannot_pair_is_refused():
    with pytest.raises(TypeError, match="got SelectionSlider"):
        SliderRow(widgets.SelectionSlider(options=["low", "high"]))


@pytest.mark.parametrize("start, low, step", [
    (1.2345, 0.0, 0.1), (3.5228787452803374, 3.0, 0.25), (0.69897, -1.0, 0.1),
    (0.04, 0.0, 0.1), (7.3, 7.3, 0.5), (-2.71, -5.0, 0.3)])
def test_a_step_through_the_start_puts_it_on_the_grid_from_the_low_end(start, low, step):
    new = step_through(start, low, step)

    steps = (start - low) / new
    assert steps == pytest.approx(round(steps), abs=1e-9)  # whole steps from low to start
    assert 0 < new <= 1.5 * step  # the slider moves by about the step asked, or less


def test_a_step_already_through_the_start_is_kept_as_it_is():
    assert step_through(0.37, 0.01, 0.01) == 0.01  # 36 steps, give or take rounding
    assert step_through(8.0, 6.0, 0.25) == 0.25


def test_a_step_of_zero_or_less_is_refused():
    with pytest.raises(ValueError, match="step must be more than 0; got 0"):
        step_through(1.0, 0.0, 0)


@pytest.mark.parametrize("slider", [
    widgets.FloatSlider(value=1.2345, min=0, max=10, step=0.1, description="Cold start"),
    widgets.FloatLogSlider(value=3_000, base=10, min=3, max=10, step=0.25,
                           description="Requests"),
    widgets.FloatLogSlider(value=10 ** (3 + 1 / 3), base=10, min=3, max=10, step=0.25,
                           description="Requests"),
    widgets.FloatLogSlider(value=5.0, base=10, min=-1, max=3, step=0.1, description="ms"),
    widgets.FloatLogSlider(value=0.4873, base=10, min=-1, max=3, step=0.1, description="ms"),
    widgets.FloatSlider(value=0.0425, min=0.01, max=0.5, step=0.01, description="Price"),
], ids=["cold-start", "3000-requests", "3333-requests", "5-ms", "measured-ms", "price"])
def test_a_slider_row_starts_its_slider_on_a_step_so_a_browser_keeps_the_value(slider):
    start, bounds = slider.value, (slider.min, slider.max)
    row = SliderRow(slider)

    assert_sliders_keep_their_values(row)
    assert (slider.value, row.box.value) == (start, box_value(start))  # the box shows it
    assert (slider.min, slider.max) == bounds  # both ends stay within reach


def test_an_integer_slider_between_its_steps_is_refused():
    with pytest.raises(ValueError, match="starts at 3, between its steps 0 \\+ k \\* 2"):
        SliderRow(widgets.IntSlider(value=3, min=0, max=10, step=2, description="Replicas"))
