import numpy as np
import pytest
from html_checks import header_scopes
from widget_checks import assert_sliders_named

from deploydl.evaluation.threshold_widget import threshold_explorer


def test_moving_the_slider_updates_the_numbers():
    y = np.array([0, 1, 0, 1, 0])
    s = np.array([0.1, 0.9, 0.6, 0.4, 0.2])
    explorer = threshold_explorer(y, s, threshold=0.5)
    before = explorer.summary.value
    assert "bad loans approved:</b> 1" in before and "$10,000" in before
    assert "recall:</b> 50.0%" in before
    explorer.slider.value = 0.3
    after = explorer.summary.value
    assert after != before
    assert "bad loans approved:</b> 0" in after and "recall:</b> 100.0%" in after
    assert "precision:</b> 66.7%" in after and "$2,000" in after
    assert explorer.outcomes.threshold == 0.3


def test_the_table_names_its_columns_and_rows_for_a_screen_reader():
    """Each count is read with its decision (column) and what really happened (row)."""
    explorer = threshold_explorer(np.array([0, 1]), np.array([0.2, 0.7]))
    table = explorer.summary.value
    assert header_scopes(table) == ["col"] * 3 + ["row"] * 2
    assert ("<th scope='col'>approved</th><th scope='col'>referred to an underwriter</th></tr>"
            in table)
    assert "declined" not in table and "good customers referred:</b> 0" in table


def test_the_threshold_has_a_number_box_a_screen_reader_names():
    explorer = threshold_explorer(np.array([0, 1]), np.array([0.2, 0.7]))
    assert_sliders_named(explorer.widget, sliders=1)


def test_explorer_rejects_bad_input():
    with pytest.raises(ValueError, match="single class"):
        threshold_explorer([0, 0], [0.1, 0.2])
