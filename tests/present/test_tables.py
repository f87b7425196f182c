"""Tables shown whole: every cell in full, headers in plain words, nothing breaks a row."""

from __future__ import annotations

import pandas as pd

from deploydl.present.tables import markdown_table, show_table

LONG = "the model: training, evaluation, the threshold and the retraining schedule"


def test_every_cell_is_shown_in_full_with_plain_headers():
    table = pd.DataFrame({"owns": [LONG], "lands_in": ["feature table"]},
                         index=pd.Index(["ML engineer"], name="role"))
    assert markdown_table(table).splitlines() == [
        "| role | owns | lands in |",
        "| --- | --- | --- |",
        f"| ML engineer | {LONG} | feature table |",
    ]


def test_a_bar_or_a_line_break_in_a_cell_cannot_start_a_new_column_or_row():
    table = pd.DataFrame({"law": ["GDPR | CCPA\nsee counsel"]}, index=["erasure"])
    rows = markdown_table(table).splitlines()
    assert len(rows) == 3
    assert rows[2] == "| erasure | GDPR \\| CCPA see counsel |"


def test_markup_characters_in_a_cell_show_as_written_once_rendered():
    """Rendered by nbconvert, as the slides are."""
    import html
    import re

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    cells = [r"pattern [\w.+-]+@[\w-]+\.[\w.-]+", "r***@example.com", "************5871",
             "`code`", "<b>not bold</b>", "_leading and trailing_", "raw_applicants",
             "C:\\data\\file"]
    rendered = markdown2html_mistune(markdown_table(pd.DataFrame({"text": cells})))
    shown = [html.unescape(re.sub(r"<[^>]+>", "", cell))
             for cell in re.findall(r"<td>(.*?)</td>", rendered)]
    assert shown == cells


def test_a_plain_row_count_is_left_out_and_a_named_or_labelled_index_kept():
    plain = pd.DataFrame({"step": ["clean", "train"]})
    assert markdown_table(plain).splitlines() == ["| step |", "| --- |", "| clean |", "| train |"]
    assert markdown_table(plain.set_index("step")).splitlines()[0] == "| step |"
    sliced = plain.iloc[1:]  # rows 1.. of a longer table: the numbers mean something
    assert markdown_table(sliced).splitlines()[2] == "| 1 | train |"


def test_show_table_gives_the_notebook_markdown():
    table = pd.DataFrame({"minutes": [30]}, index=pd.Index(["00"], name="module"))
    assert show_table(table)._repr_markdown_() == markdown_table(table)
