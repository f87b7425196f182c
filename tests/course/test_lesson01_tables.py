"""Lesson 01's tables are read by executives on its slides: plain words, not code values."""

from __future__ import annotations

import re

import nbformat
import pytest

#: The cells of lesson 01 that show the catalog, the lineage and the content hashes.
TABLE_CELLS = ("c05", "c14", "c33")


def _shown(root, cell_id: str) -> str:
    """Everything cell ``cell_id`` of lesson 01 stored as text (Markdown or plain)."""
    book = nbformat.read(root / "notebooks" / "01_data_governance.ipynb", as_version=4)
    (cell,) = [c for c in book.cells if c.get("id") == cell_id]
    return "\n".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "")
                     + o.get("data", {}).get("text/plain", "") for o in cell.outputs)


@pytest.mark.parametrize("cell_id", TABLE_CELLS)
def test_lesson01_tables_show_no_python_dicts_or_codes(root, cell_id):
    shown = _shown(root, cell_id)
    assert "|" in shown, f"cell {cell_id} should show a table"
    assert not re.search(r"\{'|\['", shown), f"cell {cell_id} shows Python code: {shown}"
    assert "legitimate_interests" not in shown


def test_lesson01_catalog_says_retention_in_years_and_days(root):
    shown = _shown(root, "c05")
    assert "5 years (1,826 days)" in shown and "1 year (365 days)" in shown
