"""Interactive panels whose stored text says what they are.

A notebook stores a widget's output in two forms: a view that only a running kernel can
draw, and plain text for every place that has no kernel (GitHub, nbviewer, a notebook opened
before it is run). ipywidgets writes the widget's constructor as that text
(``VBox(children=(FloatSlider(...``), which reads as code to an executive browsing the
course. A :class:`Panel` writes what it is and how to use it instead.

A slider's description is drawn beside it but not tied to it: ipywidgets 8 ties its label to
text boxes, dropdowns and date pickers only, so a screen reader names a slider's handle by its
number alone ("slider, 0.2"; a log slider says its exponent). A :class:`SliderRow` puts a
number box beside the slider, named by the same description and kept in step with it.

A browser draws a slider's handle on its steps, ``min + k * step`` (a log slider's exponent
on ``min + k * step``), and a slider that updates continuously sends that point back to the
kernel as soon as it is drawn: a starting value between two steps would move (3,000 requests
a month would become 3,162, a measured 0.4873 ms 0.501). A :class:`SliderRow`'s slider sends
its value only when its handle is let go, so drawing it changes nothing, and its steps stay
the round ones the panel chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import ipywidgets as widgets

#: ipywidgets cuts a widget's plain text after this many characters.
PLAIN_TEXT_LIMIT = 110
#: How wide a :class:`SliderRow`'s number box is: room for twelve digits (100,000,000,000).
NUMBER_BOX_WIDTH = "10em"
#: Significant digits a :class:`SliderRow`'s number box shows below 10,000: enough for every
#: value the lessons' sliders offer (0.4873 ms, 3,333 requests), none of a float's noise.
BOX_DIGITS = 4
#: The sliders a :class:`SliderRow` pairs with a number box.
Slider: TypeAlias = widgets.IntSlider | widgets.FloatSlider | widgets.FloatLogSlider


class Panel(widgets.VBox):
    """Widgets stacked in a column (an ``ipywidgets.VBox``) whose plain text names the panel.

    Parameters
    ----------
    children : sequence of ipywidgets.Widget
        The controls and outputs, top to bottom.
    title : str
        What the panel is, in a few words ("Threshold explorer"). Its plain text adds how to
        use it and must fit :data:`PLAIN_TEXT_LIMIT`, or ipywidgets would cut it.
    """

    def __init__(self, children: Sequence[widgets.Widget], *, title: str) -> None:
        text = f"{title} (interactive: run this notebook to use it)"
        if len(text) > PLAIN_TEXT_LIMIT:
            raise ValueError(f"The panel's title {title!r} makes its plain text "
                             f"{len(text)} characters long; ipywidgets cuts it at "
                             f"{PLAIN_TEXT_LIMIT}. Shorten the title.")
        super().__init__(children)
        self.plain_text = text

    def __repr__(self) -> str:
        return self.plain_text


class SliderRow(widgets.HBox):
    """A slider and a number box beside it that a screen reader names (an ``ipywidgets.HBox``).

    The box carries the slider's description, and ipywidgets ties a number box's label to its
    input, so assistive technology announces "Strength, 1.0" where the slider alone says
    "slider, 1.0". Its label takes no width on screen: the slider's description, drawn just
    before, names both for sighted readers. The box, not the slider's readout (hidden), shows
    the slider's real value, also for a log slider (100,000,000, not the exponent 8), as
    :func:`box_value` writes it (3,162, not 3162.2776601683795 between two steps of the
    exponent), within the slider's bounds as they stand when the row is built. The slider
    sends its value when its handle is let go (``continuous_update`` off), so a browser drawing
    it leaves a starting value between its steps where it is. The kernel keeps the two in step:
    the slider moving shows its value in the box, and a value typed in the box moves the
    slider. Code reads and sets ``slider.value`` as before.

    Parameters
    ----------
    slider : ipywidgets.IntSlider, ipywidgets.FloatSlider or ipywidgets.FloatLogSlider
        The slider, with its description, bounds, step and starting value already set.

    Attributes
    ----------
    slider : ipywidgets.IntSlider, ipywidgets.FloatSlider or ipywidgets.FloatLogSlider
        The slider given.
    box : ipywidgets.BoundedIntText or ipywidgets.BoundedFloatText
        The named number box.
    """

    def __init__(self, slider: Slider) -> None:
        box = _number_box(slider)
        slider.continuous_update = slider.readout = False
        super().__init__([slider, box])
        self.slider, self.box = slider, box
        slider.observe(self._show, "value")
        box.observe(self._move, "value")

    def _show(self, change: dict) -> None:
        """The slider moved: show its value in the box."""
        self.box.value = box_value(change["new"])

    def _move(self, change: dict) -> None:
        """A value typed in the box moves the slider; the box showing the slider's own value
        (rounded) does not, so the two cannot chase each other."""
        if change["new"] != box_value(self.slider.value):
            self.slider.value = change["new"]


def box_value(value: float) -> float:
    """``value`` as a :class:`SliderRow`'s box shows it: to :data:`BOX_DIGITS` significant
    digits, whole from 10,000 up (751,334 requests, not 751,300), an integer as it is."""
    if isinstance(value, int):
        return value
    return float(round(value)) if abs(value) >= 10 ** BOX_DIGITS else float(
        f"{value:.{BOX_DIGITS}g}")


def _number_box(slider: Slider) -> widgets.BoundedIntText | widgets.BoundedFloatText:
    """A number box with ``slider``'s description, value and bounds (a log slider's bounds
    are base to the power of its exponents); the label is zero wide, read but not drawn."""
    if not isinstance(slider, widgets.IntSlider | widgets.FloatSlider | widgets.FloatLogSlider):
        raise TypeError(f"SliderRow takes an IntSlider, FloatSlider or FloatLogSlider; got "
                        f"{type(slider).__name__}. Give a range or selection slider its own "
                        "named controls.")
    shared = {"value": box_value(slider.value), "description": slider.description,
              "style": {"description_width": "0px"},
              "layout": widgets.Layout(width=NUMBER_BOX_WIDTH)}
    if isinstance(slider, widgets.FloatLogSlider):
        return widgets.BoundedFloatText(min=slider.base ** slider.min,
                                        max=slider.base ** slider.max, step=None, **shared)
    if isinstance(slider, widgets.FloatSlider):
        return widgets.BoundedFloatText(min=slider.min, max=slider.max, step=slider.step,
                                        **shared)
    return widgets.BoundedIntText(min=slider.min, max=slider.max, step=slider.step, **shared)
