"""The prediction log (Module 06): nothing lost under concurrency, labels joined later."""

import sqlite3
import stat
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from deploydl.data import FEATURES
from deploydl.monitoring import LoggedPrediction, PredictionLog, SimulatedClock
from deploydl.serving import LocalServer, create_app


def _row(i, **changes):
    return LoggedPrediction(**{"request_id": f"r{i}", "applicant_id": f"A{i}",
                               "model_name": "m", "model_version": "1", "inputs": {"x": i},
                               "probability": 0.1, "decision": "approve", "latency_ms": 1.0,
                               **changes})


def test_2000_concurrent_requests_make_exactly_2000_rows(model, applicants, tmp_path):
    log = PredictionLog(tmp_path / "log.db")
    rows = applicants[list(FEATURES)].head(50).to_dict("records")
    with LocalServer(create_app(model, prediction_log=log)) as server:
        def send(i):
            with httpx.Client(base_url=server.url, timeout=30) as http:
                for k in range(i, 2000, 16):
                    http.post("/predict", json={**rows[k % 50], "applicant_id": f"A{k}"}
                              ).raise_for_status()
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(send, range(16)))
    frame = log.frame()
    assert log.count() == 2000 and frame["request_id"].nunique() == 2000
    assert frame["applicant_id"].nunique() == 2000
    assert set(FEATURES) <= set(frame.columns) and (frame["latency_ms"] > 0).all()


def test_labels_arriving_later_are_joined(tmp_path):
    log = PredictionLog(tmp_path / "log.db")
    log.record([_row(i) for i in range(5)])
    assert log.add_labels({"A1": 1, "A3": 0, "unknown": 1}) == 2
    assert log.add_labels({"r4": 1}, key="request_id") == 1
    labels = log.frame().set_index("applicant_id")["label"]
    assert labels["A1"] == 1 and labels["A3"] == 0 and labels["A4"] == 1
    assert labels.isna().sum() == 2
    with pytest.raises(ValueError, match="key must be one of"):
        log.add_labels({"A1": 1}, key="name")


def _old_log(path):
    """A log file as a version before the threshold column wrote it (WAL, one row)."""
    old = sqlite3.connect(path)
    old.execute("PRAGMA journal_mode=WAL")
    old.executescript("""
        CREATE TABLE predictions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, applicant_id TEXT,
            ts REAL NOT NULL, model_name TEXT NOT NULL, model_version TEXT NOT NULL,
            inputs TEXT NOT NULL, probability REAL, decision TEXT, latency_ms REAL NOT NULL,
            status TEXT NOT NULL, error TEXT, label INTEGER, label_ts REAL);
        INSERT INTO predictions (request_id, applicant_id, ts, model_name, model_version,
            inputs, probability, decision, latency_ms, status)
        VALUES ('r0', 'A0', 1.0, 'm', '1', '{"x": 0}', 0.1, 'approve', 1.0, 'ok');""")
    old.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_new_log_and_its_journal_are_private_and_an_existing_log_keeps_its_mode(tmp_path):
    log = PredictionLog(tmp_path / "new" / "log.db")
    log.record([_row(1)])
    files = sorted(tmp_path.joinpath("new").iterdir())
    assert {path.name for path in files} >= {"log.db", "log.db-wal"}
    assert {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}
    shared = tmp_path / "shared.db"
    PredictionLog(shared).record([_row(2)])
    shared.chmod(0o640)
    assert PredictionLog(shared).count() == 1
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640


def test_a_log_from_before_the_threshold_column_opens_and_records_it(tmp_path):
    """`deploydl serve` keeps its log between runs: an older file gains the column."""
    path = tmp_path / "old.db"
    _old_log(path)
    log = PredictionLog(path)
    log.record([_row(1, threshold=0.27)])
    thresholds = log.frame().set_index("applicant_id")["threshold"]
    assert log.count() == 2 and thresholds.isna()["A0"] and thresholds["A1"] == 0.27
    log.close()
    assert PredictionLog(path).count() == 2  # opening it again changes nothing


class _AnotherWorkerTriesToAddTheColumnAfterTheLook:
    """Wraps one worker's connection: right after it looks at the columns, a second worker
    (another connection) tries to add the missing one, waiting at most half a second."""

    def __init__(self, db, path):
        self.db, self.path, self.second_worker_waited = db, path, False

    def __enter__(self):
        return self.db.__enter__()

    def __exit__(self, *exc):
        return self.db.__exit__(*exc)

    def execute(self, sql, *args):
        result = self.db.execute(sql, *args)
        if not sql.startswith("PRAGMA table_info"):
            return result
        rows = result.fetchall()
        second = threading.Thread(target=self._second_worker_adds_the_column)
        second.start()
        second.join()
        return rows

    def _second_worker_adds_the_column(self):
        other = sqlite3.connect(self.path, timeout=0.5)
        try:
            with other:
                other.execute("ALTER TABLE predictions ADD COLUMN threshold REAL")
        except sqlite3.OperationalError:  # "database is locked": the first worker holds it
            self.second_worker_waited = True
        finally:
            other.close()


def test_two_workers_opening_an_old_log_at_once_add_the_column_once(tmp_path):
    """`deploydl serve --workers 2` on an old log: the look and the change happen under the
    write lock, so the second worker waits instead of failing on a duplicate column."""
    from deploydl.monitoring.log import _add_missing_columns

    path = tmp_path / "old.db"
    _old_log(path)
    db = sqlite3.connect(path)
    worker = _AnotherWorkerTriesToAddTheColumnAfterTheLook(db, path)
    _add_missing_columns(worker)
    assert worker.second_worker_waited
    assert "threshold" in {row[1] for row in db.execute("PRAGMA table_info(predictions)")}
    db.close()


def test_simulated_clock_stamps_rows_and_reference_round_trips(applicants):
    clock = SimulatedClock(start=1_700_000_000)
    log = PredictionLog(":memory:", clock=clock)
    log.record([_row(0)])
    clock.advance(days=2)
    log.record([_row(1)])
    assert log.frame()["ts"].diff().iloc[1] == 2 * 86_400
    assert len(log.frame(since=1_700_000_000 + 86_400)) == 1
    assert log.reference() is None
    log.set_reference(applicants[list(FEATURES)].head(10))
    assert log.reference().equals(applicants[list(FEATURES)].head(10).reset_index(drop=True))
    log.close()


def test_a_failing_model_is_logged_as_errors(model, one_applicant, tmp_path):
    from fastapi.testclient import TestClient

    class Broken:
        name, version = "loan-default", "9.9.9"

        def predict_proba(self, rows):
            raise RuntimeError("weights are corrupt")

    log = PredictionLog(tmp_path / "log.db")
    response = TestClient(create_app(Broken(), prediction_log=log)).post(
        "/predict", json=one_applicant)
    assert response.status_code == 500 and "prediction log" in response.json()["detail"]
    row = log.frame().iloc[0]
    assert row["status"] == "error" and "weights are corrupt" in row["error"]


def test_a_batch_logs_one_row_per_applicant_with_its_id(model, applicants, tmp_path):
    from fastapi.testclient import TestClient

    log = PredictionLog(tmp_path / "log.db")
    batch = [dict(row, applicant_id=f"B{i}") for i, row in
             enumerate(applicants[list(FEATURES)].head(3).to_dict("records"))]
    response = TestClient(create_app(model, prediction_log=log)).post(
        "/predict", json={"applicants": batch}, headers={"X-Request-ID": "req-7"})
    frame = log.frame()
    made = response.headers["X-Request-ID"]  # the server's own ID; the client's is kept beside
    assert made != "req-7" and response.headers["X-Client-Request-ID"] == "req-7"
    assert list(frame["applicant_id"]) == ["B0", "B1", "B2"]
    assert set(frame["request_id"]) == {made} and list(frame.columns).count("applicant_id") == 1
