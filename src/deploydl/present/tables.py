"""Tables shown whole, in a notebook and on its slides.

A DataFrame's own view cuts every cell at 50 characters ("the model: training, evaluation,
the threshold..."), which hides the very sentence an executive came to read. These helpers
write the table as Markdown instead: every cell in full, wrapped to the page, headers in plain
words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from deploydl.present.charts import human_label

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import Markdown


def markdown_table(table: pd.DataFrame) -> str:
    """``table`` as a Markdown table: its index as the first column (unless it is the
    unnamed row count 0, 1, 2, ...), headers in plain words (``"lands_in"`` -> ``"lands
    in"``), every cell in full."""
    import pandas as pd

    if table.index.name is None and table.index.equals(pd.RangeIndex(len(table))):
        header = list(map(human_label, table.columns))
        rows = [list(map(str, row)) for row in table.to_numpy()]
    else:
        header = [human_label(table.index.name or ""), *map(human_label, table.columns)]
        rows = [[str(i), *map(str, row)]
                for i, row in zip(table.index, table.to_numpy(), strict=True)]
    return "\n".join("| " + " | ".join(_cell(c) for c in cells) + " |"
                     for cells in (header, ["---"] * len(header), *rows))


def show_table(table: pd.DataFrame) -> Markdown:
    """``table`` for a notebook cell to show, every cell in full (:func:`markdown_table`)."""
    from IPython.display import Markdown

    return Markdown(markdown_table(table))


def _cell(text: str) -> str:
    """A cell's text, shown as written: a ``|`` would start a new column, and Markdown would
    read a backslash, ``*``, a backquote, ``<`` or a ``_`` at the edge of a word as markup (a
    masked ``r***@example.com``, a pattern ``\\d{4}``)."""
    text = re.sub(r"([\\*`<|])", r"\\\1", text)
    return re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", text).replace("\n", " ")
