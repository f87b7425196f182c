"""`deploydl serve` as a real process: graceful SIGTERM, refused start-ups, workers, load."""

import dataclasses
import json
import shutil
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from deploydl.efficiency.loadgen import run_load
from deploydl.serving import ServerStartError, ServiceProcess

pytestmark = pytest.mark.slow


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
def test_sigterm_lets_every_request_in_flight_complete(artifact_dir, one_applicant):
    n = 8
    body = json.dumps(one_applicant).encode()
    all_sending = threading.Barrier(n + 1, timeout=60)

    def slow_upload():
        yield body[:10]          # headers and a first chunk are on the wire...
        all_sending.wait()
        time.sleep(1.0)          # ...SIGTERM arrives while the rest is still coming
        yield body[10:]

    with ServiceProcess(artifact_dir) as server, ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(httpx.post, server.url + "/predict", content=slow_upload(),
                               headers={"content-type": "application/json"}, timeout=60)
                   for _ in range(n)]
        all_sending.wait()
        time.sleep(0.3)
        server.terminate()
        statuses = [future.result().status_code for future in futures]
        code = server.stop()
        log = server.log
    assert statuses == [200] * n
    assert code == 0 and log.rstrip().endswith("Stopped.")  # a stop that was asked for


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_right_after_start_up_stops_the_server(artifact_dir, workers):
    """Kubernetes may stop a pod that has just started: a SIGTERM sent the moment the server
    says where it serves, before uvicorn has its own handler, still stops it cleanly."""
    import os
    import signal
    import subprocess

    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-m", "deploydl.cli", "serve", "--model", str(artifact_dir),
             "--port", "0", "--workers", str(workers)], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            while line and not line.startswith("Serving"):
                line = process.stdout.readline()
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert code == 0 and process.stdout.read().rstrip().endswith("Stopped.")


@pytest.mark.parametrize("workers", [1, 2])
def test_stop_when_stdin_closes_is_a_graceful_stop(artifact_dir, workers):
    """``deploydl serve --stop-when-stdin-closes``: what ServiceProcess relies on to never
    leave a server behind. The end of its standard input stops it like SIGTERM: requests
    in flight finish, "Stopped.", exit code 0, no worker left."""
    import contextlib
    import os
    import signal
    import subprocess

    import psutil

    process = subprocess.Popen(
        [sys.executable, "-m", "deploydl.cli", "serve", "--model", str(artifact_dir),
         "--port", "0", "--workers", str(workers), "--stop-when-stdin-closes"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    family: list = []
    try:
        line = process.stdout.readline()
        while line and not line.startswith("Serving"):
            line = process.stdout.readline()
        url = line.split(" at ")[1].split()[0]
        assert httpx.get(url + "/health", timeout=WORKER_START_S).status_code == 200
        family = psutil.Process(process.pid).children(recursive=True)
        process.stdin.close()  # what the system does when the parent ends, however it ends
        code = process.wait(timeout=60)
        assert code == 0 and process.stdout.read().rstrip().endswith("Stopped.")
        psutil.wait_procs(family, timeout=10)
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in family)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # its workers too, if it failed
        process.wait()
        process.stdout.close()


def test_stop_when_stdin_closes_refuses_a_stdin_that_is_not_a_pipe(artifact_dir):
    """Under nohup or systemd standard input is /dev/null: it would read as closed at once and
    stop the server, so the option is refused with a message instead."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "deploydl.cli", "serve", "--model", str(artifact_dir),
         "--port", "0", "--stop-when-stdin-closes"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "--stop-when-stdin-closes needs a pipe on standard input" in done.stderr
    assert "Traceback" not in done.stderr


def test_tampered_artifact_stops_start_up_with_a_clear_message(artifact_dir, tmp_path):
    copy = shutil.copytree(artifact_dir, tmp_path / "tampered")
    data = bytearray((copy / "weights.safetensors").read_bytes())
    data[200] ^= 0x01
    (copy / "weights.safetensors").write_bytes(bytes(data))
    server = ServiceProcess(copy)
    with pytest.raises(ServerStartError, match=r"Refusing to start: .*weights.safetensors does "
                                               r"not match its manifest"):
        server.start()
    assert server.returncode == 1 and not server.running
    server.close()


def test_busy_port_and_unset_key_variable_are_clear_errors(artifact_dir):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(ServerStartError) as busy:
            ServiceProcess(artifact_dir, port=port).start()
    assert f"Port {port} on 127.0.0.1 is not available (" in str(busy.value)
    assert ("). Stop the program using it, or pick another with --port (0 picks a free one)."
            in str(busy.value))
    assert "Traceback" not in str(busy.value)
    with pytest.raises(ServerStartError, match="--api-key-env NO_SUCH_VAR_X: that environment"):
        ServiceProcess(artifact_dir, api_key_env="NO_SUCH_VAR_X").start()


def test_no_arguments_serves_the_cached_default_model(model, applicants, tmp_path):
    """A cached default that carries its threshold is served as it is (an older, uncalibrated
    one is rebuilt: tests/serving/test_serving_packaging.py)."""
    from deploydl.registry import save_model

    cached = save_model(dataclasses.replace(model, threshold=0.2),
                        tmp_path / "models" / "loan-default" / "1.0.0", training_data=applicants)
    with ServiceProcess(env={"DEPLOYDL_HOME": str(tmp_path)}) as server:
        info = httpx.get(server.url + "/model").json()
        assert "Press Ctrl-C to stop." in server.log
    assert info["sha256"] == cached.sha256 and info["threshold"] == 0.2


def test_a_damaged_cached_default_model_says_to_delete_the_cache(model, applicants, tmp_path):
    from deploydl.registry import save_model

    cached = save_model(dataclasses.replace(model, threshold=0.2),
                        tmp_path / "models" / "loan-default" / "1.0.0", training_data=applicants)
    data = bytearray((cached.path / "weights.safetensors").read_bytes())
    data[-1] ^= 0x01
    (cached.path / "weights.safetensors").write_bytes(bytes(data))
    server = ServiceProcess(env={"DEPLOYDL_HOME": str(tmp_path)})
    with pytest.raises(ServerStartError, match=r"the cached default model is damaged .*It is "
                                               r"only a cache: delete the folder") as error:
        server.start()
    assert str(cached.path) in str(error.value) and "registry" not in str(error.value)
    server.close()


#: Seconds a request may wait: the server is ready when one worker answers, and a request that
#: the kernel hands to a worker still importing torch waits for it (tens of seconds when the
#: machine is loaded).
WORKER_START_S = 120


def test_two_workers_serve_the_same_model(artifact_dir, one_applicant):
    with ServiceProcess(artifact_dir, workers=2) as server:
        replies = [httpx.post(server.url + "/predict", json=one_applicant,
                              timeout=WORKER_START_S)
                   for _ in range(4)]
    assert {r.status_code for r in replies} == {200}


def test_load_2000_requests_at_concurrency_16_without_errors(artifact_dir, one_applicant):
    with ServiceProcess(artifact_dir) as server:
        result = run_load(server.url + "/predict", body=one_applicant, requests=2000,
                          concurrency=16)
    print(result)
    assert (result["requests"], result["ok"], result["errors"]) == (2000, 2000, 0)


def test_free_port_is_bindable_now_and_busy_while_held():
    """The one free-port helper: the port it names can be bound, and a bound port is not named."""
    from deploydl.serving.process import free_port

    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", port))
        held.listen()
        assert free_port() != port


#: Seconds from launch until a worker answers /ready: a new worker answers only once it has
#: imported the app (torch with it), which took 11 to 18 s on a busy 2-core machine, and
#: uvicorn replaces a worker that has not answered its health check within
#: server.WORKER_HEALTHCHECK_S.
WORKERS_READY_S = 300

#: Seconds one request may take once a worker is ready.
REQUEST_S = 30


def test_workers_get_the_parents_settings_object_not_environment_writes(artifact_dir,
                                                                       one_applicant):
    """The API key reaches every worker with the settings object: no key, 401; the key, 200.

    The requests go out once a worker answers /ready, so none of them waits for start-up."""
    with ServiceProcess(artifact_dir, workers=2, api_key_env="DEPLOYDL_TEST_WORKER_KEY",
                        env={"DEPLOYDL_TEST_WORKER_KEY": "worker-key"}, ready_path="/ready",
                        start_timeout=WORKERS_READY_S) as server:
        refused = [httpx.post(server.url + "/predict", json=one_applicant, timeout=REQUEST_S)
                   for _ in range(4)]
        served = [httpx.post(server.url + "/predict", json=one_applicant, timeout=REQUEST_S,
                             headers={"X-API-Key": "worker-key"})
                  for _ in range(4)]
    assert {r.status_code for r in refused} == {401}
    assert {r.status_code for r in served} == {200}


def test_the_worker_factory_pickles_with_its_settings(artifact_dir, monkeypatch):
    """uvicorn spawns workers by pickling the config: the factory and settings must survive."""
    import os
    import pickle

    from deploydl.serving import server as server_module
    from deploydl.settings import get_settings

    seen = {}

    class Capture:
        def __init__(self, config, sockets):
            seen["config"] = config

        def run(self):
            pass

    monkeypatch.setattr("uvicorn.supervisors.Multiprocess", Capture)
    before = dict(os.environ)
    settings = get_settings(api_key="k")
    server_module._serve_workers(artifact_dir, settings, None, 2, {}, server_module.Trust(),
                                 None)
    assert dict(os.environ) == before
    factory = pickle.loads(pickle.dumps(seen["config"].app))
    assert factory.keywords["settings"] == settings
    assert factory.keywords["model_path"] == str(artifact_dir.resolve())
    # A starting worker answers uvicorn's health check only once torch is imported: 11 to
    # 18 s on a busy 2-core machine, where uvicorn's default 5 s replaced workers in a loop.
    assert seen["config"].timeout_worker_healthcheck >= 30


@pytest.mark.skipif(sys.platform == "win32", reason="sessions are POSIX")
@pytest.mark.parametrize("own_session", [False, True])
def test_stop_process_family_ends_the_process_and_its_children(own_session):
    """The one way to end a server tree: the parent and the child it started are both gone."""
    import subprocess

    import psutil

    from deploydl.serving.process import stop_process_family

    code = ("import subprocess, sys, time\n"
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            "print('ready', flush=True)\ntime.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              start_new_session=own_session)
    assert parent.stdout.readline().strip() == b"ready"
    children = psutil.Process(parent.pid).children(recursive=True)
    assert len(children) == 1
    stop_process_family(parent, grace_s=5)
    parent.stdout.close()
    assert parent.poll() is not None
    psutil.wait_procs(children, timeout=5)
    assert not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children)
