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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import ipywidgets as widgets

#: ipywidgets cuts a widget's plain text after this many characters.
PLAIN_TEXT_LIMIT = 110
#: How wide a :class:`SliderRow`'s number box is: room for twelve digits (100,000,000,000).
NUMBER_BOX_WIDTH = "10em"
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
    before, names both for sighted readers. The box holds the slider's real value, also for a
    log slider (100,000,000, not the exponent 8; between steps of the exponent it shows every
    digit, 3162.2776601683795), within the slider's bounds as they stand when the row is
    built. A browser link (:func:`ipywidgets.jslink`) moves each with the other without a
    round trip to the kernel; typing a value moves the slider, which snaps it to its step.
    Code reads and sets ``slider.value`` as before.

    Parameters
    ----------
    slider : ipywidgets.IntSlider, ipywidgets.FloatSlider or ipywidgets.FloatLogSlider
        The slider, with its description, bounds and step already set.

    Attributes
    ----------
    slider : ipywidgets.IntSlider, ipywidgets.FloatSlider or ipywidgets.FloatLogSlider
        The slider given.
    box : ipywidgets.BoundedIntText or ipywidgets.BoundedFloatText
        The named number box.
    link : ipywidgets.widgets.widget_link.Link
        The browser link from ``slider.value`` to ``box.value``.
    """

    def __init__(self, slider: Slider) -> None:
        box = _number_box(slider)
        super().__init__([slider, box])
        self.slider, self.box = slider, box
        self.link = widgets.jslink((slider, "value"), (box, "value"))


def _number_box(slider: Slider) -> widgets.BoundedIntText | widgets.BoundedFloatText:
    """A number box with ``slider``'s description, value and bounds (a log slider's bounds
    are base to the power of its exponents); the label is zero wide, read but not drawn."""
    shared = {"value": slider.value, "description": slider.description,
              "style": {"description_width": "0px"},
              "layout": widgets.Layout(width=NUMBER_BOX_WIDTH)}
    if isinstance(slider, widgets.FloatLogSlider):
        return widgets.BoundedFloatText(min=slider.base ** slider.min,
                                        max=slider.base ** slider.max, step=None, **shared)
    if isinstance(slider, widgets.FloatSlider):
        return widgets.BoundedFloatText(min=slider.min, max=slider.max, step=slider.step,
                                        **shared)
    if isinstance(slider, widgets.IntSlider):
        return widgets.BoundedIntText(min=slider.min, max=slider.max, step=slider.step,
                                      **shared)
    raise TypeError(f"SliderRow takes an IntSlider, FloatSlider or FloatLogSlider; got "
                    f"{type(slider).__name__}. Give a range or selection slider its own "
                    "named controls.")
