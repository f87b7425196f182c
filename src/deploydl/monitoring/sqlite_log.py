"""The SQLite prediction log (Module 06): its schema, :class:`PredictionLog` (record, label,
erase, purge, read back) and the private file it lives in.

One file, no server, safe for the service's many threads (WAL mode, one lock around the
connection); deleted rows are overwritten (``secure_delete``) and the write-ahead log emptied.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from deploydl.monitoring.prediction_store import LoggedPrediction, Removed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS predictions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL,
    applicant_id TEXT,
    ts REAL NOT NULL,
    model_name TEXT NOT NULL,
    model_version TEXT NOT NULL,
    inputs TEXT NOT NULL,
    probability REAL,
    threshold REAL,
    decision TEXT,
    latency_ms REAL NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    label INTEGER,
    label_ts REAL,
    reasons TEXT
);
CREATE INDEX IF NOT EXISTS predictions_ts ON predictions (ts);
CREATE INDEX IF NOT EXISTS predictions_applicant ON predictions (applicant_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_COLUMNS = ("request_id", "applicant_id", "ts", "model_name", "model_version", "inputs",
            "probability", "threshold", "decision", "latency_ms", "status", "error", "reasons")
#: Columns added since the first schema, with their types: an older log gains them on opening.
_ADDED = {"threshold": "REAL", "reasons": "TEXT"}
_LABEL_KEYS = ("applicant_id", "request_id")


class LogClosedError(sqlite3.ProgrammingError):
    """A closed :class:`PredictionLog` was used; the message says how to open it again."""



class PredictionLog:
    """The SQLite prediction log (implements :class:`PredictionStore`).

    Parameters
    ----------
    path : str or Path
        The database file; created with its folder if missing, readable and writable by this
        user only (0600 on POSIX), since it holds applicants' inputs. ``":memory:"`` keeps it
        in RAM.
    clock : callable, optional
        Returns the time in seconds since 1970 (UTC); ``time.time`` by default. Simulations
        pass a clock they move forward day by day (see :class:`SimulatedClock`).
    """

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _create_private(Path(self.path))
        self.clock = clock
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = sqlite3.connect(
            self.path, check_same_thread=False, timeout=30)
        try:
            with self._lock:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                # Deleted rows are overwritten with zeros, not left in free space (erasure).
                self._db.execute("PRAGMA secure_delete=ON")
                self._db.executescript(_SCHEMA)
                _add_missing_columns(self._db)
        except sqlite3.OperationalError as exc:  # locked, busy, unwritable: the file is fine
            self.close()
            raise sqlite3.OperationalError(
                f"The prediction log {self.path} could not be opened ({exc}). Another kernel or "
                "server may be using it: stop it, or wait for it, then open the log again; "
                "check too that its folder is writable.") from exc
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
            self.close()
            raise sqlite3.DatabaseError(
                f"{self.path} is not a prediction log that can be opened ({exc}). Give the log "
                "a new file name, or move this file aside if it holds something else.") from exc

    @property
    def _db(self) -> sqlite3.Connection:
        """The open connection; :class:`LogClosedError` once :meth:`close` has run."""
        if self._connection is None:
            raise LogClosedError(
                f"This prediction log ({self.path}) was closed (the last cell of a lesson or "
                "lab closes it): run the cell that opens it again, then the cells after it.")
        return self._connection

    def record(self, predictions: Sequence[LoggedPrediction]) -> None:
        """Append predictions, stamped with the log's clock, in one transaction."""
        now = self.clock()
        rows = [(p.request_id, p.applicant_id, now, p.model_name, p.model_version,
                 json.dumps(dict(p.inputs)), p.probability, p.threshold, p.decision,
                 p.latency_ms, p.status, p.error,
                 None if p.reasons is None else json.dumps([dict(r) for r in p.reasons]))
                for p in predictions]
        sql = (f"INSERT INTO predictions ({', '.join(_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(_COLUMNS))})")
        with self._lock, self._db:
            self._db.executemany(sql, rows)

    def add_labels(self, labels: Mapping[str, int], *, key: str = "applicant_id",
                   since: float | None = None) -> int:
        """Join late-arriving outcomes (1 = defaulted) to the predictions; returns rows updated.

        ``key`` says what the mapping's keys are: ``"applicant_id"`` or ``"request_id"``.
        ``since`` (seconds since 1970, the log's clock) labels only the rows logged from then
        on: an ID seen in an earlier period (a returning applicant, a simulation's IDs) keeps
        that period's outcome.
        """
        if key not in _LABEL_KEYS:
            raise ValueError(f"key must be one of {_LABEL_KEYS}; got {key!r}. Labels are "
                             "joined on the applicant's ID or on the request ID.")
        now = self.clock()
        start = -math.inf if since is None else since
        rows = [(int(label), now, str(ident), start) for ident, label in labels.items()]
        with self._lock, self._db:
            before = self._db.total_changes
            self._db.executemany(
                f"UPDATE predictions SET label = ?, label_ts = ? WHERE {key} = ? AND ts >= ?",
                rows)
            return self._db.total_changes - before

    def erase(self, applicant_ids: Sequence[str]) -> Removed:
        """Remove these applicants from the prediction log: their predictions (inputs, scores,
        reasons, outcomes) and their rows in a stored reference that has an ``applicant_id``
        column.

        Run it for the applicants an erasure request reaches
        (:func:`deploydl.governance.privacy.erase_subject` says which, and what the law makes
        the bank keep: a decision under a legal hold is not erased here). Deleted content is
        overwritten in the database file and the write-ahead log is emptied
        (:class:`Removed` says whether it could be). A prediction logged without an
        applicant ID cannot be found by one: send the ID with every request.

        Not reached: the JSON decision line the service writes to standard output for each
        applicant (:mod:`deploydl.serving.events`: applicant ID, score, decision, reason
        features), which the cluster's log pipeline collects and keeps. Erase those lines with
        the pipeline's own deletion, and set its retention period no longer than this log's.
        """
        ids = sorted({str(i) for i in applicant_ids})
        with self._lock, self._db:
            before = self._db.total_changes
            self._db.executemany("DELETE FROM predictions WHERE applicant_id = ?",
                                 [(i,) for i in ids])
            rows = self._db.total_changes - before
            reference_rows = self._erase_from_reference(set(ids))
        return Removed(rows, reference_rows, self._empty_wal())

    def purge_older_than(self, days: float) -> Removed:
        """Remove every prediction made more than ``days`` days ago by the log's clock (the
        retention period of the log's dataset card, Module 01), overwriting it as
        :meth:`erase` does. The drift reference is left as it is."""
        if not days >= 0:
            raise ValueError(f"days must be 0 or more; got {days}. Give the retention period "
                             "in days, e.g. 25 * 30 for 25 months.")
        cutoff = self.clock() - days * 86_400
        with self._lock, self._db:
            rows = self._db.execute("DELETE FROM predictions WHERE ts < ?", (cutoff,)).rowcount
        return Removed(rows, 0, self._empty_wal())

    def _erase_from_reference(self, ids: set[str]) -> int:
        """Drop the reference's rows of ``ids`` (called with the lock held, in a transaction)."""
        row = self._db.execute("SELECT value FROM meta WHERE key='reference'").fetchone()
        if row is None:
            return 0
        stored = json.loads(row[0])
        if "applicant_id" not in stored["columns"]:
            return 0
        at = stored["columns"].index("applicant_id")
        kept = [r for r in stored["data"] if str(r[at]) not in ids]
        if len(kept) < len(stored["data"]):
            self._db.execute("UPDATE meta SET value = ? WHERE key='reference'",
                             (json.dumps({**stored, "data": kept}),))
        return len(stored["data"]) - len(kept)

    def _empty_wal(self) -> bool:
        """Copy the write-ahead log into the database and truncate it; True if it worked."""
        if self.path == ":memory:":
            return True
        with self._lock:
            busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    def frame(self, *, since: float | None = None, until: float | None = None) -> pd.DataFrame:
        """The log as a table: one row per prediction, inputs expanded into columns.

        ``since``/``until`` (seconds since 1970) keep rows with ``since <= ts < until``.
        ``time`` is the same moment as a pandas UTC timestamp; ``reasons`` is the JSON text
        of a referral's reason codes (None for an approval).
        """
        sql, args = "SELECT * FROM predictions WHERE ts >= ? AND ts < ? ORDER BY id", (
            -1.0 if since is None else since, float("inf") if until is None else until)
        with self._lock:
            table = pd.read_sql_query(sql, self._db, params=args)
        # One JSON array for all rows parses in about half the time of one call per row.
        inputs = pd.DataFrame(json.loads(f"[{','.join(table.pop('inputs'))}]"),
                              index=table.index)
        table = pd.concat([table, inputs], axis=1)
        table["time"] = pd.to_datetime(table["ts"], unit="s", utc=True)
        return table

    def count(self) -> int:
        """Number of predictions in the log."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM predictions").fetchone()[0]

    def set_reference(self, table: pd.DataFrame) -> None:
        """Store the reference data (usually the training set) drift is measured against."""
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('reference', ?)",
                             (table.to_json(orient="split", index=False),))

    def reference(self) -> pd.DataFrame | None:
        """The stored reference data, or None if none was set."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='reference'").fetchone()
        if row is None:
            return None
        columns = json.loads(row[0])
        return pd.DataFrame(columns["data"], columns=columns["columns"])

    def close(self) -> None:
        """Close the database; the file stays on disk. Calling it again does nothing; any
        other use of a closed log raises :class:`LogClosedError`."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __repr__(self) -> str:
        return f"<PredictionLog {self.path!r}>"


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Bring a log written by an older version up to the schema (its old rows keep NULL).

    Looked at and changed under the database's write lock: ``deploydl serve --workers``
    processes that open one old log at once add the column once, and none of them fails.
    """
    with db:
        db.execute("BEGIN IMMEDIATE")
        present = {row[1] for row in db.execute("PRAGMA table_info(predictions)")}
        for column, kind in _ADDED.items():
            if column not in present:
                db.execute(f"ALTER TABLE predictions ADD COLUMN {column} {kind}")



def _create_private(path: Path) -> None:
    """Create the log file empty with mode 0600, and its folder, unless the file exists (an
    existing log is kept as it is). SQLite gives its ``-wal`` and ``-shm`` files the
    permissions of the database file, so they are private too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
