"""The CI/CD workflow (GitHub Actions): test, gate, build, promote (Module 04).

A model reaches production only through this chain; each job runs only if the one before
it passed, and promotion waits for a person's approval (a GitHub "environment"). The gates'
exit code (:mod:`deploydl.deploy.gates`) decides the path: 0 goes on, 1 stops the run, and 3
(too close to call) first waits for the ``fairness-review`` environment, whose required
reviewers decide; the reviewer sets the repository variables ``DEPLOYDL_FAIRNESS_REVIEWER`` and
``DEPLOYDL_FAIRNESS_REVIEW_REASON`` before approving (the reason must name the version it
releases, so values left from an earlier review fail instead of being recorded again), and
the registry records both with the release (``releases.jsonl``). Clear both variables after
the release. Create both environments, with required reviewers, in the repository's settings:
without them GitHub runs those jobs without waiting.

The promote job honours the maintenance window (Module 06): with the repository variable
``DEPLOYDL_RELEASE_WINDOW`` set (e.g. ``Sun 02:00-06:00``), a run outside it fails before the
rollout unless the repository variable ``DEPLOYDL_EMERGENCY_REASON`` says what breaks
if the release waits; the registry records that reason with the release. Set it, start the
workflow by hand, and clear it afterwards (GitHub's audit log records who set it). It is a
variable, not a ``workflow_dispatch`` input, so that nothing typed into a run can change what is
built (checkov's CKV_GHA_7).

Everything the registry checks when it promotes (the window or emergency, and a review's
approver and reason) is checked before the rollout, by the same function
(:func:`deploydl.registry.check_release`), and the promotion afterwards is judged at the time
of that check: a release the cluster runs is then always recorded, even if its rollout ends
after the window closed.

The promote job then takes the cluster's credentials (a placeholder step reading the secret
``KUBECONFIG``; a bank uses its cloud's OIDC login instead of a stored file), records the
Deployment's revision, applies the manifests, and waits for ``kubectl rollout status``. If
the wait fails, or the apply failed after it had changed the Deployment, it returns to the
recorded revision (``kubectl rollout undo --to-revision``); an apply refused before the
Deployment changed (an admission webhook, a cluster too old for a field) undoes nothing, so
the version already running stays. Before the apply, it removes ``spec.replicas`` from the
Deployment's last-applied record if an earlier manifest set it (once; see
:mod:`deploydl.deploy.kubernetes`). Only after the rollout does it promote the version in the
registry and commit ``stages.json`` and ``releases.jsonl`` back to the repository (that job
alone may write to it; it rebases on the branch first, which may have moved while the run
waited for approval): the next run's gates compare with that production record, and a
rollback reads its history. If the default branch is protected, push the record to a branch
of its own or keep the registry in shared storage. A ``concurrency`` group lets one release
run at a time, and never cancels one halfway.

Its signing steps demonstrate the mechanism; they are not a control (:data:`HEADER`, the
rendered workflow's first lines, says why and what a bank does instead). Every action is pinned
by its full commit SHA (:data:`ACTIONS`), since a tag can be moved.
"""

from __future__ import annotations

import dataclasses
import json
import re

from deploydl.deploy.bundle import DeploySpec, to_yaml
from deploydl.integrity import check_name, check_version
from deploydl.registry import Artifact

_CPU_TORCH = "pip install torch --index-url https://download.pytorch.org/whl/cpu"

#: Each action the workflow uses, pinned by full commit SHA (a tag can be moved to other code;
#: a commit cannot), with the release tag it was on, written beside it as a comment. Looked up
#: on GitHub in December 2026; update them on purpose (Dependabot proposes new SHAs).
ACTIONS = {
    "actions/checkout": ("11d5960a326750d5838078e36cf38b85af677262", "v4.4.0"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "docker/login-action": ("c94ce9fb468520275223c153574b00df6fe4bcc9", "v3.7.0"),
    "docker/build-push-action": ("10e90e3645eae34f1e60eeb005ba3a3d33f178e8", "v6.19.2"),
}

#: The comment at the top of the rendered workflow: what its signing proves, and what not.
HEADER = """\
# Rendered by deploydl.deploy (Module 04): test -> gates -> [fairness review] -> build ->
# promote, the last after a person approves the "production" environment.
# The gates exit 0 (passed), 1 (blocked: the run stops) or 3 (too close to call: the release
# waits for a person to approve the "fairness-review" environment; set the variables
# DEPLOYDL_FAIRNESS_REVIEWER and DEPLOYDL_FAIRNESS_REVIEW_REASON first, the reason naming the
# version; the registry records them; clear both after the release).
# Promote: check the window and review as the registry will, cluster credentials
# (secrets.KUBECONFIG, a placeholder), record the revision, apply, wait for kubectl rollout
# status (undo to the recorded revision if the Deployment changed and failed), then promote in
# the registry and commit stages.json and releases.jsonl back (contents: write in that job
# only), so the next run and a rollback see the record.
# The signing steps demonstrate the mechanism; they are not a control. CI signs whatever is
# in git, so a swap committed to git would be signed too. A bank signs at the human approval
# step, with a key CI never holds, and checks the signature before the gates run and where the
# model runs (the pod's deploydl serve --signing-key-file).
# Actions are pinned by full commit SHA (the tag is in the comment): a tag can be moved.
"""


def _uses(action: str) -> str:
    return f"{action}@{ACTIONS[action][0]}"


#: The check before the rollout, with the registry's own function (the window, any emergency,
#: and a fairness review's approver and reason, which must name this version); it keeps the
#: time it checked, so the promotion after the rollout is judged at that time.
_CHECK = ("import os, time; from deploydl.monitoring import window_from_settings; "
          "from deploydl.registry import check_release; "
          "from deploydl.settings import get_settings; now = time.time(); "
          "check_release(window_from_settings(get_settings()), now, "
          "emergency=os.environ.get(\"EMERGENCY_REASON\") or None, "
          "override=os.environ.get(\"FAIRNESS_REVIEW_REASON\") or None, "
          "approver=os.environ.get(\"FAIRNESS_REVIEWER\") or None, "
          "version=os.environ[\"MODEL_VERSION\"], "
          "what=\"Releasing \" + os.environ[\"MODEL_NAME\"]); "
          "open(os.environ[\"GITHUB_ENV\"], \"a\").write(f\"RELEASE_CHECKED_AT={now}\\n\")")
#: The promote step, after the rollout: judged at the check's time (without one, now), with
#: any fairness review.
_PROMOTE = ("import os; from deploydl.monitoring import window_from_settings; "
            "from deploydl.registry import ModelRegistry; "
            "from deploydl.settings import get_settings; "
            "checked = os.environ.get(\"RELEASE_CHECKED_AT\"); "
            "ModelRegistry(\"models\", window=window_from_settings(get_settings())).promote("
            "os.environ[\"MODEL_NAME\"], os.environ[\"MODEL_VERSION\"], stage=\"production\", "
            "emergency=os.environ.get(\"EMERGENCY_REASON\") or None, "
            "override=os.environ.get(\"FAIRNESS_REVIEW_REASON\") or None, "
            "approver=os.environ.get(\"FAIRNESS_REVIEWER\") or None, "
            "checked_at=float(checked) if checked else None)")
#: The gates step: exit 0 goes on, 3 asks for the fairness review, anything else stops.
_GATES = """set +e
python -m deploydl.deploy.gates "$CANDIDATE" --registry models
code=$?
set -e
case "$code" in
  0) echo "review=false" >> "$GITHUB_OUTPUT" ;;
  3) echo "review=true" >> "$GITHUB_OUTPUT" ;;
  *) exit "$code" ;;
esac"""
#: The fairness review job's check: the reviewer wrote down who decided and why, for this
#: version (variables left from an earlier review fail here instead of being recorded again).
#: Shell, not check_release: this job checks out and installs nothing (a person approves it),
#: and it fails before the build and the production approval. It is also the only check that
#: a review was written at all (check_release accepts a release without one); _CHECK runs the
#: registry's own checks on the same review before the rollout.
_REVIEWED = """if [ -z "$FAIRNESS_REVIEWER" ] || [ -z "$FAIRNESS_REVIEW_REASON" ]; then
  echo "::error::Set DEPLOYDL_FAIRNESS_REVIEWER and DEPLOYDL_FAIRNESS_REVIEW_REASON first."
  exit 1
fi
case "$FAIRNESS_REVIEW_REASON" in
  *"$MODEL_VERSION"*) ;;
  *) echo "::error::The review reason must name $MODEL_VERSION (left from an earlier review?)"
     exit 1 ;;
esac
echo "Fairness review by $FAIRNESS_REVIEWER: $FAIRNESS_REVIEW_REASON\""""
#: Placeholder credentials: a kubeconfig kept in the secret KUBECONFIG (or use OIDC instead).
_CREDENTIALS = """printf '%s' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig"
chmod 600 "$RUNNER_TEMP/kubeconfig"
echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV\""""
#: The Deployment's revision before this release (empty if it does not exist yet).
_BEFORE = """before=$(kubectl get "deployment/$MODEL_NAME" -n "$NAMESPACE" --ignore-not-found \\
  -o jsonpath='{.metadata.annotations.deployment\\.kubernetes\\.io/revision}')
echo "Revision before this release: ${before:-none}"
echo "revision=$before" >> "$GITHUB_OUTPUT\""""
#: Once, for a Deployment applied earlier with spec.replicas: remove it from the
#: last-applied record, else this apply scales it down to one pod (kubernetes module docstring).
_MIGRATE = """last=$(kubectl apply view-last-applied "deployment/$MODEL_NAME" -n "$NAMESPACE" \\
  -o json 2>/dev/null || true)
if [ -n "$last" ] && printf '%s' "$last" | jq -e '.spec | has("replicas")' > /dev/null; then
  printf '%s' "$last" | jq 'del(.spec.replicas)' > "$RUNNER_TEMP/last-applied.json"
  kubectl apply set-last-applied -f "$RUNNER_TEMP/last-applied.json"
  echo "Removed spec.replicas from the last-applied record: the autoscaler keeps the count."
fi"""
_WAIT = 'kubectl rollout status "deployment/$MODEL_NAME" -n "$NAMESPACE" --timeout=5m'
#: Undo only if the Deployment changed: back to the revision recorded before the apply.
_UNDO = """now=$(kubectl get "deployment/$MODEL_NAME" -n "$NAMESPACE" --ignore-not-found \\
  -o jsonpath='{.metadata.annotations.deployment\\.kubernetes\\.io/revision}')
if [ -z "$BEFORE" ]; then
  echo "::error::The first rollout of $MODEL_NAME failed: no earlier revision to return to."
elif [ "$now" = "$BEFORE" ]; then
  echo "::error::The Deployment was not changed (revision $BEFORE still runs): nothing to undo."
else
  echo "::error::Rollout failed: returning from revision $now to revision $BEFORE."
  kubectl rollout undo "deployment/$MODEL_NAME" -n "$NAMESPACE" --to-revision="$BEFORE"
  kubectl rollout status "deployment/$MODEL_NAME" -n "$NAMESPACE" --timeout=5m
fi"""
#: Commit the registry's record back, so the next run's gates and a rollback can read it.
#: A run for the version already in production (a push that left the model as it was, a
#: re-run) changes no record (ModelRegistry.promote), and ``git commit`` with nothing to
#: commit would fail the job after a good rollout: the step ends there instead. The quoted
#: ``releases.jsonl*`` is git's pattern, not the shell's: it also adds the copy of a cut-off
#: record the registry set aside (``releases.jsonl.torn-*``), so the runner loses no byte.
_RECORD = """git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git add "models/$MODEL_NAME/stages.json" "models/$MODEL_NAME/releases.jsonl*"
if git diff --cached --quiet; then
  echo "Registry record unchanged: $MODEL_VERSION was already in production."
  exit 0
fi
git commit -m "Release $MODEL_NAME $MODEL_VERSION: registry record [skip ci]"
git pull --rebase origin "$GITHUB_REF_NAME"
git push origin "HEAD:$GITHUB_REF_NAME\""""


def _after_review(*jobs: str) -> str:
    """Run after the gates passed, with or without a fairness review (skipped: not needed),
    and after ``jobs`` succeeded. A job that needs a skipped one is skipped too unless its
    ``if`` says otherwise, and ``!cancelled()`` is how it says so."""
    also = "".join(f" && needs.{job}.result == 'success'" for job in jobs)
    return ("${{ !cancelled() && needs.gates.result == 'success' && "
            "(needs.fairness_review.result == 'success' || "
            f"needs.fairness_review.result == 'skipped'){also} }}}}")


def _setup() -> list[dict]:
    return [{"uses": _uses("actions/checkout")},
            {"uses": _uses("actions/setup-python"), "with": {"python-version": "3.11"}},
            {"name": "Install (CPU torch first)",
             "run": f"{_CPU_TORCH}\npip install -e '.[test]'"}]


def _python(program: str) -> str:
    """A ``python -c`` shell line; ``program`` reads every value from the environment."""
    return f"python -c '{program}'"


def _sign() -> dict:
    return {"name": "Sign the release (a demonstration, see the note at the top of this file)",
            "env": {"DEPLOYDL_SIGNING_KEY": "${{ secrets.DEPLOYDL_SIGNING_KEY }}"},
            "run": _python("import os; from deploydl.integrity import sign_artifact; "
                           "sign_artifact(os.environ[\"CANDIDATE\"], "
                           "key=os.environ[\"DEPLOYDL_SIGNING_KEY\"])")}


def _render(*, with_digest: bool) -> dict:
    digest = ", image_digest=os.environ[\"IMAGE_DIGEST\"]" if with_digest else ""
    return {"name": "Render the build folder" + (" (image pinned by digest)" if digest else ""),
            "run": _python("import json, os; from deploydl.deploy import DeploySpec, "
                           "write_bundle; write_bundle(os.environ[\"CANDIDATE\"], \"build\", "
                           f"DeploySpec(**json.loads(os.environ[\"DEPLOY_SPEC\"]){digest}))")}


def render_workflow(artifact: Artifact, spec: DeploySpec) -> dict:
    """The workflow as a dict (write it with ``yaml.safe_dump``).

    The model's name, version and spec reach the jobs only as environment variables (YAML
    strings); no value is pasted into a shell line or a Python program. Only the build job
    may write packages, and only the promote job may write to the repository (the registry's
    record); the others read it.
    """
    name, version = check_name(artifact.metadata["name"]), check_version(artifact.version)
    fields = {k: v for k, v in dataclasses.asdict(spec).items() if k != "image_digest"}
    return {
        "name": f"Deploy {name}",
        "on": {"push": {"branches": ["main"]}, "workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        # one release at a time per model; a release is never cancelled halfway
        "concurrency": {"group": f"deploy-{name}", "cancel-in-progress": False},
        "env": {"IMAGE": spec.image, "MODEL_NAME": name, "MODEL_VERSION": version,
                "NAMESPACE": spec.namespace, "CANDIDATE": f"models/{name}/{version}",
                "DEPLOY_SPEC": json.dumps(fields, sort_keys=True)},
        "jobs": {
            "test": {"runs-on": "ubuntu-latest", "steps": [
                *_setup(), {"name": "Unit and service tests", "run": "python -m pytest -q tests"},
            ]},
            "gates": {"needs": "test", "runs-on": "ubuntu-latest",
                      "outputs": {"review": "${{ steps.gates.outputs.review }}"}, "steps": [
                *_setup(),
                {"id": "gates", "name": "Evaluation and fairness gates (exit 1: a gate blocked, "
                                        "the run stops; exit 3: too close to call, a fairness "
                                        "review decides)",
                 "run": _GATES},
            ]},
            "fairness_review": {
                "needs": "gates", "if": "needs.gates.outputs.review == 'true'",
                "runs-on": "ubuntu-latest", "environment": "fairness-review",
                "env": {"FAIRNESS_REVIEWER": "${{ vars.DEPLOYDL_FAIRNESS_REVIEWER }}",
                        "FAIRNESS_REVIEW_REASON": "${{ vars.DEPLOYDL_FAIRNESS_REVIEW_REASON }}"},
                "steps": [{"name": "The fairness review approved (required reviewers) and "
                                   "wrote down who decided and why",
                           "run": _REVIEWED}]},
            "build": {"needs": ["gates", "fairness_review"], "if": _after_review(),
                      "runs-on": "ubuntu-latest",
                      "permissions": {"contents": "read", "packages": "write"},
                      "outputs": {"digest": "${{ steps.push.outputs.digest }}"}, "steps": [
                *_setup(), _sign(), _render(with_digest=False),
                {"name": "Build the wheel", "run": "pip wheel --no-deps -w build/wheels ."},
                {"uses": _uses("docker/login-action"), "with": {
                    "registry": "ghcr.io", "username": "${{ github.actor }}",
                    "password": "${{ secrets.GITHUB_TOKEN }}"}},
                {"id": "push", "uses": _uses("docker/build-push-action"), "with": {
                    "context": "build", "push": True,
                    "tags": "${{ env.IMAGE }}:${{ env.MODEL_VERSION }}"}},
            ]},
            "promote": {"needs": ["gates", "fairness_review", "build"],
                        "if": _after_review("build"),
                        "runs-on": "ubuntu-latest", "environment": "production",
                        "permissions": {"contents": "write"},
                        "env": {"IMAGE_DIGEST": "${{ needs.build.outputs.digest }}",
                                "DEPLOYDL_RELEASE_WINDOW": "${{ vars.DEPLOYDL_RELEASE_WINDOW }}",
                                "EMERGENCY_REASON": "${{ vars.DEPLOYDL_EMERGENCY_REASON }}",
                                "FAIRNESS_REVIEWER": "${{ needs.gates.outputs.review == 'true' "
                                                     "&& vars.DEPLOYDL_FAIRNESS_REVIEWER || '' }}",
                                "FAIRNESS_REVIEW_REASON":
                                    "${{ needs.gates.outputs.review == 'true' && "
                                    "vars.DEPLOYDL_FAIRNESS_REVIEW_REASON || '' }}"},
                        "steps": [
                *_setup(), _sign(),
                {"name": "Check the release before the rollout: the maintenance window (or a "
                         "declared emergency) and any fairness review, as the registry will",
                 "run": _python(_CHECK)},
                _render(with_digest=True),
                {"name": "Cluster credentials (PLACEHOLDER: a kubeconfig in secrets.KUBECONFIG; "
                         "prefer your cloud's OIDC login action)",
                 "env": {"KUBECONFIG_DATA": "${{ secrets.KUBECONFIG }}"},
                 "run": _CREDENTIALS},
                {"id": "before", "name": "Record the Deployment's revision before the release",
                 "run": _BEFORE},
                {"name": "Once: drop replicas from an earlier apply's record (else this apply "
                         "scales to one pod)",
                 "run": _MIGRATE},
                {"id": "apply", "name": "Apply the manifests",
                 "run": "kubectl apply -f build/k8s.yaml"},
                {"id": "wait", "name": "Wait until every new pod is ready", "run": _WAIT},
                {"name": "Undo the rollout if the Deployment changed and did not become ready",
                 "if": "failure() && (steps.wait.outcome == 'failure' || "
                       "steps.apply.outcome == 'failure')",
                 "env": {"BEFORE": "${{ steps.before.outputs.revision }}"},
                 "run": _UNDO},
                {"name": "Promote the model in the registry, after the rollout succeeded "
                         "(rollback: registry.rollback)",
                 "run": _python(_PROMOTE)},
                {"name": "Keep the registry record (stages.json, releases.jsonl) in the "
                         "repository",
                 "run": _RECORD},
            ]},
        },
    }


def workflow_yaml(artifact: Artifact, spec: DeploySpec) -> str:
    """The workflow file's text: :data:`HEADER`, then the YAML, each pinned action followed
    by its release tag as a comment (``uses: actions/checkout@<sha>  # v4.4.0``)."""
    text = to_yaml([render_workflow(artifact, spec)])
    tags = dict(ACTIONS.values())
    text = re.sub(r"^(\s*(?:- )?uses: \S+@([0-9a-f]{40}))$",
                  lambda m: f"{m.group(1)}  # {tags[m.group(2)]}", text, flags=re.MULTILINE)
    return HEADER + text
