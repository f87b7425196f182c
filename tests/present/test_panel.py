import ipywidgets as widgets
import pytest

from deploydl.present.panel import PLAIN_TEXT_LIMIT, Panel


def test_a_panel_stores_its_title_not_its_constructor():
    slider = widgets.IntSlider()
    panel = Panel([slider], title="Threshold explorer")

    text = panel._repr_mimebundle_()["text/plain"]

    assert text == "Threshold explorer (interactive: run this notebook to use it)"
    assert panel.children == (slider,)


def test_a_title_too_long_for_the_plain_text_is_refused():
    with pytest.raises(ValueError, match="Shorten the title"):
        Panel([], title="x" * PLAIN_TEXT_LIMIT)
