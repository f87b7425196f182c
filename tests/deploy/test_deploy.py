import json
import re
import runpy
import subprocess
import sys
from importlib import metadata

import numpy as np
import pytest
import yaml

from deploydl.deploy import DeploySpec, evaluation_gate, fairness_gate, write_bundle
from deploydl.deploy.bundle import cpu_threads, dockerfile_in_words
from deploydl.deploy.gates import _approval_ratio, main, run_gates
from deploydl.responsible.fairness import selection_ratio


@pytest.fixture(scope="module")
def bundle(artifact_dir, tmp_path_factory):
    return write_bundle(artifact_dir, tmp_path_factory.mktemp("bundle"),
                        DeploySpec(cpu="2500m", memory="768Mi"))


def k8s_validate(path):
    return subprocess.run([sys.executable, "-m", "kubernetes_validate", "--strict", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_manifests_pass_strict_offline_validation(bundle):
    result = k8s_validate(bundle["k8s.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr
    for kind in ("configmap", "deployment", "service", "horizontalpodautoscaler"):
        assert f"resource {kind}/loan-default" in result.stdout


def test_strict_validation_really_rejects_an_unknown_field(bundle, tmp_path):
    documents = list(yaml.safe_load_all(bundle["k8s.yaml"].read_text(encoding="utf-8")))
    documents[1]["spec"]["template"]["spec"]["containers"][0]["cpuLimit"] = "2"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump_all(documents))
    assert k8s_validate(broken).returncode != 0


def test_deployment_has_probes_resources_security_and_threads(bundle):
    kinds = _kinds(bundle)
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["startupProbe"]["httpGet"]["path"] == "/ready"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["resources"]["limits"] == {"cpu": "2500m", "memory": "768Mi"}
    assert container["resources"]["requests"] == container["resources"]["limits"]
    assert {"name": "OMP_NUM_THREADS", "value": "2"} in container["env"]
    assert kinds["ConfigMap"]["data"]["DEPLOYDL_TORCH_THREADS"] == "2"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert kinds["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] == 6


def test_dockerfile_runs_cpu_torch_as_non_root_with_a_healthcheck(bundle):
    text = bundle["Dockerfile"].read_text(encoding="utf-8")
    torch_version = metadata.version("torch").split("+")[0]
    assert f"--index-url https://download.pytorch.org/whl/cpu torch=={torch_version}" in text
    users = re.findall(r"^USER (\S+)", text, flags=re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n.*127\.0\.0\.1:8000/health", text, flags=re.M)
    assert "OMP_NUM_THREADS=2 " in text
    steps = ("RUN pip install --index-url", "COPY requirements-serve.txt", "COPY model/")
    order = [text.index(step) for step in steps]
    assert order == sorted(order)  # the largest, most stable layer first, the model last
    assert "--chown" not in text  # the model stays root's: the service cannot change it


def test_the_image_command_refuses_to_serve_without_a_key(bundle, artifact_dir):
    """`docker run -p 8000:8000 IMAGE` with no key: the image's own command refuses to start,
    and the Dockerfile says how to give the key."""
    import os

    text = bundle["Dockerfile"].read_text(encoding="utf-8")
    assert "docker run -p 8000:8000 -e DEPLOYDL_API_KEY IMAGE" in text
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (.*)$", text, flags=re.M).group(1))
    cmd = json.loads(re.search(r"^CMD (\[\"--.*)$", text, flags=re.M).group(1))
    args = [str(artifact_dir) if a == "/srv/model" else "0" if a == "8000" else a
            for a in [*entrypoint[1:], *cmd]]
    env = {k: v for k, v in os.environ.items() if k != "DEPLOYDL_API_KEY"}
    done = subprocess.run([sys.executable, "-m", "deploydl.cli", *args], capture_output=True,
                          text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 1 and "Serving" not in done.stdout
    assert "Refusing to serve on --host 0.0.0.0 without an API key" in done.stderr


def test_dockerfile_in_words_reads_each_decision_from_the_file(bundle):
    dockerfile = bundle["Dockerfile"].read_text(encoding="utf-8")
    words = dockerfile_in_words(dockerfile)
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", words, flags=re.MULTILINE))
    assert rows["Runs as"] == "an unprivileged user (10001), never root"
    assert rows["Health check"] == "asks /health every 30 s"
    assert rows["Threads"].startswith("2,") and "CPU-only, pinned" in rows[
        "Machine learning library"]
    assert "missing" not in words
    root = dockerfile.replace("USER 10001", "").replace("--expect-sha256", "")
    gaps = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", dockerfile_in_words(root),
                           flags=re.MULTILINE))
    assert gaps["Runs as"] == gaps["Serves only"] == "**missing**"


def test_lambda_entry_point_answers_an_api_gateway_event(bundle, artifact_dir, monkeypatch,
                                                         one_applicant):
    monkeypatch.setenv("DEPLOYDL_MODEL", str(artifact_dir))
    monkeypatch.setenv("DEPLOYDL_API_KEY", "lambda-key-0123456789")
    handler = runpy.run_path(str(bundle["lambda_handler.py"]))["handler"]

    def event(method, path, body=None, key="lambda-key-0123456789"):
        return {"version": "2.0", "routeKey": "$default", "rawPath": path,
                "rawQueryString": "", "headers": {"content-type": "application/json",
                                                  "host": "example.lambda-url",
                                                  **({"x-api-key": key} if key else {})},
                "requestContext": {"http": {"method": method, "path": path,
                                            "protocol": "HTTP/1.1", "sourceIp": "10.0.0.1",
                                            "userAgent": "test"}, "stage": "$default"},
                "body": json.dumps(body) if body else None, "isBase64Encoded": False}

    assert handler(event("GET", "/health"), None)["statusCode"] == 200
    reply = handler(event("POST", "/predict", one_applicant), None)
    assert reply["statusCode"] == 200 and json.loads(reply["body"])["model_version"] == "1.0.0"
    assert handler(event("POST", "/predict", one_applicant, key=None), None)["statusCode"] == 401
    assert handler(event("POST", "/predict", one_applicant, key="guess"), None)[
        "statusCode"] == 403
    assert "torch==" in bundle["Dockerfile.lambda"].read_text(encoding="utf-8")


def test_lambda_entry_point_fails_its_cold_start_without_a_key(bundle, artifact_dir,
                                                              monkeypatch):
    monkeypatch.setenv("DEPLOYDL_MODEL", str(artifact_dir))
    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    with pytest.raises(RuntimeError, match="DEPLOYDL_API_KEY is not set: this function refuses"):
        runpy.run_path(str(bundle["lambda_handler.py"]))


def test_workflow_chains_test_gates_build_and_promote(bundle):
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    jobs = flow["jobs"]
    assert [jobs[j].get("needs") for j in ("test", "gates", "build", "promote")] == \
        [None, "test", "gates", "build"]
    assert "python -m deploydl.deploy.gates" in json.dumps(jobs["gates"])
    assert jobs["promote"]["environment"] == "production"


def test_evaluation_gate_blocks_a_worse_candidate():
    assert evaluation_gate(0.75).passed
    blocked = evaluation_gate(0.73, production_auc=0.75, max_drop=0.01)
    assert not blocked.passed and blocked.limit == 0.74
    assert str(blocked) == ("BLOCK evaluation: AUC 0.730 (needs at least 0.740, "
                            "production has 0.750)")


def test_fairness_gate_uses_the_four_fifths_rule():
    groups = np.array(["young"] * 10 + ["old"] * 10)
    approved = np.array([1] * 6 + [0] * 4 + [1] * 9 + [0] * 1)
    ratio, rates = _approval_ratio(approved, groups)
    assert rates == {"old": 0.9, "young": 0.6} and ratio == pytest.approx(2 / 3)
    assert ratio == selection_ratio(approved, groups)  # the one formula (responsible.fairness)
    assert not fairness_gate(approved, groups).passed
    assert fairness_gate(approved, groups, min_ratio=0.6).passed
    with pytest.raises(ValueError, match="No applicant was approved"):
        _approval_ratio(np.zeros(4), groups[:4])


def test_fairness_gate_reports_its_95_percent_range_and_says_when_it_is_too_close():
    groups = np.repeat(["young", "old"], [300, 900])
    # young 70% approved, old 86%: a ratio of 0.81, just above the 0.8 limit
    approved = np.concatenate([np.arange(300) < 210, np.arange(900) < 774]).astype(int)
    close = fairness_gate(approved, groups)
    assert close.passed and close.value == pytest.approx(0.7/0.86, abs=1e-4)  # the policy
    assert close.low < close.value < close.high and close.smallest_group == 300
    assert close.too_close_to_call and close.reason.startswith(
        f"approval ratio 0.81, 95% range {close.low:.3f}-{close.high:.3f} (needs at least 0.80")
    assert close.reason.endswith("smallest group 300 applicants); too close to call: send to "
                                 "fairness review")
    assert close == fairness_gate(approved, groups)  # same range every run
    clear = fairness_gate(approved, groups, min_ratio=0.6)
    assert clear.passed and not clear.too_close_to_call and "too close" not in clear.reason
    blocked = fairness_gate(approved, groups, min_ratio=0.95)
    assert not blocked.passed and not blocked.too_close_to_call
    assert not evaluation_gate(0.75).too_close_to_call  # other gates have no range


class _FixedScores:
    """A candidate that scores every applicant by a given list, deciding at 0.5."""

    threshold = 0.5

    def __init__(self, scores):
        self.scores = np.asarray(scores)

    def predict_proba(self, rows):
        return self.scores[:len(rows)]


def test_evaluation_gate_blocks_and_says_why_when_the_holdout_has_one_class(recwarn):
    import pandas as pd

    holdout = pd.DataFrame({"default": [0] * 8, "age_band": ["18-29", "30-44"] * 4})
    evaluation, fairness = run_gates(_FixedScores(np.linspace(0.1, 0.4, 8)), holdout,
                                     production=_FixedScores(np.linspace(0.2, 0.3, 8)))
    assert not evaluation.passed and np.isnan(evaluation.value)
    assert str(evaluation).startswith("BLOCK evaluation: AUC not measured on this holdout, so "
                                      "the gate blocks: y_true holds a single class (0)")
    assert "Evaluate on a larger or stratified sample" in evaluation.reason
    assert fairness.passed and not [w for w in recwarn if "roc" in str(w.message).lower()]


def test_the_fairness_gate_compares_approvals_not_referrals():
    """Young: 9 of 10 approved (1 referred); old: 8 of 10 approved (2 referred). Approvals
    give a ratio of 8/9 = 0.89, which passes; referrals would give 1/2 and fail."""
    import pandas as pd

    holdout = pd.DataFrame({"default": [0, 1] * 10, "age_band": ["young"] * 10 + ["old"] * 10})
    scores = [0.1] * 9 + [0.9] + [0.1] * 8 + [0.9] * 2  # approved below the 0.5 threshold
    _, fairness = run_gates(_FixedScores(scores), holdout)
    assert fairness.passed and fairness.value == pytest.approx(8 / 9, abs=1e-4)
    assert "approvals: old 80%, young 90%" in fairness.reason


def test_gates_command_passes_or_blocks_with_exit_codes(artifact_dir, capsys):
    assert main([str(artifact_dir), "--min-auc", "0.5", "--min-ratio", "0.5"]) == 0
    assert main([str(artifact_dir), "--min-auc", "0.99"]) == 1
    assert "BLOCK evaluation: AUC" in capsys.readouterr().out


@pytest.mark.parametrize("cpu, threads", [("2", 2), ("500m", 1), ("2500m", 2), ("4.0", 4)])
def test_threads_follow_the_cpu_limit(cpu, threads):
    assert cpu_threads(cpu) == threads


def test_bad_cpu_limit_says_what_to_use():
    with pytest.raises(ValueError, match="cpu must be a Kubernetes CPU quantity.*got 'two'"):
        cpu_threads("two")


def _kinds(bundle):
    manifests = bundle["k8s.yaml"].read_text(encoding="utf-8")
    return {d["kind"]: d for d in yaml.safe_load_all(manifests)}


def test_pod_fails_closed_without_its_secret_and_serves_only_the_recorded_hash(bundle,
                                                                               artifact_dir):
    kinds = _kinds(bundle)
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert "optional" not in json.dumps(kinds["Deployment"])
    assert not any("secretKeyRef" in json.dumps(e) for e in container.get("env", []))
    secret = next(v["secret"] for v in pod["volumes"] if "secret" in v)
    assert secret["secretName"] == "loan-default-secrets"
    manifest = json.loads((artifact_dir / "manifest.json").read_text(encoding="utf-8"))
    sha = manifest["weights.safetensors"]
    assert container["args"] == ["--api-key-file", "/var/run/secrets/deploydl/api-key",
                                 "--expect-sha256", sha]
    assert {d["metadata"]["namespace"] for d in kinds.values()} == {"northbridge-credit"}
    assert container["imagePullPolicy"] == "Always"
    dockerfile = bundle["Dockerfile"].read_text(encoding="utf-8")
    assert 'CMD ["--expect-sha256", "' + sha + '"]' in dockerfile


def test_a_signed_release_and_a_known_digest_are_passed_to_the_pod(artifact_dir, tmp_path):
    import shutil

    from deploydl.integrity import sign_artifact

    signed = shutil.copytree(artifact_dir, tmp_path / "signed")
    sign_artifact(signed, key="k" * 32)
    digest = "sha256:" + "ab" * 32
    files = write_bundle(signed, tmp_path / "out", DeploySpec(image_digest=digest))
    deployment = _kinds(files)["Deployment"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == f"ghcr.io/northbridge-bank/loan-default@{digest}"
    assert "--signing-key-file" in container["args"]
    assert "checkov.io/skip1" not in deployment["metadata"]["annotations"]
    assert (files["model"] / "signature.json").is_file()


def test_workflow_passes_values_through_the_environment_with_least_privilege(bundle):
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    assert flow["permissions"] == {"contents": "read"}
    assert flow["jobs"]["build"]["permissions"] == {"contents": "read", "packages": "write"}
    runs = [s["run"] for job in flow["jobs"].values() for s in job["steps"] if "run" in s]
    assert not any("loan-default" in run or "1.0.0" in run for run in runs)
    assert flow["env"]["CANDIDATE"] == "models/loan-default/1.0.0"
    promote = flow["jobs"]["promote"]
    assert promote["env"]["IMAGE_DIGEST"] == "${{ needs.build.outputs.digest }}"


def test_workflow_pins_every_action_by_commit_and_says_what_its_signing_proves(bundle):
    text = bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)@(\S+)(.*)$", text, flags=re.M)
    assert len(uses) == 4 * 2 + 2  # checkout and setup-python in 4 jobs, login, build-push
    assert all(re.fullmatch(r"[0-9a-f]{40}", ref) and re.fullmatch(r"  # v\d+\.\d+\.\d+", tag)
               for _, ref, tag in uses), uses
    assert "demonstrate the mechanism; they are not a control" in text.split("\nname:")[0]
    assert "a key CI never holds" in text.split("\nname:")[0]


@pytest.mark.parametrize("field, value", [
    ("image", "ghcr.io/x/y; rm -rf /"), ("namespace", "default\nkind: Secret"),
    ("image_digest", "latest"), ("base_image", "python:3.11 AS evil")])
def test_spec_values_that_would_change_generated_files_are_refused(field, value):
    with pytest.raises(ValueError, match=f"DeploySpec {field}="):
        DeploySpec(**{field: value})


def _checkov() -> str | None:
    """checkov's command: on PATH, beside this Python, or named by DEPLOYDL_CHECKOV.

    checkov pins old versions of common libraries (packaging, networkx), so it is kept out of
    the course's environment: install it with `pipx install checkov` or in its own venv.
    """
    import os
    import shutil
    from pathlib import Path

    named = os.environ.get("DEPLOYDL_CHECKOV")
    beside = Path(sys.executable).parent / "checkov"
    return named or shutil.which("checkov") or (str(beside) if beside.exists() else None)


@pytest.mark.slow
def test_rendered_bundle_passes_checkov_with_only_explained_skips(bundle):
    command = _checkov()
    if command is None:
        pytest.skip("checkov is not installed (pipx install checkov, or set DEPLOYDL_CHECKOV)")
    folder = bundle["k8s.yaml"].parent
    done = subprocess.run([command, "-d", str(folder), "--compact",
                           "--skip-download", "-o", "json"], capture_output=True, text=True,
                          timeout=300)
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert {r["check_type"] for r in reports} >= {"kubernetes", "dockerfile", "github_actions"}
    failed = [(c["check_id"], c["file_path"]) for r in reports
              for c in r["results"].get("failed_checks", [])]
    assert failed == []
    skipped = [c for r in reports for c in r["results"].get("skipped_checks", [])]
    assert sorted(c["check_id"] for c in skipped) == ["CKV_DOCKER_2", "CKV_DOCKER_3",
                                                      "CKV_K8S_43"]
    assert all(len(c["check_result"]["suppress_comment"]) > 40 for c in skipped)  # says why
