"""Data-quality defects planted with ground truth, to test quality rules against (Module 01)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The defects :func:`inject_defects` can plant, and the column each one lands in.
DEFECT_KINDS: dict[str, str] = {
    "missing": "income",
    "out_of_range": "age",
    "inconsistent_category": "region",
    "duplicate": "applicant_id",
    "mislabelled_column": "email",
}
_REGION_VARIANTS = {"north": "North", "south": "S.", "east": "east ", "west": "WEST"}


def inject_defects(table: pd.DataFrame, *, rate: float = 0.02, seed: int = 0,
                   kinds: tuple[str, ...] = tuple(DEFECT_KINDS)
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Plant data-quality defects in a copy of ``table`` and say exactly where they are.

    Module 01 uses this to test quality rules against a known answer.

    Parameters
    ----------
    table : pandas.DataFrame
        Applicants from :func:`make_applicants` (left unchanged).
    rate : float
        Share of rows (0 to 0.2) that get each row-level defect: ``missing`` (``income`` set to
        empty), ``out_of_range`` (``age`` typed as 0 or 199), ``inconsistent_category``
        (``region`` spelt "North", "S.", "east " or "WEST") and ``duplicate`` (a row copied
        again at the end of the table, under a new index label). Every defective row has
        exactly one defect, so the ground truth is exact.
    seed : int
        Seed for the rows picked.
    kinds : tuple of str
        Which of :data:`DEFECT_KINDS` to plant. ``mislabelled_column`` swaps the headers of
        ``email`` and ``phone`` for the whole table, whatever ``rate`` is.

    Returns
    -------
    (defective, truth) : tuple of pandas.DataFrame
        ``defective`` is the damaged copy. ``truth`` has one line per damaged cell, with the
        columns ``kind``, ``column`` and ``row`` (the index label in ``defective``); for a
        duplicate, ``row`` is the copy's label and ``column`` is ``applicant_id``.
    """
    unknown = sorted(set(kinds) - set(DEFECT_KINDS))
    if unknown:
        raise ValueError(f"Unknown defect kinds {unknown}; choose from {list(DEFECT_KINDS)}.")
    if not 0.0 <= rate <= 0.2:
        raise ValueError(f"rate must be between 0 and 0.2 (a share of rows); got rate={rate}.")
    rng = np.random.default_rng(seed)
    out = table.copy()
    row_kinds = [k for k in DEFECT_KINDS if k in kinds and k != "mislabelled_column"]
    per_kind = int(round(rate * len(out)))
    picked = rng.permutation(out.index.to_numpy())[: per_kind * len(row_kinds)]
    truth = []
    for i, kind in enumerate(row_kinds):
        rows = np.sort(picked[i * per_kind:(i + 1) * per_kind])
        rows = _plant(out, kind, rows, rng)
        truth += [(kind, DEFECT_KINDS[kind], row) for row in rows]
    if "duplicate" in row_kinds:
        copies = out.loc[[r for k, _, r in truth if k == "duplicate"]]
        start = out.index.max() + 1
        copies.index = pd.RangeIndex(start, start + len(copies))
        out = pd.concat([out, copies])
        truth = [t for t in truth if t[0] != "duplicate"]
        truth += [("duplicate", "applicant_id", row) for row in copies.index]
    if "mislabelled_column" in kinds:
        out = out.rename(columns={"email": "phone", "phone": "email"})
        truth += [("mislabelled_column", column, row)
                  for column in ("email", "phone") for row in out.index]
    return out, pd.DataFrame(truth, columns=["kind", "column", "row"])


def _plant(out: pd.DataFrame, kind: str, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Damage ``rows`` of ``out`` in place with one row-level defect; return the rows."""
    if kind == "missing":
        out["income"] = out["income"].astype(float)
        out.loc[rows, "income"] = np.nan
    elif kind == "out_of_range":
        out.loc[rows, "age"] = rng.choice([0, 199], len(rows))
    elif kind == "inconsistent_category":
        out.loc[rows, "region"] = out.loc[rows, "region"].map(_REGION_VARIANTS)
    return rows
