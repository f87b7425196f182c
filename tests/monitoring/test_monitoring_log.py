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
    log.record([_row(1, threshold=0.27, reasons=[{"feature": "income"}])])
    frame = log.frame().set_index("applicant_id")
    thresholds = frame["threshold"]
    assert log.count() == 2 and thresholds.isna()["A0"] and thresholds["A1"] == 0.27
    assert frame["reasons"].isna()["A0"] and frame["reasons"]["A1"] == '[{"feature": "income"}]'
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


@pytest.mark.parametrize("use", [
    lambda log: log.count(), lambda log: log.frame(), lambda log: log.record([_row(1)]),
    lambda log: log.add_labels({"A0": 1}), lambda log: log.reference(),
    lambda log: log.erase(["A0"])])
def test_a_closed_log_says_to_run_the_cell_that_opens_it_again(tmp_path, use):
    """A lab's last cell closes the log; going back to an earlier cell gets a sentence, not
    sqlite3's "Cannot operate on a closed database"."""
    from deploydl.monitoring.log import LogClosedError

    log = PredictionLog(tmp_path / "log.db")
    log.record([_row(0)])
    log.close()
    log.close()  # a second close does nothing
    with pytest.raises(LogClosedError, match=r"was closed \(the last cell of a lesson or lab "
                                             r"closes it\): run the cell that opens it again"):
        use(log)
    assert PredictionLog(tmp_path / "log.db").count() == 1  # the file stays


def test_a_file_that_is_not_a_log_is_named_and_left_unopened(tmp_path, monkeypatch):
    opened, connect = [], sqlite3.connect

    def connect_and_keep(*args, **kwargs):
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", connect_and_keep)
    notes = tmp_path / "notes.db"
    notes.write_text("meeting notes, not a database " * 200)
    with pytest.raises(sqlite3.DatabaseError, match=r"notes.db is not a prediction log that can "
                                                    r"be opened .*Give the log a new file name"):
        PredictionLog(notes)
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")  # the connection was closed, not left open
    assert notes.read_text().startswith("meeting notes")  # nothing written over it


def test_a_log_another_process_holds_is_not_called_damaged(tmp_path, monkeypatch):
    path = tmp_path / "log.db"
    PredictionLog(path).close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")  # another kernel or server, mid-write
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *args, **kwargs: connect(
        *args, **{**kwargs, "timeout": 0.1}))  # not the 30 s a busy service waits
    try:
        with pytest.raises(sqlite3.OperationalError, match=r"could not be opened \(database is "
                                                           r"locked\)\. Another kernel or server"):
            PredictionLog(path)
    finally:
        holder.rollback()
        holder.close()
    assert PredictionLog(path).count() == 0  # the file was fine all along


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


#: An input value that appears nowhere else in the file, so its bytes can be looked for.
MARKED_INCOME = 987654.321


def _marked(i, applicant_id):
    return _row(i, applicant_id=applicant_id, inputs={"income": MARKED_INCOME + i},
                reasons=[{"feature": "income", "text": "Income insufficient"}])


def _bytes_on_disk(path):
    """Everything SQLite keeps of the log: the database file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                    if p.exists())


@pytest.fixture
def secure_delete_off_by_default(monkeypatch):
    """Every new SQLite connection starts with ``secure_delete`` off, as many builds ship it
    (this machine's is compiled with it on), so only the log's own pragma can overwrite
    deleted rows. Returns the connections made."""
    made, connect = [], sqlite3.connect

    def insecure_connect(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.execute("PRAGMA secure_delete=OFF")
        made.append(db)
        return db

    monkeypatch.setattr(sqlite3, "connect", insecure_connect)
    return made


def test_the_log_overwrites_deleted_rows_whatever_sqlites_default(tmp_path,
                                                                  secure_delete_off_by_default):
    log = PredictionLog(tmp_path / "log.db")
    [db] = secure_delete_off_by_default
    assert sqlite3.connect(":memory:").execute("PRAGMA secure_delete").fetchone() == (0,)
    assert db.execute("PRAGMA secure_delete").fetchone() == (1,)  # the log's connection
    log.close()


@pytest.mark.usefixtures("secure_delete_off_by_default")
def test_erase_removes_an_applicant_from_the_log_down_to_the_file_bytes(tmp_path, applicants):
    """Module 01's erasure: no row, no reference row, and no copy in free pages or the WAL."""
    path = tmp_path / "log.db"
    log = PredictionLog(path)
    log.record([_row(i) for i in range(300)])  # other applicants, kept
    log.record([_marked(i, "NB-000042") for i in range(40)])
    log.record([_row(400, applicant_id="NB-000042", status="error", probability=None)])
    reference = applicants[list(FEATURES)].head(5).assign(
        applicant_id=["NB-000042", "X1", "X2", "X3", "X4"])
    log.set_reference(reference)
    log.add_labels({"NB-000042": 1})
    assert b"NB-000042" in _bytes_on_disk(path) and b"987654.321" in _bytes_on_disk(path)

    removed = log.erase(["NB-000042", "never-seen"])
    assert (removed.rows, removed.reference_rows, removed.wal_emptied) == (41, 1, True)
    assert "41 predictions and 1 reference rows" in removed.summary()
    assert log.count() == 300 and "NB-000042" not in set(log.frame()["applicant_id"])
    assert list(log.reference()["applicant_id"]) == ["X1", "X2", "X3", "X4"]
    on_disk = _bytes_on_disk(path)
    assert b"NB-000042" not in on_disk and b"987654.3" not in on_disk
    assert log.erase(["NB-000042"]).rows == 0  # asking again finds nothing
    log.close()


@pytest.mark.usefixtures("secure_delete_off_by_default")
def test_erase_says_when_a_reader_keeps_the_write_ahead_log(tmp_path):
    path = tmp_path / "log.db"
    log = PredictionLog(path)
    log.record([_marked(0, "NB-1")])
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM predictions").fetchone()  # holds a read snapshot
    removed = log.erase(["NB-1"])
    assert removed.rows == 1 and not removed.wal_emptied
    assert "could not be emptied" in removed.summary()
    reader.close()
    assert log.erase([]).wal_emptied and b"NB-1" not in _bytes_on_disk(path)
    log.close()


@pytest.mark.usefixtures("secure_delete_off_by_default")
def test_purge_older_than_keeps_the_retention_period_only(tmp_path):
    clock = SimulatedClock(start=1_700_000_000)
    path = tmp_path / "log.db"
    log = PredictionLog(path, clock=clock)
    log.record([_marked(i, f"OLD{i}") for i in range(20)])
    clock.advance(days=400)
    log.record([_row(i) for i in range(5)])
    clock.advance(days=365)
    assert log.purge_older_than(770).rows == 0  # all younger than 770 days
    removed = log.purge_older_than(730)  # the old rows are 765 days old; the rest 365
    assert (removed.rows, removed.reference_rows, removed.wal_emptied) == (20, 0, True)
    assert log.count() == 5 and b"OLD1" not in _bytes_on_disk(path)
    assert b"987654.3" not in _bytes_on_disk(path)
    with pytest.raises(ValueError, match="days must be 0 or more"):
        log.purge_older_than(-1)
    log.close()


def test_a_month_of_traffic_is_sent_once_into_a_log(model, tmp_path):
    """Module 06's month of applications: each day stamped by the simulated clock; sent again
    into the same log (the cell run twice), it is refused before anything is sent."""
    from deploydl.monitoring.traffic import send_traffic, simulate_traffic
    from deploydl.serving import ServiceClient

    start = 1_772_323_200.0
    clock = SimulatedClock(start=start)
    log = PredictionLog(tmp_path / "log.db", clock=clock)
    traffic = simulate_traffic(days=3, per_day=7, seed=1, start_day=1)
    with LocalServer(create_app(model, prediction_log=log)) as server:
        client = ServiceClient(server.url)
        assert send_traffic(client, traffic, log=log, clock=clock, start=start, batch=4) == 21
        with pytest.raises(RuntimeError, match="already holds 21 applicants with the IDs of "
                                               "these 21. That happens when this cell runs "
                                               "again.*run the cell that opens the log"):
            send_traffic(client, traffic, log=log, clock=clock, start=start)
        other = simulate_traffic(days=3, per_day=7, seed=2, start_day=1)  # another simulation
        with pytest.raises(RuntimeError, match=r"Traffic from another simulation .* reuses the "
                                               r"IDs \(NB-000001, \.\.\.\) and needs a log of "
                                               "its own"):
            send_traffic(client, other, log=log, clock=clock, start=start)
    frame = log.frame()
    assert len(frame) == 21 and frame["request_id"].nunique() == 3 * 2  # 7 a day, 4 a request
    assert ((frame["ts"] - start) // 86_400).tolist() == traffic["day"].tolist()
    assert frame["applicant_id"].tolist() == traffic["applicant_id"].tolist()
