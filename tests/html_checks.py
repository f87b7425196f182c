"""Checks on the tables of the HTML the package writes: which row or column each header cell
names for a screen reader (its ``scope``), and how Chromium draws the header cells."""

from __future__ import annotations

import re

from browser import chromium

_HEADER = re.compile(r"<th\b([^>]*)>")
_SCOPE = re.compile(r"""\bscope=["']?(\w+)""")
#: How the page shell draws a column header: shaded (#f2f2f2) and bold.
SHADED_BOLD = {"background-color": "rgb(242, 242, 242)", "font-weight": "700"}


def header_scopes(page: str) -> list[str | None]:
    """The ``scope`` of each ``<th>`` in ``page``, in order: "col", "row", or None where a
    header cell does not say which cells it names."""
    return [m.group(1) if (m := _SCOPE.search(attrs)) else None
            for attrs in _HEADER.findall(page)]


def header_looks(page: str) -> list[dict[str, str]]:
    """Each ``<th>`` of ``page`` as Chromium draws it: its background colour and font weight
    (the keys of :data:`SHADED_BOLD`). Skips without Chromium (fails under CI)."""
    with chromium() as browser:
        tab = browser.new_page()
        tab.set_content(page, wait_until="load")
        looks = tab.evaluate("""properties => [...document.querySelectorAll('th')]
            .map(cell => getComputedStyle(cell))
            .map(style => Object.fromEntries(properties.map(p => [p, style.getPropertyValue(p)])))
            """, list(SHADED_BOLD))
        tab.close()
    return looks
