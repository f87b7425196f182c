import json
import os
import re
import runpy
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
import yaml

from deploydl.deploy import DeploySpec, GateResult, evaluation_gate, fairness_gate, write_bundle
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
    for kind in ("configmap", "deployment", "service", "horizontalpodautoscaler",
                 "networkpolicy", "poddisruptionbudget"):
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


def test_the_autoscaler_alone_owns_the_replica_count(bundle):
    """A Deployment that sets spec.replicas is scaled back to it on every apply, undoing the
    autoscaler (Kubernetes docs, "Migrating Deployments and StatefulSets to horizontal
    autoscaling"); the HPA's minimum keeps the two replicas."""
    kinds = _kinds(bundle)
    assert "replicas" not in kinds["Deployment"]["spec"]
    hpa = kinds["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": kinds["Deployment"]["metadata"]["name"]}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 6)


def test_one_replica_can_fail_spread_over_nodes_and_drained_one_at_a_time(bundle):
    kinds = _kinds(bundle)
    pod = kinds["Deployment"]["spec"]["template"]
    selector = kinds["Deployment"]["spec"]["selector"]
    assert selector["matchLabels"].items() <= pod["metadata"]["labels"].items()
    [spread] = pod["spec"]["topologySpreadConstraints"]
    assert spread["topologyKey"] == "kubernetes.io/hostname" and spread["maxSkew"] == 1
    assert spread["whenUnsatisfiable"] == "DoNotSchedule"
    assert spread["labelSelector"] == selector and spread["nodeTaintsPolicy"] == "Honor"
    assert spread["matchLabelKeys"] == ["pod-template-hash"]  # each rollout spread on its own
    budget = kinds["PodDisruptionBudget"]
    assert budget["apiVersion"] == "policy/v1" and budget["spec"]["selector"] == selector
    assert budget["spec"]["maxUnavailable"] == 1 and "minAvailable" not in budget["spec"]
    assert budget["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"


def test_a_rollout_keeps_every_replica_and_a_stopping_pod_has_time_to_drain(bundle):
    """A new pod starts before an old one stops (maxUnavailable 0, maxSurge at least 1), so a
    release never serves with fewer replicas. A stopping pod first runs its preStop sleep,
    then the server drains for up to its graceful-shutdown seconds; Kubernetes kills it when
    the grace period, counted from the start of preStop, runs out, so the grace period must
    outlast both."""
    from deploydl.serving.server import GRACEFUL_SECONDS  # uvicorn's timeout_graceful_shutdown

    deployment = _kinds(bundle)["Deployment"]["spec"]
    rollout = deployment["strategy"]
    assert rollout["type"] == "RollingUpdate"
    assert rollout["rollingUpdate"]["maxUnavailable"] == 0
    assert rollout["rollingUpdate"]["maxSurge"] >= 1
    pod = deployment["template"]["spec"]
    sleep, seconds = pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
    assert sleep == "sleep"
    assert pod["terminationGracePeriodSeconds"] > int(seconds) + GRACEFUL_SECONDS


def test_liveness_tolerates_a_busy_pod_while_readiness_stays_strict(bundle):
    """/health answers slowly under a heavy peak; liveness restarts a pod only after about a
    minute without an answer, while readiness takes a slow pod out of traffic within seconds."""
    container = _kinds(bundle)["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    alive, ready = container["livenessProbe"], container["readinessProbe"]
    assert (alive["periodSeconds"], alive["timeoutSeconds"], alive["failureThreshold"]) == (
        10, 5, 6)
    assert alive["periodSeconds"] * alive["failureThreshold"] >= 60
    assert (ready["periodSeconds"], ready["timeoutSeconds"], ready["failureThreshold"]) == (
        5, 2, 3)
    assert ready["timeoutSeconds"] < alive["timeoutSeconds"]


def test_monitoring_may_scrape_metrics_and_pods_say_where(bundle, artifact_dir, tmp_path):
    kinds = _kinds(bundle)
    policy = kinds["NetworkPolicy"]["spec"]
    assert policy["policyTypes"] == ["Ingress"]
    assert [rule["from"] for rule in policy["ingress"]] == [
        [{"podSelector": {}}],
        [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]]
    assert all(rule["ports"] == [{"protocol": "TCP", "port": 8000}]
               for rule in policy["ingress"])
    annotations = kinds["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": "8000",
                           "prometheus.io/path": "/metrics"}
    other = write_bundle(artifact_dir, tmp_path / "other",
                         DeploySpec(monitoring_namespace="observability"))
    rule = _kinds(other)["NetworkPolicy"]["spec"]["ingress"][1]
    assert rule["from"][0]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "observability"}


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
    # decisions go to the function's log stream (CloudWatch), one JSON line each
    assert "\nlog_to_stdout()" in bundle["lambda_handler.py"].read_text(encoding="utf-8")


def test_lambda_entry_point_fails_its_cold_start_without_a_key(bundle, artifact_dir,
                                                              monkeypatch):
    monkeypatch.setenv("DEPLOYDL_MODEL", str(artifact_dir))
    monkeypatch.delenv("DEPLOYDL_API_KEY", raising=False)
    with pytest.raises(RuntimeError, match="DEPLOYDL_API_KEY is not set: this function refuses"):
        runpy.run_path(str(bundle["lambda_handler.py"]))


def test_workflow_chains_test_gates_build_and_promote(bundle):
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    jobs = flow["jobs"]
    assert [jobs[j].get("needs") for j in ("test", "gates", "fairness_review", "build",
                                           "promote")] == \
        [None, "test", "gates", ["gates", "fairness_review"],
         ["gates", "fairness_review", "build"]]
    assert "python -m deploydl.deploy.gates" in json.dumps(jobs["gates"])
    assert jobs["promote"]["environment"] == "production"
    # exit 3 (too close to call) routes the run through the fairness-review environment
    gates_run = jobs["gates"]["steps"][-1]["run"]
    assert '3) echo "review=true"' in gates_run and '*) exit "$code"' in gates_run
    review = jobs["fairness_review"]
    assert review["environment"] == "fairness-review"
    assert review["if"] == "needs.gates.outputs.review == 'true'"
    assert "needs.build.result == 'success'" in jobs["promote"]["if"]
    assert flow["concurrency"] == {"group": "deploy-loan-default", "cancel-in-progress": False}


def test_workflow_promotes_in_the_registry_only_after_the_rollout_and_keeps_the_record(bundle):
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    steps = flow["jobs"]["promote"]["steps"]
    runs = [s.get("run", "") for s in steps]
    where = {key: next(i for i, run in enumerate(runs) if key in run)
             for key in ("check_release", "KUBECONFIG", "deployment\\.kubernetes\\.io/revision",
                         "view-last-applied", "kubectl apply -f", "kubectl rollout status",
                         "--to-revision", 'stage="production"', "git push")}
    assert list(where) == sorted(where, key=where.get)  # check, credentials, revision, ...
    assert "--timeout=5m" in runs[where["kubectl rollout status"]]
    credentials = steps[where["KUBECONFIG"]]
    assert credentials["env"] == {"KUBECONFIG_DATA": "${{ secrets.KUBECONFIG }}"}
    assert "PLACEHOLDER" in credentials["name"]
    record = runs[where["git push"]]
    assert "stages.json" in record and "releases.jsonl" in record
    # the branch may have moved while the run waited for approval: rebase, then push
    assert record.index("git pull --rebase") < record.index("git push")
    assert record.endswith('git push origin "HEAD:$GITHUB_REF_NAME"')
    assert flow["jobs"]["promote"]["permissions"] == {"contents": "write"}
    promote = runs[where['stage="production"']]
    assert "override=" in promote and "checked_at=" in promote and "RELEASE_CHECKED_AT" in promote


def test_the_record_step_ends_quietly_when_the_registry_did_not_change(bundle, tmp_path):
    """Run as the workflow runs it, in a clone: a run for the version already in production
    has nothing to commit and ends with exit 0 and a message; a changed record is pushed."""
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    record = next(s["run"] for s in flow["jobs"]["promote"]["steps"]
                  if "git push" in s.get("run", ""))
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
           "MODEL_NAME": "loan-default", "MODEL_VERSION": "1.0.0", "GITHUB_REF_NAME": "main"}

    def run(*command, cwd=tmp_path):
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=60)

    run("git", "init", "-q", "--bare", "-b", "main", "origin.git")
    run("git", "clone", "-q", "origin.git", "repo")
    repo = tmp_path / "repo"
    stages = repo / "models/loan-default/stages.json"
    stages.parent.mkdir(parents=True)
    stages.write_text('{"production": ["1.0.0"]}\n')
    (stages.parent / "releases.jsonl").write_text('{"version": "1.0.0"}\n')
    run("git", "add", ".", cwd=repo)
    run("git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "init",
        cwd=repo)
    assert run("git", "push", "-q", "origin", "HEAD:main", cwd=repo).returncode == 0

    unchanged = run("bash", "-e", "-c", record, cwd=repo)
    assert unchanged.returncode == 0, unchanged.stderr
    assert "Registry record unchanged: 1.0.0 was already in production." in unchanged.stdout
    stages.write_text('{"production": ["1.0.0", "1.1.0"]}\n')
    changed = run("bash", "-e", "-c", record, cwd=repo)
    assert changed.returncode == 0, changed.stderr
    pushed = run("git", "log", "-1", "--format=%s", "main", cwd=tmp_path / "origin.git")
    assert pushed.stdout.strip() == "Release loan-default 1.0.0: registry record [skip ci]"


def test_workflow_checks_everything_the_registry_checks_before_the_rollout(bundle):
    """The registry's own check runs before the apply, with the window, the emergency and the
    review, and keeps its time for the promotion; the review must name this version."""
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    check = next(s["run"] for s in flow["jobs"]["promote"]["steps"]
                 if "check_release" in s.get("run", ""))
    for part in ("window_from_settings", "EMERGENCY_REASON", "FAIRNESS_REVIEW_REASON",
                 "FAIRNESS_REVIEWER", 'version=os.environ["MODEL_VERSION"]',
                 "GITHUB_ENV", "RELEASE_CHECKED_AT"):
        assert part in check, part
    reviewed = flow["jobs"]["fairness_review"]["steps"][-1]["run"]
    assert '*"$MODEL_VERSION"*) ;;' in reviewed and "exit 1" in reviewed


def test_workflow_check_and_promote_programs_run_and_agree(bundle, artifact_dir, tmp_path):
    """The two python -c programs, run as the workflow runs them: a reason too short to
    audit fails the check (before the rollout); a valid review passes it, and the promotion
    after the rollout, judged at the check's time, records the release."""
    import shlex
    import shutil

    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    runs = [s.get("run", "") for s in flow["jobs"]["promote"]["steps"]]
    check, promote = (shlex.split(next(r for r in runs if key in r))[2]
                      for key in ("check_release", 'stage="production"'))
    shutil.copytree(artifact_dir, tmp_path / "models" / "loan-default" / "1.0.0")
    github_env = tmp_path / "github_env"
    env = {"PATH": "", "HOME": str(tmp_path), "GITHUB_ENV": str(github_env),
           "MODEL_NAME": "loan-default", "MODEL_VERSION": "1.0.0",
           "FAIRNESS_REVIEWER": "Jane Doe", "FAIRNESS_REVIEW_REASON": "approved"}

    def run(program, **more):
        return subprocess.run([sys.executable, "-c", program], env={**env, **more}, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    refused = run(check)
    assert refused.returncode != 0 and "too short to audit" in refused.stderr
    assert not github_env.exists()
    reason = "1.0.0: the range straddles 0.80; fairness checked monthly"
    assert run(check, FAIRNESS_REVIEW_REASON=reason).returncode == 0
    checked = github_env.read_text().strip().split("=", 1)[1]
    done = run(promote, FAIRNESS_REVIEW_REASON=reason, RELEASE_CHECKED_AT=checked)
    assert done.returncode == 0, done.stderr
    (release,) = [json.loads(line) for line in
                  (tmp_path / "models/loan-default/releases.jsonl").read_text().splitlines()]
    assert (release["approver"], release["override"]) == ("Jane Doe", reason)
    assert "checked_at" in release


def test_workflow_undoes_only_a_changed_deployment_to_the_revision_before_it(bundle):
    """Apply and wait are separate steps. The revision is recorded before the apply; the undo
    returns to it, and does nothing when the apply was refused before the Deployment changed
    (an admission webhook; a field the cluster does not know)."""
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    steps = {s.get("id", s.get("name")): s for s in flow["jobs"]["promote"]["steps"]}
    assert steps["apply"]["run"] == "kubectl apply -f build/k8s.yaml"
    assert steps["wait"]["run"].startswith("kubectl rollout status")
    assert "kubectl apply" not in steps["wait"]["run"]
    assert 'echo "revision=$before" >> "$GITHUB_OUTPUT"' in steps["before"]["run"]
    assert "--ignore-not-found" in steps["before"]["run"]
    (undo,) = [s for s in steps.values() if "rollout undo" in s.get("run", "")]
    assert undo["if"] == ("failure() && (steps.wait.outcome == 'failure' || "
                          "steps.apply.outcome == 'failure')")
    assert undo["env"] == {"BEFORE": "${{ steps.before.outputs.revision }}"}
    body = undo["run"]
    assert 'elif [ "$now" = "$BEFORE" ]; then' in body  # unchanged: nothing to undo
    assert '--to-revision="$BEFORE"' in body
    assert body.index('[ -z "$BEFORE" ]') < body.index("rollout undo")  # first rollout


def test_every_workflow_shell_step_is_valid_bash(bundle):
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    for job in flow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                done = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True,
                                      text=True, timeout=30)
                assert done.returncode == 0, (step.get("name"), done.stderr)


def test_workflow_drops_replicas_from_an_earlier_apply_once_before_applying(bundle):
    """A Deployment applied earlier with replicas: 2 would drop to one pod on the first apply
    without it; the workflow removes replicas from the last-applied record first, if there."""
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    runs = [s.get("run", "") for s in flow["jobs"]["promote"]["steps"]]
    migrate = next(i for i, run in enumerate(runs) if "view-last-applied" in run)
    assert migrate < runs.index("kubectl apply -f build/k8s.yaml")
    assert "jq -e '.spec | has(\"replicas\")'" in runs[migrate]
    assert "del(.spec.replicas)" in runs[migrate]
    assert "kubectl apply set-last-applied -f" in runs[migrate]


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
    # a ratio below the limit blocks even when its range reaches above it: never "too close"
    failing = fairness_gate(approved, groups, min_ratio=0.82)
    assert failing.low < 0.82 <= failing.high and not failing.passed
    assert not failing.too_close_to_call and "too close" not in failing.reason
    assert str(failing).startswith("BLOCK fairness: approval ratio 0.81")
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


def test_the_gates_judge_at_the_threshold_the_service_decides_at():
    """One rule for gates and service (decides_at): the recorded threshold, else 0.5. The
    young applicants score 0.3: approved at 0.5, all refused at the break-even 0.2."""
    import pandas as pd

    from deploydl.evaluation.decision import decides_at

    holdout = pd.DataFrame({"default": [0, 1] * 10, "age_band": ["young"] * 10 + ["old"] * 10})
    unrecorded = _FixedScores([0.3] * 10 + [0.1] * 10)
    assert decides_at(unrecorded) == 0.5
    _, fairness = run_gates(unrecorded, holdout)
    assert fairness.passed and fairness.value == 1.0
    recorded = _FixedScores([0.3] * 10 + [0.1] * 10)
    recorded.threshold = 0.2  # as an artifact records it; the service decides there too
    _, fairness = run_gates(recorded, holdout)
    assert not fairness.passed and fairness.value == 0.0


def test_the_gates_command_says_where_it_judges_a_candidate_with_no_threshold(artifact_dir,
                                                                             capsys):
    from deploydl.registry import load_model

    assert getattr(load_model(artifact_dir), "threshold", None) is None
    main([str(artifact_dir), "--min-auc", "0.5", "--min-ratio", "0.5"])
    assert "No threshold is recorded with this candidate: the gates judge it at 0.50" in (
        capsys.readouterr().out)


def test_gates_command_passes_or_blocks_with_exit_codes(artifact_dir, capsys):
    assert main([str(artifact_dir), "--min-auc", "0.5", "--min-ratio", "0.5"]) == 0
    assert main([str(artifact_dir), "--min-auc", "0.99"]) == 1
    assert "BLOCK evaluation: AUC" in capsys.readouterr().out


def test_a_gate_too_close_to_call_exits_3_and_writes_the_step_summary(artifact_dir, monkeypatch,
                                                                      tmp_path, capsys):
    from deploydl.deploy import gates

    close = GateResult("fairness", True, 0.82, 0.8, "approval ratio 0.82", 0.76, 0.88, 346)
    clear = GateResult("evaluation", True, 0.76, 0.7, "AUC 0.760")
    assert close.too_close_to_call and gates.exit_code([clear, close]) == gates.EXIT_TOO_CLOSE
    assert gates.exit_code([clear]) == gates.EXIT_PASSED
    blocked = GateResult("fairness", False, 0.79, 0.8, "approval ratio 0.79", 0.73, 0.85, 346)
    assert gates.exit_code([clear, blocked]) == gates.EXIT_BLOCKED  # blocked wins
    assert gates.exit_code([close, blocked]) == gates.EXIT_BLOCKED
    # its range straddles 0.8, but a ratio below 0.8 blocks: it is not "too close to call"
    assert not blocked.too_close_to_call
    assert "| fairness | BLOCK | approval ratio 0.79 |" in gates.summary_markdown([blocked])
    monkeypatch.setattr(gates, "run_gates", lambda *args, **kwargs: [clear, close])
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main([str(artifact_dir)]) == 3
    assert "fairness review" in capsys.readouterr().out
    assert "| fairness | PASS, too close to call |" in summary.read_text(encoding="utf-8")


def test_the_fairness_gate_blocks_and_says_why_when_nobody_is_approved(artifact_dir,
                                                                       monkeypatch, tmp_path):
    """No approvals, no rates to compare: the gate blocks with the reason, as the evaluation
    gate does, and the command still exits 1 and writes the step summary."""
    import pandas as pd

    holdout = pd.DataFrame({"default": [0, 1] * 10, "age_band": ["young"] * 10 + ["old"] * 10})
    _, fairness = run_gates(_FixedScores([0.9] * 20), holdout)  # all refused at 0.5
    assert not fairness.passed and np.isnan(fairness.value) and fairness.limit == 0.8
    assert str(fairness).startswith("BLOCK fairness: approval ratio not measured, so the gate "
                                    "blocks: No applicant was approved")
    monkeypatch.setattr("deploydl.evaluation.decision.decides_at", lambda model: 0.0)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main([str(artifact_dir)]) == 1
    assert "| fairness | BLOCK | approval ratio not measured" in summary.read_text(
        encoding="utf-8")


@pytest.fixture
def production_registry(model, tmp_path):
    """A registry with the session's model in production."""
    from deploydl.registry import ModelRegistry

    registry = ModelRegistry(tmp_path / "registry")
    registry.register(model)
    registry.promote(model.name, model.version, stage="production")
    return registry


def _break_stages(registry, name):
    (registry.root / name / "stages.json").write_text('{"staging": [], "production": ["1.0')


def _break_weights(registry, name):
    weights = registry.path(name, registry.stage(name, "production")) / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1])


@pytest.mark.parametrize("damage, why", [(_break_stages, "stages.json is not valid JSON"),
                                         (_break_weights, "does not match its manifest")])
def test_a_production_model_that_cannot_be_read_blocks_instead_of_skipping_the_comparison(
        artifact_dir, model, production_registry, monkeypatch, tmp_path, capsys, damage, why):
    args = [str(artifact_dir), "--registry", str(production_registry.root), "--min-auc", "0.5",
            "--min-ratio", "0.5"]
    assert main(args) == 0  # readable: compared, and it is the very same model
    damage(production_registry, model.name)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(args) == 1
    out = capsys.readouterr().out
    assert ("BLOCK production: the production model cannot be read for the comparison (at most "
            "0.01 below its AUC), so the gate blocks: ") in out and why in out
    assert "| production | BLOCK | the production model cannot be read" in summary.read_text(
        encoding="utf-8")


def test_the_gates_read_the_stages_record_once_for_one_comparison(artifact_dir,
                                                                   production_registry,
                                                                   monkeypatch):
    """One decision, one read of stages.json: the version found in production is the one
    loaded, even if a release lands between the two steps."""
    from deploydl.registry import model_registry

    reads = []
    read_stages = model_registry._read_stages

    def counted(path):
        reads.append(path)
        return read_stages(path)

    monkeypatch.setattr(model_registry, "_read_stages", counted)
    assert main([str(artifact_dir), "--registry", str(production_registry.root), "--min-auc",
                 "0.5", "--min-ratio", "0.5"]) == 0
    assert len(reads) == 1


def test_a_registry_with_nothing_in_production_skips_only_the_comparison(artifact_dir,
                                                                        tmp_path, capsys):
    from deploydl.registry import ModelRegistry

    registry = ModelRegistry(tmp_path / "registry")
    assert main([str(artifact_dir), "--registry", str(registry.root), "--min-auc", "0.5",
                 "--min-ratio", "0.5"]) == 0
    assert "nothing to compare with, so the AUC floor alone applies" in capsys.readouterr().out


def test_the_gates_module_runs_as_a_program_without_a_warning():
    done = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m",
                           "deploydl.deploy.gates", "--help"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and "RuntimeWarning" not in done.stderr, done.stderr


@pytest.mark.parametrize("cpu, threads", [("2", 2), ("500m", 1), ("2500m", 2), ("4.0", 4)])
def test_threads_follow_the_cpu_limit(cpu, threads):
    assert cpu_threads(cpu) == threads


@pytest.mark.parametrize("cpu", ["nan", "inf", "-infm", "0", "-1"])
def test_a_cpu_limit_that_is_not_a_positive_finite_number_is_refused(cpu):
    with pytest.raises(ValueError, match=f"cpu must be a positive, finite number.*got '{cpu}'"):
        DeploySpec(cpu=cpu)


@pytest.mark.parametrize("memory, ok", [
    ("512Mi", True), ("1Gi", True), ("0.5Gi", True), ("1500M", True), ("1073741824", True),
    ("lots of it", False), ("", False), ("1 Gi", False), ("1gb", False), ("0Mi", False),
    ("-1Gi", False), ("1Gi\nkind: Secret", False)])
def test_the_memory_limit_must_be_a_kubernetes_quantity(memory, ok):
    if ok:
        assert DeploySpec(memory=memory).memory == memory
    else:
        with pytest.raises(ValueError, match="DeploySpec memory=.*Kubernetes memory quantity"):
            DeploySpec(memory=memory)


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


@pytest.fixture
def other_version(model, tmp_path):
    """The session's model saved again as version 1.1.0: other metadata, no signature."""
    from dataclasses import replace

    from deploydl.registry import save_model

    return save_model(replace(model, version="1.1.0"), tmp_path / "1.1.0").path


def test_a_new_bundle_replaces_the_model_folder_whole(artifact_dir, other_version, tmp_path):
    """No file of the earlier bundle's model stays: a signature of 1.0.0 beside 1.1.0's
    manifest would read as tampering."""
    import shutil

    from deploydl.integrity import sign_artifact

    signed = shutil.copytree(artifact_dir, tmp_path / "signed")
    sign_artifact(signed, key="k" * 32)
    out = tmp_path / "out"
    assert (write_bundle(signed, out)["model"] / "signature.json").is_file()
    model = write_bundle(other_version, out)["model"]
    assert sorted(p.name for p in model.iterdir()) == sorted(
        p.name for p in other_version.iterdir())
    assert json.loads((model / "metadata.json").read_text())["version"] == "1.1.0"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".github"]


def test_a_copy_that_fails_leaves_the_earlier_model_folder_as_it_was(artifact_dir, other_version,
                                                                    tmp_path, monkeypatch):
    import shutil

    out = tmp_path / "out"
    before = (write_bundle(artifact_dir, out)["model"] / "metadata.json").read_text()

    def fails_midway(source, target, **kwargs):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / "metadata.json", target / "metadata.json")
        raise OSError("No space left on device")

    monkeypatch.setattr(shutil, "copytree", fails_midway)
    with pytest.raises(OSError, match="No space left"):
        write_bundle(other_version, out)
    assert (out / "model" / "metadata.json").read_text() == before


def test_a_rename_that_fails_puts_the_earlier_model_folder_back(artifact_dir, other_version,
                                                                tmp_path, monkeypatch):
    """The old model/ is moved aside before the new copy is renamed into place: when that
    rename fails, the old one is moved back, byte for byte."""
    out = tmp_path / "out"
    model = write_bundle(artifact_dir, out)["model"]
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    real_replace = os.replace

    def fails_for_the_copy(source, target):
        if Path(source).name == "new":
            raise OSError("Permission denied")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", fails_for_the_copy)
    with pytest.raises(OSError, match="Permission denied"):
        write_bundle(other_version, out)
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".github"]


def test_a_model_folder_that_cannot_be_put_back_is_kept_and_named(artifact_dir,
                                                                   other_version, tmp_path,
                                                                   monkeypatch):
    out = tmp_path / "out"
    model = write_bundle(artifact_dir, out)["model"]
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    real_replace = os.replace

    def fails_for_the_copy_and_the_way_back(source, target):
        if Path(source).name in ("new", "old") and Path(target).name != "old":
            raise OSError("Permission denied")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", fails_for_the_copy_and_the_way_back)
    with pytest.raises(OSError, match="could not be replaced nor put back; the earlier copy is "
                                      "kept in .*old: move it back") as caught:
        write_bundle(other_version, out)
    kept = Path(str(caught.value).split("kept in ")[1].split(":")[0])
    assert {p.name: p.read_bytes() for p in kept.iterdir()} == before  # nothing lost


def test_workflow_passes_values_through_the_environment_with_least_privilege(bundle):
    flow = yaml.safe_load(bundle[".github/workflows/deploy.yml"].read_text(encoding="utf-8"))
    assert flow["permissions"] == {"contents": "read"}
    assert flow["jobs"]["build"]["permissions"] == {"contents": "read", "packages": "write"}
    runs = [s["run"] for job in flow["jobs"].values() for s in job["steps"] if "run" in s]
    assert not any("loan-default" in run or "1.0.0" in run for run in runs)
    assert flow["env"]["CANDIDATE"] == "models/loan-default/1.0.0"
    promote = flow["jobs"]["promote"]
    assert promote["env"]["IMAGE_DIGEST"] == "${{ needs.build.outputs.digest }}"
    # only the promote job writes to the repository: the registry's record
    assert {job: spec.get("permissions") for job, spec in flow["jobs"].items()
            if "write" in json.dumps(spec.get("permissions", {}))} == {
        "build": {"contents": "read", "packages": "write"}, "promote": {"contents": "write"}}


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
    ("image_digest", "latest"), ("base_image", "python:3.11 AS evil"),
    ("monitoring_namespace", "Monitoring")])
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


def test_the_fairness_gate_names_age_bands_in_plain_words_youngest_first():
    """The reason writes "under 30", not the code's "under_30", youngest band first; bands
    already in plain words read the same."""
    approved = np.array([1, 1, 0, 1, 1, 1, 1, 0, 1])
    groups = ["over_50"] * 3 + ["30_to_50"] * 3 + ["under_30"] * 3
    reason = fairness_gate(approved, groups).reason
    assert "approvals: under 30 67%, 30–50 100%, over 50 67%;" in reason
    plain = fairness_gate(approved, [g.replace("_to_", "–").replace("_", " ") for g in groups])
    assert plain.reason == reason
