"""Checks every widget test can share: each slider a panel shows has a number box a screen
reader names (:class:`deploydl.present.panel.SliderRow`), and a browser drawing it keeps its
value."""

from __future__ import annotations

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


def assert_sliders_keep_their_values(widget: widgets.Widget) -> None:
    """Drawing each slider in ``widget`` in a browser does not move it: the slider sends its
    value only when its handle is let go (``continuous_update`` off). A slider that updates
    continuously is sent back on its steps as soon as it is drawn (ipywidgets 8's view rounds
    the value to ``min + k * step``), so a start between two steps would move."""
    moving = [slider.description for slider, _ in slider_parents(widget)
              if slider.continuous_update]
    assert not moving, f"sliders a browser would move when it draws them: {moving}"
