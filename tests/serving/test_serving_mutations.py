"""What the loan service promises that no other test pinned down (found by mutating
app.py, server.py, process.py and heap.py): the chance and the threshold in each answer, the
count of applicants scored, the workers' lower bound, the port range, and what the garbage
collector is given to freeze. All in-process: no server process is started here."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from deploydl.data import FEATURES
from deploydl.serving import create_app
from deploydl.serving.server import ServeError, serve
from deploydl.settings import Settings


@pytest.fixture(scope="module")
def rows(applicants) -> list[dict]:
    return applicants[list(FEATURES)].head(20).to_dict("records")


def _decide(client: TestClient, rows: list[dict]) -> dict:
    answer = client.post("/predict", json={"applicants": rows})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_each_answer_is_the_models_chance_to_six_decimals_and_each_applicant_counted(model, rows):
    """``probability_of_default`` is the model's own chance, rounded to 6 decimals (not 2),
    and /metrics counts applicants scored, not requests: a batch of 20 adds 20."""
    client = TestClient(create_app(model, Settings()))
    answer = _decide(client, rows)
    chances = [float(p) for p in model.predict_proba(rows)]
    assert [p["probability_of_default"] for p in answer["predictions"]] == pytest.approx(
        chances, abs=5e-7
    )
    client.post("/predict", json=rows[0])
    assert re.search(r"^deploydl_predictions_total 21\.0$", client.get("/metrics").text, re.M)


def test_a_threshold_the_service_fixes_decides_every_applicant_and_is_reported(model, rows):
    """``create_app(threshold=t)``: "refer" at or above t, "approve" below, whatever the
    model recorded; the answer and GET /model both say t."""
    chances = sorted(float(p) for p in model.predict_proba(rows))
    fixed = chances[10]  # one applicant's own chance: that one is referred (at or above)
    for served in (model, replace(model, threshold=0.97)):
        client = TestClient(create_app(served, Settings(), threshold=fixed))
        answer = _decide(client, rows)
        assert answer["threshold"] == fixed
        decisions = [p["decision"] for p in answer["predictions"]]
        assert decisions == [
            "refer" if p >= fixed else "approve" for p in model.predict_proba(rows)
        ]
        assert decisions.count("refer") == 10
        assert client.get("/model").json()["threshold"] == fixed


def test_without_one_the_models_recorded_threshold_decides_else_one_half(model, rows):
    """No service threshold: the one recorded with the model (Module 02) decides, and the
    answer and GET /model report it; a model with none recorded decides at 0.5."""
    chances = sorted(float(p) for p in model.predict_proba(rows))
    recorded = chances[5]
    assert getattr(model, "threshold", None) is None
    for served, expected in ((replace(model, threshold=recorded), recorded), (model, 0.5)):
        client = TestClient(create_app(served, Settings()))
        answer = _decide(client, rows)
        assert answer["threshold"] == expected
        assert [p["decision"] for p in answer["predictions"]] == [
            "refer" if p >= expected else "approve" for p in model.predict_proba(rows)
        ]
        assert client.get("/model").json()["threshold"] == expected


@pytest.mark.usefixtures("nothing_may_start")
@pytest.mark.parametrize("workers", [0, -1])
def test_serve_refuses_fewer_than_one_worker_before_starting_anything(workers):
    with pytest.raises(ServeError) as error:
        serve("M", port=0, workers=workers)
    assert str(error.value) == f"--workers {workers}: give 1 or more worker processes."


def test_freezing_collects_the_garbage_first_so_it_is_not_kept_for_ever():
    """freeze_start_up_objects collects before it freezes: a reference cycle that is already
    garbage is freed, not frozen with the start-up objects (a frozen one never is)."""
    code = (
        "import gc, weakref\nfrom deploydl.serving.heap import freeze_start_up_objects\n"
        "gc.disable()\nclass Node: pass\nnode = Node(); node.me = node\n"
        "ref = weakref.ref(node); del node\nfreeze_start_up_objects()\n"
        "print(ref() is None)\n"
    )
    freed = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert freed == "True"


def test_the_highest_port_is_a_port_and_true_is_not():
    """Ports run from 0 to 65535 inclusive; ``True`` is not the port 1 (bool is refused)."""
    from deploydl.serving.process import BindError, bind_socket

    with pytest.raises(
        BindError,
        match=r"^port=True: not a port; give a whole number from 0 "
        r"to 65535 \(0 picks a free one\)\.$",
    ):
        bind_socket("127.0.0.1", True)
    try:
        bind_socket("127.0.0.1", 65535, backlog=None).close()
    except BindError as exc:  # another program may hold it: still a port, only a busy one
        assert str(exc).startswith("Port 65535 on 127.0.0.1 is not available")


@pytest.mark.parametrize("key", ["k" * 16, None])
def test_the_api_docs_ask_for_the_key_exactly_when_the_service_has_one(key):
    """With a key, /predict and /model document the X-API-Key header (the docs page's
    "Authorize" button); without one they ask for nothing, and the probes never do."""
    spec = TestClient(create_app(None, Settings(api_key=key))).get("/openapi.json").json()
    wanted = [{"APIKeyHeader": []}] if key else None
    assert spec["paths"]["/predict"]["post"].get("security") == wanted
    assert spec["paths"]["/model"]["get"].get("security") == wanted
    assert spec["paths"]["/health"]["get"].get("security") is None
    schemes = spec.get("components", {}).get("securitySchemes")
    assert schemes == (
        {
            "APIKeyHeader": {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": "Required when the service has an API key.",
            }
        }
        if key
        else None
    )


def test_a_port_that_needs_administrator_rights_says_so(monkeypatch):
    """A refused privileged port is told apart from a busy one (whoever runs the tests: the
    refusal is simulated, since root may bind port 80)."""
    import errno
    import socket

    class Refusing:
        def __init__(self, *args):
            pass

        def bind(self, address):
            raise PermissionError(errno.EACCES, "Permission denied")

        def close(self):
            pass

    from deploydl.serving.process import BindError, bind_socket

    monkeypatch.setattr(socket, "socket", Refusing)
    with pytest.raises(BindError) as error:
        bind_socket("127.0.0.1", 80)
    assert str(error.value) == (
        "Port 80 on 127.0.0.1 is not available (Permission denied): "
        "ports below 1024 need administrator rights; pick another port "
        "(port=0 picks a free one)."
    )


@pytest.mark.parametrize(
    "metadata, rebuilt",
    [
        ({"name": "loan-default"}, True),
        ({"name": "loan-default", "threshold": 0.2}, True),  # no reference for reason codes yet
        ({"name": "loan-default", "reason_reference": {}}, True),
        ({"name": "loan-default", "threshold": 0.2, "reason_reference": {}}, False),
    ],
)
def test_a_cached_default_model_without_threshold_or_reason_reference_is_rebuilt(
    tmp_path, metadata, rebuilt
):
    """An older deploydl's cache lacks the threshold or the reference its referrals' reason
    codes are measured against: `deploydl serve` trains it again rather than serve it."""
    import json

    from deploydl.serving.server import _uncalibrated

    (tmp_path / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    assert _uncalibrated(tmp_path) is rebuilt


def test_a_reference_the_log_already_holds_is_not_replaced_by_the_case_studys(tmp_path):
    """Restarting `deploydl serve --log` without `--reference` keeps the reference given
    before (40 applicants here), instead of putting the case study's 5,000 back."""
    from deploydl.data import make_applicants
    from deploydl.monitoring import PredictionLog
    from deploydl.serving.server import store_reference

    log = PredictionLog(tmp_path / "predictions.sqlite")
    try:
        given = make_applicants(40, seed=5)[list(FEATURES)]
        store_reference(log, given, case_study=False)
        store_reference(log, None, case_study=True)
        assert len(log.reference()) == 40
    finally:
        log.close()


def test_a_server_still_starting_at_its_deadline_is_stopped_and_called_slow():
    """start_timeout is a deadline: a server that has not printed its URL by then is stopped
    and reported as slow, not waited for until it exits by itself (here after 20 s)."""
    from deploydl.serving import ServerStartError, ServiceProcess

    slow = [sys.executable, "-c", "import time; print('loading', flush=True); time.sleep(20)"]
    server = ServiceProcess(command=slow, start_timeout=3)  # ample for Python to print on CI
    with pytest.raises(ServerStartError) as error:
        server.start()
    assert not server.running
    assert " was still starting after 3 s and was stopped" in str(error.value)
    assert str(error.value).endswith("Its output so far:\nloading")


@pytest.mark.parametrize("child_ignores_sigterm", [False, True])
def test_stopping_a_session_leader_ends_its_children_too(child_ignores_sigterm):
    """stop_process_family sends SIGTERM to the whole session a server leads, so a child
    missing from ``family`` stops too; a child that ignores SIGTERM is killed after the
    grace period. Nothing of either is left running."""
    import signal

    import psutil

    from deploydl.serving.process import stop_process_family

    if not hasattr(signal, "SIGKILL"):
        pytest.skip("POSIX sessions and signals")
    child = (
        "import signal, time\n"
        + ("signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" if child_ignores_sigterm else "")
        + "print('ready', flush=True)\ntime.sleep(60)\n"
    )
    leader = (
        "import subprocess, sys, time\n"
        f"c = subprocess.Popen([sys.executable, '-c', {child!r}], stdout=subprocess.PIPE)\n"
        "c.stdout.readline()\nprint(c.pid, flush=True)\ntime.sleep(60)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", leader], stdout=subprocess.PIPE, start_new_session=True
    )
    assert process.stdout is not None
    pid = int(process.stdout.readline())
    family = [psutil.Process(pid)] if child_ignores_sigterm else []
    try:
        stop_process_family(process, grace_s=1, family=family)
        gone, alive = psutil.wait_procs([psutil.Process(pid)], timeout=5)
        assert all(p.status() == psutil.STATUS_ZOMBIE for p in alive)
    except psutil.NoSuchProcess:
        pass  # gone and reaped
    finally:
        process.stdout.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
