"""Retention and erasure for Module 01: rows kept past the retention period, legal holds, and
the right-to-erasure request (GDPR Art. 17, CCPA "right to delete") across every dataset, with
what lineage says must be rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from deploydl.governance.pii import pseudonymise

# --- Retention and erasure --------------------------------------------------------------------

def retention_overdue(table: pd.DataFrame, *, date_column: str, retention_days: int,
                      today: str | pd.Timestamp) -> pd.Index:
    """Index labels of rows kept longer than ``retention_days`` days after ``date_column``.

    GDPR's storage-limitation principle: keep personal data no longer than the purpose needs;
    the dataset card states the period and the event it counts from (``retention_starts``).
    ``date_column`` must hold the date of that event: counting from an earlier date (the
    application, when the law counts from the end of the customer relationship) deletes rows
    the law still makes the bank keep. A row with no date there (the event has not happened
    yet, e.g. a loan still running) is never overdue. ``today`` is passed in so the answer is
    reproducible (Module 01).
    """
    if date_column not in table.columns:
        raise KeyError(f"date_column {date_column!r} is not in the table; its columns are "
                       f"{list(table.columns)}.")
    age_days = (pd.Timestamp(today) - pd.to_datetime(table[date_column])).dt.days
    return table.index[age_days > retention_days]


@dataclass(frozen=True)
class LegalHold:
    """A duty to keep a dataset's rows about a person although they asked for erasure.

    Erasure is not unconditional: GDPR Art. 17(3) lists exceptions, among them a legal
    obligation to keep the data (17(3)(b)) and the defence of legal claims (17(3)(e)). The
    rows are kept, readable only by roles allowed to read held rows (see
    :meth:`deploydl.governance.access.AccessController.hold`), and deleted when the duty ends.

    ``dataset`` is the registered dataset's name; ``reason`` says which duty, in plain words;
    ``exception`` names the legal ground (see docs/references.md); ``until`` says when the duty
    ends: a date, or the event and period that set it.
    """

    dataset: str
    reason: str
    exception: str
    until: str = "not stated: ask the hold's owner"


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure request did, what it kept and why, and what it left to do.

    ``rows_removed`` maps each dataset that held the person to the number of rows deleted;
    ``rows_kept`` maps each dataset under a :class:`LegalHold` to the rows kept,
    ``kept_because`` to the hold's reason and legal ground, ``kept_until`` to when the hold
    ends, and ``held_identifiers`` to all the identifiers the erasure was given (pass them to
    :meth:`~deploydl.governance.access.AccessController.hold`, which withholds every row that
    mentions them, however the table is later sorted or indexed); ``searched_no_match`` lists the
    datasets searched where the person was not found; ``datasets_to_rebuild`` and
    ``models_to_retrain`` are everything lineage says was derived from the datasets rows were
    deleted from, so the person's data also left their traces there.
    """

    rows_removed: dict[str, int]
    datasets_to_rebuild: list[str]
    models_to_retrain: list[str]
    rows_kept: dict[str, int] = field(default_factory=dict)
    kept_because: dict[str, str] = field(default_factory=dict)
    kept_until: dict[str, str] = field(default_factory=dict)
    held_identifiers: dict[str, list[str]] = field(default_factory=dict)
    searched_no_match: list[str] = field(default_factory=list)

    def summary(self) -> str:
        held = ", ".join(f"{n} ({k} row{'s' * (k != 1)})" for n, k in self.rows_removed.items())
        kept = "".join(f"\nKept under legal hold in {n} ({k} row{'s' * (k != 1)}): "
                       f"{self.kept_because[n]}.\n  Keep until: "
                       f"{self.kept_until.get(n, 'not stated')}."
                       for n, k in self.rows_kept.items())
        return (f"Deleted from: {held or 'nothing'}.\n"
                f"Searched, not found: {', '.join(self.searched_no_match) or 'none'}.{kept}\n"
                f"Rebuild datasets: {', '.join(self.datasets_to_rebuild) or 'none'}.\n"
                f"Retrain models: {', '.join(self.models_to_retrain) or 'none'}.")


def subject_identifiers(table: pd.DataFrame, applicant_id: str, *, key: bytes) -> dict[str, str]:
    """Every identifier of one applicant: ID, email, national ID and keyed pseudonym.

    Erasure must find a person wherever they are, including tables that hold only their
    pseudonym (pseudonymised data is still personal data under GDPR).
    """
    match = table[table["applicant_id"] == applicant_id]
    if match.empty:
        raise KeyError(f"No applicant {applicant_id!r} in the table; IDs look like 'NB-000042'.")
    row = match.iloc[0]
    pseudonym = pseudonymise(pd.Series([applicant_id]), key=key).iloc[0]
    return {"applicant_id": applicant_id, "email": row["email"],
            "national_id": row["national_id"], "pseudonym": pseudonym}


def erase_subject(datasets: Mapping[str, pd.DataFrame], identifiers: Mapping[str, str], *,
                  lineage, holds: Iterable[LegalHold] = ()
                  ) -> tuple[dict[str, pd.DataFrame], ErasureReport]:
    """Delete every row that holds any of a person's identifiers, except where the law says keep.

    A row matches if any of its cells equals any identifier value (an ID, an email, a
    pseudonym), whatever the column is called, or holds one inside its text in any letter
    case (see :func:`rows_mentioning`). Rows in a dataset under a legal hold are kept
    and reported with the hold's reason. Lineage then lists every dataset and model derived
    from the datasets rows were deleted from: they must be rebuilt or retrained.

    Parameters
    ----------
    datasets : mapping of str to pandas.DataFrame
        Every registered dataset, by name (the names used in ``lineage``).
    identifiers : mapping of str to str
        The person's identifiers, e.g. ``{"applicant_id": "NB-000042", "email": ...}``.
    lineage : deploydl.governance.lineage.Lineage
        The lineage graph the datasets were recorded in.
    holds : iterable of LegalHold, optional
        Datasets the bank must keep (GDPR Art. 17(3)), e.g.
        :data:`deploydl.governance.northbridge.CREDIT_RECORD_HOLDS`.

    Returns
    -------
    (cleaned, report) : tuple of dict and ErasureReport
        ``cleaned`` holds every dataset with the person's rows removed, except held ones; the
        report lists the datasets searched where the person was not found.
    """
    if not identifiers:
        raise ValueError("identifiers is empty: give at least one, e.g. {'applicant_id': ...}.")
    held = {h.dataset: h for h in holds}
    unknown = sorted(set(held) - set(datasets))
    if unknown:
        raise ValueError(f"Legal hold(s) name unknown dataset(s) {unknown}; registered datasets "
                         f"are {sorted(datasets)}. Fix the hold's dataset name.")
    values = list(identifiers.values())
    cleaned, removed, kept, held_ids, missed = {}, {}, {}, {}, []
    for name, table in datasets.items():
        hit = rows_mentioning(table, values)
        if not hit.any():
            missed.append(name)
        if name in held:
            cleaned[name] = table
            if hit.any():
                kept[name] = int(hit.sum())
                held_ids[name] = [str(v) for v in values]
            continue
        cleaned[name] = table[~hit]
        if hit.any():
            removed[name] = int(hit.sum())
    derived = sorted({node for name in removed for node in lineage.descendants(name)})
    rebuild = [n for n in derived if lineage.kind(n) == "dataset"]
    models = [n for n in derived if lineage.kind(n) == "model"]
    because = {n: f"{held[n].reason} ({held[n].exception})" for n in kept}
    until = {n: held[n].until for n in kept}
    return cleaned, ErasureReport(removed, rebuild, models, kept, because, until, held_ids,
                                  missed)


def rows_mentioning(table: pd.DataFrame, values: Iterable[object]) -> pd.Series:
    """True for each row of ``table`` that holds any of ``values``.

    A cell matches if it equals a value, or, for text cells, if it contains a text value as a
    whole word in any letter case (an email typed into a complaint note, ``NB-000042`` in
    capitals or not, a file name such as ``nb-000042_scan.pdf``: ``_`` right after a value
    counts as a word break). A value inside a longer ID or address is not a match
    (``NB-0000420``; ``xann@example.com`` or ``mary_ann@example.com`` for ``ann@example.com``:
    ``_`` may sit inside an address, so it does not end a word before a value). What it
    cannot find: a person written another way (a misspelt name, a phone number with other
    spacing) or held outside the tables it is given (files, emails).
    """
    values = list(values)
    hit = table.isin(values).any(axis=1)
    needles = sorted({v.lower() for v in values if isinstance(v, str) and v})
    text = table.select_dtypes(include=["object", "string"])
    if needles and not text.empty:
        # A letter, digit, "_", ".", "+" or "-" before, or a letter, digit or "-" after, means
        # the value is part of a longer ID or address: no match.
        pattern = (r"(?<![\w.+-])(?:" + "|".join(re.escape(n) for n in needles)
                   + r")(?![^\W_])(?!-)")
        inside = text.apply(lambda col: col.astype(str).str.lower()
                            .str.contains(pattern, regex=True))
        hit = hit | inside.any(axis=1)
    return hit
