"""Interactive panels whose stored text says what they are.

A notebook stores a widget's output in two forms: a view that only a running kernel can
draw, and plain text for every place that has no kernel (GitHub, nbviewer, a notebook opened
before it is run). ipywidgets writes the widget's constructor as that text
(``VBox(children=(FloatSlider(...``), which reads as code to an executive browsing the
course. A :class:`Panel` writes what it is and how to use it instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

#: ipywidgets cuts a widget's plain text after this many characters.
PLAIN_TEXT_LIMIT = 110


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
