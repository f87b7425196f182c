"""Checks every widget test can share: each slider a panel shows has a number box a screen
reader names (:class:`deploydl.present.panel.SliderRow`), and a browser drawing it keeps its
value."""

from __future__ import annotations

import math

import ipywidgets as widgets

from deploydl.present.panel import SliderRow

#: The slider kinds the lessons use.
SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)


def slider_parents(widget: widgets.Widget, parent: widgets.Widget | None = None):
    """``(slider, the box that holds it)`` for each slider in ``widget``'s tree, top to bottom."""
    if isinstance(widget, SLIDERS):
        yield widget, parent
    for child in getattr(widget, "children", ()):
        yield from slider_parents(child, widget)


def assert_sliders_named(widget: widgets.Widget, *, sliders: int) -> None:
    """``widget`` shows ``sliders`` sliders, each in a :class:`SliderRow` whose number box has
    the slider's description (its label is tied to the box, so a screen reader says it)."""
    found = list(slider_parents(widget))
    assert len(found) == sliders, f"expected {sliders} sliders, found {len(found)}"
    unnamed = [slider.description for slider, parent in found
               if not (isinstance(parent, SliderRow) and parent.slider is slider
                       and parent.box.description == slider.description)]
    assert not unnamed, f"sliders without a named number box beside them: {unnamed}"


def drawn_value(slider: widgets.Widget) -> float:
    """The value a browser sends back when it draws ``slider``: ipywidgets 8's slider view puts
    the value (a log slider's exponent, ``log(value) / log(base)``) on a noUiSlider, which
    takes it to a percentage of the range, rounds that to the nearest step and takes it back;
    the view sends it at once only when the slider updates continuously (else it sends
    nothing until the handle is let go, and the value stays).

    The arithmetic is noUiSlider's, step for step (``toStepping``, ``getStep``, whose
    ``Math.round`` rounds halves up, and ``fromStepping``), for a range with no points between
    its ends.
    """
    if not slider.continuous_update:
        return slider.value
    log = isinstance(slider, widgets.FloatLogSlider)
    low, high = slider.min, slider.max
    start = min(max(math.log(slider.value) / math.log(slider.base), low), high) if log \
        else slider.value
    if start >= high or slider.step is None:
        point = min(start, high)
    else:
        step_pct = 100 * slider.step / (high - low)
        pct = min(max(math.floor(100 * (start - low) / (high - low) / step_pct + 0.5)
                      * step_pct, 0), 100)
        point = high if pct >= 100 else pct * (high - low) / 100 + low
    if log:
        return slider.base ** point
    return round(point) if isinstance(slider, widgets.IntSlider) else point


def assert_sliders_keep_their_values(widget: widgets.Widget) -> None:
    """Drawing each slider in ``widget`` in a browser does not move it (to within the rounding
    of a log slider's exponent)."""
    moved = {slider.description: (slider.value, drawn_value(slider))
             for slider, _ in slider_parents(widget)
             if not math.isclose(drawn_value(slider), slider.value, rel_tol=1e-12)}
    assert not moved, f"sliders a browser would move when it draws them (from, to): {moved}"


def draw_in_browser(widget: widgets.Widget) -> None:
    """Do in the kernel what a browser does when it draws ``widget``: set each slider to the
    value its view sends back (:func:`drawn_value`)."""
    for slider, _ in list(slider_parents(widget)):
        slider.value = drawn_value(slider)
