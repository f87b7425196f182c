"""Lambda against replicas always on (Module 04): the bills, where they cross, the widget."""

from __future__ import annotations

import math

import pytest
from widget_checks import assert_sliders_keep_their_values, assert_sliders_named

from deploydl.communication.brief import Assumptions
from deploydl.deploy.serverless import (
    KEEP_WARM_MINUTES,
    LAMBDA_PER_GB_SECOND,
    ONE_VCPU_GB,
    HostingChooser,
    HostingCost,
    cold_start_share,
    compare_hosting,
    hosting_chart,
    in_words,
    lambda_cost_per_request,
)


def test_lambda_bills_the_request_and_its_memory_seconds():
    one = lambda_cost_per_request(5.0)
    assert one == pytest.approx(0.20 / 1e6 + 0.005 * ONE_VCPU_GB * LAMBDA_PER_GB_SECOND)
    assert lambda_cost_per_request(10.0) - one == pytest.approx(
        0.005 * ONE_VCPU_GB * LAMBDA_PER_GB_SECOND)  # twice the time: twice the run time billed
    with pytest.raises(ValueError, match="Measure a request's time"):
        lambda_cost_per_request(0.0)


def test_lambda_bills_each_call_rounded_up_to_the_next_millisecond():
    assert lambda_cost_per_request(0.5) == lambda_cost_per_request(1.0)  # billed 1 ms
    assert lambda_cost_per_request(1.2) == lambda_cost_per_request(2.0)  # billed 2 ms
    assert lambda_cost_per_request(2.001) - lambda_cost_per_request(2.0) == pytest.approx(
        0.001 * ONE_VCPU_GB * LAMBDA_PER_GB_SECOND)  # a step of one whole millisecond


def test_billed_milliseconds_round_up_and_ignore_the_noise_of_arithmetic():
    from deploydl.deploy.serverless import billed_ms

    assert [billed_ms(ms) for ms in (0.01, 0.5, 1.0, 1.2, 2.0, 1234.9)] == [1, 1, 1, 2, 2, 1235]
    assert billed_ms(0.1 * 3 * 1000) == 300  # 300.00000000000006 in floating point


def test_a_cold_call_bills_its_start_up_and_handler_time_rounded_up_once():
    # 0.4 ms warm is billed 1 ms; cold, 1,234.5 + 0.4 = 1,234.9 ms is billed 1,235 ms:
    # each cold call costs 1,234 ms more than a warm one.
    cost = compare_hosting(3_000, ms_per_request=0.4, cold_start_s=1.2345)
    ms_price = ONE_VCPU_GB * LAMBDA_PER_GB_SECOND / 1000
    assert cost.start_up_usd == pytest.approx(3_000 * cost.cold_share * 1234 * ms_price)
    assert cost.lambda_usd == pytest.approx(
        3_000 * (0.20 / 1e6 + ms_price + cost.cold_share * 1234 * ms_price))
    assert cost.start_up_per_cold_call == pytest.approx(1234 * ms_price)


def test_the_share_of_cold_starts_falls_as_traffic_rises():
    minutes = 730 * 60  # a month
    # One request every 10 minutes on average, copies kept 10 minutes: exp(-1) meet a cold start.
    assert cold_start_share(minutes / 10) == pytest.approx(math.exp(-1))
    assert cold_start_share(0) == 1.0 and cold_start_share(1e7) < 1e-9
    assert cold_start_share(minutes / 10, keep_warm_minutes=20) < cold_start_share(minutes / 10)
    assert KEEP_WARM_MINUTES == 10.0
    with pytest.raises(ValueError, match="keep_warm_minutes above 0"):
        cold_start_share(1_000, keep_warm_minutes=0)


def test_lambda_bills_the_start_up_of_each_cold_start():
    warm = compare_hosting(3_000, ms_per_request=5.0)
    cold = compare_hosting(3_000, ms_per_request=5.0, cold_start_s=3.5)
    assert warm.start_up_usd == 0.0 and warm.cold_share == pytest.approx(cold.cold_share)
    expected = 3_000 * cold.cold_share * 3.5 * ONE_VCPU_GB * LAMBDA_PER_GB_SECOND
    assert cold.start_up_usd == pytest.approx(expected)
    assert cold.lambda_usd == pytest.approx(warm.lambda_usd + expected)
    assert cold.lambda_usd > 100 * warm.lambda_usd  # at low traffic, start-ups dominate the bill
    # Where the bills cross, cold starts are rare: the crossing barely moves.
    assert cold.break_even_requests == pytest.approx(warm.break_even_requests, rel=1e-6)
    at = compare_hosting(cold.break_even_requests, ms_per_request=5.0, cold_start_s=3.5)
    assert at.lambda_usd == pytest.approx(at.always_on_usd)
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="cold_start_s must be 0 or more"):
            compare_hosting(3_000, ms_per_request=5.0, cold_start_s=bad)


@pytest.mark.parametrize("ms", [0.0, -2.0, math.nan, math.inf])
def test_a_time_that_is_not_a_positive_number_is_refused_with_what_to_do(ms):
    """NaN reached billed_ms and failed with "cannot convert float NaN to integer"."""
    with pytest.raises(ValueError, match="must be numbers above 0.*Measure a request's time"):
        lambda_cost_per_request(ms)


def test_the_bills_cross_where_lambda_costs_what_the_replicas_cost():
    low = compare_hosting(3_000, ms_per_request=5.0, replicas=2, cores_per_replica=2.0,
                          price_per_core_hour=0.05)
    assert low.always_on_usd == 146.0  # 4 cores x USD 0.05 x 730 hours, busy or idle
    assert low.cheaper == "Lambda" and low.lambda_usd < 0.01
    at = compare_hosting(low.break_even_requests, ms_per_request=5.0)
    assert at.lambda_usd == pytest.approx(at.always_on_usd)
    high = compare_hosting(2 * low.break_even_requests, ms_per_request=5.0)
    assert high.cheaper == "always on" and high.lambda_usd == pytest.approx(292.0)
    slower = compare_hosting(3_000, ms_per_request=50.0)
    # Ten times the run time: the bills cross about 4.8 times sooner (the request fee stays).
    assert low.break_even_requests / slower.break_even_requests == pytest.approx(4.77, abs=0.01)
    with pytest.raises(ValueError, match="replicas at least 1"):
        compare_hosting(3_000, ms_per_request=5.0, replicas=0)


def test_lambda_is_named_cheaper_only_when_its_bill_is_below_the_replicas():
    """At a tie neither costs less, and Lambda is not named: its bill grows with the traffic
    while the replicas' stays put (below the crossing Lambda costs less, at and above it the
    replicas do)."""
    lambda_bill = compare_hosting(3_000, ms_per_request=5.0).lambda_usd
    assert lambda_bill > 0
    for always_on, cheaper in [(lambda_bill, "always on"), (lambda_bill * 1.001, "Lambda"),
                               (lambda_bill * 0.999, "always on")]:
        cost = HostingCost(3_000, always_on_usd=always_on, ms_per_request=5.0)
        assert cost.lambda_usd == lambda_bill and cost.cheaper == cheaper


def test_in_words_names_both_bills_the_cheaper_and_the_crossing():
    low = compare_hosting(3_000, ms_per_request=5.0)
    text = in_words(low, replicas=2)
    assert text.startswith("At 3,000 requests a month: Lambda less than USD 0.01, 2 replicas "
                           "always on USD 146. Lambda costs less here")
    assert f"about {low.break_even_requests / 1e6:,.0f} million requests a month" in text
    seconds_a_month = 730 * 60 * 60  # the month of 730 hours the bills use
    assert f"({low.break_even_requests / seconds_a_month:,.0f} a second on average)" in text
    high = in_words(compare_hosting(1e9, ms_per_request=5.0), replicas=2)
    assert "Lambda USD 344, 2 replicas always on USD 146. Always on costs less here" in high
    cold = in_words(compare_hosting(3_000, ms_per_request=5.0, cold_start_s=3.5), replicas=2)
    assert cold.startswith("At 3,000 requests a month: Lambda USD 0.15 (start-ups billed: "
                           "about 50% of requests meet one), 2 replicas always on USD 146.")


def test_in_words_calls_bills_written_the_same_about_the_same():
    """At the crossing both bills read 'USD 146': naming one as cheaper would contradict the
    figures printed beside it. A traffic whose bills differ as written still names the cheaper."""
    crossing = compare_hosting(3_000, ms_per_request=5.0).break_even_requests
    text = in_words(compare_hosting(crossing * 1.001, ms_per_request=5.0), replicas=2)
    assert "Lambda USD 146, 2 replicas always on USD 146. The two bills are about the same " \
           "here; the two cost the same at about" in text
    assert "costs less" not in text
    apart = in_words(compare_hosting(crossing * 1.05, ms_per_request=5.0), replicas=2)
    assert "Lambda USD 153, 2 replicas always on USD 146. Always on costs less here" in apart


def test_the_chart_title_names_no_cheaper_bill_where_both_read_the_same():
    import matplotlib.pyplot as plt

    crossing = compare_hosting(3_000, ms_per_request=5.0).break_even_requests
    for traffic, start in [(crossing * 1.001, "The bills are about the same at "),
                           (crossing * 1.05, "2 replicas is cheaper at ")]:
        fig = hosting_chart(compare_hosting(traffic, ms_per_request=5.0), replicas=2)
        title = fig.axes[0].get_title(loc="left")
        plt.close(fig)
        assert title.startswith(start), title
        assert ("\\$146 on Lambda" in title) == (traffic < crossing * 1.01), title


def test_the_chooser_updates_its_answer_as_the_controls_move():
    chooser = HostingChooser(ms_per_request=5.0, requests_per_month=3_000)
    assert chooser.result.cheaper == "Lambda"
    chooser.traffic.value = 1e9
    assert chooser.result.cheaper == "always on" and "1,000,000,000" in chooser.output.value
    chooser.replicas.value = 6
    assert chooser.result.always_on_usd == 438.0 and chooser.result.cheaper == "Lambda"
    fast = HostingChooser(ms_per_request=0.4, requests_per_month=3_000)  # a fast machine
    assert fast.ms.value == pytest.approx(0.4)  # measured, not clamped to the slider's floor
    cold = HostingChooser(ms_per_request=5.0, requests_per_month=3_000, cold_start_s=3.5)
    billed = cold.result.lambda_usd
    cold.cold.value = 0.0
    assert cold.result.lambda_usd < billed / 100 and "start-ups" not in cold.output.value


@pytest.mark.parametrize("traffic, ms, cold", [
    (3_000, 5.0, 0.0),
    (Assumptions().applications_per_year / 12, 0.4873, 1.2345),  # Module 04's, as measured
], ids=["round", "module-04"])
def test_drawing_the_chooser_in_a_browser_keeps_its_starting_values_and_answer(
        traffic, ms, cold):
    chooser = HostingChooser(ms_per_request=ms, requests_per_month=traffic, cold_start_s=cold)
    answer = chooser.output.value

    assert_sliders_keep_their_values(chooser.widget)
    assert chooser.output.value == answer  # not "At 3,162 requests a month"
    assert f"At {traffic:,.0f} requests a month" in answer


def test_each_control_of_the_chooser_has_a_number_box_a_screen_reader_names():
    chooser = HostingChooser(ms_per_request=5.0, requests_per_month=3_000)
    assert_sliders_named(chooser.widget, sliders=4)


def test_the_chart_states_the_decision_says_log_scale_and_keeps_its_legend_off_the_lines():
    import matplotlib.pyplot as plt

    fig = hosting_chart(compare_hosting(3_000, ms_per_request=5.0), replicas=2,
                        traffic_label="the bank's traffic")
    ax = fig.axes[0]
    title = ax.get_title(loc="left")
    assert title.startswith("Lambda is cheaper at 3,000 requests a month:\n")
    assert "less than \\$0.01 on Lambda" in title and "for 2 replicas" in title
    assert "(log scale)" in ax.get_xlabel() and "(log scale)" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Lambda, pay per request", "2 replicas always on", "the bills cross",
        "the bank's traffic"]
    fig.canvas.draw()
    assert "1M" in [t.get_text() for t in ax.get_xticklabels()]
    box = ax.get_legend().get_window_extent()
    assert box.y1 < ax.get_window_extent().y0, "the legend sits under the plot"
    plt.close(fig)
    fig = hosting_chart(compare_hosting(3_000, ms_per_request=5.0, cold_start_s=3.5), replicas=2)
    ax = fig.axes[0]
    assert ax.get_legend().get_texts()[0].get_text() == (
        "Lambda, pay per request (start-ups billed: 50% of\nrequests meet a cold start at "
        "3,000 a month)")
    assert ax.get_legend().get_texts()[1].get_text() == (
        "Lambda, warm requests only (no start-ups)")
    plt.close(fig)


def test_the_chart_says_why_lambdas_bill_dips_as_traffic_rises():
    """With start-ups billed, Lambda's bill falls where more traffic keeps the copy warm; the
    note sits at the bottom of that dip. Without start-ups there is no dip and no note."""
    import matplotlib.pyplot as plt

    cost = compare_hosting(3_000, ms_per_request=2.0, cold_start_s=2.0)
    ax = hosting_chart(cost, replicas=2).axes[0]
    [note] = [t for t in ax.texts if "cold starts fade" in t.get_text()]
    at = note.xy[0]
    assert 10_000 < at < 100_000
    assert cost.lambda_usd_at(at) < cost.lambda_usd_at(at / 2)  # the bill fell to get there
    assert cost.lambda_usd_at(at) < cost.lambda_usd_at(at * 2)  # and rises after it
    plt.close("all")
    ax = hosting_chart(compare_hosting(3_000, ms_per_request=2.0), replicas=2).axes[0]
    assert not [t for t in ax.texts if "cold starts" in t.get_text()]
    plt.close("all")


def test_the_chart_fills_a_slide_of_its_own():
    """Slides show a figure at its own size at most, so a small figure leaves the slide empty
    below it; this one is drawn nearly as wide and as tall as the slide it sits on alone."""
    import matplotlib.pyplot as plt

    from deploydl.course.slides import SLIDE_HEIGHT, SLIDE_WIDTH

    fig = hosting_chart(compare_hosting(3_000, ms_per_request=2.0, cold_start_s=2.0), replicas=2)
    width, height = fig.get_size_inches() * fig.dpi
    plt.close(fig)
    assert 0.85 * SLIDE_WIDTH <= width <= 0.95 * SLIDE_WIDTH
    assert 0.8 * SLIDE_HEIGHT <= height <= 0.9 * SLIDE_HEIGHT  # room for the slide's margins


def test_installed_mb_counts_every_file_of_the_package_once(tmp_path, monkeypatch):
    """What a zip Lambda would hold: the package's files at every depth, a folder linked
    from inside it not counted again; a package that is not installed is named."""
    from deploydl.deploy.serverless import installed_mb

    package = tmp_path / "bulky"
    (package / "lib" / "deep").mkdir(parents=True)
    (package / "__init__.py").write_bytes(b"x" * 1_000)
    (package / "lib" / "core.so").write_bytes(b"x" * 250_000)
    (package / "lib" / "deep" / "weights.bin").write_bytes(b"x" * 749_000)
    (package / "again").symlink_to(package / "lib", target_is_directory=True)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_mb("bulky") == 1.0
    with pytest.raises(ModuleNotFoundError, match="not_installed_here is not installed"):
        installed_mb("not_installed_here")
