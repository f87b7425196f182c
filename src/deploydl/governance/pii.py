"""Finding and hiding personal data (Module 01): the content-based scanner (regular
expressions plus the Luhn check), its precision and recall, masking and keyed pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

import pandas as pd

#: What each kind of personal data looks like. Order matters: the first match names the cell.
PII_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    "card_number": re.compile(r"\b(?:\d[ -]?){12,18}\d\b"),
    "phone": re.compile(r"(?:\+\d{1,3}[ -]?)?\(?\b\d{3}\)?[ -]\d{3}[ -]\d{4}\b"),
    "national_id": re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    "address": re.compile(r"\b\d{1,5} (?:[A-Z][a-z]+ )+(?:Street|Road|Lane|Avenue|Way|Close|"
                          r"Drive|Court|Place|Square)\b"),
    "name": re.compile(r"^(?:Mr |Ms |Mrs |Dr )?[A-Z][a-z]+(?:[ '-][A-Z][a-z]+){1,2}$"),
}


def luhn_valid(number: str) -> bool:
    """True if the digits of ``number`` pass the Luhn check that every real card number passes.

    Spaces and dashes are ignored. Random 16-digit numbers (order numbers, account references)
    pass only one time in ten, which is what keeps the scanner's false alarms down.
    """
    digits = [int(ch) for ch in number if ch.isdigit()]
    if len(digits) < 13:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def find_pii(text: str) -> list[str]:
    """The kinds of personal data found in one piece of text, e.g. ``["email"]``."""
    found = []
    for kind, pattern in PII_PATTERNS.items():
        matches = pattern.findall(text)
        if kind == "card_number":
            matches = [m for m in matches if luhn_valid(m)]
        if matches:
            found.append(kind)
    return found


def scan_pii(table: pd.DataFrame) -> pd.DataFrame:
    """Find every cell of ``table`` that holds personal data, by content.

    Returns
    -------
    pandas.DataFrame
        One line per cell found, with ``row`` (the index label), ``column`` and ``kind`` (the
        first kind of :data:`PII_PATTERNS` that matched). Summarise it with
        :func:`pii_columns`. Module 01 measures its recall and precision on the case-study data.
    """
    found = []
    for column in table.columns:
        text = table[column].astype(str)
        hits = text.map(find_pii)
        for row, kinds in hits[hits.map(bool)].items():
            found.append((row, column, kinds[0]))
    return pd.DataFrame(found, columns=["row", "column", "kind"])


def scan_precision_recall(table: pd.DataFrame, pii_cells: Iterable[tuple[object, str]], *,
                          found: pd.DataFrame | None = None) -> tuple[float, float]:
    """How well :func:`scan_pii` did on ``table``, measured against the cells known to hold
    personal data: ``(precision, recall)``, each 0 to 1.

    ``pii_cells`` is the truth, as ``(row, column)`` pairs (index label, column name); pass
    ``found`` if ``scan_pii(table)`` was already run. Precision is the share of the cells the
    scanner flagged that really hold personal data (1 minus the false-alarm share); recall is
    the share of the personal-data cells it flagged (1 minus the share it missed). A scanner
    that flags nothing has no precision (NaN); an empty ``pii_cells`` has no recall (NaN).
    """
    found = scan_pii(table) if found is None else found
    hits = set(zip(found["row"], found["column"], strict=True))
    truth = set(pii_cells)
    right = len(hits & truth)
    return (right / len(hits) if hits else float("nan"),
            right / len(truth) if truth else float("nan"))


def pii_columns(found: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Per column: the kind of personal data found most often and the share of cells holding it.

    ``share`` is the share of the table's rows, written as a whole percent as every table of
    the course writes it ("100%", "under 1%": :func:`deploydl.present.charts.share`); ``cells``
    is the count behind it. Rows run from the largest share down. A column with any cell found
    holds personal data somewhere, even if its name does not say so (a ``notes`` field).
    """
    from deploydl.present.charts import share

    if found.empty:
        return pd.DataFrame(columns=["column", "kind", "cells", "share"])
    summary = (found.groupby("column")
               .agg(kind=("kind", lambda k: k.mode().iloc[0]), cells=("row", "size"))
               .reset_index()
               .sort_values(["cells", "column"], ascending=[False, True], ignore_index=True))
    summary["share"] = (summary["cells"] / len(table)).map(share)
    return summary


# --- Hiding values ---------------------------------------------------------------------------

def _mask_one(value: object) -> object:
    if not isinstance(value, str) or not value:
        return value
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[0]}***@{domain}"
    if sum(ch.isdigit() for ch in value) >= 6:
        keep = 4
        digits_seen = 0
        out = []
        for ch in reversed(value):
            if ch.isdigit():
                digits_seen += 1
                out.append(ch if digits_seen <= keep else "*")
            else:
                out.append(ch)
        return "".join(reversed(out))
    if value[0].isdigit():  # an address: hide the house number, keep the street
        return re.sub(r"^\d+", "***", value)
    return " ".join(f"{word[0]}." for word in value.split())


def mask(values: pd.Series) -> pd.Series:
    """Hide personal data but keep its shape, for people who need to know a value exists.

    Emails keep the first letter and the domain (``a***@example.com``), numbers keep their last
    four digits (``+*-***-***-1234``), and other text becomes initials (``A. B.``).
    """
    return values.map(_mask_one)


def pseudonymise(values: pd.Series, *, key: bytes) -> pd.Series:
    """Replace identifiers with keyed pseudonyms (HMAC-SHA256), e.g. ``P-3f9a0c1b2d4e5f60``.

    The same value and key always give the same pseudonym, so tables still join. Without the
    key nobody can reverse or recompute them, unlike a plain hash of a guessable ID. Under GDPR
    pseudonymised data is still personal data: keep the key apart from the data.

    Parameters
    ----------
    values : pandas.Series
        The identifiers (any type; they are turned into text first).
    key : bytes
        The secret key, at least 16 bytes. Keep it in a secrets store, never next to the data.
    """
    if not isinstance(key, bytes) or len(key) < 16:
        raise ValueError(f"key must be at least 16 bytes, e.g. secrets.token_bytes(32); got "
                         f"{type(key).__name__} of length {len(key) if key else 0}.")
    return values.map(lambda v: "P-" + hmac.new(key, str(v).encode(), hashlib.sha256)
                      .hexdigest()[:16])
