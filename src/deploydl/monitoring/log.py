"""The prediction log: every answer the service gives, kept in a real database (Module 06).

One row per scored applicant: the inputs, the probability, the threshold and the decision,
the reason codes of a referral, the model version, the latency, the request ID and the time.
Labels (did the loan default?) arrive months later and are joined in with
:meth:`PredictionLog.add_labels`.

The log holds personal data, so it honours Module 01's rules: :meth:`PredictionLog.erase`
removes every row of the applicants who asked (an erasure request) and
:meth:`PredictionLog.purge_older_than` every row past the retention period. Deleted rows are
overwritten in the file (SQLite's ``secure_delete``) and the write-ahead log is emptied, so no
copy stays in free pages or the ``-wal`` file. The decision lines the service writes to its
log stream are outside this file: the cluster's log pipeline keeps and erases them.

SQLite (from Python's standard library) is the default: one file, no server, safe for the
service's many threads (WAL mode, one lock around the connection). Everything the course
needs goes through the small :class:`PredictionStore` interface, so a server database
(PostgreSQL, a warehouse) can take SQLite's place without touching the service or the monitor.

This module is the one place to import it from; the code lives in two modules beside it:

* :mod:`~deploydl.monitoring.prediction_store`: :class:`LoggedPrediction`, :class:`Removed`,
  the :class:`PredictionStore` interface and :class:`SimulatedClock`.
* :mod:`~deploydl.monitoring.sqlite_log`: the schema, :class:`PredictionLog` and
  :class:`LogClosedError`.
"""

from __future__ import annotations

from deploydl.monitoring.prediction_store import (
    LoggedPrediction,
    PredictionStore,
    Removed,
    SimulatedClock,
)
from deploydl.monitoring.sqlite_log import LogClosedError, PredictionLog
from deploydl.monitoring.sqlite_log import _add_missing_columns as _add_missing_columns

__all__ = ["LogClosedError", "LoggedPrediction", "PredictionLog", "PredictionStore", "Removed",
           "SimulatedClock"]
