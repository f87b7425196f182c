"""The red team's findings (issue 19), each attacked again on the real `deploydl serve` process.

Every test here starts the service as its own process on loopback and attacks it the way the
review did: injected names, escaping paths, a self-consistent swap, a big body without a key,
slow clients, a model that gives NaN, extreme inputs, SIGTERM during a slow upload, and
schemathesis against the published OpenAPI page, with and without a key.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import torch
from safetensors.torch import load_file, save_file

from deploydl.integrity import file_sha256, sign_artifact
from deploydl.registry import ArtifactError, ModelRegistry, save_model, write_manifest
from deploydl.serving import ServerStartError, ServiceProcess

pytestmark = pytest.mark.slow

KEY = "red-team-api-key-0123456789"
SIGNING_KEY = "release-signing-key-0123456789abcdef"
READ_TIMEOUT = 1.5


def refused(folder: Path, *args: str, env: dict | None = None) -> str:
    """Start `deploydl serve` on ``folder`` and return why it refused (it must refuse)."""
    server = ServiceProcess(folder, args=args, env=env)
    try:
        with pytest.raises(ServerStartError) as caught:
            server.start()
    finally:
        server.close()  # a server that started after all is stopped too
    message = str(caught.value)
    assert "exited with code 1" in message and "Serving" not in message
    assert "Traceback" not in message
    return message


@pytest.fixture
def copy(artifact_dir, tmp_path) -> Path:
    return shutil.copytree(artifact_dir, tmp_path / "copy")


# 1. Metadata pasted into generated code; paths leaving the registry --------------------------

INJECTED_VERSION = '1.0.1"""\nimport os; os.system("touch /tmp/pwned")\n"""'


def test_an_injected_version_is_refused_when_saved_served_or_rendered(model, copy, tmp_path):
    from deploydl.deploy import write_bundle

    model_copy = dataclasses.replace(model, version=INJECTED_VERSION)
    with pytest.raises(ArtifactError, match="version .* is not allowed"):
        save_model(model_copy, tmp_path / "new")
    assert not (tmp_path / "new").exists()
    meta = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    (copy / "metadata.json").write_text(json.dumps({**meta, "version": INJECTED_VERSION}))
    write_manifest(copy)  # what an attacker with write access does
    assert "version '1.0.1\"\"\"\\nimport os" in refused(copy)
    with pytest.raises(ArtifactError, match="is not allowed"):
        write_bundle(copy, tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists()


@pytest.mark.parametrize("name", ["../escaped", "a/b", "..", "Loan Default", "x" * 64, ""])
def test_the_registry_refuses_names_that_leave_its_root(model, tmp_path, name):
    registry = ModelRegistry(tmp_path / "registry")
    model_copy = dataclasses.replace(model, name=name)
    with pytest.raises(ArtifactError, match="is not allowed"):
        registry.register(model_copy)
    with pytest.raises(ArtifactError, match="is not allowed"):
        registry.promote(name, "1.0.0", stage="production")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_registry_refuses_a_symlink_out_of_its_root(model, tmp_path):
    (tmp_path / "registry").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "registry" / model.name).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ArtifactError, match="leads outside the registry"):
        ModelRegistry(tmp_path / "registry").register(model)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_weights_symlinked_elsewhere_are_refused_with_a_clean_message(copy, tmp_path):
    outside = tmp_path / "outside.safetensors"
    shutil.move(copy / "weights.safetensors", outside)
    (copy / "weights.safetensors").symlink_to(outside)
    assert "is a symbolic link" in refused(copy)


# 2. A self-consistent swap --------------------------------------------------------------------

@pytest.fixture
def swapped(copy) -> tuple[Path, str]:
    """A signed release, then its weights zeroed and its manifest rewritten to match."""
    sign_artifact(copy, key=SIGNING_KEY)
    released = file_sha256(copy / "weights.safetensors")
    tensors = {k: torch.zeros_like(v) for k, v in load_file(copy / "weights.safetensors").items()}
    save_file(tensors, copy / "weights.safetensors")
    write_manifest(copy)  # what an attacker with write access does
    return copy, released


def test_a_self_consistent_swap_is_refused_by_the_signature(swapped):
    folder, _ = swapped
    message = refused(folder, "--signing-key-env", "DEPLOYDL_TEST_SIGNING",
                      env={"DEPLOYDL_TEST_SIGNING": SIGNING_KEY})
    assert "signature.json does not match" in message
    (folder / "signature.json").unlink()  # the attacker deletes the signature instead
    message = refused(folder, "--signing-key-env", "DEPLOYDL_TEST_SIGNING",
                      env={"DEPLOYDL_TEST_SIGNING": SIGNING_KEY})
    assert "this release is unsigned" in message


def test_a_self_consistent_swap_is_refused_by_the_expected_hash(swapped):
    folder, released = swapped
    assert "this is not the model that was released" in refused(
        folder, "--expect-sha256", released)


def test_a_signed_release_is_served_and_says_so(copy):
    sign_artifact(copy, key=SIGNING_KEY)
    sha = file_sha256(copy / "weights.safetensors")
    with ServiceProcess(copy, args=["--signing-key-env", "DEPLOYDL_TEST_SIGNING",
                                    "--expect-sha256", sha],
                        env={"DEPLOYDL_TEST_SIGNING": SIGNING_KEY}) as server:
        assert httpx.get(server.url + "/ready").status_code == 200
        assert f"(signed, weights sha256 {sha[:12]})" in server.log


# 9. Start-up fails closed with clean messages -------------------------------------------------

@pytest.mark.parametrize("damage, expected", [
    (lambda m: m.pop("architecture"), "'architecture' is missing"),
    (lambda m: m["preprocessing"]["std"].__setitem__(0, 0.0), "'std' must be above 0"),
    (lambda m: m.__setitem__("features", "income"), "'features' must be a non-empty list"),
])
def test_damaged_metadata_stops_start_up_with_the_fix_named(copy, damage, expected):
    meta = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    damage(meta)
    (copy / "metadata.json").write_text(json.dumps(meta))
    write_manifest(copy)  # what an attacker with write access does
    message = refused(copy)
    assert expected in message and "re-save the model with save_model" in message


def test_a_manifest_that_is_a_json_string_is_a_clean_error(copy):
    (copy / "manifest.json").write_text(json.dumps("not a manifest"))
    assert "holds a JSON str, not an object" in refused(copy)


# The service under attack: a key, a short read deadline and a prediction log ----------------

@pytest.fixture(scope="module")
def keyed(artifact_dir, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "predictions.sqlite"
    with ServiceProcess(artifact_dir, api_key_env="DEPLOYDL_TEST_KEY",
                        args=["--log", str(log)],
                        env={"DEPLOYDL_TEST_KEY": KEY,
                             "DEPLOYDL_READ_TIMEOUT_S": str(READ_TIMEOUT)}) as server:
        yield server, log


def raw(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def metric(server, name: str) -> float:
    text = httpx.get(server.url + "/metrics").text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name))


# 3. The key is checked before the body is read ------------------------------------------------

def test_a_big_body_without_a_key_is_refused_before_it_is_sent(keyed):
    server, _ = keyed
    declared = 931_000
    with raw(server.url) as sock:
        sock.sendall(b"POST /predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                     b"content-length: " + str(declared).encode() + b"\r\n\r\n" + b"[" * 1000)
        # The status tells the order, not a stopwatch (waiting READ_TIMEOUT / 2 timed out once
        # at a load near 10): the body declared is under the limit, so a service that read it
        # before the key would wait for it and answer 408 at the read deadline, never 401.
        sock.settimeout(10)
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 401"), head  # 930,000 bytes never sent
    broken = httpx.post(server.url + "/predict", content=b'{"income": ', timeout=10,
                        headers={"content-type": "application/json"})
    assert broken.status_code == 401  # malformed JSON without a key: the key comes first


# 12. No key on an address other machines can reach (second review) ---------------------------

def test_a_network_address_without_a_key_is_refused(artifact_dir, monkeypatch):
    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    server = ServiceProcess(artifact_dir, host="0.0.0.0")
    with pytest.raises(ServerStartError) as caught:
        server.start()
    server.close()
    message = str(caught.value)
    assert "exited with code 1" in message and "Serving" not in message
    assert "Refusing to serve on --host 0.0.0.0 without an API key" in message
    assert "Traceback" not in message


def test_the_image_command_takes_its_key_from_deploydl_api_key(artifact_dir, one_applicant):
    """What the rendered Dockerfile documents: `docker run -e DEPLOYDL_API_KEY IMAGE`."""
    with ServiceProcess(artifact_dir, host="0.0.0.0", env={"DEPLOYDL_API_KEY": KEY}) as server:
        url = server.url.replace("0.0.0.0", "127.0.0.1")
        assert httpx.get(url + "/health").status_code == 200
        assert httpx.post(url + "/predict", json=one_applicant).status_code == 401
        assert httpx.get(url + "/model").status_code == 401
        assert httpx.post(url + "/predict", json=one_applicant,
                          headers={"X-API-Key": KEY}).status_code == 200


# Keys mounted as files (a Kubernetes Secret): --api-key-file and --signing-key-file -----------

@pytest.mark.parametrize("option", ["--api-key-file", "--signing-key-file"])
@pytest.mark.parametrize("content, expected", [
    (None, "cannot read it (No such file or directory). Check the path"),
    (" \n", "the file is empty. Put the secret in it"),
], ids=["missing", "empty"])
def test_a_key_file_that_is_missing_or_empty_is_refused(artifact_dir, tmp_path, option,
                                                        content, expected):
    secret = tmp_path / "secret"
    if content is not None:
        secret.write_text(content)
    message = refused(artifact_dir, option, str(secret))
    assert f"deploydl serve: {option} {secret}: {expected}" in message


def test_the_pods_key_files_are_read_and_required(copy, tmp_path, one_applicant):
    """The options the Kubernetes manifest gives a signed release's pod, with its Secret
    mounted in a folder here; a mounted value ends with a newline, the key is what precedes it."""
    from deploydl.deploy import DeploySpec
    from deploydl.deploy.kubernetes import SECRETS_DIR, render_manifests
    from deploydl.registry import verify

    sign_artifact(copy, key=SIGNING_KEY)
    (tmp_path / "api-key").write_text("k\n")
    (tmp_path / "signing-key").write_text(SIGNING_KEY + "\n")
    pod = next(d for d in render_manifests(verify(copy), DeploySpec())
               if d["kind"] == "Deployment")["spec"]["template"]["spec"]
    args = [arg.replace(SECRETS_DIR, str(tmp_path)) for arg in pod["containers"][0]["args"]]
    assert {"--api-key-file", "--signing-key-file"} <= set(args)
    with ServiceProcess(copy, args=args) as server:
        without = httpx.post(server.url + "/predict", json=one_applicant)
        wrong = httpx.post(server.url + "/predict", json=one_applicant,
                           headers={"X-API-Key": "not-k"})
        keyed = httpx.post(server.url + "/predict", json=one_applicant,
                           headers={"X-API-Key": "k"})
        log = server.log
    assert (without.status_code, wrong.status_code, keyed.status_code) == (401, 403, 200)
    assert "(signed, weights sha256 " in log


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_prediction_log_is_readable_by_its_owner_only(keyed, one_applicant):
    server, log = keyed
    reply = httpx.post(server.url + "/predict", json=one_applicant, headers={"X-API-Key": KEY})
    assert reply.status_code == 200
    files = [path for path in log.parent.iterdir() if path.name.startswith(log.name)]
    assert {path.name for path in files} >= {log.name, log.name + "-wal"}
    assert {path.name: oct(path.stat().st_mode & 0o777) for path in files} == {
        path.name: "0o600" for path in files}


# 5. and 6. Request IDs and the error contract -------------------------------------------------

def test_clients_cannot_choose_the_request_id_in_the_prediction_log(keyed, one_applicant):
    server, log = keyed
    with httpx.Client(base_url=server.url, headers={"X-API-Key": KEY}) as client:
        replies = [client.post("/predict", json=one_applicant,
                               headers={"X-Request-ID": "same-id"}) for _ in range(30)]
    ids = [r.headers["x-request-id"] for r in replies]
    with sqlite3.connect(log) as db:
        logged = {row[0] for row in db.execute("SELECT request_id FROM predictions")}
    assert len(set(ids)) == 30 and set(ids) <= logged and "same-id" not in logged
    assert {r.headers["x-client-request-id"] for r in replies} == {"same-id"}


def test_malformed_json_is_a_400_that_names_line_and_column(keyed):
    server, _ = keyed
    reply = httpx.post(server.url + "/predict", content=b'{\n  "income": 5,\n  oops}',
                       headers={"X-API-Key": KEY, "content-type": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["detail"].startswith("request body is not valid JSON: Expecting "
                                             "property name enclosed in double quotes at "
                                             "line 3, column 3.")


@pytest.mark.parametrize("change, field", [({"income": "50000"}, "income"),
                                           ({"late_payments": True}, "late_payments"),
                                           ({"late_payments": 1.5}, "late_payments"),
                                           ({"home_owner": "1"}, "home_owner")])
def test_types_are_strict(keyed, one_applicant, change, field):
    server, _ = keyed
    reply = httpx.post(server.url + "/predict", json={**one_applicant, **change},
                       headers={"X-API-Key": KEY})
    assert reply.status_code == 422 and reply.json()["errors"][0]["field"] == field


# 8. and 11. Slow clients and requests the parser refuses --------------------------------------

def test_slow_headers_and_slow_bodies_are_cut_off_with_a_408(keyed):
    server, _ = keyed
    started = time.monotonic()
    with raw(server.url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\n")  # and never the blank line
        headers_reply = read_all(sock)
    with raw(server.url) as sock:
        sock.sendall(b"POST /predict HTTP/1.1\r\nhost: x\r\nx-api-key: " + KEY.encode() +
                     b"\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{")
        body_reply = read_all(sock)
    assert time.monotonic() - started < 4 * READ_TIMEOUT + 2
    assert headers_reply.startswith(b"HTTP/1.1 408") and b"request headers" in headers_reply
    assert body_reply.startswith(b"HTTP/1.1 408") and b"request body" in body_reply


def test_requests_the_parser_refuses_are_logged_and_counted(keyed):
    server, _ = keyed
    before = metric(server, 'deploydl_requests_total{method="-",path="unparsed",status="400"}')
    with raw(server.url) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        reply = read_all(sock)
    assert reply.startswith(b"HTTP/1.1 400")
    after = metric(server, 'deploydl_requests_total{method="-",path="unparsed",status="400"}')
    assert after == before + 1
    lines = [json.loads(x) for x in server.log.splitlines() if x.startswith("{")]
    assert any(x.get("path") == "unparsed" and x["status"] == 400 for x in lines)


# 9. Extreme inputs are flagged ----------------------------------------------------------------

def test_inputs_outside_the_training_range_are_flagged_and_counted(keyed, one_applicant):
    server, _ = keyed
    before = metric(server, 'deploydl_inputs_out_of_range_total{feature="debt_ratio"}')
    extreme = {**one_applicant, "debt_ratio": 2.5, "loan_amount": 5_000_000.0}
    reply = httpx.post(server.url + "/predict", json=extreme, headers={"X-API-Key": KEY})
    flags = reply.json()["predictions"][0]["out_of_range"]
    assert [f.split()[0] for f in flags] == ["debt_ratio", "loan_amount"]
    assert flags[0].startswith("debt_ratio 2.5 (training 0")
    assert metric(server, 'deploydl_inputs_out_of_range_total{feature="debt_ratio"}') == \
        before + 1
    normal = httpx.post(server.url + "/predict", json=one_applicant, headers={"X-API-Key": KEY})
    assert normal.json()["predictions"][0]["out_of_range"] == []


# 9. and 10. A model that gives NaN: never approved, always logged -----------------------------

def test_a_non_finite_score_approves_nobody_and_the_error_is_logged(copy, one_applicant):
    tensors = load_file(copy / "weights.safetensors")
    tensors["layers.0.weight"].zero_()
    tensors["layers.0.bias"].fill_(3e38)       # finite, but the next sum overflows to inf
    tensors["layers.2.weight"].fill_(1.0)
    tensors["layers.4.weight"][0, ::2] = -1.0  # inf - inf = NaN, whatever the input
    save_file(tensors, copy / "weights.safetensors")
    write_manifest(copy)  # what an attacker with write access does
    with ServiceProcess(copy) as server:
        reply = httpx.post(server.url + "/predict", json=one_applicant)
        log = server.log
    assert reply.status_code == 500 and "approve" not in reply.text.replace(
        "nobody in it is approved", "")
    request_id = reply.headers["x-request-id"]
    assert f"(request ID {request_id})" in reply.json()["detail"]
    assert f"failed on request {request_id}" in log and "NonFiniteScore" in log


# 8. and 11. SIGTERM during a slow body --------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
def test_sigterm_during_a_slow_body_answers_408_and_stops_cleanly(artifact_dir):
    server = ServiceProcess(artifact_dir, env={"DEPLOYDL_READ_TIMEOUT_S": str(READ_TIMEOUT)})
    with server:
        with raw(server.url) as sock:
            sock.sendall(b"POST /predict HTTP/1.1\r\nhost: x\r\ncontent-type: "
                         b"application/json\r\ncontent-length: 500\r\n\r\n{\"inc")
            # A barrier, not a pause: the server answers this only after it has read what
            # reached it first, the slow request's headers, so SIGTERM finds that request in
            # flight even on a busy machine, where a fixed pause may be too short.
            assert httpx.get(server.url + "/health", timeout=30).status_code == 200
            started = time.monotonic()
            server.terminate()
            reply = read_all(sock)
        code = server.stop(timeout=30)
        seconds, log = time.monotonic() - started, server.log
    assert reply.startswith(b"HTTP/1.1 408"), reply
    assert code == 0 and seconds < READ_TIMEOUT + 10
    assert log.rstrip().endswith("Stopped.")
    assert "Traceback" not in log and "CancelledError" not in log


# 10. Start-up: a timeout is not a crash --------------------------------------------------------

def test_a_slow_start_and_a_crash_get_different_messages(artifact_dir, tmp_path):
    with pytest.raises(ServerStartError, match="was still starting after 0.2 s"):
        ServiceProcess(artifact_dir, start_timeout=0.2).start()
    message = refused(tmp_path / "no-such-artifact")
    assert "before it was ready" in message
    assert (f"Refusing to start: No model artifact folder at {tmp_path / 'no-such-artifact'}. "
            "Check the path, or save one with deploydl.registry.save_model") in message


# 6. and the whole contract: schemathesis against the real process -----------------------------

@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "key"])
def test_schemathesis_finds_no_failure(artifact_dir, with_key, tmp_path):
    env = {"DEPLOYDL_TEST_KEY": KEY} if with_key else {}
    with ServiceProcess(artifact_dir, api_key_env="DEPLOYDL_TEST_KEY" if with_key else None,
                        env=env) as server:
        command = [sys.executable, "-m", "schemathesis.cli", "run",
                   server.url + "/openapi.json", "--checks", "all", "--max-examples", "60",
                   "--generation-deterministic", "--no-color"]
        if with_key:
            command += ["-H", f"X-API-Key: {KEY}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=240,
                              cwd=tmp_path)  # its cache goes there, not into the repository
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout


# 10. Errors keep their message ----------------------------------------------------------------

def test_doctor_keeps_the_import_error_message(monkeypatch, tmp_path):
    from deploydl.course import doctor

    (tmp_path / "broken_for_doctor.py").write_text("raise ImportError('libfoo.so: not found')")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(doctor, "REQUIRED_IMPORTS", ("json", "broken_for_doctor"))
    with pytest.raises(RuntimeError, match=r"cannot import broken_for_doctor \(ImportError: "
                                           r"libfoo.so: not found\)"):
        doctor._imports()


def test_a_corrupt_progress_cache_is_a_clear_message(root, tmp_path, capsys):
    from deploydl.cli import main

    for folder in ("notebooks", "solutions", "labs"):
        shutil.copytree(root / folder, tmp_path / folder)
    (tmp_path / ".deploydl").mkdir()
    (tmp_path / ".deploydl" / "progress.json").write_text('{"00": [1, 2')
    assert main(["progress", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "progress.json is not valid JSON (" in err and "delete it and run `make progress`" \
        in err
