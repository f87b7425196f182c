"""Charts, tables and pages: rules the other tests left open, checked against worked examples.

Each test pins one line of :mod:`deploydl.present` that could change without another test
failing: the alt text of a figure titled in the centre, the lightest readable shade of grey,
a legend's title size, and the others named in each test.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from deploydl.present.charts import (
    NEUTRAL,
    contrast_ratio,
    figure_alt,
    ink_on_white,
    legend,
    new_figure,
)


def test_the_alt_text_reads_a_title_in_the_centre_or_on_the_right():
    """matplotlib's own ``ax.set_title`` puts a title in the centre: it is still the finding."""
    fig, ax = plt.subplots()
    ax.set_title("Costs fall after the change")
    ax.set_title("2026", loc="right")
    assert figure_alt(fig) == "Costs fall after the change; 2026"
    plt.close(fig)


def test_a_figure_with_no_axes_and_no_title_is_still_a_chart():
    fig = plt.figure()
    assert figure_alt(fig) == "Chart"
    plt.close(fig)


def test_a_faint_grey_darkens_to_the_lightest_readable_shade_in_5_percent_steps():
    """NEUTRAL (#999999, 2.8:1) at 75% is #737373 (4.7:1); at 80%, #7a7a7a, it is not yet
    readable (under 4.5:1); 70% (#6b6b6b) would be darker than it needs."""
    assert ink_on_white(NEUTRAL) == "#737373"
    assert contrast_ratio("#737373") >= 4.5 > contrast_ratio("#7a7a7a")


def test_a_legend_title_has_the_course_size_too():
    fig, ax = new_figure("Two lines", xlabel="day", ylabel="cost ($)")
    ax.plot([0, 1], [0, 1], label="model")
    drawn = legend(ax, title="process")
    assert drawn.get_title().get_fontsize() == pytest.approx(13)
    assert drawn.get_texts()[0].get_fontsize() == pytest.approx(13)
    plt.close(fig)


def test_millions_round_as_the_amount_is_written():
    """1.15 million is written 1,150,000: a half, so "$1.2M", although the float 1.15 lies just
    under it (an exact reading of that float would round down to "$1.1M")."""
    from deploydl.present.charts import money

    assert money(1_150_000) == "$1.2M"
    assert money(-1_150_000, unit="USD ") == "-USD 1.2M"


def test_a_printout_indents_its_continuation_two_spaces_past_the_prefix_and_keeps_ranges():
    from deploydl.present.charts import PRINTOUT_WIDTH, printout

    text = "The approval ratio's 95% range " + "is wide, " * 7 + "0.757-0.881 on 2,000 applicants"
    lines = printout(text, prefix="✓ ").split("\n")
    assert len(lines) > 1 and lines[0].startswith("✓ The approval")
    assert all(line.startswith("    ") and line[4] != " " for line in lines[1:])
    assert all(len(line) <= PRINTOUT_WIDTH for line in lines)
    assert any("0.757-0.881" in line for line in lines)  # the range is never split
    # nor is a hyphenated word that reaches the edge of the line
    wrapped = printout("a " * 40 + "well-calibrated model").split("\n")
    assert wrapped[1] == "  well-calibrated model"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("approval_pct", "approval (%)"),  # a percent sign, not "pct"
        ("cost_usd", "cost (USD)"),
        ("ms", "ms"),  # a unit alone is a plain word
        ("valid_rows", "valid rows"),  # "id" inside a word stays as it is
        ("model_id", "model ID"),
    ],
)
def test_human_label_writes_each_unit_and_leaves_words_whole(name, label):
    from deploydl.present.charts import human_label

    assert human_label(name) == label


def test_bar_labels_are_as_large_as_the_ticks_and_say_the_value():
    from deploydl.present.charts import label_bars

    fig, ax = new_figure("62 in 100 approved", xlabel="", ylabel="applicants (%)")
    ax.bar(["approved", "referred"], [62.4, 37.6])
    label_bars(ax)
    labels = [t for t in ax.texts if t.get_text()]
    assert [t.get_text() for t in labels] == ["62%", "38%"]
    assert all(t.get_fontsize() == 13 for t in labels)
    plt.close(fig)


def test_cards_per_row_for_counts_the_browser_test_does_not_reach():
    """Up to four cards sit in one row; 13 cards are 5 + 5 + 3 (4, 3 and 2 across would each
    leave one card alone); no cards still make one column, not zero."""
    from deploydl.present.report import figure_columns

    assert [figure_columns(n) for n in (0, 1, 2, 3, 4)] == [1, 1, 2, 3, 4]
    assert figure_columns(13) == 5 and figure_columns(25) == 5


def test_a_figure_value_with_quotes_stays_inside_its_attribute():
    from deploydl.present.report import Figure

    span = Figure("v", "version", "1.2", 'v1 "beta" & co', "registry").span()
    assert 'data-value="v1 &quot;beta&quot; &amp; co"' in span


def test_an_inline_page_finds_a_title_written_in_capitals_across_lines(tmp_path):
    from deploydl.present.report import inline_page

    written = tmp_path / "kit.html"
    written.write_text(
        "<html><head><TITLE>\n  Room kit\n</TITLE></head><body></body></html>", encoding="utf-8"
    )
    assert 'title="Room kit"' in inline_page(written)._repr_html_()


def test_a_row_count_with_a_name_is_kept():
    """A 0, 1, 2 index that someone named ("rank") means something: it stays a column."""
    import pandas as pd

    from deploydl.present.tables import markdown_table

    ranked = pd.DataFrame({"model": ["network", "scorecard"]}).rename_axis("rank")
    assert markdown_table(ranked).splitlines() == [
        "| rank | model |",
        "| --- | --- |",
        "| 0 | network |",
        "| 1 | scorecard |",
    ]
