"""The value case and the four audiences' messages, checked against hand-worked examples.

Each test here pins a rule that the other tests left open (a count that could be another
process's, a score at the threshold, a range whose end is exactly zero, a net value of exactly
nothing), so that a change to one of these lines of :mod:`deploydl.communication.value` or
:mod:`deploydl.communication.audiences` fails a test. The audiences' tests stand in for a
trained run with the few numbers each function reads, so they need no model.
"""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from deploydl.communication.audiences import (
    AUDIENCES,
    AudienceView,
    draw_audience_chart,
    message_for,
    render_view,
)
from deploydl.communication.value import (
    ValueAssumptions,
    interval_words,
    largest_swing,
    process_cost,
    sensitivity,
    sensitivity_shown,
    spans_zero,
    value_case,
    value_interval,
)

#: Six applicants, by hand: 1 is a default. At threshold 0.3 the first three are approved at
#: once (one of them defaults); the other three are referred, two of whom would have repaid,
#: one of them with a score exactly at the threshold (referred: approved only *below* it).
Y = np.array([1, 0, 0, 1, 0, 0])
SCORES = np.array([0.1, 0.2, 0.25, 0.3, 0.3, 0.9])


def test_a_process_counts_each_outcome_as_worked_by_hand():
    costs = ValueAssumptions().costs
    out = process_cost(Y, SCORES, threshold=0.3, **costs)
    assert out == {
        "bad_loans_approved": 1,
        "referred": 3,
        "good_referred": 2,
        "cost": 8_000 + 3 * 150 + 2 * 2_000,
    }
    # the counts are the ones the cost is made of
    assert out["cost"] == (
        out["bad_loans_approved"] * 8_000 + out["referred"] * 150 + out["good_referred"] * 2_000
    )


def test_the_value_case_reports_each_process_with_its_own_counts():
    """The model (``SCORES`` at 0.3) against a current process that refers only the two
    highest scores at 0.5: each count belongs to its own process."""
    current = np.array([0.1, 0.1, 0.1, 0.6, 0.1, 0.6])  # refers applicants 4 and 6
    a = ValueAssumptions(applications_per_year=6, running_cost=0.0)
    case = value_case(Y, SCORES, current, threshold=0.3, current_threshold=0.5, assumptions=a)
    assert (
        case["bad_loans_approved_model"],
        case["referred_model"],
        case["good_referred_model"],
    ) == (1, 3, 2)
    assert (
        case["bad_loans_approved_current"],
        case["referred_current"],
        case["good_referred_current"],
    ) == (1, 2, 1)
    assert case["model_cost_per_year"] == 8_000 + 3 * 150 + 2 * 2_000
    assert case["current_cost_per_year"] == 8_000 + 2 * 150 + 2_000
    assert case["net_value_per_year"] == case["saved_per_year"] == -2_150.0


def test_the_crossover_share_is_measured_against_the_model_not_the_current_process():
    """Four applicants, one default (Module 02's prices, a bad loan at USD 2,450): the model
    approves the defaulter and refers one good customer, 2,450 + 150 + 2,000 x share against
    4 x 150 + 3 x 2,000 x share for referring everyone, equal at share 0.5. The current
    process refers the defaulter alone (150), which referring everyone never beats."""
    y = np.array([0, 0, 0, 1])
    model = np.array([0.1, 0.1, 0.9, 0.1])
    current = np.array([0.1, 0.1, 0.1, 0.9])
    a = ValueAssumptions(bad_loan=2_450.0)
    case = value_case(y, model, current, threshold=0.5, current_threshold=0.8, assumptions=a)
    assert case["refer_everyone_cheaper_below"] == pytest.approx(0.5)


def test_the_range_prices_the_model_at_its_own_threshold():
    """49 applicants repay: the model (threshold 0.5) approves them for nothing, the current
    process (threshold 0.05) refers them, USD 150 + 2,000 each. The one defaulter the model
    refers (150) and the current process approves (a bad loan priced at USD 2,300): it too
    saves 2,150. Every resample saves the same, so the range is one number: 2,150 x 1,000
    applications a year - 250,000 running cost."""
    y = np.array([0] * 49 + [1])
    model, current = np.array([0.1] * 49 + [0.9]), np.array([0.1] * 49 + [0.01])
    a = ValueAssumptions(bad_loan=2_300.0, applications_per_year=1_000)
    found = value_interval(
        y, model, current, threshold=0.5, current_threshold=0.05, assumptions=a, n_resamples=200
    )
    assert found["low"] == found["high"] == 2_150 * 1_000 - 250_000


def test_a_range_that_ends_at_zero_does_not_settle_the_sign():
    """Zero is no sign (the docstring: a range that *includes* zero)."""
    assert spans_zero(0.0, 500_000.0) and spans_zero(-500_000.0, 0.0)
    assert not spans_zero(1_000.0, 500_000.0)
    assert interval_words(0.0, 500_000.0).endswith(
        "it spans zero, so even the sign is not established"
    )


def test_the_largest_swing_counts_a_move_down_as_much_as_a_move_up():
    table = pd.DataFrame({"low": [-10.0], "base": [0.0], "high": [2.0]})
    assert largest_swing(table) == 10.0


def test_a_swing_of_all_of_an_assumption_is_refused():
    with pytest.raises(ValueError, match="swing must be between 0 and 1"):
        sensitivity(Y, SCORES, SCORES, threshold=0.3, current_threshold=0.3, swing=1.0)


def test_a_share_moved_up_exactly_to_all_needs_no_to_100_percent_note():
    """At 0.8, a 25% swing moves the share to exactly 1: the move is whole, nothing to note.
    At 0.9 it would pass 1 and stops there: "(to 100%)"."""
    table = pd.DataFrame(
        {"low": [1.0], "base": [2.0], "high": [3.0]}, index=["referred good customers lost"]
    )
    whole = sensitivity_shown(
        table, assumptions=ValueAssumptions(referred_good_lost=0.8), swing=0.25
    )
    assert whole.loc["referred good customers lost", "25% higher"] == "3.0"
    cut = sensitivity_shown(table, assumptions=ValueAssumptions(referred_good_lost=0.9), swing=0.25)
    assert cut.loc["referred good customers lost", "25% higher"] == "3.0 (to 100%)"


def _run(net: float, *, gate_passed: bool = True):
    """The numbers :func:`message_for` reads of a run: the gate, the net value and its range
    (here clear of zero)."""
    return SimpleNamespace(
        fairness={"gate_passed": gate_passed, "too_close_to_call": False},
        money={"net_value_per_year": net, "net_value_low": net - 1.0, "net_value_high": net - 0.5},
        registry={},
    )


def test_a_model_that_only_pays_its_running_cost_does_not_beat_the_current_process():
    """A net value of nothing: the model saves exactly what it costs to run, so the board is
    told it does not beat the current process, not that it is "worth $0 a year"."""
    said = message_for(AUDIENCES["board"], _run(0.0))
    assert said.startswith("The model does not beat the current process")


def test_an_audience_with_no_message_for_the_case_keeps_its_plain_message():
    """The regulator has no message of its own for a model that does not pay, the call-centre
    team none for a failed gate: each still hears its own message, never an empty one."""
    regulator = message_for(AUDIENCES["regulator"], _run(-1.0e6))
    assert regulator.startswith("At threshold {threshold}, each age band is approved")
    call_centre = message_for(AUDIENCES["call-centre"], _run(5.0e5, gate_passed=False))
    assert call_centre.startswith("About {approval_rate} of applicants get a yes at once.")


def test_the_call_centre_sees_the_share_approved_at_once_and_the_rest_referred():
    fig = draw_audience_chart(SimpleNamespace(evaluation={"approval_rate": 0.62}), "call-centre")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "62 in 100 applicants were approved at once"
    assert [p.get_height() for p in ax.patches] == pytest.approx([62.0, 38.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "approved at once",
        "sent to an underwriter",
    ]
    plt.close(fig)


def test_a_views_image_carries_the_charts_alt_text_with_its_caption():
    view = AudienceView(
        "board",
        "headline",
        "<p>m</p>",
        "Worth $1.2M a year",
        (),
        chart_uri="data:image/png;base64,AA",
        chart_alt="Worth $1.2M a year; Caption: 95% range",
    )
    assert "alt='Worth $1.2M a year; Caption: 95% range'" in render_view(view)


def test_the_detail_table_names_each_row_by_its_label_not_its_key(monkeypatch):
    """The call-centre view of a run whose one figure is the share approved at once: its
    detail row reads the figure's label ("approved at once"), not its key."""
    from deploydl.communication import brief_page
    from deploydl.communication.audiences import audience_view
    from deploydl.present.report import Figure

    approved = Figure("approval_rate", "approved at once", "62%", 0.62, "evaluation")
    monkeypatch.setattr(brief_page, "brief_figures", lambda inputs: {"approval_rate": approved})
    run = _run(5.0e5)
    run.evaluation = {"approval_rate": 0.62}
    view = audience_view(run, "call-centre")
    assert view.details == (("approved at once", "62%"),)
    assert 'data-figure="approval_rate"' in view.message_html
    assert view.chart_title == "62 in 100 applicants were approved at once"
